import { addNeeds } from '../../engine/jobEdit';
import { jobGraph } from '../../engine/model/jobGraph';
import { classifyJob, jobEnvironment } from '../../engine/model/jobKind';
import { conditionRunsIn, reachability } from '../../engine/model/reachability';
import type { Job } from '../../engine/model/workflow';
import { defineRule } from '../../engine/rule';

// Environments meant for unreviewed code: deploying pull requests there is the point.
const PREVIEW_ENVIRONMENT = /preview|review|pr[-_]|pull|dev|test|staging|ephemeral|sandbox|qa/i;

export default defineRule({
  id: 'gha/deploy-ungated',
  severity: 'warning',
  dora: ['change-failure-rate'],
  fixable: 'suggestion',
  messages: {
    noTests: (job: string, tests: string) =>
      `\`${job}\` deploys without waiting for ${tests} in this workflow: it can ship a commit whose tests are still running or already failed. Add the test job to its \`needs:\`.`,
    pullRequest: (job: string, event: string) =>
      `\`${job}\` deploys on \`${event}\` too, so code that nobody has reviewed or merged reaches the environment (and a pull request from a fork can try to). Restrict it to pushes to the main branch or to a preview environment.`,
  },
  docs: {
    summary: 'A deploy job should need the workflow\'s tests and must not deploy pull requests.',
    rationale:
      'Jobs without `needs:` start at the same time, so a deploy job that does not depend on the test jobs ships the commit while its tests are still running, and keeps it shipped when they fail. Tests that pass after the fact protect nothing. A deploy that also runs for `pull_request` events puts unreviewed, unmerged code into the target environment, and the next merge silently replaces it.',
    symptom:
      'A red test run next to a green deployment of the same commit; production running a branch that was never merged; an incident that the failing test had already described.',
    fix: 'Add the workflow\'s test jobs to the deploy job\'s `needs:` (the suggested fix adds the ones without their own `if:`), and give the deploy job `if: github.event_name == \'push\' && github.ref == \'refs/heads/main\'` or drop `pull_request` from its triggers. Deploys to environments named for previews, review apps, dev or staging are not reported for pull requests, and a deploy is only compared with test jobs that can run on the same events.',
    bad: `on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: npm ci && npm test
  deploy:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: helm upgrade --install api ./chart
`,
    good: `on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: npm ci && npm test
  deploy:
    needs: test
    if: github.event_name == 'push' && github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: helm upgrade --install api ./chart
`,
  },
  visit: {
    workflow(workflow, ctx) {
      if (workflow.kind !== 'workflow') return;
      const graph = jobGraph(workflow);
      const analysis = reachability(workflow, ctx.doc, ctx.file.text);
      const deploys = workflow.jobs.filter((job) => classifyJob(job).deploy && !graph.inCycle(job));
      if (deploys.length === 0) return;
      const tests = workflow.jobs.filter((job) => {
        const kind = classifyJob(job);
        return kind.tests && !kind.deploy && !kind.opaque && !graph.inCycle(job);
      });
      const runsTogether = (a: Job, b: Job) => analysis.cases.some((_, i) => analysis.runs(a, i) !== false && analysis.runs(b, i) !== false);

      for (const job of deploys) {
        const ancestors = graph.ancestors(job);
        // A reusable workflow it waits for may well be the tests.
        const waitsForOpaque = [...ancestors].some((need) => classifyJob(need).opaque);
        const gated = tests.some((test) => ancestors.has(test)) || hasOwnTests(job);
        const relevant = gated || waitsForOpaque ? [] : tests.filter((test) => !graph.dependsOn(test, job) && runsTogether(job, test));
        if (relevant.length > 0) {
          const addable = relevant.filter((test) => !test.fields.has('if'));
          const edit = addable.length > 0 ? addNeeds(ctx.file, job, addable.map((test) => test.id)) : undefined;
          const names = relevant.map((test) => `\`${test.id}\``);
          ctx.report({
            span: job.fields.get('needs')?.keySpan ?? job.idSpan,
            message: 'noTests',
            args: [job.id, names.length === 1 ? `the test job ${names[0]}` : `the test jobs ${names.join(', ')}`],
            ...(edit ? { fix: { title: `Add ${addable.map((test) => `\`${test.id}\``).join(', ')} to \`${job.id}\`'s needs`, edits: [edit] } } : {}),
          });
        }
        const environment = jobEnvironment(job) ?? '';
        if (job.fields.has('environment') && (environment === '' || PREVIEW_ENVIRONMENT.test(environment))) continue;
        // The job and one of its deploy steps certainly run for a pull request (step-level `if:` included: plan on PRs, apply on main is fine).
        const prEvent = analysis.cases.find(
          (triggerCase, i) =>
            (triggerCase.event === 'pull_request' || triggerCase.event === 'pull_request_target') &&
            analysis.runs(job, i) === true &&
            classifyJob(job).deployConditions.some((condition) => condition !== null && conditionRunsIn(condition, triggerCase) === true),
        )?.event;
        if (prEvent) ctx.report({ span: job.idSpan, message: 'pullRequest', args: [job.id, prEvent] });
      }
    },
  },
});

/** Unit-test commands in the deploy job itself gate it (smoke tests after a deploy do not). */
function hasOwnTests(job: Job): boolean {
  const kind = classifyJob(job);
  return kind.testCommands && !kind.slow;
}
