import type { Span } from '../../engine/core/finding';
import { analysisTemplateOf, type CountSetting, type DurationSetting } from '../../engine/model/rollout';
import { defineRule } from '../../engine/core/rule';

const TEMPLATED = /\{\{/;

export default defineRule({
  id: 'k8s/analysis-limits',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['change-failure-rate', 'deployment-frequency'],
  capabilities: ['continuous-delivery', 'monitoring-and-observability'],
  fixable: false,
  messages: {
    countBelowLimits: (metric: string, count: number, failureLimit: number, successLimit: number) =>
      `Metric ${metric}: 'count: ${count}' is less than failureLimit + consecutiveSuccessLimit (${failureLimit} + ${successLimit}); Argo Rollouts rejects the metric and the rollout stops with an invalid spec.`,
    countBelowSuccessLimit: (metric: string, count: number, successLimit: number) =>
      `Metric ${metric}: 'count: ${count}' is less than consecutiveSuccessLimit (${successLimit}); Argo Rollouts rejects the metric and the rollout stops with an invalid spec.`,
    countBelowInconclusive: (metric: string, count: number, inconclusive: number) =>
      `Metric ${metric}: 'count: ${count}' is less than inconclusiveLimit (${inconclusive}); Argo Rollouts rejects the metric and the rollout stops with an invalid spec.`,
    noInterval: (metric: string, count: number) =>
      `Metric ${metric} takes ${count} measurements but has no 'interval'; Argo Rollouts rejects it ("interval must be specified when count > 1").`,
    bothDisabled: (metric: string) =>
      `Metric ${metric}: 'failureLimit: -1' disables failing and consecutiveSuccessLimit is 0 (the default), so the metric could never conclude; Argo Rollouts rejects it.`,
    negative: (metric: string, setting: string, minimum: number) =>
      `Metric ${metric}: '${setting}' must be at least ${minimum}; Argo Rollouts rejects the metric.`,
    badDuration: (metric: string, setting: string, text: string) =>
      `Metric ${metric}: '${setting}: ${text}' is not a Go duration (use a unit, such as '30s', '5m', '1h'); Argo Rollouts rejects the metric.`,
    duplicateName: (name: string) => `Two metrics are named '${name}'; Argo Rollouts rejects a template with duplicate metric names.`,
  },
  docs: {
    summary: 'Analysis metric settings that the Argo Rollouts controller refuses (count against limits, count without interval, both limits disabled).',
    rationale:
      'Argo Rollouts validates every metric when it starts an AnalysisRun: `count` must be at least `failureLimit + consecutiveSuccessLimit` (and at least `inconclusiveLimit`), more than one measurement needs an `interval`, `failureLimit: -1` needs a non-zero `consecutiveSuccessLimit`, limits cannot be negative and durations need a unit. Nothing checks this at `kubectl apply` time, so a broken template sits unnoticed until the next rollout that uses it, which then stops with an InvalidSpec / Error status in the middle of a release.',
    symptom:
      'A release stalls: `kubectl argo rollouts get rollout` shows the analysis in Error with a message such as "count (2) must be >= failureLimit + consecutiveSuccessLimit" or "interval must be specified when count > 1".',
    fix: 'Make `count` cover the limits (e.g. `count: 5`, `failureLimit: 1`), add `interval: 1m` when `count` is above 1, give durations a unit, and keep `consecutiveSuccessLimit` above 0 when `failureLimit` is -1.',
    bad: `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: success-rate
spec:
  metrics:
    - name: success-rate
      count: 3
      failureLimit: 2
      consecutiveSuccessLimit: 2
      interval: 1m
      successCondition: result[0] >= 0.99
      provider:
        prometheus:
          address: http://prometheus.monitoring:9090
          query: sum(rate(http_requests_total{status!~"5.."}[5m])) / sum(rate(http_requests_total[5m]))
`,
    good: `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: success-rate
spec:
  metrics:
    - name: success-rate
      count: 5
      failureLimit: 2
      consecutiveSuccessLimit: 2
      interval: 1m
      successCondition: result[0] >= 0.99
      provider:
        prometheus:
          address: http://prometheus.monitoring:9090
          query: sum(rate(http_requests_total{status!~"5.."}[5m])) / sum(rate(http_requests_total[5m]))
`,
  },
  visit: {
    k8sObject(object, ctx) {
      const template = analysisTemplateOf(object, ctx.doc);
      if (!template) return;
      const seen = new Set<string>();
      for (const metric of template.metrics) {
        const label = metric.name ? `'${metric.name.value}'` : `#${metric.index + 1}`;
        if (metric.name) {
          if (seen.has(metric.name.value)) ctx.report({ span: metric.name.span, message: 'duplicateName', args: [metric.name.value] });
          seen.add(metric.name.value);
        }
        // Templated values (`{{args.count}}`) are only known when the run starts.
        const known = (setting: CountSetting | undefined, fallback: number) => (setting === undefined ? fallback : setting.value);
        const count = known(metric.count, 0);
        const failureLimit = known(metric.failureLimit, 0);
        const successLimit = known(metric.consecutiveSuccessLimit, 0);
        const inconclusive = known(metric.inconclusiveLimit, 0);

        for (const [name, minimum] of [
          ['consecutiveSuccessLimit', 0],
          ['failureLimit', -1],
          ['inconclusiveLimit', 0],
          ['consecutiveErrorLimit', 0],
        ] as const) {
          const setting = metric[name];
          if (setting?.value !== undefined && setting.value < minimum) ctx.report({ span: pair(setting), message: 'negative', args: [label, name, minimum] });
        }
        if (successLimit === 0 && failureLimit === -1 && metric.failureLimit) {
          ctx.report({ span: pair(metric.failureLimit), message: 'bothDisabled', args: [label] });
        }
        if (metric.count && count !== undefined && count > 0) {
          if (failureLimit !== undefined && successLimit !== undefined && successLimit >= 0) {
            if (failureLimit >= 0 && count < failureLimit + successLimit) {
              ctx.report({ span: pair(metric.count), message: 'countBelowLimits', args: [label, count, failureLimit, successLimit] });
            } else if (failureLimit < 0 && count < successLimit) {
              ctx.report({ span: pair(metric.count), message: 'countBelowSuccessLimit', args: [label, count, successLimit] });
            }
          }
          if (inconclusive !== undefined && count < inconclusive) {
            ctx.report({ span: pair(metric.count), message: 'countBelowInconclusive', args: [label, count, inconclusive] });
          }
          if (count > 1 && !metric.interval) {
            ctx.report({ span: pair(metric.count), message: 'noInterval', args: [label, count] });
          }
        }
        for (const [name, setting] of [['interval', metric.interval], ['initialDelay', metric.initialDelay]] as const) {
          if (setting && setting.seconds === undefined && !TEMPLATED.test(setting.text)) {
            ctx.report({ span: pair(setting), message: 'badDuration', args: [label, name, setting.text] });
          }
        }
      }
    },
  },
});

function pair(setting: CountSetting | DurationSetting): Span {
  return { start: setting.keySpan.start, end: Math.max(setting.keySpan.end, setting.span.end) };
}

