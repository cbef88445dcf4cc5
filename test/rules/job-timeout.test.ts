import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from '../../server/src/engine/core/fixes';
import { lint } from '../../server/src/engine/core/lint';
import { ruleById } from '../../server/src/rules';

// What the fixtures cannot show: configured values.
const workflow = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n';

describe('gha/job-timeout options', () => {
  it('uses the configured `minutes` in the fix', () => {
    const rule = ruleById('gha/job-timeout')!;
    const [finding] = lint(workflow, '.github/workflows/ci.yml', { rules: [rule], ruleOptions: { 'gha/job-timeout': { minutes: 45 } } }).findings;
    assert.ok(finding?.fix);
    assert.equal(applyEdits(workflow, finding.fix.edits), workflow.replace('ubuntu-latest\n', 'ubuntu-latest\n    timeout-minutes: 45\n'));
  });
});
