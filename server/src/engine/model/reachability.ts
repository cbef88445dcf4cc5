import { MemoKey, memoOn } from './memo';
import {
  contextPaths,
  type EvalEnv,
  evaluateCondition,
  type Expr,
  parseCondition,
  type Truth,
  UNKNOWN,
  usesStatusFunction,
  type Value,
} from '../languages/expressions';
import { scalarText, type ScalarText } from '../yaml/scalarText';
import { isScalar, scalarToString, type Field, type YamlDoc } from '../yaml/yamlFile';
import { jobGraph, type GraphJob, type JobGraph } from './jobGraph';
import { memo, MemoSlot } from '../incremental/memo';
import { stepCondition } from './jobKind';
import { type TriggerCase, triggerCases, workflowTriggers } from './triggers';
import type { Job, Step, Workflow } from './workflow';

/** A job's `if:`, parsed. */
export interface JobCondition {
  /** The `if:` field, when the job has one. */
  field?: Field;
  /** The condition, when present and parseable. */
  ast?: Expr;
  /** The parsed expression source (inside `${{ }}` when wrapped). */
  source?: string;
  /** Where `source` starts in the scalar's value, and the scalar's map back to the file. */
  offset: number;
  text?: ScalarText;
  /** Present but not parseable (or not a string): nothing can be concluded from it. */
  unreadable: boolean;
  usesStatus: boolean;
  /**
   * A deliberate switch: false whatever the contexts and statuses (`if: false`, `always() && false && …`),
   * or reading no context at all (`if: true`).
   */
  constant: boolean;
}

const CONDITION = new MemoKey<JobCondition>('condition');

export function jobCondition(job: Job, fileText: string): JobCondition {
  return memoOn(job, CONDITION, () => readCondition(job, fileText));
}

/** What an `if:` value says, read from its text alone (so the same for the same text in any parse). */
export type ConditionReading = Omit<JobCondition, 'field' | 'text'>;

/** What reachability reads of a job's `if:`: whether there is one, and what its text says. */
export interface ConditionFacts {
  present: boolean;
  ast?: Expr;
  usesStatus: boolean;
  constant: boolean;
}

// Every lint builds new Jobs, but few conditions change between keystrokes: parse each text once.
const READINGS = new MemoSlot<ConditionReading>('conditionReading');

function readCondition(job: Job, fileText: string): JobCondition {
  const field = job.fields.get('if');
  if (!field) return { offset: 0, unreadable: false, usesStatus: false, constant: false };
  const reading = conditionReading(scalarToString(field.value));
  const text = isScalar(field.value) ? scalarText(fileText, field.value) : undefined;
  return { field, ...reading, ...(text ? { text } : {}) };
}

/** What an `if:` that is there says, from its text (undefined when it is not text). */
export function conditionReading(value: string | undefined): ConditionReading {
  if (value === undefined || value.trim() === '') return { offset: 0, unreadable: true, usesStatus: false, constant: false };
  return memo.get(READINGS, value, readValue);
}

function readValue(value: string): ConditionReading {
  const parsed = parseCondition(value);
  if (!parsed.ok) {
    // Still worth knowing whether it would take a status function (a skipped need then does not skip the job).
    const usesStatus = /\b(always|success|failure|cancelled)\s*\(/i.test(value);
    return { offset: 0, unreadable: true, usesStatus, constant: false };
  }
  const source = parsed.offset === 0 ? value : findInner(value, parsed.offset);
  const usesStatus = usesStatusFunction(parsed.ast);
  return {
    ast: parsed.ast,
    source,
    offset: parsed.offset,
    unreadable: false,
    usesStatus,
    constant: (!usesStatus && contextPaths(parsed.ast).length === 0) || evaluateCondition(parsed.ast, { status: { always: true } }) === false,
  };
}

function findInner(value: string, offset: number): string {
  const close = value.lastIndexOf('}}');
  return value.slice(offset, close < offset ? value.length : close);
}

/** Kleene conjunction. */
export function and3(a: Truth, b: Truth): Truth {
  if (a === false || b === false) return false;
  return a === true && b === true ? true : 'unknown';
}

export function or3(a: Truth, b: Truth): Truth {
  if (a === true || b === true) return true;
  return a === false && b === false ? false : 'unknown';
}

/**
 * Which jobs can run, per way the workflow can start (see `triggerCases`). In a case, a job "runs"
 * when it would start provided the jobs before it succeed: `false` means it certainly does not
 * (its condition is false, or a need is skipped and its condition has no status function), and
 * `'unknown'` means it cannot be decided. Constant conditions (`if: false`) count as unknown:
 * switching a job off is deliberate, not a mistake to report.
 */
export interface Reachability<J extends GraphJob = Job> {
  cases: TriggerCase[];
  runs(job: J, caseIndex: number): Truth;
  /** Whether the job can run in some case: false only when every case rules it out. */
  canRun(job: J): Truth;
  /**
   * The job's own `if:` in a case, as if every need had succeeded: true when absent, 'unknown'
   * when unreadable or constant.
   */
  ownCondition(job: J, caseIndex: number): Truth;
}

/**
 * Whether a step's own `if:` lets it run in a trigger case: true without one, 'unknown' when it
 * calls a status function or cannot be read (step conditions see the same `github` context).
 */
export function stepRunsIn(step: Step, triggerCase: TriggerCase): Truth {
  return conditionRunsIn(stepCondition(step), triggerCase);
}

/** Whether a step with this `if:` (see `stepCondition`) certainly runs, certainly not, or may, in a trigger case. */
export function conditionRunsIn(value: string | null | undefined, triggerCase: TriggerCase): Truth {
  if (value === null) return 'unknown';
  if (value === undefined) return true;
  const reading = memo.get(READINGS, value, readValue);
  if (!reading.ast || reading.usesStatus) return 'unknown';
  return evaluateCondition(reading.ast, caseEnv(triggerCase.values, new Map(), undefined));
}

const REACHABILITY = new MemoKey<Reachability>('reachability');

export function reachability(workflow: Workflow, yaml: YamlDoc, fileText: string): Reachability {
  return memoOn(workflow, REACHABILITY, () =>
    reachabilityOf(jobGraph(workflow), triggerCases(workflowTriggers(workflow, yaml)), (job) => {
      const condition = jobCondition(job, fileText);
      return { ...condition, present: condition.field !== undefined };
    }),
  );
}

function caseEnv(values: Map<string, Value>, needResults: Map<string, Value>, status: EvalEnv['status']): EvalEnv {
  return {
    lookup(path) {
      if (path[0] === 'needs' && path.length === 3 && path[2] === 'result') return needResults.get(path[1]!);
      return values.get(path.join('.'));
    },
    ...(status ? { status } : {}),
  };
}

/** Which jobs of a graph can run in each trigger case, given what each job's `if:` says. */
export function reachabilityOf<J extends GraphJob>(graph: JobGraph<J>, cases: TriggerCase[], conditionOf: (job: J) => ConditionFacts): Reachability<J> {
  const memo = cases.map(() => new Map<J, Truth>());
  const inProgress = new Set<J>();

  const ownCondition = (job: J, caseIndex: number): Truth => {
    const condition = conditionOf(job);
    if (!condition.present) return true;
    if (!condition.ast || condition.constant) return 'unknown';
    const needs = graph.needs(job);
    const status = { success: needs.length === 0 ? true : ('unknown' as Truth), failure: 'unknown' as Truth, cancelled: 'unknown' as Truth };
    return evaluateCondition(condition.ast, caseEnv(cases[caseIndex]!.values, new Map(), status));
  };

  const runs = (job: J, caseIndex: number): Truth => {
    const known = memo[caseIndex]!.get(job);
    if (known !== undefined) return known;
    if (inProgress.has(job) || graph.inCycle(job)) return 'unknown';
    inProgress.add(job);
    const result = decide(job, caseIndex);
    inProgress.delete(job);
    memo[caseIndex]!.set(job, result);
    return result;
  };

  const decide = (job: J, caseIndex: number): Truth => {
    const condition = conditionOf(job);
    const needs = graph.needs(job);
    const needRuns = needs.map((need) => runs(need, caseIndex));
    const someSkipped = needRuns.includes(false);
    if (!condition.usesStatus && someSkipped) return false;
    if (condition.present && (!condition.ast || condition.constant)) return 'unknown';
    if (!condition.usesStatus) {
      const allRan: Truth = needRuns.every((ran) => ran === true) ? true : 'unknown';
      return and3(allRan, ownCondition(job, caseIndex));
    }
    const results = new Map<string, Value>();
    needs.forEach((need, i) => results.set(need.id.toLowerCase(), needRuns[i] === false ? 'skipped' : UNKNOWN));
    const status = {
      success: someSkipped ? false : needs.length === 0 ? true : ('unknown' as Truth),
      failure: 'unknown' as Truth,
      cancelled: 'unknown' as Truth,
    };
    return evaluateCondition(condition.ast!, caseEnv(cases[caseIndex]!.values, results, status));
  };

  return {
    cases,
    runs,
    ownCondition,
    canRun(job) {
      let truth: Truth = false;
      for (let i = 0; i < cases.length && truth !== true; i++) truth = or3(truth, runs(job, i));
      return truth;
    },
  };
}
