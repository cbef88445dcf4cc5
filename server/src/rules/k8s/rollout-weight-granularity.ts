import type { Span } from '../../engine/core/finding';
import type { K8sObject } from '../../engine/model/k8s';
import { type Rollout, rolloutOf } from '../../engine/model/rollout';
import { rolloutProblems } from '../../engine/model/rolloutProblems';
import type { IndexView } from '../../engine/core/projectIndex';
import { defineRule } from '../../engine/core/rule';
import { isMap, mapFields, scalarToNumber, scalarToString } from '../../engine/yaml/yamlFile';

export default defineRule({
  id: 'k8s/rollout-weight-granularity',
  presets: { recommended: 'info', strict: 'info' },
  dora: ['change-failure-rate'],
  capabilities: ['continuous-delivery'],
  fixable: false,
  messages: {
    coarse: (replicas: number, source: string, first: Coarse, more: Coarse[]) =>
      more.length === 0
        ? `'setWeight: ${first.weight}' cannot be met with ${replicas} replica${replicas === 1 ? '' : 's'}${source}: without trafficRouting the split is made by pod counts, and the closest Argo Rollouts gets is ${first.canary} canary pod${first.canary === 1 ? '' : 's'} of ${first.total}, about ${first.actual}% of traffic.`
        : `${more.length + 1} canary weights cannot be met with ${replicas} replica${replicas === 1 ? '' : 's'}${source}: without trafficRouting the split is made by pod counts, and the closest Argo Rollouts gets is ${[first, ...more].map((item) => `${item.canary} of ${item.total} pods (about ${item.actual}%) for 'setWeight: ${item.weight}'`).join(', ')}.`,
  },
  docs: {
    summary: 'Without trafficRouting, a canary weight is approximated by pod counts; small weights need enough replicas.',
    rationale:
      'A Rollout without `trafficRouting` has no mesh or ingress to split requests; it scales the canary and stable ReplicaSets so that the Service spreads traffic roughly in proportion to pod counts. With few replicas most weights cannot be expressed: 10% needs at least 10 pods, and with 3 replicas a "10%" step sends a quarter or a third of users to the new version. The blast radius you planned for is not the one you get.',
    symptom:
      'A "10% canary" incident affects far more users than expected; `kubectl argo rollouts get rollout` shows a canary weight different from the step\'s setWeight.',
    fix: 'Raise `replicas` so that each weight is a whole number of pods (weight × replicas / 100), choose weights the replica count can express (with 4 replicas: 25, 50, 75), or add `trafficRouting` (Istio, NGINX, ALB, SMI, …) for exact percentages independent of pod counts. The controller may surge one extra pod to get closer; the rule accounts for that. A Rollout gets one finding, on the first weight that cannot be met, listing every such weight with the split the controller makes instead; a Rollout that Argo Rollouts refuses (for example `maxSurge` and `maxUnavailable` both 0, which `k8s/rollout-spec` reports) gets none, since nothing is rolled out until it is fixed.',
    bad: `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: checkout
spec:
  replicas: 3
  selector:
    matchLabels: { app: checkout }
  template:
    metadata:
      labels: { app: checkout }
    spec:
      containers:
        - name: checkout
          image: ghcr.io/acme/checkout:1.8.0
  strategy:
    canary:
      steps:
        - setWeight: 10
        - pause: { duration: 5m }
`,
    good: `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: checkout
spec:
  replicas: 10
  selector:
    matchLabels: { app: checkout }
  template:
    metadata:
      labels: { app: checkout }
    spec:
      containers:
        - name: checkout
          image: ghcr.io/acme/checkout:1.8.0
  strategy:
    canary:
      steps:
        - setWeight: 10
        - pause: { duration: 5m }
`,
  },
  visit: {
    k8sObject(object, ctx) {
      const rollout = rolloutOf(object, ctx.doc);
      const canary = rollout?.canary;
      // A patch's base may set trafficRouting or replicas.
      if (!rollout || rollout.partial || !canary || canary.trafficRouting) return;
      // An autoscaler owns the replica count; the fewest pods it allows is where weights are coarsest.
      const hpaMin = object.name === undefined ? undefined : autoscaledMinimum(ctx.index, object, object.name);
      const replicas = hpaMin ?? rollout.replicas;
      const source = hpaMin !== undefined ? ' (the HorizontalPodAutoscaler\'s minReplicas)' : rollout.replicasField ? '' : ' (replicas is unset, so 1)';
      if (replicas <= 0) return;
      // A Rollout the controller refuses rolls nothing out (k8s/rollout-spec says why), and its maxSurge may be the reason.
      if (rolloutProblems(rollout).length > 0) return;
      const surge = maxSurge(rollout, replicas);
      const coarse: (Coarse & { span: Span })[] = [];
      for (const step of canary.steps) {
        const setWeight = step.actions.find((action) => action.type === 'setWeight');
        if (!setWeight || !step.setWeight) continue;
        const weight = step.setWeight.value;
        if (weight <= 0 || weight >= 100) continue;
        const best = approximate(replicas, weight, surge);
        const actual = (100 * best.canary) / best.total;
        const off = Math.abs(actual - weight);
        if (off >= 5 && off > weight / 4) coarse.push({ weight, canary: best.canary, total: best.total, actual: Math.round(actual), span: setWeight.span });
      }
      // One finding a Rollout, on the first weight that cannot be met, naming all of them.
      const [first, ...more] = coarse;
      if (first) ctx.report({ span: first.span, message: 'coarse', args: [replicas, source, first, more] });
    },
  },
});

/** A weight the pod counts cannot express, and the split the controller makes instead. */
interface Coarse {
  weight: number;
  canary: number;
  total: number;
  /** The canary's share of pods, in whole percent. */
  actual: number;
}

/** `maxSurge` in pods: an int, or a percentage of replicas rounded up; Argo's default is 25%. */
function maxSurge(rollout: Rollout, replicas: number): number {
  const text = rollout.canary?.maxSurge?.value.trim() ?? '25%';
  const percent = /^(\d+)%$/.exec(text);
  if (percent) return Math.ceil((replicas * Number(percent[1])) / 100);
  return /^\d+$/.test(text) ? Number(text) : Math.ceil(replicas / 4);
}

/** minReplicas (default 1) of the HorizontalPodAutoscaler checked together with the Rollout that scales it (the last one, as `kubectl apply` leaves it). */
function autoscaledMinimum(index: IndexView, rollout: K8sObject, name: string): number | undefined {
  let minimum: number | undefined;
  for (const { object, doc } of index.objects('HorizontalPodAutoscaler', rollout)) {
    const spec = object.fields.get('spec')?.value;
    if (!isMap(spec)) continue;
    const fields = mapFields(doc, spec);
    const target = fields.get('scaleTargetRef')?.value;
    if (!isMap(target)) continue;
    const targetFields = mapFields(doc, target);
    if (scalarToString(targetFields.get('kind')?.value) === 'Rollout' && scalarToString(targetFields.get('name')?.value) === name) minimum = scalarToNumber(fields.get('minReplicas')?.value) ?? 1;
  }
  return minimum;
}

/**
 * The canary/total pod counts the controller picks for a weight without traffic routing
 * (argo-rollouts utils/replicaset approximateWeightedCanaryStableReplicaCounts): round up or down,
 * optionally surging one extra pod, whichever lands closest; never zero canary pods for a weight of 1–99.
 */
export function approximate(replicas: number, weight: number, surge: number): { canary: number; total: number } {
  const ceil = Math.ceil((replicas * weight) / 100);
  const floor = Math.floor((replicas * weight) / 100);
  // Halfway between two pod counts: the controller rounds up.
  const tied = (total: number) => ((total * weight) / 100) % 1 === 0.5;
  const zeroAllowed = replicas === 1 && surge === 0;
  const options: { canary: number; total: number }[] = [];
  if (ceil < replicas || zeroAllowed) options.push({ canary: ceil, total: replicas });
  if (!tied(replicas) && (floor !== 0 || zeroAllowed)) options.push({ canary: floor, total: replicas });
  if (surge > 0) {
    options.push({ canary: ceil, total: replicas + 1 });
    if (!tied(replicas + 1) && (floor !== 0 || zeroAllowed)) options.push({ canary: floor, total: replicas + 1 });
  }
  if (options.length === 0) return { canary: 0, total: replicas };
  const delta = (option: { canary: number; total: number }) => Math.abs((100 * option.canary) / option.total - weight);
  return options.reduce((best, option) => (delta(option) < delta(best) ? option : best));
}
