import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import rolloutPause from '../../server/src/rules/k8s/rollout-pause';

/** A canary Rollout with the given steps (lines under `steps:`). */
const rollout = (steps: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\nspec:\n  replicas: 10\n  workloadRef: { apiVersion: apps/v1, kind: Deployment, name: web }\n  strategy:\n    canary:\n      steps:\n${steps}`;
const findings = (text: string) => lint(text, 'rollout.yaml', { rules: [rolloutPause] }).findings;

describe('k8s/rollout-pause', () => {
  it('reports once a Rollout, on the first weight not held, naming every one and what follows it', () => {
    const text = rollout('        - setWeight: 10\n        - setWeight: 20\n        - pause: {}\n        - setWeight: 50\n        - setWeight: 100\n        - pause: {}\n');
    const [finding, ...rest] = findings(text);
    assert.equal(rest.length, 0);
    assert.equal(text.slice(finding!.span.start, finding!.span.end), 'setWeight: 10');
    assert.equal(
      finding!.message,
      "2 canary weights are followed by the next weight or by full promotion with no pause or analysis in between: 'setWeight: 10' (step 1, then 'setWeight: 20'), 'setWeight: 50' (step 4, then 'setWeight: 100'). Each is held only for as long as the pods take to become ready, too short to learn anything from it.",
    );
  });

  it('keeps the single-weight message', () => {
    const [finding] = findings(rollout('        - setWeight: 10\n        - pause: {}\n        - setWeight: 50\n        - setWeight: 100\n'));
    assert.match(finding!.message, /^'setWeight: 50' \(step 3\) is followed by 'setWeight: 100' with no pause or analysis in between: the canary holds 50% /);
  });
});
