import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import type { Preset } from '../../server/src/engine/core/presets';
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

describe('gha/permissions and jobs that run only for pull requests from forks', () => {
  const findings = (text: string, preset?: Preset) => lint(text, '.github/workflows/ci.yml', { rules: [rule], ...(preset ? { preset } : {}) }).findings.map((f) => f.message);
  const workflow = (extra: string) =>
    `on: [push, pull_request]\njobs:\n  forks:\n    if: github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name != github.repository\n    runs-on: x\n    steps: [{run: make apidiff}]\n${extra}`;

  it('stays silent when every job runs only for forks', () => {
    assert.deepEqual(findings(workflow('')), []);
  });

  it('names only the jobs that can get the repository default', () => {
    const messages = findings(workflow('  test:\n    runs-on: x\n    steps: [{run: make test}]\n'), 'recommended');
    assert.equal(messages.length, 1);
    assert.match(messages[0]!, /job 'test' sets none/);
    assert.doesNotMatch(messages[0]!, /forks/);
  });

  it('marks only those jobs in strict, one finding each', () => {
    const messages = findings(workflow('  test:\n    runs-on: x\n    steps: [{run: make test}]\n'), 'strict');
    assert.equal(messages.length, 1);
    assert.match(messages[0]!, /^Job 'test' declares no 'permissions:'/);
  });

  it('counts only those jobs in the workflow note strict adds when two or more get the default', () => {
    const two = '  test:\n    runs-on: x\n    steps: [{run: make test}]\n  lint:\n    runs-on: x\n    steps: [{run: make lint}]\n';
    const messages = findings(workflow(two), 'strict');
    assert.equal(messages.length, 3);
    // In file order: the workflow's note at 'on:', then each job's at its key.
    assert.match(messages[0]!, /^No top-level 'permissions:': 2 of the 3 jobs here and any job added later/);
  });

  it('evaluates the condition rather than matching its text', () => {
    // The same comparison, reversed and negated, still admits only forks.
    const reversed = `on: pull_request\njobs:\n  forks:\n    if: \${{ !(github.repository == github.event.pull_request.head.repo.full_name) }}\n    runs-on: x\n    steps: [{run: make}]\n`;
    assert.deepEqual(findings(reversed), []);
    // Or-ed with a push, the job runs with the default token.
    const widened = `on: [push, pull_request]\njobs:\n  forks:\n    if: github.event_name == 'push' || github.event.pull_request.head.repo.full_name != github.repository\n    runs-on: x\n    steps: [{run: make}]\n`;
    assert.deepEqual(
      findings(widened).filter((message) => message.startsWith('Job ')),
      [findings(widened).find((message) => message.startsWith("Job 'forks'"))],
    );
  });
});
