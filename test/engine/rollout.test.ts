import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSeconds, parseGoDuration } from '../../server/src/engine/languages/duration';
import type { Span } from '../../server/src/engine/core/finding';
import { buildK8sObjects } from '../../server/src/engine/model/k8s';
import { analysisTemplateOf, rolloutAnalyses, rolloutOf } from '../../server/src/engine/model/rollout';
import { isMap, parseYamlFile, type YamlFile } from '../../server/src/engine/yaml/yamlFile';

function objects(text: string): { file: YamlFile; views: ReturnType<typeof buildK8sObjects>; yaml: YamlFile['documents'][number] }[] {
  const file = parseYamlFile(text);
  return file.documents.map((yaml) => {
    const root = yaml.doc.contents;
    assert.ok(isMap(root));
    return { file, yaml, views: buildK8sObjects(yaml, root) };
  });
}

function rollout(text: string) {
  const [doc] = objects(text);
  const view = rolloutOf(doc!.views[0]!, doc!.yaml);
  assert.ok(view);
  return { view, text };
}

const slice = (text: string, span: Span) => text.slice(span.start, span.end);

const CANARY = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: checkout
spec:
  replicas: 10
  strategy:
    canary:
      canaryService: checkout-canary
      stableService: checkout-stable
      trafficRouting:
        maxTrafficWeight: 1000
        istio:
          virtualService: { name: checkout }
        managedRoutes:
          - name: header
      analysis:
        templates:
          - templateName: background
      steps:
        - setWeight: 10
        - pause: { duration: 5m }
        - pause: {}
        - pause: { duration: 90 }
        - pause: { duration: "1h30m" }
        - pause: { duration: soon }
        - analysis:
            templates:
              - templateName: success-rate
              - templateName: latency
                clusterScope: true
        - setWeight: 20
          pause: {}
        - pause:
        - experiment:
            duration: 10m
            templates:
              - name: canary
                specRef: canary
                weight: 5
            analyses:
              - name: compare
                templateName: compare
`;

describe('rollout model', () => {
  it('reads the canary strategy with defaults and spans', () => {
    const { view, text } = rollout(CANARY);
    assert.equal(view.replicas, 10);
    assert.equal(view.strategies.length, 1);
    const canary = view.canary!;
    assert.equal(slice(text, canary.keySpan), 'canary');
    assert.equal(canary.canaryService?.value, 'checkout-canary');
    assert.equal(canary.stableService?.value, 'checkout-stable');
    assert.deepEqual(canary.trafficRouting?.routers, ['istio']);
    assert.equal(canary.trafficRouting?.maxTrafficWeight, 1000);
    assert.deepEqual(canary.backgroundAnalysis?.templates.map((t) => t.name), ['background']);
    assert.equal(canary.steps.length, 10);
  });

  it('gives each step its single action, weight and pause duration', () => {
    const { view, text } = rollout(CANARY);
    const steps = view.canary!.steps;
    assert.equal(steps[0]!.action?.type, 'setWeight');
    assert.equal(steps[0]!.setWeight?.value, 10);
    assert.equal(slice(text, steps[0]!.action!.span), 'setWeight: 10');
    assert.equal(slice(text, steps[0]!.span), 'setWeight: 10');
    assert.deepEqual(steps[1]!.pause?.duration, { kind: 'timed', seconds: 300, text: '5m' });
    assert.deepEqual(steps[2]!.pause?.duration, { kind: 'indefinite' });
    assert.deepEqual(steps[3]!.pause?.duration, { kind: 'timed', seconds: 90, text: '90' });
    assert.deepEqual(steps[4]!.pause?.duration, { kind: 'timed', seconds: 5400, text: '1h30m' });
    assert.deepEqual(steps[5]!.pause?.duration, { kind: 'invalid', text: 'soon' });
    assert.equal(slice(text, steps[5]!.pause!.durationSpan!), 'soon');
    assert.deepEqual(steps[6]!.analysis?.templates.map((t) => [t.name, t.clusterScope]), [['success-rate', false], ['latency', true]]);
  });

  it('keeps every action of a step with several, and null actions apart', () => {
    const { view } = rollout(CANARY);
    const steps = view.canary!.steps;
    assert.deepEqual(steps[7]!.actions.map((a) => a.type), ['setWeight', 'pause']);
    assert.equal(steps[7]!.action, undefined);
    assert.deepEqual(steps[8]!.actions, []);
    assert.deepEqual(steps[8]!.emptyActions.map((a) => a.type), ['pause']);
    assert.equal(steps[8]!.pause, undefined);
  });

  it('reads experiments and lists every analysis the rollout runs', () => {
    const { view } = rollout(CANARY);
    const experiment = view.canary!.steps[9]!.experiment!;
    assert.deepEqual(experiment.duration, { kind: 'timed', seconds: 600, text: '10m' });
    assert.deepEqual(experiment.templateWeights.map((w) => w.value), [5]);
    assert.deepEqual(rolloutAnalyses(view).flatMap((a) => a.templates.map((t) => t.name)), ['background', 'success-rate', 'latency', 'compare']);
  });

  it('reads blue-green, defaults and unknown strategies', () => {
    const { view, text } = rollout(`apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: { name: billing }
spec:
  strategy:
    blueGreen:
      activeService: active
      previewService: preview
      prePromotionAnalysis:
        templates: [{ templateName: smoke }]
    rollingUpdate: {}
`);
    assert.equal(view.replicas, 1);
    assert.equal(view.replicasField, undefined);
    const blueGreen = view.blueGreen!;
    assert.equal(blueGreen.autoPromotionEnabled, true);
    assert.equal(slice(text, blueGreen.activeService!.span), 'active');
    assert.deepEqual(blueGreen.prePromotionAnalysis?.templates.map((t) => t.name), ['smoke']);
    assert.deepEqual(view.unknownStrategies.map((f) => f.key.value), ['rollingUpdate']);
  });

  it('tells a patch (no selector, no workloadRef) from a whole Rollout', () => {
    assert.equal(rollout(CANARY).view.partial, true);
    const whole = CANARY.replace('spec:\n  replicas: 10\n', 'spec:\n  replicas: 10\n  workloadRef: { apiVersion: apps/v1, kind: Deployment, name: checkout }\n');
    assert.equal(rollout(whole).view.partial, false);
  });

  it('is built once per object and only for Argo Rollouts', () => {
    const [doc] = objects('apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: x }\nspec: {}\n');
    assert.equal(rolloutOf(doc!.views[0]!, doc!.yaml), undefined);
    const [argo] = objects(CANARY);
    assert.equal(rolloutOf(argo!.views[0]!, argo!.yaml), rolloutOf(argo!.views[0]!, argo!.yaml));
  });

  it('never throws on odd shapes', () => {
    for (const spec of ['spec: 3', 'spec: { strategy: [] }', 'spec: { strategy: { canary: { steps: { a: 1 } } } }', 'spec: { strategy: { canary: { steps: [1, [], null, { setWeight: x }] } } }']) {
      const { view } = rollout(`apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: { name: odd }\n${spec}\n`);
      assert.ok(view);
    }
  });
});

describe('analysis template model', () => {
  it('reads metrics with their limits, durations and providers', () => {
    const text = `apiVersion: argoproj.io/v1alpha1
kind: ClusterAnalysisTemplate
metadata: { name: health }
spec:
  metrics:
    - name: success-rate
      count: 5
      failureLimit: "{{args.limit}}"
      interval: 60s
      initialDelay: 1m
      successCondition: result[0] >= 0.99
      provider:
        prometheus:
          query: up
    - name: smoke
      interval: 60
      provider:
        job: { spec: {} }
`;
    const [doc] = objects(text);
    const template = analysisTemplateOf(doc!.views[0]!, doc!.yaml)!;
    assert.equal(template.cluster, true);
    const [rate, smoke] = template.metrics;
    assert.equal(rate!.name?.value, 'success-rate');
    assert.equal(rate!.count?.value, 5);
    assert.equal(rate!.failureLimit?.value, undefined);
    assert.equal(rate!.failureLimit?.text, '{{args.limit}}');
    assert.equal(rate!.interval?.seconds, 60);
    assert.equal(rate!.initialDelay?.seconds, 60);
    assert.equal(rate!.successCondition?.value, 'result[0] >= 0.99');
    assert.deepEqual(rate!.providers.map((p) => p.type), ['prometheus']);
    assert.equal(rate!.providers[0]!.fields.get('query') !== undefined, true);
    assert.equal(smoke!.interval?.seconds, undefined, 'Go rejects a duration without a unit');
    assert.deepEqual(smoke!.providers.map((p) => p.type), ['job']);
  });
});

describe('Go durations', () => {
  it('parses what time.ParseDuration accepts', () => {
    assert.equal(parseGoDuration('30s'), 30);
    assert.equal(parseGoDuration('5m'), 300);
    assert.equal(parseGoDuration('1h30m'), 5400);
    assert.equal(parseGoDuration('1.5h'), 5400);
    assert.equal(parseGoDuration('500ms'), 0.5);
    // Go takes both micro signs (U+00B5 and U+03BC) as well as us.
    assert.equal(parseGoDuration('1500\u00b5s'), 0.0015);
    assert.equal(parseGoDuration('1500\u03bcs'), 0.0015);
    assert.equal(parseGoDuration('1500us'), 0.0015);
    assert.equal(parseGoDuration('0'), 0);
    assert.equal(parseGoDuration('0s'), 0);
    assert.equal(parseGoDuration('-1m'), -60);
  });
  it('rejects what it rejects', () => {
    for (const text of ['', '60', '5 minutes', '1d', 'm', '1h 30m']) assert.equal(parseGoDuration(text), undefined, text);
  });
  it('formats seconds', () => {
    assert.equal(formatSeconds(90), '1m30s');
    assert.equal(formatSeconds(3600), '1h');
    assert.equal(formatSeconds(0), '0s');
  });
});
