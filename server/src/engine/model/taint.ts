import type { AcrossJobs } from '../core/rule';
import { MemoSlot } from '../incremental/memo';
import { findExpressions, parseExpression, renderedPaths, type RenderedPath } from '../languages/expressions';
import { parseShell, type ShellCommand } from '../languages/shell';
import { isMap, isScalar, isSeq, mapFields, scalarToString, seqItems, type Node, type YamlDoc } from '../yaml/yamlFile';
import { MemoKey, memoOn } from './memo';
import { conditionRunsIn } from './reachability';
import { stepCondition } from './jobKind';
import { triggerCases, workflowTriggers } from './triggers';
import type { Job, Step, Workflow } from './workflow';

/**
 * Where untrusted text comes from and how it travels through a workflow: event text, free-text inputs, and the
 * `env:` entries, step outputs, job outputs and matrices built from them. What `gha/script-injection` and
 * `gha/github-env` ask before they call a value attacker-chosen, and the chain they quote when they do.
 */

/**
 * `event`: text whoever opens an issue, pull request, comment or branch chooses; `input`: a free-text input of
 * `workflow_dispatch` / `workflow_call` or of a composite action, chosen by whoever starts or calls it. Only a wide
 * model (`jobTaint(…, { wide: true })`) gives `absent`: event text no event the workflow runs on carries (empty
 * there, attacker-chosen under the events that do); and `action`: an output of an action step, whose text the action
 * sets, not the workflow (not known to be anyone's choice).
 */
export type TaintLevel = 'event' | 'input' | 'action' | 'absent';

export interface Taint {
  /** The context path the expression reads, as written ('env.TITLE', 'steps.meta.outputs.title'). */
  path: string;
  /** The untrusted text it holds in the end ('github.event.issue.title', 'inputs.name'). */
  origin: string;
  level: TaintLevel;
  /** How the text got from `origin` to `path`, one sentence a hop, nearest first; empty when `path` is the origin. */
  chain: string[];
  /** For `input` taint: whether a `workflow_dispatch` input (typed in by whoever starts the run) is among its origins. */
  dispatched?: boolean;
  /** For `env.X`: the variable, as declared, that already holds the text in the step's environment. */
  variable?: string;
  /** For `action` taint: the action (`uses:` without its ref) whose output it is. */
  action?: string;
}

/**
 * Context paths (lower case, `*` for any index or key) whose text the author of an issue, comment, pull request,
 * commit, branch or wiki page chooses. Names, logins, SHAs, numbers and flags are not free text and do not count.
 */
const UNTRUSTED_TEXT: readonly string[][] = [
  ...['issue', 'pull_request', 'discussion'].flatMap((object) => [`github.event.${object}.title`, `github.event.${object}.body`]),
  ...['comment', 'review', 'review_comment'].map((object) => `github.event.${object}.body`),
  'github.event.pages.*.page_name',
  ...['github.event.commits.*', 'github.event.head_commit', 'github.event.workflow_run.head_commit'].flatMap((commit) => [
    `${commit}.message`,
    ...['author', 'committer'].flatMap((who) => [`${commit}.${who}.email`, `${commit}.${who}.name`]),
  ]),
  ...['ref', 'label', 'repo.default_branch'].map((field) => `github.event.pull_request.head.${field}`),
  'github.event.workflow_run.head_branch',
  'github.event.workflow_run.display_title',
  'github.event.workflow_run.pull_requests.*.head.ref',
  'github.head_ref',
].map((path) => path.split('.'));

/** Whether `path` (segments) can stand for the start of `template` (`*` matches any one segment either way). */
function matchesStart(path: readonly string[], template: readonly string[]): boolean {
  return path.length <= template.length && path.every((segment, i) => segment === '*' || template[i] === '*' || template[i] === segment);
}

/**
 * Whether what the expression pastes in can hold attacker-chosen event text: an untrusted text field itself, or an
 * object holding one passed through `toJSON()`, `join()` …, or picked from one by a computed index. An object pasted
 * as it is renders as the word `Object` (an array as `Array`), and booleans and numbers (`…draft`, `…number`,
 * comparisons, `startsWith()`) are never code.
 */
export function untrustedEventText(rendered: RenderedPath): boolean {
  const path = rendered.path.split('.');
  switch (rendered.via) {
    case 'value':
      return !path.includes('*') && UNTRUSTED_TEXT.some((template) => path.length === template.length && matchesStart(path, template));
    case 'member': {
      // A path through a filter (`github.event.commits.*.message`) is already the list of what it matched: an index picks one.
      const memberLength = path.includes('*') ? path.length : path.length + 1;
      return UNTRUSTED_TEXT.some((template) => template.length === memberLength && matchesStart(path, template));
    }
    case 'content':
      return UNTRUSTED_TEXT.some((template) => matchesStart(path, template));
  }
}

/**
 * The events whose payload holds each object of untrusted text (the first segments after `github.event`, or
 * `github.head_ref`): under other events the context is empty.
 */
const CARRIED_BY: ReadonlyMap<string, readonly string[]> = new Map([
  ['head_ref', ['pull_request', 'pull_request_target']],
  ['pull_request', ['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment']],
  ['issue', ['issues', 'issue_comment']],
  ['comment', ['issue_comment', 'pull_request_review_comment', 'commit_comment', 'discussion_comment']],
  ['review', ['pull_request_review']],
  ['review_comment', ['pull_request_review_comment']],
  ['discussion', ['discussion', 'discussion_comment']],
  ['pages', ['gollum']],
  ['commits', ['push']],
  ['head_commit', ['push']],
  ['workflow_run', ['workflow_run']],
  ['client_payload', ['repository_dispatch']],
]);

/** The events whose payload holds the untrusted context `path` (undefined when any may). */
export function carriersOf(path: string): readonly string[] | undefined {
  const segments = path.split('.');
  const object = segments[1] === 'event' ? segments[2] : segments[1];
  return object === undefined ? undefined : CARRIED_BY.get(object);
}

/** Whether an event the workflow runs on can fill the untrusted context `path` (all of them when the events are not known). */
function carried(path: string, events: ReadonlySet<string> | undefined): boolean {
  if (!events) return true;
  const carriers = carriersOf(path);
  return !carriers || carriers.some((event) => events.has(event));
}

const PAYLOAD = /^github\.event\.client_payload\b/i;

/** Whether the text comes from a `repository_dispatch` payload (chosen by whoever sends the event). */
export function fromDispatchPayload(taint: Taint): boolean {
  return PAYLOAD.test(taint.origin);
}

/** Job id → output name (lower case) → what makes it untrusted: plain data, for `ctx.acrossJobs`. */
export type JobOutputTaints = Readonly<Record<string, Readonly<Record<string, Taint>>>>;

const NO_OUTPUTS: JobOutputTaints = Object.freeze(Object.create(null) as Record<string, Record<string, Taint>>);
const JOB_OUTPUTS_SLOT = new MemoSlot<JobOutputTaints>('taint-job-outputs', { limit: 8, plain: true });

/**
 * The question (for `ctx.acrossJobs`) every rule that follows taint through `needs.J.outputs.O` asks: which job
 * outputs hold untrusted text. Worked out from the whole workflow, jobs in `needs:` order.
 */
export const JOB_OUTPUT_TAINTS: AcrossJobs<JobOutputTaints> = (workflow, yaml, memo) => {
  if (workflow.kind !== 'workflow' || !workflow.jobs.some((job) => job.fields.has('outputs'))) return NO_OUTPUTS;
  return memo.get(JOB_OUTPUTS_SLOT, workflow.text, () => jobOutputTaints(workflow, yaml));
};

function jobOutputTaints(workflow: Workflow, yaml: YamlDoc): JobOutputTaints {
  const result = Object.create(null) as Record<string, Record<string, Taint>>;
  const byId = new Map(workflow.jobs.map((job) => [job.id, job]));
  const visiting = new Set<string>();
  const visit = (job: Job): void => {
    if (job.id in result || visiting.has(job.id)) return;
    visiting.add(job.id);
    for (const need of job.needs) {
      const needed = byId.get(need);
      if (needed) visit(needed);
    }
    const outputs = job.fields.get('outputs')?.value;
    const own = Object.create(null) as Record<string, Taint>;
    if (isMap(outputs)) {
      const scope = new JobTaint(job, yaml, result);
      for (const [name, field] of mapFields(yaml, outputs)) {
        const text = scalarToString(field.value);
        const taint = text === undefined ? undefined : scope.textTaint(text, undefined);
        if (taint) own[name.toLowerCase()] = hop(taint, `needs.${job.id}.outputs.${name}`, `needs.${job.id}.outputs.${name} is job '${job.id}''s output '${name}', set from ${taint.path}`);
      }
    }
    result[job.id] = own;
    visiting.delete(job.id);
  };
  for (const job of workflow.jobs) visit(job);
  return result;
}

function hop(from: Taint, path: string, sentence: string): Taint {
  return {
    path,
    origin: from.origin,
    level: from.level,
    chain: [sentence, ...from.chain],
    ...(from.dispatched !== undefined ? { dispatched: from.dispatched } : {}),
    ...(from.action !== undefined ? { action: from.action } : {}),
  };
}

const RANK: Readonly<Record<TaintLevel, number>> = { event: 3, input: 2, action: 1, absent: 0 };

/** The worse of two taints (event text over inputs over outputs of actions over absent event text), the first when equal. */
function worse(a: Taint | undefined, b: Taint | undefined): Taint | undefined {
  if (!a) return b;
  if (!b) return a;
  return RANK[b.level] > RANK[a.level] ? b : a;
}

const JOB_TAINT = new MemoKey<{ outputs: JobOutputTaints; taint: JobTaint }>('jobTaint');
const WIDE_JOB_TAINT = new MemoKey<{ outputs: JobOutputTaints; taint: JobTaint }>('jobTaint-wide');

/**
 * The taint model of a job, given what `ctx.acrossJobs(JOB_OUTPUT_TAINTS)` answered. `wide` also gives `absent`
 * taint: event text the workflow's events do not carry.
 */
export function jobTaint(job: Job, yaml: YamlDoc, outputs: JobOutputTaints, options: { wide?: boolean } = {}): JobTaint {
  const wide = options.wide === true;
  const kept = memoOn(job, wide ? WIDE_JOB_TAINT : JOB_TAINT, () => ({ outputs, taint: new JobTaint(job, yaml, outputs, wide) }));
  return kept.outputs === outputs ? kept.taint : new JobTaint(job, yaml, outputs, wide);
}

interface EnvEntry {
  name: string;
  value: string | undefined;
}

type EnvLayer = { where: string; entries: Map<string, EnvEntry> };

/** A write into one of the runner's files (`$GITHUB_ENV`, `$GITHUB_PATH`, `$GITHUB_OUTPUT`) by a `run:` script. */
export interface FileWrite {
  file: 'GITHUB_ENV' | 'GITHUB_PATH' | 'GITHUB_OUTPUT';
  /** Script offsets of the command that writes. */
  start: number;
  end: number;
  /** The text written, as the script spells it. */
  text: string;
  /** What makes the written text untrusted, if anything does. */
  taint: Taint | undefined;
}

const FILE_NAMES = ['GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_OUTPUT'] as const;
const POSIX_FILE = /^\$\{?(GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT)\}?$/;
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;
const DECLARERS = new Set(['export', 'local', 'declare', 'readonly', 'typeset']);

/** What a job's steps can read that holds untrusted text. */
export class JobTaint {
  private readonly outputsOfStep = new Map<Step, Map<string, Taint>>();
  private readonly workflowEnv: EnvLayer;
  private readonly jobEnv: EnvLayer;
  private matrixTaint: { whole: Taint | undefined; keys: Map<string, Taint> } | undefined;
  private inputKinds: Map<string, 'dispatch' | 'call'> | undefined;
  private eventNames: { events: ReadonlySet<string> | undefined } | undefined;

  constructor(
    readonly job: Job,
    private readonly yaml: YamlDoc,
    private readonly jobOutputs: JobOutputTaints,
    private readonly wide = false,
  ) {
    this.workflowEnv = { where: "the workflow's env:", entries: this.envEntries(job.workflow.fields.get('env')?.value) };
    this.jobEnv = { where: job.synthetic ? "the action's env:" : `job '${job.id}''s env:`, entries: this.envEntries(job.synthetic ? undefined : job.fields.get('env')?.value) };
  }

  /** The worst taint among the `${{ }}` of `text`, read where `step` runs (after the job's steps when undefined). */
  textTaint(text: string, step: Step | undefined, layers = this.layers(step)): Taint | undefined {
    let found: Taint | undefined;
    for (const expression of findExpressions(text)) {
      found = worse(found, this.expressionTaint(expression.inner, step, layers));
      if (found?.level === 'event') return found;
    }
    return found;
  }

  /** What makes the text an expression (the inside of `${{ }}`) renders untrusted, read where `step` runs. */
  expressionTaint(inner: string, step: Step | undefined, layers = this.layers(step)): Taint | undefined {
    const parsed = parseExpression(inner);
    if (!parsed.ok) return undefined;
    let found: Taint | undefined;
    for (const rendered of renderedPaths(parsed.ast)) {
      found = worse(found, this.pathTaint(rendered, step, layers));
      if (found?.level === 'event') return found;
    }
    return found;
  }

  /** The env layers a step sees, innermost first. */
  private layers(step: Step | undefined): EnvLayer[] {
    const own = step ? [{ where: "the step's env:", entries: this.envEntries(step.fields.get('env')?.value) }] : [];
    return [...own, this.jobEnv, this.workflowEnv];
  }

  private pathTaint(rendered: RenderedPath, step: Step | undefined, layers: EnvLayer[]): Taint | undefined {
    if (untrustedEventText(rendered)) {
      if (carried(rendered.path, this.events())) return { path: rendered.path, origin: rendered.path, level: 'event', chain: [] };
      return this.wide ? { path: rendered.path, origin: rendered.path, level: 'absent', chain: [] } : undefined;
    }
    const segments = rendered.segments.map((segment) => String(segment));
    const [root, ...rest] = rendered.path.split('.');
    const written = segments.join('.');
    switch (root) {
      case 'inputs':
        return rest.length === 1 ? this.inputTaint(rest[0]!, written) : undefined;
      case 'github':
        if (rest[0] === 'event' && rest[1] === 'client_payload') return this.payloadTaint(rendered, written);
        return rest.length === 3 && rest[0] === 'event' && rest[1] === 'inputs' ? this.inputTaint(rest[2]!, written) : undefined;
      case 'env':
        return rest.length === 1 ? this.envTaint(rest[0]!, step, layers) : undefined;
      case 'steps': {
        if (rest.length !== 3 || rest[1] !== 'outputs') return undefined;
        const source = this.stepBefore(rest[0]!, step);
        if (!source) return undefined;
        const taint = this.outputsOf(source).get(rest[2]!);
        if (taint) return hop(taint, written, `${written} is written by step '${segments[1]}' from ${taint.path}`);
        return this.wide ? actionOutputTaint(source, rest[2]!, written, rendered.field) : undefined;
      }
      case 'needs': {
        if (rest.length !== 3 || rest[1] !== 'outputs' || !this.job.needs.some((need) => need.toLowerCase() === rest[0])) return undefined;
        const jobId = this.job.needs.find((need) => need.toLowerCase() === rest[0])!;
        const taint = this.jobOutputs[jobId]?.[rest[2]!];
        return taint && { ...taint, path: written };
      }
      case 'matrix': {
        const matrix = this.matrix();
        // `${{ matrix }}` pastes the word `Object`; `toJSON(matrix)` pastes every value.
        const anyKey = matrix.whole ?? [...matrix.keys.values()][0];
        const taint = rest.length === 0 ? (rendered.via === 'value' ? undefined : anyKey) : rendered.via === 'member' ? anyKey : (matrix.whole ?? matrix.keys.get(rest[0]!));
        return taint && hop(taint, written, `${written} is a matrix value built from ${taint.path}`);
      }
      default:
        return undefined;
    }
  }

  private envTaint(name: string, step: Step | undefined, layers: EnvLayer[]): Taint | undefined {
    for (let i = 0; i < layers.length; i++) {
      const entry = layers[i]!.entries.get(name);
      if (!entry) continue;
      if (entry.value === undefined) return undefined;
      const taint = this.textTaint(entry.value, step, layers.slice(i + 1));
      if (!taint) return undefined;
      const path = `env.${entry.name}`;
      return { ...hop(taint, path, `${path} is set from ${taint.path} in ${layers[i]!.where}`), variable: entry.name };
    }
    return undefined;
  }

  private envEntries(node: Node | undefined): Map<string, EnvEntry> {
    const entries = new Map<string, EnvEntry>();
    if (!isMap(node)) return entries;
    for (const [name, field] of mapFields(this.yaml, node)) {
      const value = isScalar(field.value) && typeof field.value.value === 'string' ? field.value.value : undefined;
      entries.set(name.toLowerCase(), { name, value });
    }
    return entries;
  }

  /**
   * Whether event text (or a `repository_dispatch` payload) can reach `step`: some event the workflow runs on carries
   * `taint.origin` and neither the step's nor its job's `if:` rules that event out. Inputs and absent event text (the wide
   * model's) always can.
   */
  reaches(taint: Taint, step: Step): boolean {
    if ((taint.level !== 'event' && !fromDispatchPayload(taint)) || this.job.workflow.kind !== 'workflow') return true;
    const jobIf = this.job.synthetic ? undefined : this.job.fields.get('if');
    const jobCondition = jobIf === undefined ? undefined : (scalarToString(jobIf.value) ?? null);
    return triggerCases(workflowTriggers(this.job.workflow, this.yaml)).some((known) => {
      // Outside workflow_dispatch there are no inputs: `github.event.inputs.x == 'true'` is false there.
      const triggerCase = known.event === undefined || known.event === 'workflow_dispatch' ? known : { ...known, values: new Map([...known.values, ['github.event.inputs', null], ['inputs', null]]) };
      return (
        (triggerCase.event === undefined || carried(taint.origin, new Set([triggerCase.event]))) &&
        conditionRunsIn(stepCondition(step), triggerCase) !== false &&
        conditionRunsIn(jobCondition, triggerCase) !== false
      );
    });
  }

  /** The events the workflow runs on; undefined when not known (a composite action, a reusable workflow, an unreadable `on:`). */
  private events(): ReadonlySet<string> | undefined {
    if (this.eventNames) return this.eventNames.events;
    const workflow = this.job.workflow;
    let events: ReadonlySet<string> | undefined;
    if (workflow.kind === 'workflow') {
      const triggers = workflowTriggers(workflow, this.yaml);
      if (triggers.complete && !triggers.events.has('workflow_call')) events = new Set(triggers.events.keys());
    }
    this.eventNames = { events };
    return events;
  }

  /**
   * `github.event.client_payload.*` of a `repository_dispatch`: whatever JSON the sender posted, so input-level (the
   * sender needs a token that can write to the repository). Empty under other events; the whole payload pasted as
   * it is renders as the word `Object`.
   */
  private payloadTaint(rendered: RenderedPath, written: string): Taint | undefined {
    if (rendered.via === 'value' && rendered.segments.length <= 3) return undefined;
    if (!carried(rendered.path, this.events())) return undefined;
    return { path: written, origin: written, level: 'input', chain: [], dispatched: false };
  }

  /**
   * An input of this workflow (or composite action) that takes free text: a string, declared or by default. Every input
   * of a composite action is a string, declared or not.
   */
  private inputTaint(name: string, written: string): Taint | undefined {
    this.inputKinds ??= this.readInputs();
    const kind = this.inputKinds.get(name) ?? (this.job.workflow.kind === 'composite-action' ? 'call' : undefined);
    return kind === undefined ? undefined : { path: written, origin: written, level: 'input', chain: [], dispatched: kind === 'dispatch' };
  }

  /** Free-text inputs by name (lower case): typed in at `workflow_dispatch`, or passed by a caller. */
  private readInputs(): Map<string, 'dispatch' | 'call'> {
    const kinds = new Map<string, 'dispatch' | 'call'>();
    const add = (inputs: Node | undefined, typed: boolean, kind: 'dispatch' | 'call') => {
      if (!isMap(inputs)) return;
      for (const [name, field] of mapFields(this.yaml, inputs)) {
        const type = typed && isMap(field.value) ? scalarToString(mapFields(this.yaml, field.value).get('type')?.value) : undefined;
        if (type !== undefined && type !== 'string') continue;
        if (kinds.get(name.toLowerCase()) !== 'dispatch') kinds.set(name.toLowerCase(), kind);
      }
    };
    const workflow = this.job.workflow;
    if (workflow.kind === 'composite-action') {
      add(workflow.fields.get('inputs')?.value, false, 'call');
      return kinds;
    }
    const on = workflow.fields.get('on')?.value ?? workflow.fields.get('true')?.value;
    if (!isMap(on)) return kinds;
    for (const [event, field] of mapFields(this.yaml, on)) {
      if ((event === 'workflow_dispatch' || event === 'workflow_call') && isMap(field.value)) {
        add(mapFields(this.yaml, field.value).get('inputs')?.value, true, event === 'workflow_dispatch' ? 'dispatch' : 'call');
      }
    }
    return kinds;
  }

  /** The step `steps.<id>` names, read by a step after it (or by the job's `outputs:`); undefined when none runs before. */
  private stepBefore(id: string, before: Step | undefined): Step | undefined {
    return this.job.steps.find((step) => (!before || step.index < before.index) && scalarToString(step.fields.get('id')?.value)?.toLowerCase() === id);
  }

  /** The outputs a `run:` step writes from untrusted text (an action's outputs are not known: none). */
  private outputsOf(step: Step): Map<string, Taint> {
    let outputs = this.outputsOfStep.get(step);
    if (outputs) return outputs;
    outputs = new Map();
    this.outputsOfStep.set(step, outputs);
    let pending: { name: string; delimiter: string } | undefined;
    for (const write of this.writes(step)) {
      if (write.file !== 'GITHUB_OUTPUT') continue;
      const text = write.text.trim();
      if (pending) {
        if (text === pending.delimiter) pending = undefined;
        else if (write.taint && !outputs.has(pending.name)) outputs.set(pending.name, write.taint);
        continue;
      }
      const heredoc = /^([A-Za-z_][\w-]*)<<(\S+)$/.exec(text);
      if (heredoc) {
        pending = { name: heredoc[1]!.toLowerCase(), delimiter: heredoc[2]! };
        continue;
      }
      const assignment = /^([A-Za-z_][\w-]*)=/.exec(text);
      if (assignment && write.taint && !outputs.has(assignment[1]!.toLowerCase())) outputs.set(assignment[1]!.toLowerCase(), write.taint);
    }
    return outputs;
  }

  private matrix(): { whole: Taint | undefined; keys: Map<string, Taint> } {
    if (this.matrixTaint) return this.matrixTaint;
    const keys = new Map<string, Taint>();
    let whole: Taint | undefined;
    const strategy = this.job.synthetic ? undefined : this.job.fields.get('strategy')?.value;
    const matrix = isMap(strategy) ? mapFields(this.yaml, strategy).get('matrix')?.value : undefined;
    const valueTaint = (node: Node | null | undefined): Taint | undefined => {
      if (isScalar(node)) return typeof node.value === 'string' ? this.textTaint(node.value, undefined) : undefined;
      if (isSeq(node)) return seqItems(this.yaml, node).reduce<Taint | undefined>((found, item) => worse(found, valueTaint(item)), undefined);
      if (isMap(node)) return [...mapFields(this.yaml, node).values()].reduce<Taint | undefined>((found, field) => worse(found, valueTaint(field.value)), undefined);
      return undefined;
    };
    if (isScalar(matrix)) whole = valueTaint(matrix);
    else if (isMap(matrix)) {
      for (const [key, field] of mapFields(this.yaml, matrix)) {
        if (key === 'include' && isSeq(field.value)) {
          for (const item of seqItems(this.yaml, field.value)) {
            if (!isMap(item)) {
              whole = worse(whole, valueTaint(item));
              continue;
            }
            for (const [name, entry] of mapFields(this.yaml, item)) {
              const taint = valueTaint(entry.value);
              if (taint && !keys.has(name.toLowerCase())) keys.set(name.toLowerCase(), taint);
            }
          }
        } else if (key === 'include' || key === 'exclude') continue;
        else {
          const taint = valueTaint(field.value);
          if (taint) keys.set(key.toLowerCase(), taint);
        }
      }
    }
    this.matrixTaint = { whole, keys };
    return this.matrixTaint;
  }

  /**
   * The writes a `run:` step makes into `$GITHUB_ENV`, `$GITHUB_PATH` and `$GITHUB_OUTPUT`, in order, each with what
   * makes its text untrusted: a `${{ }}` that does, or a variable set from one (the step's environment, or a shell
   * variable assigned from such text earlier in the script).
   */
  writes(step: Step): FileWrite[] {
    const run = step.run;
    if (!run) return [];
    if (!FILE_NAMES.some((name) => run.value.includes(name))) return [];
    const layers = this.layers(step);
    const variables = new Map<string, Taint>();
    const variable = (name: string): Taint | undefined => {
      const own = variables.get(name);
      if (own) return own;
      // An `env:` entry reaches the script as an environment variable of that exact name.
      for (const layer of layers) {
        const entry = layer.entries.get(name.toLowerCase());
        if (entry && entry.name === name) return this.envTaint(name.toLowerCase(), step, layers);
      }
      return undefined;
    };
    switch (step.shell.kind) {
      case 'posix':
        return this.posixWrites(step, run.value, layers, variables, variable);
      case 'pwsh':
        return this.lineWrites(step, run.value, layers, /\$\{?env:(GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT)\}?/i, /\$\{?env:([A-Za-z_][A-Za-z0-9_]*)\}?/gi, variable);
      case 'cmd':
        return this.lineWrites(step, run.value, layers, /%(GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT)%/i, /%([A-Za-z_][A-Za-z0-9_]*)%/g, variable);
      default:
        return [];
    }
  }

  private posixWrites(
    step: Step,
    script: string,
    layers: EnvLayer[],
    variables: Map<string, Taint>,
    variable: (name: string) => Taint | undefined,
  ): FileWrite[] {
    const writes: FileWrite[] = [];
    const textTaint = (text: string): Taint | undefined => {
      let found = this.textTaint(text, step, layers);
      for (const match of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
        if (found?.level === 'event') break;
        const from = variable(match[1]!);
        if (from) found = worse(found, from.path === `$${match[1]}` ? from : hop(from, `$${match[1]}`, `'$${match[1]}' holds ${from.path}`));
      }
      return found;
    };
    for (const command of parseShell(script)) {
      this.assignments(command, textTaint, variables);
      const target = command.redirects.find((redirect) => (redirect.operator === '>>' || redirect.operator === '>') && POSIX_FILE.test(redirect.target.value));
      const tee = !target && command.words[0]?.value === 'tee' ? command.words.slice(1).find((word) => POSIX_FILE.test(word.value)) : undefined;
      const file = (target?.target.value ?? tee?.value)?.match(POSIX_FILE)?.[1] as FileWrite['file'] | undefined;
      if (!file || tee) continue; // what `tee` writes comes from a pipe: not followed
      const program = command.words[0]?.value;
      if (program !== 'echo' && program !== 'printf') continue;
      const args = command.words.slice(1).filter((word, i) => !(i === 0 && /^-[neE]+$/.test(word.value)));
      const text = args.map((word) => word.value).join(' ');
      const start = command.allWords[0]!.start;
      const end = Math.max(...command.allWords.map((word) => word.end), ...command.redirects.map((redirect) => redirect.target.end));
      writes.push({ file, start, end, text, taint: textTaint(text) });
    }
    return writes;
  }

  /** Shell variables a command assigns (`X=...`, `export X=...`), untrusted when their value is. */
  private assignments(command: ShellCommand, textTaint: (text: string) => Taint | undefined, variables: Map<string, Taint>): void {
    const words = command.words.length === 0 || DECLARERS.has(command.words[0]!.value) ? command.allWords : command.allWords.slice(0, command.allWords.indexOf(command.words[0]!));
    for (const word of words) {
      const match = ASSIGNMENT.exec(word.value);
      if (!match) continue;
      const value = word.value.slice(match[0].length);
      const taint = textTaint(value);
      if (taint) variables.set(match[1]!, hop(taint, `$${match[1]}`, `'${match[1]}' is set from ${taint.path}`));
      else variables.delete(match[1]!);
    }
  }

  /** PowerShell and cmd: a line that names the file and writes to it; its text is the line. */
  private lineWrites(step: Step, script: string, layers: EnvLayer[], file: RegExp, reference: RegExp, variable: (name: string) => Taint | undefined): FileWrite[] {
    const writes: FileWrite[] = [];
    let offset = 0;
    for (const line of script.split('\n')) {
      const start = offset;
      offset += line.length + 1;
      const named = file.exec(line);
      if (!named || !/>>|>|Out-File|Add-Content|Set-Content|\|\s*tee/i.test(line)) continue;
      const before = line.slice(0, named.index);
      const cut = before.search(/>|\||\b(?:Add-Content|Set-Content)\b/i);
      const text = (cut < 0 ? before : before.slice(0, cut))
        .trim()
        .replace(/^(?:echo|Write-Output)\s+/i, '')
        .replace(/^(["'])(.*)\1$/, '$2');
      let taint = this.textTaint(line, step, layers);
      for (const match of line.matchAll(reference)) {
        const from = match[1]!.toUpperCase() === named[1]!.toUpperCase() ? undefined : variable(match[1]!);
        if (from) taint = worse(taint, hop(from, match[0], `'${match[0]}' holds ${from.path}`));
      }
      const indent = line.length - line.trimStart().length;
      writes.push({ file: named[1]!.toUpperCase() as FileWrite['file'], start: start + indent, end: start + line.trimEnd().length, text: text.trim(), taint });
    }
    return writes;
  }
}

const outputNamed = (...list: string[]) => (name: string) => list.includes(name);

/**
 * Outputs of well-known actions that hold no free text: flags ('true'/'false'), counts, ids, digests, and names and
 * URLs the action builds from the workflow's own settings. Action id → whether an output (lower case) is one.
 */
const PLAIN_OUTPUTS: ReadonlyMap<string, (name: string) => boolean> = new Map([
  ...['actions/cache', 'actions/cache/restore', 'actions/setup-node', 'actions/setup-python', 'actions/setup-go', 'actions/setup-java', 'actions/setup-dotnet'].map(
    (id) => [id, outputNamed('cache-hit')] as const,
  ),
  ['actions/upload-artifact', outputNamed('artifact-id', 'artifact-url', 'artifact-digest')],
  ...['actions/attest-build-provenance', 'actions/attest'].map((id) => [id, outputNamed('bundle-path', 'attestation-id', 'attestation-url')] as const),
  ['actions/configure-pages', outputNamed('base_url', 'origin', 'host', 'base_path')],
  // A filter's output is 'true' or 'false', `changes` lists the workflow's own filter names; `<filter>_files` holds file names.
  ['dorny/paths-filter', (name) => !name.endsWith('_files')],
  // `[<group>_](any|only)_(changed|modified|deleted)` are flags, `<name>_count` counts, `changed_keys` the workflow's own groups.
  ['tj-actions/changed-files', (name) => /(?:^|_)(?:any|only)_(?:changed|modified|deleted)$|_count$|^(?:changed|modified)_keys$/.test(name)],
  ['peter-evans/create-pull-request', outputNamed('pull-request-number', 'pull-request-url', 'pull-request-operation', 'pull-request-head-sha')],
  ['docker/build-push-action', outputNamed('digest', 'imageid')],
  // Tags are sanitized to the characters a Docker tag allows.
  ['docker/metadata-action', outputNamed('version', 'tags')],
  ['docker/setup-buildx-action', outputNamed('name', 'driver', 'platforms')],
]);

// Members of GitHub's API objects that are numbers (`fromJSON(steps.runs.outputs.data).workflow_runs[0].id`).
const NUMERIC_FIELD = /^(?:id|number|count|total_count|size|run_number|run_attempt|[a-z_]+_(?:id|number|count))$/i;

/**
 * `steps.<id>.outputs.<name>` of an action step (not a `run:` step, whose writes the model reads): text the action
 * sets, which the workflow does not control; undefined for outputs known to hold no free text, and for a numeric
 * member picked from one by `fromJSON()` (`field`).
 */
function actionOutputTaint(step: Step, name: string, written: string, field: string | undefined): Taint | undefined {
  const action = step.action;
  if (step.fields.has('run') || !action || (field !== undefined && NUMERIC_FIELD.test(field))) return undefined;
  if (action.id !== undefined && PLAIN_OUTPUTS.get(action.id)?.(name)) return undefined;
  return { path: written, origin: written, level: 'action', chain: [], action: action.name };
}

/** The chain of a taint as one sentence: "env.TITLE is set from github.event.issue.title in the step's env:". */
export function taintChain(taint: Taint): string {
  // A long chain keeps its first hop and where the text came from.
  const chain = taint.chain.length > 3 ? [taint.chain[0]!, '…', taint.chain[taint.chain.length - 1]!] : taint.chain;
  return chain.join('; ');
}

/**
 * Inputs of well-known actions whose value is a script the action runs (`actions/github-script`'s `script:` is
 * JavaScript and has a fix of its own): action id → input name (lower case) → what reads it.
 */
export type ScriptLang = 'js' | 'other';

const script = (input: string, lang: ScriptLang = 'other'): ReadonlyMap<string, ScriptLang> => new Map([[input, lang]]);

export const SCRIPT_INPUTS: ReadonlyMap<string, ReadonlyMap<string, ScriptLang>> = new Map([
  ['actions/github-script', script('script', 'js')],
  // These run in a container or on another host, where the step's env: does not reach: no fix.
  ['azure/cli', script('inlinescript')],
  ['azure/powershell', script('inlinescript')],
  ['mikefarah/yq', script('cmd')],
  ['amadevus/pwsh-script', script('script')],
  ['jannekem/run-python-script-action', script('script')],
  ['addnab/docker-run-action', script('run')],
  ['appleboy/ssh-action', script('script')],
]);
