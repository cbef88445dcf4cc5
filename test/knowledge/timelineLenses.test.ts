import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseYamlFile } from '../../server/src/engine/yaml/yamlFile';
import { timelineLenses } from '../../server/src/knowledge/timelineLenses';

/** Each lens as `the key it sits above|title`. */
function lensesOf(text: string): string[] {
  return timelineLenses(parseYamlFile(text, 'x.yaml')).map(({ span, title }) => `${text.slice(span.start, span.end)}|${title}`);
}

const rollout = (canary: string) => `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  selector:
    matchLabels: { app: web }
  strategy:
    canary:
${canary}
  template:
    spec:
      containers:
        - name: web
          image: web:1.0.0
`;

const flagger = (analysis: string, extra = '') => `apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: web
spec:${extra}
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  analysis:
${analysis}
`;

describe('timeline lenses', () => {
  it("sums up an Argo canary's steps above `steps:`: least time to 100 %, steps, where analyses run", () => {
    const lenses = lensesOf(rollout(`      steps:
        - setWeight: 20
        - analysis:
            templates: [{ templateName: success-rate }]
        - pause: { duration: 5m }
        - setWeight: 50
        - pause: { duration: 90s }`));
    assert.deepEqual(lenses, ['steps|canary: at least 6m30s to 100 % · 5 steps · analysis at 20 %']);
  });

  it('says when a canary waits for a person, and when nothing measures it', () => {
    assert.deepEqual(lensesOf(rollout('      steps:\n        - setWeight: 10\n        - pause: {}')), ['steps|canary: manual promotion to 100 % · 2 steps · no analysis']);
    assert.deepEqual(lensesOf(rollout('      analysis:\n        templates: [{ templateName: errors }]\n      steps:\n        - setWeight: 50\n        - pause: { duration: 1m }')), [
      'steps|canary: at least 1m to 100 % · 2 steps · background analysis',
    ]);
  });

  it('puts no lens on a canary without steps, nor on a blue-green Rollout', () => {
    assert.deepEqual(lensesOf(rollout('      maxSurge: 1')), []);
    assert.deepEqual(lensesOf(rollout('      steps: []').replace('canary:', 'blueGreen:').replace('steps: []', 'activeService: web')), []);
  });

  it("sums up a Flagger Canary's analysis above `analysis:`, with the controller's defaults", () => {
    assert.deepEqual(lensesOf(flagger('    interval: 1m\n    threshold: 2\n    stepWeight: 10\n    maxWeight: 50')), ['analysis|Flagger canary: at least 5m to promotion · 5 checks every 1m · rollback after 2 failed checks']);
    assert.deepEqual(lensesOf(flagger('    iterations: 10\n    interval: 30s')), ['analysis|Flagger blue/green: at least 5m to promotion · 10 checks every 30s · rollback after 1 failed check']);
    assert.deepEqual(lensesOf(flagger('    interval: 1m')), ['analysis|Flagger canary: no weight step set, so the canary never advances']);
    assert.deepEqual(lensesOf(flagger('    stepWeight: 50', '\n  skipAnalysis: true')), ['analysis|Flagger: skipAnalysis is true, so it promotes without running these checks']);
  });
});
