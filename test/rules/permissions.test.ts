import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import type { Rule } from '../../server/src/engine/core/rule';
import { ruleById } from '../../server/src/rules';

const rule = ruleById('gha/permissions')!;

describe('gha/permissions write-all of a job', () => {
  it('is reported by the job hook, from the job alone', () => {
    const jobHookOnly: Rule = { ...rule, visit: { job: rule.visit.job! } };
    const text = 'on: push\njobs:\n  a:\n    runs-on: x\n    permissions: write-all\n    steps: [{run: echo}]\n';
    const findings = lint(text, '.github/workflows/ci.yml', { rules: [jobHookOnly] }).findings;
    assert.deepEqual(findings.map((f) => [text.slice(f.span.start, f.span.end), f.severity]), [['write-all', 'warning']]);
  });

  it('is not looked for in a composite action', () => {
    const action = 'name: x\nruns:\n  using: composite\n  permissions: write-all\n  steps:\n    - run: echo\n      shell: bash\n';
    assert.deepEqual(lint(action, 'action.yml', { rules: [rule] }).findings, []);
  });
});
