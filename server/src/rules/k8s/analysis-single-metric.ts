import { analysisTemplateOf, type Metric, rolloutAnalyses, rolloutOf } from '../../engine/model/rollout';
import type { IndexedObject } from '../../engine/core/projectIndex';
import { defineRule } from '../../engine/core/rule';
import { scalarToString } from '../../engine/yaml/yamlFile';

/** Providers that run a query (Kayenta compares many metrics itself; a Job decides by its exit). */
const QUERY_PROVIDERS = new Set(['prometheus', 'datadog', 'newRelic', 'cloudWatch', 'wavefront', 'graphite', 'influxdb', 'skywalking', 'web']);
const RATE_NAME = /success|error|fail|5xx|availab/i;
// `status!~"5.."`, `code=~"5.*"`, `status_code >= 500`, `5xx`. The name runs from the last `status`/`code` of
// a word to its end: from each of them, `(status|code)\w*` would rescan the word to its end (quadratic).
const STATUS_QUERY = /(status|code)(?:(?!status|code)\w)*"?\s*(=~|!~|!=|=|>=|>|<)\s*["'`]?[45]|\b[45]xx\b/i;
const NOT_A_RATE = /latenc|duration|quantile|percentile|p9\d|response[-_ ]?time|_seconds|apdex|saturation|cpu|memory/i;

export default defineRule({
  id: 'k8s/analysis-single-metric',
  presets: { recommended: 'hint', strict: 'hint' },
  dora: ['change-failure-rate'],
  capabilities: ['monitoring-and-observability'],
  fixable: false,
  messages: {
    onlyRate: (template: string, metric: string) =>
      `AnalysisTemplate ${template} judges a release only by ${metric}, a success/error rate: a version that answers correctly but slowly passes. Consider a latency metric next to it (in this template or a second template run in the same analysis).`,
  },
  docs: {
    summary: 'An analysis that measures only a success or error rate misses slowdowns.',
    rationale:
      'Success rate is the first metric everyone adds to a canary analysis, and it is a good one, but it only sees requests that fail. A release that doubles p99 latency, exhausts a connection pool or queues requests keeps a 100% success rate while users wait, and timeouts upstream may be counted somewhere else entirely. Pair the rate with a latency percentile so the gate sees both ways a release goes wrong. Templates that a Rollout in the same file (or in a file one kustomization lists with it) runs together with another template are not reported.',
    symptom: 'A canary passes its analysis with a perfect success rate and is promoted, and then latency alerts fire or upstream callers time out.',
    fix: 'Add a second metric with a latency query (for example `histogram_quantile(0.99, …)` with `successCondition: result[0] < 0.5`), or reference a latency template alongside this one in the Rollout\'s `analysis.templates`.',
    bad: `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: success-rate
spec:
  metrics:
    - name: success-rate
      interval: 1m
      count: 5
      successCondition: result[0] >= 0.99
      provider:
        prometheus:
          address: http://prometheus.monitoring:9090
          query: sum(rate(http_requests_total{status!~"5.."}[5m])) / sum(rate(http_requests_total[5m]))
`,
    good: `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: canary-health
spec:
  metrics:
    - name: success-rate
      interval: 1m
      count: 5
      successCondition: result[0] >= 0.99
      provider:
        prometheus:
          address: http://prometheus.monitoring:9090
          query: sum(rate(http_requests_total{status!~"5.."}[5m])) / sum(rate(http_requests_total[5m]))
    - name: p99-latency
      interval: 1m
      count: 5
      successCondition: result[0] < 0.5
      provider:
        prometheus:
          address: http://prometheus.monitoring:9090
          query: histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket[5m])) by (le))
`,
  },
  visit: {
    k8sObject(object, ctx) {
      const template = analysisTemplateOf(object, ctx.doc);
      if (!template || template.metrics.length !== 1) return;
      const metric = template.metrics[0]!;
      if (!isRateMetric(metric) || !metric.name || !object.name) return;
      const name = object.name;
      if (ctx.index.objects('Rollout', object).some((rollout) => pairs(rollout).includes(name))) return;
      ctx.report({ span: { start: metric.name.keySpan.start, end: metric.name.span.end }, message: 'onlyRate', args: [`'${object.name}'`, `'${metric.name.value}'`] });
    },
  },
});

function isRateMetric(metric: Metric): boolean {
  if (metric.providers.length !== 1 || !QUERY_PROVIDERS.has(metric.providers[0]!.type)) return false;
  const provider = metric.providers[0]!;
  const query = ['query', 'queries', 'url', 'jsonPath'].map((key) => scalarToString(provider.fields.get(key)?.value) ?? '').join('\n');
  const name = metric.name?.value ?? '';
  if (NOT_A_RATE.test(name) || NOT_A_RATE.test(query)) return false;
  return RATE_NAME.test(name) || STATUS_QUERY.test(query);
}

/** Names of templates that this Rollout runs together with another template in one analysis. */
function pairs({ object, doc }: IndexedObject): string[] {
  const rollout = rolloutOf(object, doc);
  if (!rollout) return [];
  const names: string[] = [];
  for (const analysis of rolloutAnalyses(rollout)) {
    if (new Set(analysis.templates.map((ref) => ref.name)).size > 1) for (const ref of analysis.templates) names.push(ref.name);
  }
  return names;
}
