import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from '../../server/src/engine/core/fixes';
import { lint } from '../../server/src/engine/core/lint';
import { RULES } from '../../server/src/rules';
import livenessThreshold from '../../server/src/rules/k8s/liveness-threshold';
import probeMissing from '../../server/src/rules/k8s/probe-missing';

/** A Deployment whose one container has the given lines (indented under `- name: app`). */
const deployment = (container: string, kind = 'Deployment') =>
  `apiVersion: apps/v1\nkind: ${kind}\nmetadata:\n  name: app\nspec:\n  selector:\n    matchLabels: { app: app }\n  template:\n    metadata:\n      labels: { app: app }\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/app:1.0.0\n${container}`;

describe('k8s/liveness-threshold message', () => {
  it('says the threshold is the default and how long it lasts in one parenthesis', () => {
    // Windows under 15 s fire: the default threshold with a 3 s period, and 2 × 5 s.
    const unset = lint(deployment('          livenessProbe:\n            tcpSocket: { port: 8080 }\n            periodSeconds: 3\n'), 'app.yaml', { rules: [livenessThreshold] }).findings;
    assert.equal(unset.length, 1);
    assert.match(unset[0]!.message, /after 3 failed checks \(the default; about 9s of failing checks\)\. /);
    const set = lint(deployment('          livenessProbe:\n            tcpSocket: { port: 8080 }\n            failureThreshold: 2\n            periodSeconds: 5\n'), 'app.yaml', { rules: [livenessThreshold] }).findings;
    assert.match(set[0]!.message, /after 2 failed checks \(about 10s of failing checks\)\. /);
  });
});

describe('k8s/probe-missing wording', () => {
  const serving = '          ports:\n            - containerPort: 8080\n          livenessProbe:\n            tcpSocket: { port: 8080 }\n';
  const readiness = (kind: string) => lint(deployment(serving, kind), 'app.yaml', { rules: [probeMissing] }).findings.map((finding) => finding.message);

  it('speaks of a rollout only for kinds that roll out', () => {
    for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet']) assert.match(readiness(kind)[0]!, /During a rollout/, kind);
    for (const kind of ['ReplicaSet', 'ReplicationController']) {
      const [message] = readiness(kind);
      assert.match(message!, new RegExp(`^Container 'app' of this ${kind} serves ports but has no readinessProbe: every new pod`));
      assert.doesNotMatch(message!, /rollout|roll out/i);
    }
  });
});

describe('k8s/probe-identical', () => {
  const probes = (readiness: string, liveness: string) =>
    deployment(`          readinessProbe:\n            httpGet: { path: /healthz, port: 8080 }\n${readiness}          livenessProbe:\n            httpGet: { path: /healthz, port: 8080 }\n${liveness}`);
  const check = (text: string) => lint(text, 'app.yaml', { rules: RULES }).findings;

  it('is cleared by its own fix, which adds no other finding, whatever readiness tolerates', () => {
    const cases: [string, string][] = [
      ['', ''],
      ['            failureThreshold: 10\n            periodSeconds: 30\n', '            initialDelaySeconds: 15\n'],
      ['            initialDelaySeconds: 45\n', '            periodSeconds: 7\n            failureThreshold: 2\n'],
    ];
    for (const [readiness, liveness] of cases) {
      const text = probes(readiness, liveness);
      const before = check(text);
      const finding = before.find((f) => f.ruleId === 'k8s/probe-identical');
      assert.ok(finding?.fix, `no fixable finding for ${JSON.stringify([readiness, liveness])}`);
      const after = check(applyEdits(text, finding.fix.edits));
      assert.deepEqual(after.filter((f) => f.ruleId === 'k8s/probe-identical'), []);
      const known = new Set(before.map((f) => `${f.ruleId} ${f.message}`));
      assert.deepEqual(after.filter((f) => !known.has(`${f.ruleId} ${f.message}`)).map((f) => f.message), [], 'a new finding after the fix');
    }
  });

  it('says what the probes do, not what the endpoint checks', () => {
    const [finding] = check(probes('', '')).filter((f) => f.ruleId === 'k8s/probe-identical');
    assert.match(finding!.message, /^Container 'app': readinessProbe and livenessProbe both check GET \/healthz on port 8080, and liveness acts no later than readiness \(after 30s of failing checks, against 30s\)\./);
    assert.doesNotMatch(finding!.message, /dependenc|database|downstream/i);
  });
});
