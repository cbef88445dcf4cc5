import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import granularity, { approximate } from '../../server/src/rules/k8s/rollout-weight-granularity';

describe('k8s/rollout-weight-granularity approximation', () => {
  it('picks the pod counts Argo Rollouts picks (its own test table, weights 1-99)', () => {
    // [replicas, weight, maxSurge, canary, stable] from argo-rollouts utils/replicaset/canary_test.go
    const table: [number, number, number, number, number][] = [
      [1, 1, 0, 0, 1], [1, 49, 0, 0, 1], [1, 50, 0, 1, 0], [1, 99, 0, 1, 0],
      [1, 1, 1, 1, 1], [1, 49, 1, 1, 1], [1, 50, 1, 1, 1], [1, 99, 1, 1, 1],
      [2, 1, 0, 1, 1], [2, 50, 0, 1, 1], [2, 99, 0, 1, 1],
      [2, 1, 1, 1, 2], [2, 50, 1, 1, 1], [2, 99, 1, 2, 1],
      [3, 10, 0, 1, 2], [3, 25, 0, 1, 2], [3, 33, 0, 1, 2], [3, 34, 0, 1, 2], [3, 49, 0, 1, 2], [3, 50, 0, 2, 1],
      [3, 10, 1, 1, 3], [3, 25, 1, 1, 3], [3, 33, 1, 1, 2], [3, 34, 1, 1, 2], [3, 49, 1, 2, 2], [3, 50, 1, 2, 2],
      [10, 1, 0, 1, 9], [10, 14, 0, 1, 9], [10, 15, 0, 2, 8], [10, 16, 0, 2, 8], [10, 99, 0, 9, 1],
      [10, 1, 1, 1, 10], [10, 18, 1, 2, 9], [10, 19, 1, 2, 9], [10, 20, 1, 2, 8], [10, 23, 1, 2, 8], [10, 24, 1, 3, 8], [10, 25, 1, 3, 8], [10, 99, 1, 10, 1],
    ];
    for (const [replicas, weight, surge, canary, stable] of table) {
      const got = approximate(replicas, weight, surge);
      assert.deepEqual([got.canary, got.total - got.canary], [canary, stable], `replicas ${replicas}, weight ${weight}, maxSurge ${surge}`);
    }
  });
});

/** A canary Rollout without trafficRouting, with the given canary settings and steps (lines under `canary:`). */
const rollout = (replicas: number, canary: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\nspec:\n  replicas: ${replicas}\n  workloadRef: { apiVersion: apps/v1, kind: Deployment, name: web }\n  strategy:\n    canary:\n${canary}`;
const findings = (text: string) => lint(text, 'rollout.yaml', { rules: [granularity] }).findings;

describe('k8s/rollout-weight-granularity findings', () => {
  it('reports once a Rollout, on the first weight, naming every weight that cannot be met', () => {
    const text = rollout(3, '      steps:\n        - setWeight: 5\n        - pause: {}\n        - setWeight: 10\n        - pause: {}\n        - setWeight: 50\n');
    const [finding, ...rest] = findings(text);
    assert.equal(rest.length, 0);
    assert.equal(text.slice(finding!.span.start, finding!.span.end), 'setWeight: 5');
    assert.equal(
      finding!.message,
      "2 canary weights cannot be met with 3 replicas: without trafficRouting the split is made by pod counts, and the closest Argo Rollouts gets is 1 of 4 pods (about 25%) for 'setWeight: 5', 1 of 4 pods (about 25%) for 'setWeight: 10'.",
    );
  });

  it('stays silent on a Rollout the controller refuses, and speaks once it is valid', () => {
    const steps = '      steps:\n        - setWeight: 10\n        - pause: {}\n';
    assert.deepEqual(findings(rollout(1, `      maxSurge: 0\n      maxUnavailable: 0\n${steps}`)), []);
    const [finding] = findings(rollout(1, `      maxSurge: 0\n      maxUnavailable: 1\n${steps}`));
    assert.match(finding!.message, /^'setWeight: 10' cannot be met with 1 replica: /);
  });
});
