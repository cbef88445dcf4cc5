import { type CanaryStrategy, rolloutOf } from '../../engine/model/rollout';
import { defineRule } from '../../engine/core/rule';

export default defineRule({
  id: 'k8s/rollout-no-analysis',
  presets: { recommended: 'warning', strict: 'warning' },
  dora: ['change-failure-rate', 'time-to-restore'],
  capabilities: ['continuous-delivery', 'monitoring-and-observability'],
  fixable: false,
  messages: {
    canary: (rollout: string) =>
      `Rollout ${rollout} shifts traffic with setWeight steps but never runs an analysis: nothing checks the new version's metrics, so a bad canary is promoted to 100% as soon as the pauses run out. Add an '- analysis:' step or a background 'analysis'.`,
    canaryManual: (rollout: string) =>
      `Rollout ${rollout} shifts traffic with setWeight steps but never runs an analysis; only the manual 'pause: {}' gate stands between a bad canary and full traffic, and it depends on someone reading the dashboards. Add an '- analysis:' step or a background 'analysis'.`,
    blueGreen: (rollout: string) =>
      `Rollout ${rollout} promotes its blue-green preview automatically without a 'prePromotionAnalysis': the new version takes all traffic once its pods are ready, whatever its metrics say.`,
    blueGreenManual: (rollout: string) =>
      `Rollout ${rollout} has no 'prePromotionAnalysis' or 'postPromotionAnalysis'; the manual promotion is its only gate.`,
  },
  docs: {
    summary: 'A progressive rollout should be gated by an analysis of real metrics, not only by pauses.',
    rationale:
      'A canary exists to expose a small share of real traffic to the new version and stop before everyone gets it. Pauses alone only wait: nothing looks at error rates or latency, so a broken version marches through every setWeight step to 100%. An AnalysisTemplate referenced from an `analysis` step (or a background `analysis` that runs throughout) lets Argo Rollouts abort and roll back automatically when the numbers go bad. For blue-green, `prePromotionAnalysis` checks the preview before it takes traffic. A manual gate (`pause: {}`, `autoPromotionEnabled: false`) helps, so those cases are reported more softly.',
    symptom:
      'A canary with a bug reaches full traffic on schedule; the rollback starts only after users or alerts notice, minutes or hours later, instead of at the first bad measurement.',
    fix: 'Reference an AnalysisTemplate in an `- analysis:` step after the first small weight, or in `strategy.canary.analysis` to run in the background from the first step; for blue-green set `prePromotionAnalysis` (and `postPromotionAnalysis`).',
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
        - pause: { duration: 5m }
        - setWeight: 50
        - pause: { duration: 10m }
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
        - analysis:
            templates:
              - templateName: checkout-success-rate
        - setWeight: 50
        - pause: { duration: 10m }
`,
  },
  visit: {
    k8sObject(object, ctx) {
      const rollout = rolloutOf(object, ctx.doc);
      // A patch's base may hold the analysis.
      if (!rollout || rollout.partial || rollout.strategies.length !== 1) return;
      const name = object.name ? `'${object.name}'` : 'this';
      const { canary, blueGreen } = rollout;
      if (canary) {
        if (!canary.stepsKeySpan || !canary.steps.some((step) => step.setWeight !== undefined) || hasAnalysis(canary)) return;
        const manual = canary.steps.some((step) => step.pause?.duration.kind === 'indefinite');
        ctx.report({ span: canary.stepsKeySpan, message: manual ? 'canaryManual' : 'canary', args: [name], severity: manual ? 'info' : 'warning' });
      } else if (blueGreen && !blueGreen.prePromotionAnalysis && !blueGreen.postPromotionAnalysis) {
        const manual = !blueGreen.autoPromotionEnabled;
        ctx.report({ span: blueGreen.keySpan, message: manual ? 'blueGreenManual' : 'blueGreen', args: [name], severity: manual ? 'hint' : 'info' });
      }
    },
  },
});

function hasAnalysis(canary: CanaryStrategy): boolean {
  return canary.backgroundAnalysis !== undefined || canary.steps.some((step) => step.analysis !== undefined || (step.experiment?.analyses.length ?? 0) > 0);
}
