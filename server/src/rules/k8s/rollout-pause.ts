import { type CanaryStep, rolloutOf } from '../../engine/model/rollout';
import { defineRule } from '../../engine/core/rule';

export default defineRule({
  id: 'k8s/rollout-pause',
  presets: { recommended: 'info', strict: 'info' },
  dora: ['change-failure-rate'],
  fixable: false,
  messages: {
    noWait: (weight: number, next: string) =>
      `\`setWeight: ${weight}\` is followed by ${next} with no pause or analysis in between: the canary holds ${weight}% of traffic only for as long as the pods take to become ready, too short to learn anything from it.`,
  },
  docs: {
    summary: 'Every canary weight (except the last step) should be held by a pause or checked by an analysis before the next one.',
    rationale:
      'A setWeight step only scales the canary and moves traffic; the rollout continues as soon as the pods are ready. Without a `pause` (timed or manual) or an `analysis` after it, that weight is skipped through in seconds, so a "10% canary" exposes 10% of users without anyone or anything having looked at the result before the next increase. The last step is exempt: after it the rollout is promoted to stable anyway.',
    symptom:
      'The rollout timeline shows weights changing seconds apart; a regression is detected only at a later, larger weight, or after full promotion.',
    fix: 'Add `- pause: { duration: 5m }` (long enough for your metrics to show a difference), `- pause: {}` for a manual gate, or an `- analysis:` step after the setWeight.',
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
      steps.forEach((step, index) => {
        const setWeight = step.actions.find((action) => action.type === 'setWeight');
        if (!setWeight || !step.setWeight || waits(step) || index === steps.length - 1) return;
        for (const later of steps.slice(index + 1)) {
          if (waits(later)) return;
          if (later.setWeight) {
            ctx.report({ span: setWeight.span, message: 'noWait', args: [step.setWeight.value, `\`setWeight: ${later.setWeight?.value ?? '?'}\``] });
            return;
          }
        }
        ctx.report({ span: setWeight.span, message: 'noWait', args: [step.setWeight.value, 'the end of the steps (full promotion)'] });
      });
    },
  },
});

/** Steps during which the rollout holds still: a pause that waits, an analysis, an experiment, a plugin (it may wait). */
function waits(step: CanaryStep): boolean {
  if (step.pause && (step.pause.duration.kind !== 'timed' || step.pause.duration.seconds > 0)) return true;
  return step.actions.some((action) => action.type === 'analysis' || action.type === 'experiment' || action.type === 'plugin');
}
