import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import type { Rule } from '../../server/src/engine/core/rule';
import { ruleById } from '../../server/src/rules';

const rule = ruleById('gha/hardcoded-secret')!;
const jobHookOnly: Rule = { ...rule, visit: { job: rule.visit.job! } };

const header = 'on: push\nenv:\n  DB_PASSWORD: s3cr3t-pg-pw\njobs:\n';
const integration = `  integration:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: s3cr3t-pg-pw
    steps:
      - run: make integration
        env:
          PGPASSWORD: s3cr3t-pg-pw
`;
const migrate = `  migrate:
    runs-on: ubuntu-latest
    steps:
      - run: ./migrate.sh
        env:
          DATABASE_PASSWORD: s3cr3t-pg-pw
          GH_TOKEN: ghp_R8mZq2Lw5Xv9Nc4Tb7Kd1Hs6Jf3Gp0Ya2Ue5
`;

/** The job hook's findings inside `job`, as offsets from the job's start, with their messages and severities. */
function jobFindings(text: string, job: string): string[] {
  const start = text.indexOf(job);
  return lint(text, '.github/workflows/ci.yml', { rules: [jobHookOnly] })
    .findings.filter((f) => f.span.start >= start && f.span.end <= start + job.length)
    .map((f) => `${f.span.start - start}-${f.span.end - start} ${f.severity} ${f.message}`);
}

describe('gha/hardcoded-secret split into a workflow and a job hook', () => {
  it("a job's findings depend on that job alone", () => {
    for (const job of [integration, migrate]) {
      const alone = jobFindings(header + job, job);
      assert.ok(alone.length > 0);
      assert.deepEqual(jobFindings(header + integration + migrate, job), alone);
      assert.deepEqual(jobFindings(header + migrate + integration, job), alone);
      assert.deepEqual(jobFindings(`on: pull_request\njobs:\n${job}`, job), alone);
    }
  });

  it('every job-hook finding lies within its job', () => {
    const text = header + integration + migrate;
    const all = lint(text, '.github/workflows/ci.yml', { rules: [jobHookOnly] }).findings;
    assert.equal(all.length, jobFindings(text, integration).length + jobFindings(text, migrate).length);
  });

  it('the workflow hook scans the top level and leaves the jobs to the job hook', () => {
    const text = header + integration + migrate;
    const workflowHookOnly: Rule = { ...rule, visit: { workflow: rule.visit.workflow! } };
    const findings = lint(text, '.github/workflows/ci.yml', { rules: [workflowHookOnly] }).findings;
    assert.deepEqual(
      findings.map((f) => [text.slice(f.span.start, f.span.end), f.severity]),
      [['s3cr3t-pg-pw', 'hint']],
    );
    assert.ok(findings[0]!.span.end < text.indexOf('jobs:'));
  });

  it('scans a composite action whole, once', () => {
    const action = `name: publish\nruns:\n  using: composite\n  steps:\n    - run: npm publish\n      shell: bash\n      env:\n        NPM_TOKEN: ghp_R8mZq2Lw5Xv9Nc4Tb7Kd1Hs6Jf3Gp0Ya2Ue5\n`;
    const findings = lint(action, 'action.yml', { rules: [rule] }).findings;
    assert.deepEqual(findings.map((f) => action.slice(f.span.start, f.span.end)), ['ghp_R8mZq2Lw5Xv9Nc4Tb7Kd1Hs6Jf3Gp0Ya2Ue5']);
    assert.deepEqual(lint(action, 'action.yml', { rules: [jobHookOnly] }).findings, []);
  });
});
