import type { IndexView } from '../engine/core/projectIndex';
import type { Container, K8sObject } from '../engine/model/k8s';
import { podMakers, readLabelSelector, replicasOf, REPLICATED_KINDS, selects } from '../engine/model/k8sSelection';
import { isMap, isSeq, mapFields, scalarToString, type Node, type YamlDoc } from '../engine/yaml/yamlFile';

// Hovers on a workload's rollout numbers, a securityContext and a PodDisruptionBudget: what the numbers written in
// the file mean for this object. Facts from the Kubernetes documentation; the words are ours.

/** An `int-or-percent` as Kubernetes scales it against `total`: percentages rounded up or down as the field asks. */
function scaled(value: string, total: number, round: 'up' | 'down'): number | undefined {
  const percent = /^(\d+)%$/.exec(value.trim());
  if (percent) return (round === 'up' ? Math.ceil : Math.floor)((total * Number(percent[1])) / 100);
  const count = Number(value);
  return Number.isInteger(count) && count >= 0 ? count : undefined;
}

const pods = (count: number): string => `${count} pod${count === 1 ? '' : 's'}`;

/**
 * What a Deployment's `RollingUpdate` or `Recreate` does with its replica count: how many pods are down or extra at
 * worst. Undefined for other kinds, and when the replica count or the numbers are not plain (templated).
 */
export function rolloutNumbersMarkdown(object: K8sObject, doc: YamlDoc, strategy: string): string | undefined {
  if (object.kind !== 'Deployment') return undefined;
  const replicas = replicasOf(doc, object);
  if (!replicas) return undefined;
  const count = replicas.count;
  const written = replicas.field ? `${count} replica${count === 1 ? '' : 's'}` : `\`replicas\` not set (1, unless an autoscaler sets it)`;
  if (strategy === 'Recreate') {
    return `**With ${written}:** all ${pods(count)} stop before the first new one starts, so the workload serves nothing until a new pod is ready.`;
  }
  if (strategy !== 'RollingUpdate') return undefined;
  const spec = object.fields.get('spec')?.value;
  const strategyNode = isMap(spec) ? mapFields(doc, spec).get('strategy')?.value : undefined;
  const rolling = isMap(strategyNode) ? mapFields(doc, strategyNode).get('rollingUpdate')?.value : undefined;
  const fields = isMap(rolling) ? mapFields(doc, rolling) : undefined;
  const surgeText = (fields ? scalarToString(fields.get('maxSurge')?.value) : undefined) ?? '25%';
  const unavailableText = (fields ? scalarToString(fields.get('maxUnavailable')?.value) : undefined) ?? '25%';
  const surge = scaled(surgeText, count, 'up');
  const unavailable = scaled(unavailableText, count, 'down');
  if (surge === undefined || unavailable === undefined) return undefined;
  if (surge === 0 && unavailable === 0) {
    return `**With ${written}:** \`maxSurge\` and \`maxUnavailable\` both come to 0, which the API server rejects: one of them must allow at least one pod.`;
  }
  const lines = [
    `**With ${written}:** \`maxUnavailable: ${unavailableText}\` → at most ${pods(unavailable)} below ${count} ready${unavailableText.includes('%') ? ' (rounded down)' : ''}, and \`maxSurge: ${surgeText}\` → at most ${pods(surge)} above ${count}${surgeText.includes('%') ? ' (rounded up)' : ''}, at any moment of a release.`,
    unavailable === 0
      ? `No pod stops before its replacement is ready: capacity never drops, if the readiness probe tells the truth. The release needs room for ${pods(surge)} more.`
      : `At worst ${count - unavailable} of ${count} pods serve during the release${unavailable >= count ? ': none, as with Recreate' : ''}.`,
  ];
  return lines.join(' ');
}

interface SecurityField {
  path: string[];
  label: string;
  /** What the restricted Pod Security Standard asks, in words. */
  restricted: string;
  meets(value: string | undefined): boolean | undefined;
  prevents: string;
  /** Read at the pod's level too (a container inherits it). */
  podLevel: boolean;
  /** Only in a container's securityContext. */
  containerOnly?: boolean;
}

const SECURITY_FIELDS: SecurityField[] = [
  { path: ['privileged'], label: 'privileged', restricted: 'false (or unset)', meets: (v) => v !== 'true', prevents: "the node's devices and kernel settings, all of them, in the container's hands", podLevel: false, containerOnly: true },
  { path: ['runAsNonRoot'], label: 'runAsNonRoot', restricted: 'true', meets: (v) => (v === undefined ? undefined : v === 'true'), prevents: 'a process running as root (UID 0), who owns every file in the container and is root on the node after an escape', podLevel: true },
  { path: ['runAsUser'], label: 'runAsUser', restricted: 'not 0', meets: (v) => (v === undefined ? undefined : v !== '0'), prevents: 'an image that quietly runs as root', podLevel: true },
  { path: ['allowPrivilegeEscalation'], label: 'allowPrivilegeEscalation', restricted: 'false', meets: (v) => (v === undefined ? undefined : v === 'false'), prevents: 'setuid binaries and similar handing a process more privileges than it started with', podLevel: false, containerOnly: true },
  { path: ['capabilities', 'drop'], label: 'capabilities.drop', restricted: 'ALL (adding back only NET_BIND_SERVICE)', meets: (v) => (v === undefined ? undefined : v.split(',').includes('ALL')), prevents: 'kernel capabilities such as NET_RAW (forged packets) that the runtime grants by default', podLevel: false, containerOnly: true },
  { path: ['seccompProfile', 'type'], label: 'seccompProfile.type', restricted: 'RuntimeDefault or Localhost', meets: (v) => (v === undefined ? undefined : v === 'RuntimeDefault' || v === 'Localhost'), prevents: "system calls the runtime's profile blocks: much of the kernel's attack surface", podLevel: true },
  { path: ['readOnlyRootFilesystem'], label: 'readOnlyRootFilesystem', restricted: 'not required (recommended: true)', meets: (v) => (v === undefined ? undefined : v === 'true'), prevents: "writing binaries or changing configuration inside the container's own files", podLevel: false, containerOnly: true },
];

/** The value at `path` in a securityContext map: a scalar as text, a sequence as its items joined by commas. */
function valueAt(doc: YamlDoc, map: Node | undefined, path: string[]): string | undefined {
  let node = map;
  for (const key of path) {
    if (!isMap(node)) return undefined;
    node = mapFields(doc, node).get(key)?.value;
  }
  if (isSeq(node)) return node.items.map((item) => scalarToString(item) ?? '').join(',');
  return node === undefined || node === null ? undefined : scalarToString(node);
}

/**
 * A securityContext (a container's, or the pod's when `container` is undefined) against the restricted Pod Security
 * Standard: each field's value here (or inherited from the pod), what the standard asks, and what it prevents.
 */
export function securityContextMarkdown(doc: YamlDoc, context: Node | undefined, podContext: Node | undefined, container: Container | undefined): string {
  const rows = SECURITY_FIELDS.filter((field) => container !== undefined || !field.containerOnly).map((field) => {
    let value = valueAt(doc, context, field.path);
    let from = '';
    if (value === undefined && container && field.podLevel) {
      value = valueAt(doc, podContext, field.path);
      if (value !== undefined) from = ' (from the pod)';
    }
    const verdict = field.meets(value);
    const mark = verdict === undefined ? '–' : verdict ? '✓' : '✗';
    return `| \`${field.label}\` | ${value === undefined ? 'not set' : `\`${value}\`${from}`} | ${field.restricted} | ${mark} | ${field.prevents} |`;
  });
  const who = container ? `container${container.name ? ` \`${container.name}\`` : ''}` : 'pod (its containers inherit the user and seccomp settings)';
  return [
    `**securityContext** of this ${who}, against the **restricted** Pod Security Standard (what a namespace labelled \`pod-security.kubernetes.io/enforce: restricted\` admits):`,
    ['| field | here | restricted asks | | what it prevents |', '|---|---|---|---|---|', ...rows].join('\n'),
    'A container that breaks out of its isolation keeps these limits: they decide whether an escape is a nuisance or the node.',
  ].join('\n\n');
}

/**
 * A PodDisruptionBudget: what the eviction API does with it, and with the replica counts of the workloads checked
 * together whose pods it selects, how many pods a drain may take at a time.
 */
export function disruptionBudgetMarkdown(object: K8sObject, doc: YamlDoc, index: IndexView): string {
  const lead =
    'A **PodDisruptionBudget** limits voluntary evictions: `kubectl drain`, node upgrades, the cluster autoscaler removing a node. The eviction API refuses an eviction that would break the budget, and the drain retries until it can go on. Crashes, deleted pods and a Deployment\'s own rollout are not limited by it.';
  const spec = object.fields.get('spec')?.value;
  if (!isMap(spec)) return lead;
  const fields = mapFields(doc, spec);
  const minAvailable = scalarToString(fields.get('minAvailable')?.value);
  const maxUnavailable = scalarToString(fields.get('maxUnavailable')?.value);
  const selector = readLabelSelector(doc, fields.get('selector')?.value);
  if (!selector) return lead;
  const selected = podMakers(index, object).filter((maker) => maker.labels !== undefined && selects(selector, maker.labels) && REPLICATED_KINDS.includes(maker.object.kind));
  if (selected.length === 0) return `${lead}\n\nNo replicated workload checked with this file has pods its selector matches.`;
  const lines = selected.map((maker) => {
    const replicas = replicasOf(maker.doc, maker.object)?.count;
    const name = `${maker.object.kind} \`${maker.object.name ?? '?'}\``;
    if (replicas === undefined) return `- ${name}: its replica count is not written plainly.`;
    // Both fields scale a percentage up (the disruption controller's rounding).
    const allowed =
      minAvailable !== undefined
        ? (() => {
            const needed = scaled(minAvailable, replicas, 'up');
            return needed === undefined ? undefined : Math.max(0, replicas - needed);
          })()
        : maxUnavailable !== undefined
          ? scaled(maxUnavailable, replicas, 'up')
          : undefined;
    if (allowed === undefined) return `- ${name}: ${replicas} replicas.`;
    if (allowed === 0) return `- ${name}: ${replicas} replica${replicas === 1 ? '' : 's'}, and the budget allows **no** eviction: every drain of a node running one of its pods blocks until someone changes the budget or the replica count.`;
    const capped = Math.min(allowed, replicas);
    return `- ${name}: ${replicas} replicas, so a drain may evict **${pods(capped)}** at a time; the next waits until a replacement is ready elsewhere.`;
  });
  return `${lead}\n\n${lines.join('\n')}`;
}
