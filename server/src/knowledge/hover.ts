import { classify } from '../engine/core/classify';
import type { Span } from '../engine/core/finding';
import { isRollout, type Container, type K8sObject } from '../engine/model/k8s';
import { flaggerCanaryOf, isFlaggerCanary } from '../engine/model/flagger';
import { rolloutOf } from '../engine/model/rollout';
import type { Workflow } from '../engine/model/workflow';
import { nodePathAt, type NodePath } from '../engine/yaml/nodePath';
import { isMap, mapFields, scalarToString, type YamlFile } from '../engine/yaml/yamlFile';
import { CheckedTogether, listedObjects, type IndexView, type ProjectIndex } from '../engine/core/projectIndex';
import { ownObjects } from '../engine/core/lint';
import { expressionHover } from './expressionNavigation';
import { probeHoverMarkdown, type ProbeKind } from './probes';
import { strategyHoverMarkdown } from './strategies';
import { disruptionBudgetMarkdown, rolloutNumbersMarkdown, securityContextMarkdown } from './k8sHovers';
import { blueGreenTimelineMarkdown, canaryTimelineMarkdown, flaggerTimelineMarkdown } from './timeline';
import { needsHoverMarkdown, onHoverMarkdown, workflowKeyMarkdown } from './workflowKeys';

export interface KnowledgeHover {
  markdown: string;
  span: Span;
}

const PROBES = new Set<string>(['readinessProbe', 'livenessProbe', 'startupProbe']);
const JOB_KEYS = new Set(['permissions', 'environment', 'timeout-minutes', 'concurrency', 'services']);

/**
 * Explanations of the key under the cursor (strategy, steps, probes, workflow keys), or of the context path under it
 * inside `${{ }}` (its type and where its value comes from), independent of findings. `index`: the files checked
 * together, for the outputs of local actions and reusable workflows.
 */
export function knowledgeHover(file: YamlFile, offset: number, index?: ProjectIndex): KnowledgeHover | undefined {
  const expression = expressionHover(file, offset, index);
  if (expression) return expression;
  const at = nodePathAt(file, offset);
  if (!at) return undefined;
  const classified = classify(file, at.doc);
  if (classified.type === 'workflow' && classified.workflow.kind === 'workflow') return workflowHover(classified.workflow, at);
  if (classified.type === 'k8s' && classified.objects.length === 1) return k8sHover(classified.objects[0]!, at, () => togetherView(file, index));
  return undefined;
}

/** The objects checked together with the file (its own, and those the index lists with it), as rules see them. */
function togetherView(file: YamlFile, index: ProjectIndex | undefined): IndexView {
  const classified = file.documents.map((yaml) => (yaml.hasErrors ? undefined : classify(file, yaml)));
  return new CheckedTogether(
    function* () {
      yield* ownObjects(file, classified);
      yield* listedObjects(index, file.path);
    },
    () => [],
    { index, path: file.path },
  ).view(undefined, 'editor');
}

function workflowHover(workflow: Workflow, at: NodePath): KnowledgeHover | undefined {
  const { path, keySpan } = at;
  if (!keySpan) return undefined;
  const key = path[path.length - 1];
  const hover = (markdown: string | undefined) => (markdown ? { markdown, span: keySpan } : undefined);
  if (path.length === 1 && key === 'on') return hover(onHoverMarkdown(workflow));
  if (path.length === 1 && (key === 'permissions' || key === 'concurrency')) return hover(workflowKeyMarkdown(key));
  if (path[0] !== 'jobs' || typeof path[1] !== 'string') return undefined;
  const job = workflow.jobs.find((candidate) => candidate.id === path[1]);
  if (path.length === 3 && key === 'needs') return hover(needsHoverMarkdown(workflow, job));
  if (path.length === 3 && typeof key === 'string' && JOB_KEYS.has(key)) return hover(workflowKeyMarkdown(key));
  if (path.length === 4 && path[2] === 'permissions' && key === 'id-token') return hover(workflowKeyMarkdown('id-token'));
  return undefined;
}

function k8sHover(object: K8sObject, at: NodePath, together: () => IndexView): KnowledgeHover | undefined {
  const { path, keySpan } = at;
  const key = path[path.length - 1];
  // On `strategy:` of a Deployment or Rollout: the release techniques compared, the file's own first, with what its
  // numbers mean for this replica count.
  if (keySpan && path.length === 2 && path[0] === 'spec' && key === 'strategy') {
    const name = strategyName(object, at);
    const markdown = strategyHoverMarkdown(name, rolloutNumbersMarkdown(object, at.doc, name));
    return markdown ? { markdown, span: keySpan } : undefined;
  }
  if (keySpan && key === 'securityContext') {
    const container = containerAt(object, at);
    const pod = container?.pod ?? object.podSpecs.find((candidate) => candidate.node === at.nodes[at.nodes.length - 1]);
    if (pod) {
      const context = (container ?? pod).fields.get('securityContext')?.value;
      return { markdown: securityContextMarkdown(at.doc, context, pod.fields.get('securityContext')?.value, container), span: keySpan };
    }
  }
  if (keySpan && object.kind === 'PodDisruptionBudget' && path[0] === 'spec' && (path.length === 1 || (path.length === 2 && (key === 'minAvailable' || key === 'maxUnavailable')))) {
    return { markdown: disruptionBudgetMarkdown(object, at.doc, together()), span: keySpan };
  }
  // On `steps:` or anywhere in a step of a Rollout's canary: the timeline.
  if (isRollout(object) && path[0] === 'spec' && path[1] === 'strategy' && path[3] === 'steps') {
    const rollout = rolloutOf(object, at.doc);
    if (!rollout?.canary) return undefined;
    const span = keySpan ?? rollout.canary.stepsKeySpan;
    return span ? { markdown: canaryTimelineMarkdown(rollout.canary), span } : undefined;
  }
  if (keySpan && isRollout(object) && path.length === 3 && path[1] === 'strategy' && key === 'blueGreen') {
    const rollout = rolloutOf(object, at.doc);
    return rollout?.blueGreen ? { markdown: blueGreenTimelineMarkdown(rollout.blueGreen), span: keySpan } : undefined;
  }
  // On a Flagger Canary's `analysis:` (or a key right inside it): the analysis timeline.
  if (keySpan && isFlaggerCanary(object) && path[0] === 'spec' && (path[1] === 'analysis' || path[1] === 'canaryAnalysis') && path.length <= 3) {
    const analysis = flaggerCanaryOf(object, at.doc)?.analysis;
    return analysis && analysis.key === path[1] ? { markdown: flaggerTimelineMarkdown(analysis), span: keySpan } : undefined;
  }
  if (keySpan && typeof key === 'string' && PROBES.has(key)) {
    const container = containerAt(object, at);
    return container ? { markdown: probeHoverMarkdown(container, key as ProbeKind), span: keySpan } : undefined;
  }
  return undefined;
}

function strategyName(object: K8sObject, at: NodePath): string {
  const spec = object.fields.get('spec')?.value;
  const strategy = isMap(spec) ? mapFields(at.doc, spec).get('strategy')?.value : undefined;
  if (!isMap(strategy)) return object.kind === 'Deployment' ? 'RollingUpdate' : '';
  const fields = mapFields(at.doc, strategy);
  if (isRollout(object)) return fields.has('canary') ? 'canary' : fields.has('blueGreen') ? 'blueGreen' : '';
  return scalarToString(fields.get('type')?.value) ?? 'RollingUpdate';
}

/** The container whose map encloses the cursor (the node just before the probe key on the path). */
function containerAt(object: K8sObject, at: NodePath): Container | undefined {
  const containerNode = at.nodes[at.nodes.length - 1];
  for (const pod of object.podSpecs) {
    for (const container of [...pod.containers, ...pod.initContainers]) {
      if (container.node === containerNode) return container;
    }
  }
  return undefined;
}
