import { defineRule } from '../../engine/core/rule';
import { isControllerOwned } from '../../engine/model/k8s';
import { autoscalersOf, podLabels, podMakers, readLabelSelector, replicasOf, REPLICATED_KINDS, selects } from '../../engine/model/k8sSelection';
import { isMap, mapFields, scalarToNumber, scalarToString, spanOf } from '../../engine/yaml/yamlFile';

/** The kinds whose single replica (written, or by default) gets a hint in strict; the peers check these two. */
const SINGLE_KINDS = ['Deployment', 'StatefulSet'];

export default defineRule({
  id: 'k8s/pdb',
  presets: { recommended: 'off', strict: 'warning' },
  dora: ['time-to-restore'],
  capabilities: ['flexible-infrastructure'],
  fixable: false,
  messages: {
    zeroUnavailable: (value: string) =>
      `maxUnavailable: ${value} allows no voluntary eviction at all: every node drain (cluster upgrades, autoscaler scale-downs) waits on these pods until someone deletes the budget.`,
    fullAvailable: () =>
      `minAvailable: 100% allows no voluntary eviction at all: every node drain (cluster upgrades, autoscaler scale-downs) waits on these pods until someone deletes the budget.`,
    minAvailableReplicas: (value: string, replicas: number, source: string) =>
      `minAvailable: ${value} with ${replicas} pod${replicas === 1 ? '' : 's'}${source} leaves no pod to evict: every node drain blocks on these pods. Run more replicas or lower minAvailable (or use maxUnavailable: 1).`,
    missing: (kind: string, replicas: number) =>
      `This ${kind} runs ${replicas} replicas but no PodDisruptionBudget checked with it selects its pods: a node drain may evict them all at once.`,
    single: (kind: string, written: boolean) =>
      `This ${kind} runs one replica${written ? '' : ' (replicas unset)'} and no PodDisruptionBudget checked with it selects its pod: a node drain evicts that pod, and the workload is down until a new one is scheduled and ready. A budget alone cannot help one pod (one that keeps it blocks the drain; one that allows the eviction changes nothing): if it must stay up through drains, run two or more replicas and add a budget with maxUnavailable: 1.`,
  },
  docs: {
    summary: 'A PodDisruptionBudget should let a drain evict at least one pod; replicated workloads should have one.',
    rationale:
      'A PodDisruptionBudget limits how many of a workload\'s pods voluntary evictions (`kubectl drain`, cluster upgrades, the cluster autoscaler) may take down at once. A budget that allows none — `maxUnavailable: 0`, `minAvailable: 100%`, or a `minAvailable` as large as the replica count — does not protect the workload, it blocks the drain: node upgrades hang until an operator deletes the budget by hand, which is exactly when nobody is watching the workload. With an autoscaler, the count to compare with is its `minReplicas`, where the workload sits at quiet hours. In `strict`, a note also marks workloads of two or more replicas that no budget in the set selects: without one, a drain may evict every replica at the same moment; and a hint marks a Deployment or StatefulSet of one replica (`replicas: 1` or unset, no autoscaler) that no budget selects: a drain evicts its only pod, and the workload is down until a new one is scheduled and ready. A budget alone cannot help one pod (one that keeps it blocks the drain, which this rule warns about; one that allows the eviction changes nothing), so the advice is two or more replicas and a budget with `maxUnavailable: 1`. Kustomize patches, DaemonSets and Jobs get no such hint.',
    symptom: '`kubectl drain` loops on "Cannot evict pod as it would violate the pod\'s disruption budget"; a managed cluster\'s node upgrade stalls for hours.',
    fix: 'Allow at least one disruption: `maxUnavailable: 1` (or a percentage), or a `minAvailable` below the replica count, and run at least two replicas of anything that must stay up through a drain.',
    bad: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: api
spec:
  maxUnavailable: 0
  selector:
    matchLabels: { app: api }
`,
    good: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: api
spec:
  maxUnavailable: 1
  selector:
    matchLabels: { app: api }
`,
  },
  visit: {
    k8sObject(object, ctx) {
      const spec = object.fields.get('spec')?.value;
      if (!isMap(spec)) return;
      // A budget written with a bare version ('v1', which the API server refuses for this kind) still says what it means.
      if (object.kind === 'PodDisruptionBudget' && (object.apiVersion.startsWith('policy/') || !object.apiVersion.includes('/'))) {
        const fields = mapFields(ctx.doc, spec);
        const maxUnavailable = fields.get('maxUnavailable')?.value;
        const minAvailable = fields.get('minAvailable')?.value;
        const max = scalarToString(maxUnavailable)?.trim();
        if (maxUnavailable && max !== undefined && /^0+%?$/.test(max)) {
          ctx.report({ span: spanOf(maxUnavailable), message: 'zeroUnavailable', args: [max] });
          return;
        }
        const min = scalarToString(minAvailable)?.trim();
        if (!minAvailable || min === undefined) return;
        const percent = /^(\d+)%$/.exec(min);
        if (percent && Number(percent[1]) >= 100) {
          ctx.report({ span: spanOf(minAvailable), message: 'fullAvailable', args: [] });
          return;
        }
        const count = percent ? undefined : scalarToNumber(minAvailable);
        if (!percent && count === undefined) return;
        const selector = readLabelSelector(ctx.doc, fields.get('selector')?.value);
        if (!selector || (selector.matchLabels.size === 0 && selector.expressions.length === 0)) return;
        const selected = podMakers(ctx.index, object).filter((maker) => maker.labels !== undefined && selects(selector, maker.labels));
        // Pods of other kinds (a Job's, a bare Pod) come and go: the count is only known for replicated workloads.
        if (selected.length === 0 || selected.some((maker) => !REPLICATED_KINDS.includes(maker.object.kind))) return;
        let replicas = 0;
        let autoscaled = false;
        for (const maker of selected) {
          const scalers = autoscalersOf(ctx.index, maker.object);
          const written = replicasOf(maker.doc, maker.object);
          if (scalers.length > 0) autoscaled = true;
          const pods = scalers.length > 0 ? Math.min(...scalers.map((scaler) => scaler.minReplicas)) : written?.count;
          if (pods === undefined) return;
          replicas += pods;
        }
        // Kubernetes rounds a percentage of minAvailable up.
        const needed = percent ? Math.ceil((Number(percent[1]) * replicas) / 100) : count!;
        if (replicas === 0 || needed < replicas) return;
        const source = autoscaled ? ' at the autoscaler\'s minReplicas' : selected.length > 1 ? ` across ${selected.length} workloads` : '';
        ctx.report({ span: spanOf(minAvailable), message: 'minAvailableReplicas', args: [min, replicas, source] });
        return;
      }
      // A note in strict only: a replicated workload without a budget; a hint for a single-replica Deployment or StatefulSet.
      if (ctx.preset === 'recommended' || !REPLICATED_KINDS.includes(object.kind) || object.partial || isControllerOwned(ctx.doc, object)) return;
      if (object.kind === 'Rollout' && !object.apiVersion.startsWith('argoproj.io/')) return;
      const replicas = replicasOf(ctx.doc, object);
      // Null: no pod template to read labels from; undefined: labels that cannot be read (a template engine writes them).
      const labels = podLabels(ctx.doc, object);
      if (!replicas || !labels) return;
      const single = replicas.count === 1 && SINGLE_KINDS.includes(object.kind) && autoscalersOf(ctx.index, object).length === 0;
      if (!single && (!replicas.field || replicas.count < 2)) return;
      const budgets = ctx.index.objects('PodDisruptionBudget', object);
      for (const { object: budget, doc } of budgets) {
        const budgetSpec = budget.fields.get('spec')?.value;
        const selector = readLabelSelector(doc, isMap(budgetSpec) ? mapFields(doc, budgetSpec).get('selector')?.value : undefined);
        if (!selector || selects(selector, labels)) return;
      }
      if (single) ctx.report({ span: (replicas.field ?? object.fields.get('spec')!).keySpan, message: 'single', args: [object.kind, replicas.field !== undefined], severity: 'hint' });
      else ctx.report({ span: replicas.field!.keySpan, message: 'missing', args: [object.kind, replicas.count], severity: 'info' });
    },
  },
});
