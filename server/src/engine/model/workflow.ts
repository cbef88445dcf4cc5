import type { Span } from '../core/finding';
import { ACTION_SCHEMA, WORKFLOW_SCHEMA } from '../schema/schemaData.generated';
import { chosenMapping } from '../schema/validate';
import { scalarText, type ScalarText } from '../yaml/scalarText';
import { type ActionRef, parseUses } from './action';
import type { Memoizing, MemoKey } from './memo';
import { keptPerNode } from '../incremental/memo';
import { defaultShell, onlyOnWindows, resolveShell, runsOnWindows, type StepShell } from './stepShell';
import {
  type Field,
  isMap,
  aliasesResolveInside,
  isScalar,
  isSeq,
  mapFields,
  type Node,
  type Scalar,
  scalarToString,
  seqItems,
  spanOf,
  type YamlDoc,
  type YAMLMap,
} from '../yaml/yamlFile';

/** A GitHub Actions workflow (or a composite action, whose steps are the only jobs-like part). */
export interface Workflow extends Memoizing {
  kind: 'workflow' | 'composite-action';
  node: YAMLMap;
  fields: ReadonlyMap<string, Field>;
  jobs: Job[];
  /** The file's text, for caches keyed by what a job's source says (never by its YAML nodes, which edits move). */
  text: string;
  /** `defaults: run: shell:` as written, if any: part of every step's `shell` outside its job's text. */
  defaultShell: string | undefined;
  /** A workflow file with no content (only comments, or nothing): `node` is an empty mapping of no length. */
  empty?: true;
}

export interface Job extends Memoizing {
  id: string;
  workflow: Workflow;
  /** The job's key in `jobs:`. */
  idSpan: Span;
  node: YAMLMap;
  fields: ReadonlyMap<string, Field>;
  /** Ids this job `needs:` (unknown ids kept: the graph decides what to do with them). */
  needs: readonly string[];
  steps: Step[];
  /** For a composite action there is no real job: the steps live under `runs:`. */
  synthetic: boolean;
  /** A job-level `uses:` (kind `reusable`): the workflow this job calls instead of running steps. */
  call: ActionRef | undefined;
}

export interface Step {
  index: number;
  node: YAMLMap;
  fields: ReadonlyMap<string, Field>;
  /** `uses:` value, e.g. `actions/setup-node@v4`. */
  uses?: string;
  /** The `uses:` value parsed: what rules read instead of splitting it themselves. */
  action?: ActionRef;
  /** The shell its `run:` script runs in (step `shell:`, then job and workflow `defaults: run: shell:`, then the runner OS). */
  shell: StepShell;
  /** The action's inputs (`with:`), empty when there are none. */
  inputs: Map<string, Field>;
  /** The `run:` script with its map back to the file; absent for `uses:` steps or non-string scripts. */
  run?: RunScript;
  job: Job;
}

export interface RunScript {
  node: Scalar;
  span: Span;
  /** Undefined when the scalar's text cannot be mapped back to the file (exotic escapes): report on `span`, offer no fix. */
  text: ScalarText | undefined;
  value: string;
}

export function buildWorkflow(yaml: YamlDoc, root: YAMLMap, text: string, kind: Workflow['kind']): Workflow {
  const fields = mapFields(yaml, root);
  const workflow: Workflow = { kind, node: root, fields, jobs: [], text, memos: undefined, defaultShell: kind === 'workflow' ? defaultShell(fields.get('defaults')?.value) : undefined };
  if (kind === 'composite-action') {
    const runs = fields.get('runs')?.value;
    if (isMap(runs)) {
      const runsFields = mapFields(yaml, runs);
      workflow.jobs.push(new WorkflowJob('', workflow, runsFields.get('steps')?.keySpan ?? spanOf(runs), runs, runsFields, [], true, yaml, runsFields.get('steps')?.value));
    }
    return workflow;
  }
  const jobs = fields.get('jobs')?.value;
  if (!isMap(jobs)) return workflow;
  for (const [id, field] of mapFields(yaml, jobs)) {
    if (!isMap(field.value)) continue;
    const { fields: jobFields, needs, steps } = jobReading(field.value, yaml);
    workflow.jobs.push(new WorkflowJob(id, workflow, field.keySpan, field.value, jobFields, needs, false, yaml, steps));
  }
  return workflow;
}

interface JobReading {
  fields: ReadonlyMap<string, Field>;
  needs: readonly string[];
  steps: Node | undefined;
}

/** What a job's node says: read once per node (see `keptPerNode`), so on a keystroke in a long workflow every job but the edited one is read from there. */
const jobReading = keptPerNode((node: YAMLMap, yaml: YamlDoc): JobReading => {
  const fields = mapFields(yaml, node);
  return { fields, needs: stringList(yaml, fields.get('needs')?.value), steps: fields.get('steps')?.value };
});

/**
 * A job whose steps are built when first read: on a keystroke in a long workflow most jobs' findings are reused and
 * their steps never looked at. Read them in the lint that built the job (a later edit may move its nodes).
 */
class WorkflowJob implements Job {
  memos: Map<MemoKey<unknown>, unknown> | undefined = undefined;
  private built: Step[] | undefined;
  private source: { text: string; start: number } | null | undefined;

  constructor(
    readonly id: string,
    readonly workflow: Workflow,
    readonly idSpan: Span,
    readonly node: YAMLMap,
    readonly fields: ReadonlyMap<string, Field>,
    readonly needs: readonly string[],
    readonly synthetic: boolean,
    private readonly yaml: YamlDoc,
    private readonly stepsNode: Node | undefined,
  ) {}

  get steps(): Step[] {
    return (this.built ??= buildSteps(this.yaml, this.stepsNode, this, this.workflow.text));
  }

  get call(): ActionRef | undefined {
    const uses = this.synthetic ? undefined : scalarToString(this.fields.get('uses')?.value);
    return uses === undefined ? undefined : parseUses(uses, 'job');
  }

  /** See `jobSource`; worked out once per job, so every cache keyed by it hashes the same string once. */
  sourceText(): { text: string; start: number } | undefined {
    if (this.source === undefined) this.source = readSource(this) ?? null;
    return this.source ?? undefined;
  }
}

/**
 * A job's text, from the start of its key's line to the end of its value, and where it starts; undefined for a job
 * whose key does not start its line (flow style) or that holds an alias naming an anchor outside it (which reads
 * text elsewhere). What a job says — its findings, what it is, what cross-job rules read of it — depends on this text
 * alone (its id is in it), so caches of those are keyed by it.
 */
export function jobSource(job: Job): { text: string; start: number } | undefined {
  return job instanceof WorkflowJob ? job.sourceText() : readSource(job);
}

function readSource(job: Job): { text: string; start: number } | undefined {
  const range = job.node.range;
  if (job.synthetic || !range || range[0] < job.idSpan.end) return undefined;
  const text = job.workflow.text;
  const start = text.lastIndexOf('\n', job.idSpan.start - 1) + 1;
  for (let at = start; at < job.idSpan.start; at++) if (text.charCodeAt(at) !== 32) return undefined;
  const slice = text.slice(start, range[2]);
  // A job whose aliases name anchors outside it holds what other text says: its text alone is not its key.
  if (slice.includes('*') && !aliasesResolveInside(job.node)) return undefined;
  return { text: slice, start };
}

function buildSteps(yaml: YamlDoc, stepsNode: Node | undefined, job: Job, text: string): Step[] {
  if (!isSeq(stepsNode)) return [];
  const steps: Step[] = [];
  const jobShell = jobDefaultShell(job);
  seqItems(yaml, stepsNode).forEach((item, index) => {
    if (!isMap(item)) return;
    const fields = mapFields(yaml, item);
    const inputsNode = fields.get('with')?.value;
    const written = scalarToString(fields.get('shell')?.value);
    // A step on the runner's default that runs only on Windows gets that runner's default: PowerShell.
    const windowsStep = written === undefined && jobShell.from === 'runner' && jobShell.kind === 'posix' && onlyOnWindows(scalarToString(fields.get('if')?.value));
    const shell = written !== undefined ? resolveShell(written, 'step', false) : windowsStep ? resolveShell(undefined, 'runner', true) : jobShell;
    const step: Step = { index, node: item, fields, job, inputs: isMap(inputsNode) ? mapFields(yaml, inputsNode) : new Map(), shell };
    const uses = scalarToString(fields.get('uses')?.value);
    if (uses !== undefined) {
      step.uses = uses;
      const action = parseUses(uses, 'step');
      if (action) step.action = action;
    }
    const run = fields.get('run')?.value;
    if (isScalar(run) && typeof run.value === 'string') {
      step.run = new LazyRunScript(text, run, run.value);
    }
    steps.push(step);
  });
  return steps;
}

// A composite action's step must set `shell:`; one that does not is checked as bash.
const MISSING_SHELL: StepShell = { name: 'bash', kind: 'posix', from: 'missing' };

/** The shell of the job's steps that set none: its `defaults:`, the workflow's, or its runner's default. */
function jobDefaultShell(job: Job): StepShell {
  if (job.synthetic) return MISSING_SHELL;
  const own = defaultShell(job.fields.get('defaults')?.value);
  if (own !== undefined) return resolveShell(own, 'job', false);
  return resolveShell(job.workflow.defaultShell, 'workflow', runsOnWindows(job.fields.get('runs-on')?.value));
}

/**
 * Whether a job's scripts could say what `test` looks for: false only when its source text does not, and nothing in
 * it could spell it otherwise (escapes in quoted strings, aliases to text elsewhere). Values are their source with
 * lines folded and quotes undone, so a job that fails this need not have its steps built (most keystrokes).
 */
export function jobTextMayMatch(job: Job, test: (source: string) => boolean): boolean {
  const source = jobSource(job)?.text;
  return source === undefined || source.includes('\\') || test(source);
}

/**
 * A step's script; its map back to the file is worked out when first read (most keystrokes read few of them). A class,
 * not an object literal with a getter: see LazyLinesFile in jobSplice.ts (the getter would keep the file's text alive).
 */
class LazyRunScript implements RunScript {
  readonly span: Span;
  private mapped: { text: ScalarText | undefined } | undefined;

  constructor(
    private readonly fileText: string,
    readonly node: Scalar,
    readonly value: string,
  ) {
    this.span = spanOf(node);
  }

  get text(): ScalarText | undefined {
    this.mapped ??= { text: scalarText(this.fileText, this.node) };
    return this.mapped.text;
  }
}

/**
 * Whether GitHub reads the job as a call of a reusable workflow: its parser goes by the first key only one kind of job
 * takes, so a job with `with:` or `secrets:` before `runs-on:` is a call without `uses:`, where `runs-on`,
 * `timeout-minutes` and `steps` are errors.
 */
export function readAsCall(job: Job): boolean {
  return !job.synthetic && chosenMapping(WORKFLOW_SCHEMA, 'job', [...job.fields.keys()]) === 'workflow-job';
}

/**
 * Whether GitHub reads the step as a `run` step, as for `readAsCall`: a step with `shell:` or `working-directory:`
 * before `uses:` is a `run` step without `run:`, where `uses` and `with` are errors.
 */
export function readAsRunStep(step: Step): boolean {
  const [schema, name] = step.job.workflow.kind === 'composite-action' ? [ACTION_SCHEMA, 'composite-step'] : [WORKFLOW_SCHEMA, 'steps-item'];
  return chosenMapping(schema, name, [...step.fields.keys()]) === 'run-step';
}

/** A scalar or a sequence of scalars, as strings (`needs: build` and `needs: [build, lint]`). */
export function stringList(yaml: YamlDoc, node: Node | undefined): string[] {
  if (isSeq(node)) return seqItems(yaml, node).flatMap((item) => scalarToString(item) ?? []);
  const single = scalarToString(node);
  return single === undefined ? [] : [single];
}
