import type { IndexView } from '../../engine/core/projectIndex';
import { defineRule } from '../../engine/core/rule';
import type { K8sObject } from '../../engine/model/k8s';
import { isControllerOwned } from '../../engine/model/k8s';
import { autoscalersOf, podLabels, readLabelSelector, readServiceSelector, replicasOf, REPLICATED_KINDS, scaleTargetOf, selects } from '../../engine/model/k8sSelection';
import { isMap, isSeq, mapFields, type Node, scalarToNumber, scalarToString, seqItems, spanOf, type YAMLMap, type YamlDoc } from '../../engine/yaml/yamlFile';

export default defineRule({
  id: 'k8s/ha',
  presets: { recommended: 'off', strict: 'info' },
  dora: ['time-to-restore'],
  capabilities: ['flexible-infrastructure'],
  fixable: false,
  messages: {
    single: (kind: string, by: string) =>
      `This ${kind} runs one replica, and ${by} selects it: while its only pod restarts, is rescheduled or is evicted by a drain, nothing answers.`,
    unspread: (kind: string, replicas: number) =>
      `This ${kind} runs ${replicas} replicas with neither podAntiAffinity nor topologySpreadConstraints: the scheduler may put them all on one node, which then takes every replica down with it.`,
    strangersOnly: (kind: string, replicas: number) =>
      `This ${kind} runs ${replicas} replicas, but no term of its podAntiAffinity selects its own pods (their labels, in their namespace): it keeps them away from other pods, not from each other, so the scheduler may still put them all on one node.`,
    autoscalerMinimum: (minimum: number, written: boolean) =>
      `minReplicas is ${minimum}${written ? '' : ' (unset)'}: at quiet hours the autoscaler scales down to a single pod, and a restart or a drain leaves nothing to answer.`,
    twoReplicas: (subject: string) =>
      `${subject}: while one of the two pods is evicted by a drain or lost with its node, the other carries all the load with no spare until the first is rescheduled; three replicas keep a spare through one disruption.`,
  },
  docs: {
    summary: 'Workloads that serve traffic should run at least two replicas, spread across nodes.',
    rationale:
      'A single replica is a single point of failure: every restart, reschedule or node drain is an outage for the Service in front of it, and a PodDisruptionBudget cannot help a workload of one pod. Several replicas help only if they do not share a node, so `podAntiAffinity` or `topologySpreadConstraints` should spread them (an anti-affinity counts only when one of its terms selects the workload\'s own pods: one that names other pods\' labels, or another namespace, keeps them apart from those pods and not from each other); an autoscaler whose `minReplicas` is 1 brings the workload back to one pod whenever load is low. The rule looks at Deployments, StatefulSets, ReplicaSets, Argo Rollouts and DeploymentConfigs; it notes a single replica only when a Service or a PodDisruptionBudget checked with the workload selects it (something depends on it being up), and leaves replica counts an autoscaler owns to the autoscaler\'s `minReplicas`. In `strict`, a hint also marks a count of exactly two (`replicas: 2`, in a Kustomize patch that writes it too, or an autoscaler\'s `minReplicas: 2`): two pass this rule, but while one pod is evicted by a drain or lost with its node the other carries all the load with no spare until the first is rescheduled; three keep a spare through one disruption.',
    symptom: 'A few seconds of errors at every deploy of a one-pod service or every node upgrade; an outage when the one node holding every replica fails.',
    fix: 'Run `replicas: 2` or more, three to keep a spare through a drain (on an autoscaler, `minReplicas` likewise), and spread the pods with `topologySpreadConstraints` over `kubernetes.io/hostname` (or a preferred `podAntiAffinity`).',
    bad: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: api
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: api
  minReplicas: 1
  maxReplicas: 10
`,
    good: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: api
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: api
  minReplicas: 3
  maxReplicas: 10
`,
  },
  visit: {
    k8sObject(object, ctx) {
      const spec = object.fields.get('spec')?.value;
      if (!isMap(spec)) return;
      const fields = mapFields(ctx.doc, spec);
      if (object.kind === 'HorizontalPodAutoscaler' && object.apiVersion.startsWith('autoscaling/')) {
        const minField = fields.get('minReplicas');
        const minimum = minField ? scalarToNumber(minField.value) : 1;
        const target = scaleTargetOf(ctx.doc, object);
        if (minimum === undefined || minimum > 2 || minimum < 1 || !target) return;
        if (minimum === 2) {
          // A hint in strict only: two is what this rule asks for, three is the peers' advice.
          if (minField?.value && ctx.preset !== 'recommended') ctx.report({ span: spanOf(minField.value), message: 'twoReplicas', args: ['minReplicas is 2 (the autoscaler\'s floor)'], severity: 'hint' });
          return;
        }
        ctx.report({ span: minField?.value ? spanOf(minField.value) : target.field.keySpan, message: 'autoscalerMinimum', args: [minimum, minField !== undefined] });
        return;
      }
      if (!REPLICATED_KINDS.includes(object.kind) || isControllerOwned(ctx.doc, object)) return;
      if (object.kind === 'Rollout' && !object.apiVersion.startsWith('argoproj.io/')) return;
      // An autoscaler owns the count: its minReplicas is what to look at.
      const replicas = replicasOf(ctx.doc, object);
      if (!replicas || autoscalersOf(ctx.index, object).length > 0) return;
      // A hint in strict only, on a Kustomize patch too when it writes the count.
      if (replicas.count === 2 && replicas.field?.value && ctx.preset !== 'recommended') {
        ctx.report({ span: spanOf(replicas.field.value), message: 'twoReplicas', args: [`This ${object.kind} runs 2 replicas`], severity: 'hint' });
      }
      // Whatever else a patch leaves out, its base supplies.
      if (object.partial) return;
      const span = replicas.field?.keySpan ?? object.fields.get('spec')!.keySpan;
      if (replicas.count === 1) {
        const labels = podLabels(ctx.doc, object);
        if (!labels) return;
        const by = selectedBy(ctx.index, object, labels);
        if (by) ctx.report({ span, message: 'single', args: [object.kind, by] });
        return;
      }
      if (replicas.count < 2 || object.podSpecs.length === 0) return;
      const pod = object.podSpecs[0]!;
      const affinity = pod.fields.get('affinity')?.value;
      const antiAffinity = isMap(affinity) ? mapFields(ctx.doc, affinity).get('podAntiAffinity') : undefined;
      // An empty list (a chart's default) spreads nothing; a templated value may hold constraints.
      const spread = pod.fields.get('topologySpreadConstraints')?.value;
      if (spread !== undefined && spread !== null && !(isSeq(spread) && seqItems(ctx.doc, spread).length === 0)) return;
      if (antiAffinity) {
        const labels = podLabels(ctx.doc, object);
        if (!labels || spreadsOwnPods(ctx.doc, antiAffinity.value, labels, object.namespace)) return;
        ctx.report({ span: antiAffinity.keySpan, message: 'strangersOnly', args: [object.kind, replicas.count] });
        return;
      }
      ctx.report({ span, message: 'unspread', args: [object.kind, replicas.count] });
    },
  },
});

/**
 * Whether some podAntiAffinity term (required, or preferred) selects the workload's own pods, so that it keeps them
 * apart; true whenever a part cannot be read (a template, namespaces a namespaceSelector adds, matchLabelKeys), as it may.
 */
function spreadsOwnPods(yaml: YamlDoc, node: Node | undefined, labels: ReadonlyMap<string, string>, namespace: string | undefined): boolean {
  if (!isMap(node)) return true;
  const fields = mapFields(yaml, node);
  const terms: Node[] = [];
  for (const [key, nested] of [['requiredDuringSchedulingIgnoredDuringExecution', false], ['preferredDuringSchedulingIgnoredDuringExecution', true]] as const) {
    const list = fields.get(key)?.value;
    if (list === undefined || list === null) continue;
    if (!isSeq(list)) return true;
    for (const item of seqItems(yaml, list)) {
      const term = nested && isMap(item) ? mapFields(yaml, item).get('podAffinityTerm')?.value : item;
      if (!isMap(term)) return true;
      terms.push(term);
    }
  }
  return terms.some((term) => {
    const own = mapFields(yaml, term as YAMLMap);
    if (own.has('matchLabelKeys')) return true;
    // A namespaceSelector adds namespaces the files cannot name.
    const namespaces = own.get('namespaces')?.value;
    if (isSeq(namespaces) && namespace !== undefined && !own.has('namespaceSelector') && !seqItems(yaml, namespaces).some((item) => scalarToString(item) === namespace)) return false;
    // Without a labelSelector a term selects no pods.
    const selectorNode = own.get('labelSelector')?.value;
    if (selectorNode === undefined || selectorNode === null) return false;
    const selector = readLabelSelector(yaml, selectorNode);
    return !selector || selects(selector, labels);
  });
}

/** `Service 'x'` or `PodDisruptionBudget 'y'` when one checked with the workload selects its pods. */
function selectedBy(index: IndexView, object: K8sObject, labels: ReadonlyMap<string, string>): string | undefined {
  for (const { object: service, doc } of index.objects('Service', object)) {
    const spec = service.fields.get('spec')?.value;
    const selector = readServiceSelector(doc, isMap(spec) ? mapFields(doc, spec).get('selector')?.value : undefined);
    if (selector && selector.matchLabels.size > 0 && selects(selector, labels)) return `Service '${service.name ?? ''}'`;
  }
  for (const { object: budget, doc } of index.objects('PodDisruptionBudget', object)) {
    const spec = budget.fields.get('spec')?.value;
    const selector = readLabelSelector(doc, isMap(spec) ? mapFields(doc, spec).get('selector')?.value : undefined);
    if (selector && (selector.matchLabels.size > 0 || selector.expressions.length > 0) && selects(selector, labels)) return `PodDisruptionBudget '${budget.name ?? ''}'`;
  }
  return undefined;
}
