import { MemoKey, memoOn } from './memo';
import { isPair } from 'yaml';
import { isPlain, isScalar, scalarToString, type YamlDoc } from '../yaml/yamlFile';
import { memo, MemoSlot } from '../incremental/memo';
import type { AcrossJobs } from '../core/rule';
import { classifyJob, type JobRole } from './jobKind';
import { conditionReading, type ConditionFacts } from './reachability';
import { type TriggerCase, triggerCases, workflowTriggers } from './triggers';
import { jobSource, type Job, type Workflow } from './workflow';

/**
 * What the rules that compare jobs (deploy-ungated, stage-order, needs-skipped, unreachable-job) read of one job:
 * plain data, worked out from the job's own text alone. Those rules decide what to say about each job from these
 * facts and the workflow's triggers only (asked with `ctx.acrossJobs`), then report from the job's own hook. So a keystroke
 * that changes no job's facts — typing in a `name:`, a script, a comment — reuses their analysis (the engine's memo),
 * and the engine reuses their reports on every job but the edited one.
 */
export interface JobFacts {
  id: string;
  needs: string[];
  synthetic: boolean;
  /** Whether it has an `if:`, and its text (undefined when the value is not text). */
  hasIf: boolean;
  ifText: string | undefined;
  role: JobRole;
  fastChecks: boolean;
  tests: boolean;
  testCommands: boolean;
  slow: boolean;
  deploy: boolean;
  opaque: boolean;
  reasons: readonly string[];
  /** `JobClassification.deployConditions`. */
  deployConditions: readonly (string | null | undefined)[];
}

/** Every job's facts, in order, with the ways the workflow can start. */
export interface CrossJobs {
  jobs: JobFacts[];
  cases: TriggerCase[];
  /**
   * Everything the facts and cases were worked out from, as strings: equal inputs mean equal facts and cases.
   * Undefined when that cannot be told from the text (an alias in a job or in `on:`).
   */
  inputs: string[] | undefined;
}

interface Cached {
  facts: JobFacts;
  /** The facts as a string, to compare with another lint's. */
  key: string;
}

// Each keystroke builds new Jobs, but few change what they are: work each job's facts out once per text.
const FACTS_BY_TEXT = new MemoSlot<Cached>('jobFacts', { plain: true });
const CROSS_JOBS = new MemoKey<CrossJobs>('crossJobs');

export function crossJobs(workflow: Workflow, yaml: YamlDoc): CrossJobs {
  return memoOn(workflow, CROSS_JOBS, () => readCrossJobs(workflow, yaml));
}

function readCrossJobs(workflow: Workflow, yaml: YamlDoc): CrossJobs {
  const jobs: JobFacts[] = [];
  const triggers = triggersSource(workflow);
  let inputs: string[] | undefined = triggers === undefined ? undefined : [triggers];
  for (const job of workflow.jobs) {
    const source = jobSource(job);
    // What a job is depends on its text and on the workflow's `defaults:` shell (see classifyJob).
    const cached = source === undefined ? undefined : memo.get(FACTS_BY_TEXT, source.text, () => cache(factsOf(job)), job.workflow.defaultShell ?? '');
    jobs.push(cached?.facts ?? factsOf(job));
    if (cached && inputs) inputs.push(cached.key);
    else inputs = undefined;
  }
  return { jobs, cases: triggerCases(workflowTriggers(workflow, yaml)), inputs };
}

function cache(facts: JobFacts): Cached {
  // `undefined` kept apart from `null` (a list's missing `if:` from one that is not text).
  return { facts, key: JSON.stringify(facts, (_key, value: unknown) => (value === undefined ? '\u0000undefined' : value)) };
}

function factsOf(job: Job): JobFacts {
  const kind = classifyJob(job);
  const condition = job.fields.get('if');
  const ifText = scalarToString(condition?.value);
  return {
    id: job.id,
    needs: [...job.needs],
    synthetic: job.synthetic,
    hasIf: condition !== undefined,
    ifText,
    role: kind.role,
    fastChecks: kind.fastChecks,
    tests: kind.tests,
    testCommands: kind.testCommands,
    slow: kind.slow,
    deploy: kind.deploy,
    opaque: kind.opaque,
    reasons: kind.reasons,
    deployConditions: kind.deployConditions,
  };
}

/** The text of the `on:` entries triggers are read from (`true:` is how YAML 1.1 reads a bare `on`); undefined with an alias. */
function triggersSource(workflow: Workflow): string | undefined {
  let source = '';
  for (const pair of workflow.node.items) {
    if (!isPair(pair) || !isScalar(pair.key) || (pair.key.value !== 'on' && pair.key.value !== true && pair.key.value !== 'true')) continue;
    if (!isPlain(pair)) return undefined;
    const from = pair.key.range?.[0];
    const to = (pair.value as { range?: [number, number, number] } | null)?.range?.[2] ?? pair.key.range?.[2];
    if (from === undefined || to === undefined) return undefined;
    source += `${String(pair.key.value)}\u0000${workflow.text.slice(from, to)}\u0000`;
  }
  return source;
}

/** What reachability reads of a job's `if:`. */
export function conditionFacts(job: JobFacts): ConditionFacts {
  return job.hasIf ? { present: true, ...conditionReading(job.ifText) } : { present: false, usesStatus: false, constant: false };
}

/** An empty map from job id to what a rule says about that job (no inherited keys: a job may be called `constructor`). */
export function byJobId<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

const NOTHING: Readonly<Record<string, never>> = Object.freeze(byJobId<never>());

/**
 * A cross-job rule's question for `ctx.acrossJobs`: what it says about each job (by id), worked out by `analyse` from every job's
 * facts and kept in the engine's memo while they are the same (the same object, whose JSON the engine then need not
 * write again); nothing for a composite action. Undefined inputs (an alias somewhere) are never reused.
 */
export function crossJobVerdicts<V>(name: string, analyse: (cross: CrossJobs) => Readonly<Record<string, V>>): AcrossJobs<Readonly<Record<string, V>>> {
  const slot = new MemoSlot<Readonly<Record<string, V>>>(name, { limit: 8 });
  return (workflow, doc, memo) => {
    if (workflow.kind !== 'workflow') return NOTHING;
    const cross = crossJobs(workflow, doc);
    return cross.inputs ? memo.get(slot, cross.inputs.join('\u0000'), () => analyse(cross)) : analyse(cross);
  };
}
