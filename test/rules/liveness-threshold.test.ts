import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from '../../server/src/engine/core/fixes';
import { lint } from '../../server/src/engine/core/lint';
import livenessThreshold from '../../server/src/rules/k8s/liveness-threshold';

/** A Deployment whose one container has a livenessProbe with the given lines (indented under it). */
const deployment = (probe: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  selector:\n    matchLabels: { app: app }\n  template:\n    metadata:\n      labels: { app: app }\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/app:1.0.0\n          livenessProbe:\n            tcpSocket: { port: 8080 }\n${probe}`;
const findings = (text: string) => lint(text, 'app.yaml', { rules: [livenessThreshold] }).findings;

describe('k8s/liveness-threshold', () => {
  it("leaves Kubernetes' default window (3 × 10s) alone", () => {
    assert.deepEqual(findings(deployment('')), []);
  });

  it('names the short window and the threshold that reaches 15 s, and its fix clears it', () => {
    // argo-events' controller: a 3 s period with the default threshold.
    const text = deployment('            periodSeconds: 3\n');
    const [finding, ...rest] = findings(text);
    assert.equal(rest.length, 0);
    assert.match(finding!.message, /after 3 failed checks \(the default; about 9s of failing checks\)\. /);
    assert.match(finding!.message, /allow at least 15s \(failureThreshold: 5\)\.$/);
    assert.equal(finding!.fix?.title, 'Set liveness failureThreshold: 5');
    assert.deepEqual(findings(applyEdits(text, finding!.fix!.edits)), []);
  });

  it('says when a single failed check restarts the container, whatever the period', () => {
    const [finding] = findings(deployment('            failureThreshold: 1\n            periodSeconds: 30\n'));
    assert.match(finding!.message, /after a single failed check/);
    assert.match(finding!.message, /use failureThreshold: 3\.$/);
  });
});
