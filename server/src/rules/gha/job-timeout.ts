import { insertJobEntry } from '../../engine/edits/jobEdit';
import { defineRule } from '../../engine/core/rule';
import { classifyJob, namedForTests } from '../../engine/model/jobKind';
import { runsOnSelfHosted, shardedMatrix } from '../../engine/model/runner';
import { readAsCall, type Job } from '../../engine/model/workflow';

export default defineRule({
  id: 'gha/job-timeout',
  presets: { recommended: 'info', strict: 'info' },
  dora: ['lead-time'],
  capabilities: ['continuous-integration'],
  // A timeout cancels a job that used to be allowed to run longer: it changes what the pipeline does.
  fixable: 'suggestion',
  options: {
    minutes: { type: 'integer', minimum: 1, default: 30, description: 'The `timeout-minutes` the suggested fix inserts.' },
  },
  messages: {
    missing: (job: string) =>
      `Job '${job}' has no 'timeout-minutes', so a hung step (a stuck test, a prompt waiting for input, a wait on a dead service) keeps the runner busy for GitHub's default of 6 hours before anyone finds out.`,
  },
  docs: {
    summary: 'Give every job that runs on a runner an explicit `timeout-minutes`.',
    rationale:
      'GitHub cancels a job only after 360 minutes by default. A deadlocked test, an interactive prompt or a network call without its own timeout then holds a runner for six hours, blocks the queue behind it (and a concurrency group, if any), and burns paid minutes. A timeout a few times longer than the job normally takes turns that into a quick, visible failure.',
    symptom:
      'A run shows "in progress" for hours, other workflows wait for runners, and it finally ends with "The job running on runner … has exceeded the maximum execution time of 360 minutes."',
    fix: 'Add `timeout-minutes:` to the job, set to a few times its usual duration. The quick-fix inserts `timeout-minutes: 30` (configurable as `minutes`) next to `runs-on`. Jobs that call a reusable workflow (`uses:` at job level) are not flagged: the called workflow sets its own timeouts. In the default `recommended` preset only the jobs most likely to hang for hours are flagged: jobs that run tests (a deadlocked test or a browser waiting for a page is the usual hang), end-to-end tests or service containers, deploys (a rollout or a cloud CLI waiting on a resource), jobs on self-hosted runners (a fixed pool: one stuck job holds a machine others queue for) and shards of a run split over a matrix (a matrix key named `shard`, `chunk`, `partition`…). A build or lint job, even one repeated over a matrix of versions, rarely hangs; asking every job for a timeout buries those that matter; the `strict` preset flags every job.',
    bad: `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
`,
    good: `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 20
    steps:
      - uses: actions/checkout@v4
      - run: make test
  release:
    uses: ./.github/workflows/release.yml
`,
  },
  scope: 'job',
  visit: {
    job(job, ctx) {
      // Composite actions have no job of their own; reusable-workflow calls run the callee's jobs and its timeouts (and a
      // job GitHub reads as one, `with:` before `runs-on:`, takes no `timeout-minutes`).
      if (job.synthetic || job.workflow.kind !== 'workflow') return;
      if (!job.fields.has('runs-on') || job.call !== undefined || readAsCall(job) || job.fields.has('timeout-minutes')) return;
      if (ctx.preset === 'recommended' && !canHangForLong(job)) return;
      const minutes = ctx.option('minutes');
      const edit = insertJobEntry(ctx.file, job, `timeout-minutes: ${minutes}`, ['runs-on']);
      ctx.report({
        span: job.idSpan,
        message: 'missing',
        args: [job.id],
        ...(edit ? { fix: { title: `Add 'timeout-minutes: ${minutes}'`, edits: [edit] } } : {}),
      });
    },
  },
});

/** Jobs whose hang is common or costly (see the docs' fix): tests, slow tests and services, deploys, self-hosted runners, shards. */
function canHangForLong(job: Job): boolean {
  const kind = classifyJob(job);
  if (kind.deploy || kind.deployConditions.length > 0 || runsOnSelfHosted(job) || shardedMatrix(job) || kind.testCommands) return true;
  // Slow for more than its name (services, a throwaway cluster, e2e commands).
  if (kind.slow && !(kind.role === 'slow' && kind.reasons.every((reason) => reason === 'its name'))) return true;
  // Tests no command shows (a project's own test script): the name must say so, and not just 'ci' or 'test results'.
  return kind.tests && namedForTests(job);
}
