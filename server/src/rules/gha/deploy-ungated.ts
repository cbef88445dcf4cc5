import { addNeeds } from '../../engine/edits/jobEdit';
import { byJobId, conditionFacts, crossJobVerdicts, type CrossJobs, type JobFacts } from '../../engine/model/crossJob';
import { graphOf } from '../../engine/model/jobGraph';
import { jobEnvironment } from '../../engine/model/jobKind';
import { conditionRunsIn, reachabilityOf } from '../../engine/model/reachability';
import { defineRule } from '../../engine/core/rule';

// Environments meant for unreviewed code: deploying pull requests there is the point.
const PREVIEW_ENVIRONMENT = /preview|review|pr[-_]|pull|dev|test|staging|ephemeral|sandbox|qa/i;

export default defineRule({
  id: 'gha/deploy-ungated',
  presets: { recommended: 'warning', strict: 'warning' },
  dora: ['change-failure-rate'],
  capabilities: ['continuous-delivery', 'deployment-automation'],
  fixable: 'suggestion',
  messages: {
    noTests: (job: string, tests: string) =>
      `'${job}' deploys without waiting for ${tests} in this workflow: it can ship a commit whose tests are still running or already failed. Add the test job to its 'needs:'.`,
    pullRequest: (job: string, event: string) =>
      `'${job}' deploys on '${event}' too, so code that nobody has reviewed or merged reaches the environment (and a pull request from a fork can try to). Restrict it to pushes to the main branch or to a preview environment.`,
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
  scope: 'job',
  visit: {
    job(job, ctx) {
      const verdict = ctx.acrossJobs(VERDICTS)[job.id];
      if (!verdict) return;
      if (verdict.tests.length > 0) {
        const edit = verdict.addable.length > 0 ? addNeeds(ctx.file, job, verdict.addable) : undefined;
        const names = verdict.tests.map((id) => `'${id}'`);
        ctx.report({
          span: job.fields.get('needs')?.keySpan ?? job.idSpan,
          message: 'noTests',
          args: [job.id, names.length === 1 ? `the test job ${names[0]}` : `the test jobs ${names.join(', ')}`],
          ...(edit ? { fix: { title: `Add ${verdict.addable.map((id) => `'${id}'`).join(', ')} to the needs of '${job.id}'`, edits: [edit] } } : {}),
        });
      }
      // Deploying pull requests to an environment meant for them is the point (read here, from the job itself: typing
      // an environment's name changes no other job's findings).
      const environment = jobEnvironment(job) ?? '';
      const previewOnly = job.fields.has('environment') && (environment === '' || PREVIEW_ENVIRONMENT.test(environment));
      if (verdict.pullRequest && !previewOnly) ctx.report({ span: job.idSpan, message: 'pullRequest', args: [job.id, verdict.pullRequest] });
    },
  },
});

// Which tests each deploy job should wait for, and whether it deploys pull requests: worked out from every job's
// facts, reported from the deploy job's own hook.
const VERDICTS = crossJobVerdicts<Verdict>('deploy-ungated', verdicts);

/** What to say about one deploy job: the test jobs it does not wait for (those it can be made to need), and a pull-request event it deploys on. */
interface Verdict {
  tests: string[];
  addable: string[];
  pullRequest?: string;
}

type Verdicts = Readonly<Record<string, Verdict>>;

function verdicts({ jobs, cases }: CrossJobs): Verdicts {
  const graph = graphOf(jobs);
  const deploys = jobs.filter((job) => job.deploy && !graph.inCycle(job));
  if (deploys.length === 0) return byJobId();
  const analysis = reachabilityOf(graph, cases, conditionFacts);
  const tests = jobs.filter((job) => job.tests && !job.deploy && !job.opaque && !graph.inCycle(job));
  const runsTogether = (a: JobFacts, b: JobFacts) => cases.some((_, i) => analysis.runs(a, i) !== false && analysis.runs(b, i) !== false);

  const found: Record<string, Verdict> = byJobId<Verdict>();
  for (const job of deploys) {
    const ancestors = graph.ancestors(job);
    // A reusable workflow it waits for may well be the tests.
    const waitsForOpaque = [...ancestors].some((need) => need.opaque);
    const gated = tests.some((test) => ancestors.has(test)) || hasOwnTests(job);
    const relevant = gated || waitsForOpaque ? [] : tests.filter((test) => !graph.dependsOn(test, job) && runsTogether(job, test));
    const verdict: Verdict = { tests: relevant.map((test) => test.id), addable: relevant.filter((test) => !test.hasIf).map((test) => test.id) };
    // The job and one of its deploy steps certainly run for a pull request (step-level `if:` included: plan on PRs, apply on main is fine).
    const event = cases.find(
      (triggerCase, i) =>
        (triggerCase.event === 'pull_request' || triggerCase.event === 'pull_request_target') &&
        analysis.runs(job, i) === true &&
        job.deployConditions.some((condition) => condition !== null && conditionRunsIn(condition, triggerCase) === true),
    )?.event;
    if (event) verdict.pullRequest = event;
    if (verdict.tests.length > 0 || verdict.pullRequest) found[job.id] = verdict;
  }
  return found;
}

/** Unit-test commands in the deploy job itself gate it (smoke tests after a deploy do not). */
function hasOwnTests(job: JobFacts): boolean {
  return job.testCommands && !job.slow;
}
