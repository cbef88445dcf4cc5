import type { Span } from '../../engine/core/finding';
import { byJobId, conditionFacts, crossJobVerdicts, type CrossJobs, type JobFacts } from '../../engine/model/crossJob';
import { graphOf } from '../../engine/model/jobGraph';
import { jobCondition, type Reachability, reachabilityOf } from '../../engine/model/reachability';
import type { Job } from '../../engine/model/workflow';
import { defineRule } from '../../engine/core/rule';
import { scalarText } from '../../engine/yaml/scalarText';
import { isScalar, spanOf, type Node } from '../../engine/yaml/yamlFile';

export default defineRule({
  id: 'gha/unreachable-job',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['deployment-frequency', 'lead-time'],
  capabilities: ['continuous-integration', 'deployment-automation'],
  fixable: false,
  messages: {
    unreachable: (job: string, reasons: string) => `Job '${job}' can never run: ${reasons}. It is skipped on every run, so whatever it was meant to do silently never happens.`,
  },
  docs: {
    summary: 'A job whose `if:` can never be true, given the workflow\'s triggers and the conditions of the jobs it needs.',
    rationale:
      'GitHub Actions does not warn about a job that cannot run: it just shows it as skipped, run after run. That happens when a job requires an event the workflow is never triggered by, or when it needs a job that only runs under a contradicting condition (the needed job is skipped, and a job whose `if:` uses no status function is skipped with it). A release or deploy job caught this way means nothing ships, while every check looks green.',
    symptom:
      'The job appears with a grey "skipped" icon on every run. Images are never pushed, deployments never happen, and nobody notices until someone asks why production is weeks behind main.',
    fix: 'Make the conditions agree: trigger the workflow on the event the job needs, drop the contradicting condition from the needed job, or let the job run when its need was skipped with `if: ${{ !cancelled() && !failure() && (needs.<job>.result == \'success\' || needs.<job>.result == \'skipped\') && (<condition>) }}` (see gha/needs-skipped). Only conditions shipcheck can decide are reported: event names and refs from `on:` and the `needs:` chain; anything depending on inputs, variables, outputs or the event payload is left alone, and `if: false` is taken as a deliberate switch.',
    bad: `on:
  push:
    branches: [main]
  pull_request:
jobs:
  integration:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - run: make integration-test
  publish:
    needs: integration
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    steps:
      - run: make publish
`,
    good: `on:
  push:
    branches: [main]
  pull_request:
jobs:
  integration:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - run: make integration-test
  publish:
    needs: integration
    if: \${{ !cancelled() && !failure() && github.event_name == 'push' }}
    runs-on: ubuntu-latest
    steps:
      - run: make publish
`,
  },
  scope: 'job',
  visit: {
    job(job, ctx) {
      const why = ctx.acrossJobs(VERDICTS)[job.id];
      if (why !== undefined) ctx.report({ span: findingSpan(job, ctx.file.text), message: 'unreachable', args: [job.id, why] });
    },
  },
});

// Which jobs cannot run, and why: worked out from every job's facts, reported from the job's own hook.
const VERDICTS = crossJobVerdicts<string>('unreachable-job', verdicts);

/** Why each job that cannot run does not, by job id. */
type Verdicts = Readonly<Record<string, string>>;

function verdicts({ jobs, cases }: CrossJobs): Verdicts {
  const graph = graphOf(jobs);
  const analysis = reachabilityOf(graph, cases, conditionFacts);
  const unreachable = jobs.filter((job) => analysis.canRun(job) === false);
  const found: Record<string, string> = byJobId<string>();
  for (const job of unreachable) {
    // A job that is unreachable only because a need is unreachable: the need is the one to fix.
    const needs = graph.needs(job);
    if (!conditionFacts(job).usesStatus && needs.some((need) => unreachable.includes(need)) && !ownConditionMatters(job, analysis)) continue;
    found[job.id] = explain(job, analysis, needs);
  }
  return found;
}

type Analysis = Reachability<JobFacts>;

/** Whether the job's own condition rules out some case (so it is more than a victim of its needs). */
function ownConditionMatters(job: JobFacts, analysis: Analysis): boolean {
  return analysis.cases.some((_, i) => analysis.ownCondition(job, i) === false);
}

function findingSpan(job: Job, fileText: string): Span {
  const condition = jobCondition(job, fileText);
  const value = condition.field?.value;
  if (value) return conditionSpan(value, fileText);
  const needs = job.fields.get('needs');
  return needs?.value ? spanOf(needs.value) : job.idSpan;
}

/** A block scalar's range runs on through the line break after its last line: end the squiggle where the condition does. */
function conditionSpan(value: Node, fileText: string): Span {
  const block = isScalar(value) && (value.type === 'BLOCK_FOLDED' || value.type === 'BLOCK_LITERAL') ? scalarText(fileText, value) : undefined;
  const last = block ? block.sourceOffset(block.value.trimEnd().length - 1) : undefined;
  return last !== undefined ? { start: spanOf(value).start, end: last + 1 } : spanOf(value);
}

/** Why, per event: "on `pull_request` its own condition is false; on `push` it needs `integration`, which does not run then". */
function explain(job: JobFacts, analysis: Analysis, needs: JobFacts[]): string {
  const byEvent = new Map<string, Set<string>>();
  analysis.cases.forEach((triggerCase, i) => {
    const event = triggerCase.event === undefined ? 'any event' : `'${triggerCase.event}'`;
    const skippedNeeds = needs.filter((need) => analysis.runs(need, i) === false).map((need) => `'${need.id}'`);
    const own = analysis.ownCondition(job, i) === false;
    const reason = own || skippedNeeds.length === 0 ? "its 'if:' is false" : `it needs ${skippedNeeds.join(' and ')}, which ${skippedNeeds.length > 1 ? 'are' : 'is'} skipped then`;
    const reasons = byEvent.get(event) ?? new Set<string>();
    reasons.add(reason);
    byEvent.set(event, reasons);
  });
  const unknownEvent = byEvent.get('any event');
  if (byEvent.size === 1 && unknownEvent) return [...unknownEvent].join(' or ');
  return [...byEvent].map(([event, reasons]) => `on ${event} ${[...reasons].join(' or ')}`).join('; ');
}
