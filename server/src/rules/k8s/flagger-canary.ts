import { defineRule } from '../../engine/core/rule';
import { FLAGGER_DEFAULT_INTERVAL_SECONDS, flaggerCanaryOf, hasEntries } from '../../engine/model/flagger';

const CANARY = `apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: checkout
spec:
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: checkout
  service:
    port: 8080
`;

export default defineRule({
  id: 'k8s/flagger-canary',
  presets: { recommended: 'off', strict: 'warning' },
  dora: ['change-failure-rate', 'time-to-restore'],
  capabilities: ['continuous-delivery', 'monitoring-and-observability'],
  fixable: false,
  messages: {
    noChecks: (key: string) =>
      `This '${key}' has neither 'metrics' nor 'webhooks': Flagger moves traffic step by step but checks only that the pods are ready, so a new version that answers with errors is promoted all the same. Add the built-in 'request-success-rate' and 'request-duration' metrics, or a webhook that tests the canary.`,
    stepOverMax: (step: number, max: number) =>
      `'stepWeight: ${step}' is more than 'maxWeight: ${max}': the first step already passes the maximum, so the canary gets ${Math.min(step, 100)}% of traffic at once and is promoted after a single check.`,
    notIncreasing: (value: number, previous: number) =>
      `'stepWeights' must rise: ${value} after ${previous} does not. Flagger finds the next step by the current weight, so a weight that falls or repeats sends traffic back and forth instead of forward.`,
    threshold: (value: number) =>
      `'threshold: ${value}' is below 1: Flagger reads it as 1 and rolls back on the first failed check. Write the number of failed checks to tolerate (1 or more) so the intent is visible.`,
    mixed: (ignored: string) =>
      `'iterations' makes this a blue/green (or A/B) analysis with a fixed number of checks: Flagger then ignores ${ignored}. Keep 'iterations' for blue/green, or the weights for a progressive canary, not both.`,
    interval: (text: string) =>
      `'interval: ${text}' is not a Go duration (such as '30s', '1m', '1m30s'): Flagger falls back to ${FLAGGER_DEFAULT_INTERVAL_SECONDS}s without saying so.`,
  },
  docs: {
    summary: 'A Flagger Canary\'s analysis should check the new version and use weights and intervals Flagger can follow.',
    rationale:
      "Flagger shifts traffic to a canary one step per `interval` and promotes it when the weights reach `maxWeight`; a check that fails `threshold` times rolls it back. The guard is only as good as the checks: without `metrics` or `webhooks` Flagger looks only at pod readiness, so a version that serves errors is promoted on schedule. Some settings are silently reinterpreted by the controller: a `stepWeight` larger than `maxWeight` jumps past the maximum in one step; `stepWeights` that do not rise send traffic backwards; a `threshold` below 1 counts as 1; `iterations` turns the run into blue/green and the weights are ignored; an `interval` Go cannot parse becomes 60s. Each makes the release behave unlike what the file says.\n\nHover on `analysis:` for the timeline: how long the analysis takes at least before promotion, and how soon failing checks roll it back.",
    symptom: 'A canary reaches full traffic sooner than expected, or with errors nobody measured; the rollback takes longer or comes sooner than the settings suggest.',
    fix: 'Add `metrics` (Flagger ships `request-success-rate` and `request-duration`) or a load-test / acceptance `webhooks` entry; keep `stepWeight` at or below `maxWeight` and `stepWeights` rising; set `threshold` to 1 or more; use either `iterations` (blue/green, A/B) or weights (canary); write `interval` as a Go duration (`1m`).',
    bad: `${CANARY}  analysis:
    interval: 1m
    threshold: 5
    maxWeight: 50
    stepWeight: 10
`,
    good: `${CANARY}  analysis:
    interval: 1m
    threshold: 5
    maxWeight: 50
    stepWeight: 10
    metrics:
      - name: request-success-rate
        thresholdRange: { min: 99 }
        interval: 1m
`,
  },
  visit: {
    k8sObject(object, ctx) {
      const analysis = flaggerCanaryOf(object, ctx.doc)?.analysis;
      if (!analysis) return;
      const canary = flaggerCanaryOf(object, ctx.doc)!;
      if (!canary.skipAnalysis && !hasEntries(analysis.metrics) && !hasEntries(analysis.webhooks)) {
        ctx.report({ span: analysis.keySpan, message: 'noChecks', args: [analysis.key] });
      }
      const iterations = analysis.iterations && analysis.iterations.value > 0 ? analysis.iterations : undefined;
      if (iterations) {
        const ignored = (['stepWeight', 'stepWeights', 'maxWeight'] as const).filter((key) => analysis.fields.has(key));
        if (ignored.length > 0) ctx.report({ span: iterations.keySpan, message: 'mixed', args: [ignored.map((key) => `'${key}'`).join(', ')] });
      } else {
        const { stepWeight, maxWeight } = analysis;
        if (stepWeight && maxWeight && maxWeight.value > 0 && stepWeight.value > maxWeight.value) {
          ctx.report({ span: stepWeight.span, message: 'stepOverMax', args: [stepWeight.value, maxWeight.value] });
        }
        const items = analysis.stepWeights?.items ?? [];
        for (let i = 1; i < items.length; i++) {
          if (items[i]!.value <= items[i - 1]!.value) {
            ctx.report({ span: items[i]!.span, message: 'notIncreasing', args: [items[i]!.value, items[i - 1]!.value] });
            break;
          }
        }
      }
      if (analysis.threshold && analysis.threshold.value < 1) ctx.report({ span: analysis.threshold.span, message: 'threshold', args: [analysis.threshold.value] });
      if (analysis.interval && analysis.interval.seconds === undefined && !/\{\{|\$\{/.test(analysis.interval.value)) {
        ctx.report({ span: analysis.interval.span, message: 'interval', args: [analysis.interval.value] });
      }
    },
  },
});
