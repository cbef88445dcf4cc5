import { analysisOf, type Metric } from '../../engine/model/rollout';
import type { Span } from '../../engine/core/finding';
import { defineRule } from '../../engine/core/rule';

/**
 * Providers whose measurements Argo Rollouts judges with successCondition/failureCondition
 * (utils/evaluate EvaluateResult). `job` (the Job's exit), `kayenta` (its own score thresholds) and
 * plugins decide for themselves.
 */
const CONDITION_PROVIDERS = new Set(['prometheus', 'web', 'datadog', 'wavefront', 'newRelic', 'cloudWatch', 'graphite', 'influxdb', 'skywalking']);

export default defineRule({
  id: 'k8s/analysis-condition',
  presets: { recommended: 'warning', strict: 'warning' },
  dora: ['change-failure-rate'],
  capabilities: ['continuous-delivery', 'monitoring-and-observability'],
  fixable: false,
  messages: {
    noCondition: (metric: string, provider: string) =>
      `Metric ${metric} (${provider}) has neither 'successCondition' nor 'failureCondition': Argo Rollouts then counts every measurement that returns as successful, so this analysis fails only when the metrics backend does not answer.`,
  },
  docs: {
    summary: 'An analysis metric needs a `successCondition` or `failureCondition`, or it always passes.',
    rationale:
      'For query-based providers (Prometheus, Datadog, New Relic, CloudWatch, Wavefront, Graphite, InfluxDB, SkyWalking, web), Argo Rollouts evaluates each measurement against the metric\'s conditions, in an AnalysisTemplate, a ClusterAnalysisTemplate or an AnalysisRun written directly. With neither condition written, every measurement that returns at all is Successful. The analysis step then looks like a safety gate in the manifest and in the UI, but it only proves that the metrics backend answered. The `job` provider is exempt (the Job\'s exit code decides), as are Kayenta (its own score thresholds) and plugins.',
    symptom:
      'A canary with a clearly elevated error rate passes its analysis step with every measurement green and is promoted; the AnalysisRun shows values you would have rejected.',
    fix: 'Add `successCondition` (for example `result[0] >= 0.99`) and, if you want a hard stop on a different threshold, `failureCondition`; with only one written, a measurement that misses it counts as a failure.',
    bad: `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: error-rate
spec:
  metrics:
    - name: error-rate
      interval: 1m
      count: 5
      provider:
        prometheus:
          address: http://prometheus.monitoring:9090
          query: sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))
`,
    good: `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: error-rate
spec:
  metrics:
    - name: error-rate
      interval: 1m
      count: 5
      failureCondition: result[0] > 0.01
      provider:
        prometheus:
          address: http://prometheus.monitoring:9090
          query: sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))
`,
  },
  visit: {
    k8sObject(object, ctx) {
      const template = analysisOf(object, ctx.doc);
      for (const metric of template?.metrics ?? []) {
        if (metric.successCondition || metric.failureCondition) continue;
        // Several providers on one metric is invalid anyway; judge only the plain, single-provider case.
        const provider = metric.providers.length === 1 ? metric.providers[0]! : undefined;
        if (!provider || !CONDITION_PROVIDERS.has(provider.type)) continue;
        ctx.report({ span: metricSpan(metric, provider.keySpan), message: 'noCondition', args: [metric.name ? `'${metric.name.value}'` : `#${metric.index + 1}`, provider.type] });
      }
    },
  },
});

function metricSpan(metric: Metric, fallback: Span): Span {
  return metric.name ? { start: metric.name.keySpan.start, end: metric.name.span.end } : fallback;
}
