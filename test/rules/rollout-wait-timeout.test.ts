import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from '../../server/src/engine/core/fixes';
import { lint } from '../../server/src/engine/core/lint';
import { ruleById } from '../../server/src/rules';

const rule = ruleById('gha/rollout-wait-timeout')!;
const job = (script: string) => `on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n${script.replace(/^/gm, '          ')}\n`;

describe('gha/rollout-wait-timeout', () => {
  it('appends the timeout after the last word of a command continued over lines', () => {
    const text = job('kubectl rollout status \\\n  deployment/api -n shop\necho done');
    const [finding] = lint(text, '.github/workflows/deploy.yml', { rules: [rule] }).findings;
    assert.ok(finding?.fix);
    assert.match(applyEdits(text, finding.fix.edits), /deployment\/api -n shop --timeout 10m\n/);
  });

  it('uses the configured `timeout`', () => {
    const text = job('kubectl rollout status deployment/api');
    const [finding] = lint(text, '.github/workflows/deploy.yml', { rules: [rule], ruleOptions: { 'gha/rollout-wait-timeout': { timeout: '5m' } } }).findings;
    assert.ok(finding?.fix);
    assert.match(applyEdits(text, finding.fix.edits), /deployment\/api --timeout 5m\n/);
  });

  it('is silent for kubectl-argo-rollouts with -t, and for other subcommands', () => {
    const text = job('kubectl-argo-rollouts status web -t 5m\nkubectl rollout undo deployment/api\nkubectl get rollout');
    assert.deepEqual(lint(text, '.github/workflows/deploy.yml', { rules: [rule] }).findings, []);
  });
});
