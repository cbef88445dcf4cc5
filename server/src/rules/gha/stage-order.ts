import type { Span } from '../../engine/core/finding';
import { addNeeds } from '../../engine/edits/jobEdit';
import { byJobId, conditionFacts, crossJobVerdicts, type CrossJobs, type JobFacts } from '../../engine/model/crossJob';
import { graphOf } from '../../engine/model/jobGraph';
import { isFastGate } from '../../engine/model/jobKind';
import type { Job } from '../../engine/model/workflow';
import { defineRule } from '../../engine/core/rule';
import { isSeq, scalarToString, seqItems, spanOf, type YamlDoc } from '../../engine/yaml/yamlFile';

export default defineRule({
  id: 'gha/stage-order',
  presets: { recommended: 'off', strict: 'warning' },
  dora: ['lead-time'],
  capabilities: ['continuous-integration', 'trunk-based-development'],
  fixable: 'suggestion',
  messages: {
    ungated: (job: string, why: string, gates: string) =>
      `'${job}' is ${why} but does not wait for ${gates}: a typo or lint error then costs a full run of this job before anyone hears about it. Make it need the fast gate.`,
    backwards: (gate: string, slow: string, why: string) =>
      `The fast gate '${gate}' needs '${slow}' (${why}), so the quickest feedback waits for the slowest job. Fast checks should run first and gate the slow ones, not the other way round.`,
  },
  docs: {
    summary: 'Slow and deploy jobs should wait for the fast gates (lint, type check, format) of the same workflow.',
    rationale:
      'A pipeline gives its best feedback when cheap checks fail first. Lint, type checks and format checks take seconds; integration, browser and end-to-end tests, jobs with service containers and deployments take minutes and cost runner time. When a slow job does not `needs:` the fast gate, a missing semicolon still pays for the whole slow run, and a deploy can start before the code was even linted. The reverse, a fast gate that needs a slow job, delays the quick feedback until the slowest job is done.',
    symptom:
      'Pull requests sit for fifteen minutes before reporting a lint error that took ten seconds to find, integration runners are always busy, and deploys go out for commits that fail the type check.',
    fix: 'Add the fast gate jobs to the slow or deploy job\'s `needs:` (the suggested fix merges them into an existing `needs:`). Only gates without an `if:` of their own are suggested, so the fix cannot make the slow job skip, and of gates that need one another only the last (it brings the others along). Workflows with a single job or without a fast gate are not checked, nor jobs that run their own lint step, nor reusable-workflow calls.',
    bad: `on: pull_request
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: npm ci && npm run lint
  e2e:
    runs-on: ubuntu-latest
    steps:
      - run: npm ci
      - run: npx playwright test
`,
    good: `on: pull_request
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: npm ci && npm run lint
  e2e:
    needs: lint
    runs-on: ubuntu-latest
    steps:
      - run: npm ci
      - run: npx playwright test
`,
  },
  scope: 'job',
  visit: {
    job(job, ctx) {
      const verdict = ctx.acrossJobs(VERDICTS)[job.id];
      if (!verdict) return;
      if (verdict.kind === 'backwards') {
        ctx.report({ span: needSpan(ctx.doc, job, verdict.need), message: 'backwards', args: [job.id, verdict.need, verdict.needIs] });
        return;
      }
      const edit = addNeeds(ctx.file, job, verdict.gates);
      const names = verdict.gates.map((id) => `'${id}'`);
      const gatesText = names.length === 1 ? `the fast gate ${names[0]}` : `the fast gates ${names.join(', ')}`;
      ctx.report({
        span: needsSpan(job),
        message: 'ungated',
        args: [job.id, verdict.jobIs, gatesText],
        ...(edit ? { fix: { title: `Add ${names.join(', ')} to the needs of '${job.id}'`, edits: [edit] } } : {}),
      });
    },
  },
});

// Which fast gates each slow or deploy job should wait for, and which gate waits for a slow job: worked out from
// every job's facts, reported from the job's own hook.
const VERDICTS = crossJobVerdicts<Verdict>('stage-order', verdicts);

/** A fast gate that needs a slow job (the need's id, and what it is), or a slow job that needs no fast gate (the gates to add). */
type Verdict = { kind: 'backwards'; need: string; needIs: string } | { kind: 'ungated'; jobIs: string; gates: string[] };

type Verdicts = Readonly<Record<string, Verdict>>;

function verdicts({ jobs }: CrossJobs): Verdicts {
  if (jobs.length < 2) return byJobId();
  const graph = graphOf(jobs);
  const gates = jobs.filter((job) => isFastGate(job) && !graph.inCycle(job));
  if (gates.length === 0) return byJobId();
  // Gates that always run: needing a conditional one could make the slow job skip (gha/needs-skipped).
  const unconditional = gates.filter((gate) => !gate.hasIf);
  const pure = unconditional.filter((gate) => gate.role === 'fast-gate');
  const candidates = pure.length > 0 ? pure : unconditional;

  const found: Record<string, Verdict> = byJobId<Verdict>();
  for (const job of jobs) {
    if (job.opaque || graph.inCycle(job)) continue;
    if (gates.includes(job)) {
      const slowNeed = [...graph.ancestors(job)].find((need) => need.slow && !need.fastChecks);
      if (slowNeed && job.role === 'fast-gate') found[job.id] = { kind: 'backwards', need: slowNeed.id, needIs: describe(slowNeed) };
      continue;
    }
    if (!job.slow && !job.deploy) continue;
    // Reporters and clean-ups (`if: always()`) run after the others on purpose.
    if (conditionFacts(job).usesStatus) continue;
    // A job that lints first gates itself.
    if (job.fastChecks) continue;
    const ancestors = graph.ancestors(job);
    if (gates.some((gate) => ancestors.has(gate))) continue;
    const addable = candidates.filter((gate) => !graph.dependsOn(gate, job));
    // A gate another suggested gate already needs comes with it: name only the last of each chain.
    const gatesToAdd = addable.filter((gate) => !addable.some((other) => other !== gate && graph.dependsOn(other, gate)));
    if (gatesToAdd.length > 0) found[job.id] = { kind: 'ungated', jobIs: describe(job), gates: gatesToAdd.map((gate) => gate.id) };
  }
  return found;
}

/** "a deploy job (`kubectl apply -f`)", "a slow job (`services:`)". */
function describe(job: JobFacts): string {
  const reason = job.reasons.find((item) => item !== 'its name') ?? job.reasons[0];
  const what = reason ? (reason === 'its name' ? ' (judging by its name)' : ` (${reason})`) : '';
  return job.deploy ? `a deploy job${what}` : `a slow job${what}`;
}

/** The `needs:` value when it is on the key's line (scalar, flow list), the key for a block list, the job id without one. */
function needsSpan(job: Job): Span {
  const field = job.fields.get('needs');
  if (!field) return job.idSpan;
  const value = field.value;
  return value && !(isSeq(value) && !value.flow) ? spanOf(value) : field.keySpan;
}

function needSpan(yaml: YamlDoc, job: Job, need: string): Span {
  const field = job.fields.get('needs');
  const value = field?.value;
  if (isSeq(value)) {
    const item = seqItems(yaml, value).find((node) => scalarToString(node)?.toLowerCase() === need.toLowerCase());
    if (item) return spanOf(item);
  }
  return value ? spanOf(value) : (field?.keySpan ?? job.idSpan);
}
