import type { Span } from '../../engine/core/finding';
import { type CanaryStep, rolloutOf } from '../../engine/model/rollout';
import { defineRule } from '../../engine/core/rule';

export default defineRule({
  id: 'k8s/rollout-pause',
  presets: { recommended: 'info', strict: 'info' },
  dora: ['change-failure-rate'],
  capabilities: ['continuous-delivery', 'deployment-automation'],
  fixable: false,
  messages: {
    noWait: (first: Unheld, more: Unheld[]) =>
      more.length === 0
        ? `'setWeight: ${first.weight}' (step ${first.step}) is followed by ${describeNext(first.next)} with no pause or analysis in between: the canary holds ${first.weight}% of traffic only for as long as the pods take to become ready, too short to learn anything from it.`
        : `${more.length + 1} canary weights are followed by the next weight or by full promotion with no pause or analysis in between: ${[first, ...more].map((item) => `'setWeight: ${item.weight}' (step ${item.step}, then ${describeNext(item.next)})`).join(', ')}. Each is held only for as long as the pods take to become ready, too short to learn anything from it.`,
  },
  docs: {
    summary: 'Every canary weight (except the last step) should be held by a pause or checked by an analysis before the next one.',
    rationale:
      'A setWeight step only scales the canary and moves traffic; the rollout continues as soon as the pods are ready. Without a `pause` (timed or manual) or an `analysis` after it, that weight is skipped through in seconds, so a "10% canary" exposes 10% of users without anyone or anything having looked at the result before the next increase. The last step is exempt: after it the rollout is promoted to stable anyway.',
    symptom:
      'The rollout timeline shows weights changing seconds apart; a regression is detected only at a later, larger weight, or after full promotion.',
    fix: 'Add `- pause: { duration: 5m }` (long enough for your metrics to show a difference), `- pause: {}` for a manual gate, or an `- analysis:` step after the setWeight. A Rollout gets one finding, on the first weight that is not held; its message lists every such weight with its step number and what follows it.',
    bad: `apiVersion: argoproj.io/v1alpha1
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
        - setWeight: 50
        - pause: { duration: 10m }
        - setWeight: 100
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
        - setWeight: 50
        - pause: { duration: 10m }
        - setWeight: 100
`,
  },
  visit: {
    k8sObject(object, ctx) {
      const steps = rolloutOf(object, ctx.doc)?.canary?.steps ?? [];
      // One finding a Rollout, on the first weight not held, naming all of them.
      const unheld: (Unheld & { span: Span })[] = [];
      steps.forEach((step, index) => {
        const setWeight = step.actions.find((action) => action.type === 'setWeight');
        if (!setWeight || !step.setWeight || waits(step) || index === steps.length - 1) return;
        const next = nextChange(steps.slice(index + 1));
        if (next !== 'held') unheld.push({ step: index + 1, weight: step.setWeight.value, next, span: setWeight.span });
      });
      const [first, ...more] = unheld;
      if (first) ctx.report({ span: first.span, message: 'noWait', args: [first, more] });
    },
  },
});

/** A weight no pause or analysis holds, and what follows it: the next weight, or `promotion` at the end of the steps. */
interface Unheld {
  /** 1-based, as the steps are counted in messages. */
  step: number;
  weight: number;
  next: number | 'promotion';
}

/** What the rollout does after a weight: holds (a waiting step first), moves to another weight, or is promoted. */
function nextChange(later: CanaryStep[]): Unheld['next'] | 'held' {
  for (const step of later) {
    if (waits(step)) return 'held';
    if (step.setWeight) return step.setWeight.value;
  }
  return 'promotion';
}

function describeNext(next: Unheld['next']): string {
  return next === 'promotion' ? 'the end of the steps (full promotion)' : `'setWeight: ${next}'`;
}

/** Steps during which the rollout holds still: a pause that waits, an analysis, an experiment, a plugin (it may wait). */
function waits(step: CanaryStep): boolean {
  if (step.pause && (step.pause.duration.kind !== 'timed' || step.pause.duration.seconds > 0)) return true;
  return step.actions.some((action) => action.type === 'analysis' || action.type === 'experiment' || action.type === 'plugin');
}
