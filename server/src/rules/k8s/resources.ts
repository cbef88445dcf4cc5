import type { Span, TextEdit } from '../../engine/core/finding';
import type { Container } from '../../engine/model/k8s';
import { containerLabel, containerSpan, isAuthoredContainer } from '../../engine/model/k8sContainer';
import { missingAsDeployed } from '../../engine/model/deployed';
import { defineRule } from '../../engine/core/rule';
import { appendToFlowMap, insertMapEntry, joinInsertions, replaceEmptyValue } from '../../engine/edits/yamlEdit';
import { type Field, isMap, isScalar, mapFields, type YamlDoc, type YamlFile, type YAMLMap } from '../../engine/yaml/yamlFile';

type Section = 'requests' | 'limits';
type Resource = 'cpu' | 'memory';
interface Missing {
  section: Section;
  resource: Resource;
}

// Kubernetes quantities as the fix writes them: millicores or cores; bytes with a decimal or binary suffix (not `m`, a classic typo for M).
const CPU_QUANTITY = /^([0-9]+m|[0-9]+(\.[0-9]+)?)$/;
const MEMORY_QUANTITY = /^[0-9]+(\.[0-9]+)?(k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

const ORDER: Missing[] = [
  { section: 'requests', resource: 'cpu' },
  { section: 'requests', resource: 'memory' },
  { section: 'limits', resource: 'cpu' },
  { section: 'limits', resource: 'memory' },
];

export default defineRule({
  id: 'k8s/resources',
  presets: { recommended: 'off', strict: 'warning' },
  dora: ['change-failure-rate', 'time-to-restore'],
  capabilities: ['flexible-infrastructure'],
  fixable: 'suggestion',
  options: {
    requestsCpu: { type: 'string', pattern: CPU_QUANTITY, default: '250m', description: 'The `requests.cpu` the suggested fix inserts: millicores such as `250m`, or cores such as `0.5`.' },
    requestsMemory: { type: 'string', pattern: MEMORY_QUANTITY, default: '256Mi', description: 'The `requests.memory` the suggested fix inserts: bytes, with a suffix such as `Mi` or `G`.' },
    limitsCpu: { type: 'string', pattern: CPU_QUANTITY, default: '500m', description: 'The `limits.cpu` the suggested fix inserts: millicores such as `250m`, or cores such as `0.5`.' },
    limitsMemory: { type: 'string', pattern: MEMORY_QUANTITY, default: '512Mi', description: 'The `limits.memory` the suggested fix inserts: bytes, with a suffix such as `Mi` or `G`.' },
  },
  messages: {
    none: (container: string, overlays = '') =>
      `${container} sets no resource requests or limits: the scheduler places it blind, and one leaking or busy pod can starve everything else on its node.${overlays}`,
    noCpuMemory: (container: string, others: string, overlays = '') =>
      `${container} sets ${others} but no cpu or memory requests or limits: the scheduler reserves no CPU or memory for it, and one leaking or busy pod can starve everything else on its node.${overlays}`,
    memoryLimit: (container: string, overlays = '') =>
      `${container} has requests but no memory limit: a leak can grow until its node runs short of memory, which slows or evicts the pods beside it. Leaving it out can be deliberate (the pod may then use the node's spare memory rather than be killed at a fixed limit), so this is only a note.${overlays}`,
    missing: (container: string, missing: string, overlays = '') =>
      `${container} does not set ${missing}. ${consequences(missing)}${overlays}`,
    cpuLimit: (container: string, overlays = '') =>
      `${container} has no CPU limit: a busy pod can take CPU its neighbours were counting on. Leaving it out can be deliberate (CPU limits throttle), so this is only a note.${overlays}`,
  },
  docs: {
    summary: 'Containers should set CPU and memory requests and limits.',
    rationale:
      'Requests are what the scheduler reserves: without them it packs pods onto nodes by count, and under load they fight over CPU and memory that was never reserved for them. Limits bound the damage one pod can do: without a memory limit a leak grows until the kernel kills whatever it picks on the node, which may be a different, healthy service. Pods without requests are also the first to be evicted under node pressure, so the service that did not declare what it needs is the one that disappears.',
    symptom:
      'Latency spikes and OOMKilled or evicted pods on busy nodes, noisy-neighbour incidents that move around the cluster, and autoscaling that does not react because there is no request to measure utilisation against.',
    fix: 'Set `resources.requests` (cpu, memory) to what the container typically uses and `resources.limits` to the most it may use. The suggested fix inserts only the missing keys with defaults of 250m CPU / 256Mi memory for requests and 500m / 512Mi for limits (configurable as `requestsCpu`, `requestsMemory`, `limitsCpu`, `limitsMemory`); tune them to measured usage. A limit without a request counts as both (Kubernetes copies it). When the requests are set, each missing limit is only a note (info): many leave limits out on purpose, the CPU limit because it throttles, the memory limit so that the pod may use spare memory on its node; the CPU-limit note is given in the `strict` preset only. A container that sets only other resources (a GPU, ephemeral storage) is told that cpu and memory are missing. Init containers and Kustomize patches are not checked; a Kustomize base is judged as its overlays deploy it (what a patch of every overlay sets counts).',
    bad: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:2.1.0
`,
    good: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:2.1.0
          resources:
            requests: { cpu: 250m, memory: 256Mi }
            limits: { cpu: 500m, memory: 512Mi }
`,
  },
  visit: {
    container(container, ctx) {
      if (!isAuthoredContainer(ctx.doc, container) || container.pod.owner.partial) return;
      const resources = container.fields.get('resources');
      const sections = readSections(ctx.doc, resources);
      if (!sections) return;
      const has = (section: Section, resource: Resource): boolean => sections[section]?.fields.has(resource) ?? false;
      // Kubernetes copies a limit into a missing request of the same resource.
      const written = ORDER.filter(({ section, resource }) => !has(section, resource) && !(section === 'requests' && has('limits', resource)));
      if (written.length === 0) return;
      // A base is judged as its kustomize overlays deploy it: what every overlay's patch sets is not missing.
      let note = '';
      const missing = written.filter(({ section, resource }) => {
        const deployed = missingAsDeployed(ctx, container, (variant) => variant.has('resources', section, resource) || (section === 'requests' && variant.has('resources', 'limits', resource)));
        if (deployed?.note) note ||= deployed.note;
        return deployed !== undefined;
      });
      if (missing.length === 0) return;

      const defaults: Record<Section, Record<Resource, string>> = {
        requests: { cpu: ctx.option('requestsCpu'), memory: ctx.option('requestsMemory') },
        limits: { cpu: ctx.option('limitsCpu'), memory: ctx.option('limitsMemory') },
      };
      const label = containerLabel(container);
      const fixFor = (which: Missing[]) => {
        const edits = insertMissing(ctx.file, container, resources, sections, which, defaults);
        return edits ? { fix: { title: `Add ${which.map(describe).join(', ')}`, edits } } : {};
      };
      const spanFor = (which: Missing[]) => findingSpan(container, resources, sections, which);
      if (missing.length === ORDER.length) {
        // Other resources (a GPU, ephemeral storage) are set: the message must not say none are.
        const others = [...new Set(Object.values(sections).flatMap((section) => [...section.fields.keys()]))];
        if (others.length > 0) ctx.report({ span: spanFor(missing), message: 'noCpuMemory', args: [label, others.map((name) => `'${name}'`).join(', '), note], ...fixFor(missing) });
        else ctx.report({ span: spanFor(missing), message: 'none', args: [label, note], ...fixFor(missing) });
      } else if (missing.some((m) => m.section === 'requests')) {
        ctx.report({ span: spanFor(missing), message: 'missing', args: [label, missing.map(describe).join(', '), note], ...fixFor(missing) });
      } else {
        // Requests are set: leaving limits out is a deliberate Burstable choice for many, so each missing limit is only a note.
        for (const limit of missing) {
          const which = [limit];
          if (limit.resource === 'memory') ctx.report({ span: spanFor(which), message: 'memoryLimit', args: [label, note], severity: 'info', ...fixFor(which) });
          // Leaving out CPU limits is a common, deliberate choice (they throttle): a note for strict only.
          else if (ctx.preset !== 'recommended') ctx.report({ span: spanFor(which), message: 'cpuLimit', args: [label, note], severity: 'info', ...fixFor(which) });
        }
      }
    },
  },
});

function consequences(missing: string): string {
  const reasons = [
    missing.includes('requests.') ? 'without requests the scheduler over-packs nodes and the pod is among the first evicted under pressure' : '',
    missing.includes('limits.memory') ? "without a memory limit one leaking pod can exhaust its node's memory" : '',
    missing.includes('limits.cpu') ? 'without a CPU limit a busy pod can take CPU its neighbours were counting on' : '',
  ].filter(Boolean);
  const sentence = reasons.join('; ');
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}

interface SectionNode {
  field: Field;
  map: YAMLMap | undefined;
  fields: Map<string, Field>;
}

/** `requests` and `limits` of a resources block; undefined when the block is not something we can read (a template string). */
function readSections(yaml: YamlDoc, resources: Field | undefined): Partial<Record<Section, SectionNode>> | undefined {
  if (!resources) return {};
  const value = resources.value;
  if (value === undefined || (isScalar(value) && value.value === null)) return {};
  if (!isMap(value)) return undefined;
  const fields = mapFields(yaml, value);
  const sections: Partial<Record<Section, SectionNode>> = {};
  for (const section of ['requests', 'limits'] as const) {
    const field = fields.get(section);
    if (!field) continue;
    const node = field.value;
    if (isMap(node)) sections[section] = { field, map: node, fields: mapFields(yaml, node) };
    else if (node === undefined || (isScalar(node) && node.value === null)) sections[section] = { field, map: undefined, fields: new Map() };
    else return undefined;
  }
  return sections;
}

function describe({ section, resource }: Missing): string {
  return `${section}.${resource}`;
}

function findingSpan(container: Container, resources: Field | undefined, sections: Partial<Record<Section, SectionNode>>, missing: Missing[]): Span {
  if (!resources) return containerSpan(container);
  const only = missing.every((m) => m.section === missing[0]!.section) ? sections[missing[0]!.section] : undefined;
  return only ? only.field.keySpan : resources.keySpan;
}

function insertMissing(
  file: YamlFile,
  container: Container,
  resources: Field | undefined,
  sections: Partial<Record<Section, SectionNode>>,
  missing: Missing[],
  defaults: Record<Section, Record<Resource, string>>,
): TextEdit[] | undefined {
  const bySection = (section: Section) => missing.filter((m) => m.section === section).map((m) => `${m.resource}: ${defaults[section][m.resource]}`);
  const wholeSection = (section: Section) => `${section}:\n${bySection(section).map((line) => `  ${line}`).join('\n')}`;
  const sectionsToAdd = (['requests', 'limits'] as const).filter((section) => bySection(section).length > 0 && !sections[section]);
  const edits: TextEdit[] = [];

  if (resources && isShared(container, resources, sections)) return undefined;
  if (!resources) {
    const insertion = insertMapEntry(file, container.node, `resources:\n${sectionsToAdd.map(wholeSection).join('\n').replace(/^/gm, '  ')}`);
    return insertion && [insertion];
  }
  // Existing sections first: their lines go before any section appended after them at the same place.
  for (const section of ['requests', 'limits'] as const) {
    const node = sections[section];
    const entries = bySection(section);
    if (!node || entries.length === 0) continue;
    if (node.map?.flow) {
      if (node.map.items.length === 0) {
        const replaced = replaceEmptyValue(file, node.field.key, node.map, entries.join('\n'));
        if (!replaced) return undefined;
        edits.push(...replaced);
        continue;
      }
      const edit = appendToFlowMap(file, node.map, entries.join(', '));
      if (!edit) return undefined;
      edits.push(edit);
    } else if (node.map) {
      const insertion = insertMapEntry(file, node.map, entries.join('\n'));
      if (!insertion) return undefined;
      edits.push(insertion);
    } else {
      const replaced = replaceEmptyValue(file, node.field.key, node.field.value, entries.join('\n'));
      if (!replaced) return undefined;
      edits.push(...replaced);
    }
  }
  if (sectionsToAdd.length > 0) {
    const value = resources.value;
    const block = sectionsToAdd.map(wholeSection).join('\n');
    if (isMap(value) && value.flow && value.items.length > 0) {
      const flow = sectionsToAdd.map((section) => `${section}: { ${bySection(section).join(', ')} }`).join(', ');
      const edit = appendToFlowMap(file, value, flow);
      if (!edit) return undefined;
      edits.push(edit);
    } else if (isMap(value) && !value.flow) {
      const insertion = insertMapEntry(file, value, block);
      if (!insertion) return undefined;
      edits.push(insertion);
    } else {
      const replaced = replaceEmptyValue(file, resources.key, value, block);
      if (!replaced) return undefined;
      edits.push(...replaced);
    }
  }
  // Insertions at one place go in the order made: a section's own entries before sections added after it.
  const all = joinInsertions(edits);
  return overlapFree(all) ? all : undefined;
}

// An anchored block may be used elsewhere too (`resources: *small`), and a merged-in key lives elsewhere: editing either edits others.
function isShared(container: Container, resources: Field, sections: Partial<Record<Section, SectionNode>>): boolean {
  if (!container.node.items.some((pair) => pair.key === resources.key)) return true;
  return [resources.value, sections.requests?.map, sections.limits?.map].some((node) => node !== undefined && node !== null && 'anchor' in node && node.anchor !== undefined);
}

function overlapFree(edits: TextEdit[]): boolean {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  return sorted.every((edit, i) => i === 0 || (edit.start >= sorted[i - 1]!.end && edit.start !== sorted[i - 1]!.start));
}
