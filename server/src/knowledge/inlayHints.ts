import { classify } from '../engine/core/classify';
import type { Span } from '../engine/core/finding';
import { formatSeconds } from '../engine/languages/duration';
import { type K8sObject, type Probe, probeTimings } from '../engine/model/k8s';
import { readAsCall, type Workflow } from '../engine/model/workflow';
import { type Field, isMap, mapFields, scalarToString, type YamlDoc, type YamlFile } from '../engine/yaml/yamlFile';

/** A value the editor shows inline, right after a key, because the file leaves it implicit or it must be worked out. */
export interface KnowledgeInlayHint {
  /** Where the hint goes: just after the key's colon. */
  offset: number;
  label: string;
  /** The sentence behind the label. */
  tooltip: string;
}

/** GitHub cancels a job after this many minutes when it sets no `timeout-minutes`. */
const GITHUB_JOB_TIMEOUT_MINUTES = 360;

/**
 * The file's inlay hints: a job's default timeout, each probe's failure window, a Deployment's default rolling-update
 * bounds. Only values the file does not spell out, and only where they change what happens.
 */
export function inlayHints(file: YamlFile): KnowledgeInlayHint[] {
  const hints: KnowledgeInlayHint[] = [];
  for (const doc of file.documents) {
    const classified = classify(file, doc);
    if (classified.type === 'workflow') hints.push(...workflowHints(file, classified.workflow));
    else if (classified.type === 'k8s') for (const object of classified.objects) hints.push(...objectHints(file, doc, object));
  }
  return hints;
}

function workflowHints(file: YamlFile, workflow: Workflow): KnowledgeInlayHint[] {
  if (workflow.kind !== 'workflow') return [];
  // As gha/job-timeout: a reusable-workflow call runs the callee's jobs, with the callee's timeouts.
  return workflow.jobs
    .filter((job) => !job.synthetic && job.fields.has('runs-on') && job.call === undefined && !readAsCall(job) && !job.fields.has('timeout-minutes'))
    .map((job) => ({
      offset: afterColon(file, job.idSpan),
      label: `timeout-minutes: ${GITHUB_JOB_TIMEOUT_MINUTES}`,
      tooltip: `No 'timeout-minutes': GitHub cancels this job only after ${GITHUB_JOB_TIMEOUT_MINUTES} minutes (6 hours).`,
    }));
}

function objectHints(file: YamlFile, doc: YamlDoc, object: K8sObject): KnowledgeInlayHint[] {
  const hints: KnowledgeInlayHint[] = [];
  const strategy = deploymentStrategyHint(file, doc, object);
  if (strategy) hints.push(strategy);
  for (const pod of object.podSpecs) {
    for (const container of [...pod.containers, ...pod.initContainers]) {
      for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
        const probe = container[kind];
        const hint = probe && probeHint(file, probe, kind, object.partial);
        if (hint) hints.push(hint);
      }
    }
  }
  return hints;
}

/** When the probe acts on a check that keeps failing: `failureThreshold × periodSeconds`, defaults filled in. */
function probeHint(file: YamlFile, probe: Probe, kind: 'startupProbe' | 'readinessProbe' | 'livenessProbe', partial: boolean): KnowledgeInlayHint | undefined {
  const timings = probeTimings(probe, partial);
  if (!timings) return undefined;
  const { initialDelaySeconds: delay, failureThreshold: threshold, periodSeconds: period } = timings;
  const window = threshold * period;
  const product = `${threshold} × ${formatSeconds(period)}`;
  const offset = afterColon(file, probe.keySpan);
  if (kind === 'startupProbe') {
    const start = delay + window;
    return {
      offset,
      label: `${formatSeconds(start)} to start (${delay > 0 ? `${formatSeconds(delay)} + ` : ''}${product})`,
      tooltip: `The container is restarted when it has not passed this probe ${formatSeconds(start)} after it started (initialDelaySeconds + failureThreshold × periodSeconds).`,
    };
  }
  if (kind === 'readinessProbe') {
    const first = delay > 0 ? `ready after ${formatSeconds(delay)} at the soonest · ` : '';
    return {
      offset,
      label: `${first}unready after ${formatSeconds(window)} (${product})`,
      tooltip: `The pod is taken out of its Services after ${formatSeconds(window)} of failed checks (failureThreshold × periodSeconds)${delay > 0 ? `, and cannot be ready before the first check at ${formatSeconds(delay)} (initialDelaySeconds)` : ''}.`,
    };
  }
  return {
    offset,
    label: `restarted after ${formatSeconds(window)} (${product})`,
    tooltip: `The container is restarted after ${formatSeconds(window)} of failed checks (failureThreshold × periodSeconds).`,
  };
}

/** Kubernetes' bounds for a Deployment's rolling update when `rollingUpdate` leaves them out, and what they mean. */
const ROLLING_UPDATE_DEFAULTS = [
  ['maxSurge', '25%', 'a rollout may add up to a quarter more pods than replicas (rounded up)'],
  ['maxUnavailable', '25%', 'it may take up to a quarter of the replicas out of service at once (rounded down)'],
] as const;

/** A Deployment's `strategy:` (or `rollingUpdate:`) that leaves `maxSurge` or `maxUnavailable` to the defaults. */
function deploymentStrategyHint(file: YamlFile, doc: YamlDoc, object: K8sObject): KnowledgeInlayHint | undefined {
  // A patch leaves the bounds to its base.
  if (object.kind !== 'Deployment' || object.partial) return undefined;
  const spec = object.fields.get('spec')?.value;
  const strategy = isMap(spec) ? mapFields(doc, spec).get('strategy') : undefined;
  if (!strategy || !isMap(strategy.value)) return undefined;
  const fields = mapFields(doc, strategy.value);
  const type = fields.get('type');
  if (type && scalarToString(type.value) !== 'RollingUpdate') return undefined;
  const rolling: Field | undefined = fields.get('rollingUpdate');
  const bounds = rolling && isMap(rolling.value) ? mapFields(doc, rolling.value) : new Map<string, Field>();
  const missing = ROLLING_UPDATE_DEFAULTS.filter(([key]) => !bounds.has(key));
  if (missing.length === 0) return undefined;
  return {
    offset: afterColon(file, rolling && isMap(rolling.value) ? rolling.keySpan : strategy.keySpan),
    label: missing.map(([key, value]) => `${key} ${value}`).join(' · '),
    tooltip: `Kubernetes' default${missing.length === 1 ? '' : 's'}, as nothing sets ${missing.map(([key]) => `'${key}'`).join(' or ')}: ${missing.map(([, , meaning]) => meaning).join(', and ')}.`,
  };
}

/** Just after the colon that ends a key (the key's end when none follows it on the line). */
function afterColon(file: YamlFile, key: Span): number {
  const colon = /^[ \t]*:/.exec(file.text.slice(key.end, key.end + 80));
  return colon ? key.end + colon[0].length : key.end;
}
