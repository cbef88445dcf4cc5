import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from '../../server/src/engine/core/fixes';
import { lint } from '../../server/src/engine/core/lint';
import { ruleById } from '../../server/src/rules';

const rule = ruleById('gha/rollout-wait-timeout')!;
const job = (script: string) => `on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n${script.replace(/^/gm, '          ')}\n`;

describe('gha/rollout-wait-timeout', () => {
  it('appends the timeout after the last word of a command continued over lines', () => {
    const text = job('kubectl rollout status \\\n  statefulset/api -n shop\necho done');
    const [finding] = lint(text, '.github/workflows/deploy.yml', { rules: [rule] }).findings;
    assert.ok(finding?.fix);
    assert.match(applyEdits(text, finding.fix.edits), /statefulset\/api -n shop --timeout 10m\n/);
  });

  it('uses the configured `timeout`', () => {
    const text = job('kubectl rollout status daemonset/api');
    const [finding] = lint(text, '.github/workflows/deploy.yml', { rules: [rule], ruleOptions: { 'gha/rollout-wait-timeout': { timeout: '5m' } } }).findings;
    assert.ok(finding?.fix);
    assert.match(applyEdits(text, finding.fix.edits), /daemonset\/api --timeout 5m\n/);
  });

  it('says why each kind waits without end, quoting the command as written', () => {
    const messages = lint(job('kubectl rollout status sts/db -n data\nkubectl rollout status ds agent\nkubectl argo rollouts status web'), '.github/workflows/deploy.yml', { rules: [rule] }).findings.map((f) => f.message);
    assert.equal(messages.length, 3);
    assert.match(messages[0]!, /^'kubectl rollout status sts\/db -n data' has no --timeout, and a StatefulSet has no progress deadline/);
    assert.match(messages[1]!, /^'kubectl rollout status ds agent' has no --timeout, and a DaemonSet has no progress deadline/);
    assert.match(messages[2]!, /^'kubectl argo rollouts status web' has no --timeout: it returns only once the Rollout is Healthy or Degraded/);
  });

  it('leaves Deployments alone: kubectl gives up once one passes its progressDeadlineSeconds', () => {
    const text = job('kubectl rollout status deployment/web\nkubectl rollout status deploy web\nkubectl rollout status deployments.apps/web');
    assert.deepEqual(lint(text, '.github/workflows/deploy.yml', { rules: [rule] }).findings, []);
  });

  it('is silent for kubectl-argo-rollouts with -t, and for other subcommands', () => {
    const text = job('kubectl-argo-rollouts status web -t 5m\nkubectl rollout undo deployment/api\nkubectl get rollout');
    assert.deepEqual(lint(text, '.github/workflows/deploy.yml', { rules: [rule] }).findings, []);
  });
});
