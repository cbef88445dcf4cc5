/**
 * What a `${{ }}` can read where it stands: GitHub's context-availability table (from the workflow and action schemas of
 * @actions/workflow-parser, `engine/schema/schemaData.generated.ts`) and what each context holds there, with where each
 * name is declared. The rule gha/expression checks expressions against it; hovers, go-to-definition and completion
 * inside `${{ }}` read the same answers.
 *
 * API:
 * - `expressionSites(workflow, doc)`: every string scalar holding `${{ }}` in a workflow or composite action, with its
 *   key path, job, step and the contexts and special functions GitHub allows there.
 * - `siteAt(workflow, doc, offset)`: the site whose scalar holds a file offset (for the editor).
 * - `scopeOf(site, workflow, doc, index)`: a `Scope`: per context name (lowercased), its `ExprType`.
 * - `resolve(scope, segments)`: walks a context path (`['steps', 'build', 'outputs', 'dist']`) through the scope: the
 *   type and declaration reached, or where the path leaves what is known (`unknown-property` with the names it could be).
 * - `scopeProblems(ast, site, scope)`: what a parsed expression reads that the scope does not hold or the key does not allow.
 * - `pathSegmentsOf(expr)`: a context path's segments with their offsets (what a hover or definition points at).
 * - `typeLabel(type)`: a short text for a type (`string`, `{ dist, version }`).
 * Types are precise only where the workflow says so: anything dynamic (a matrix from fromJSON, outputs of actions the
 * table does not know, `github.event`, what an object filter returns) is `any`, and nothing is reported about it.
 */
import type { Span } from '../core/finding';
import { SPECIAL_FUNCTIONS, subexpressions, type Expr } from '../languages/expressions';
import type { IndexView } from '../core/projectIndex';
import { ACTION_SCHEMA, WORKFLOW_SCHEMA } from '../schema/schemaData.generated';
import type { SchemaDefinition, SchemaDefinitions } from '../schema/types';
import { isMap, isScalar, isSeq, mapFields, scalarToString, seqItems, spanOf, type Field, type Node, type Scalar, type YamlDoc } from '../yaml/yamlFile';
import { parseUses } from './action';
import { knownAction } from './actionMetadata';
import { dynamicOutputs } from './dynamicOutputs';
import { entryFields, jobMatrix } from './matrix';
import type { Job, Step, Workflow } from './workflow';
import { MemoKey, memoOn } from './memo';
import { mergedType, typeOfNode } from './expressionTypes';

// ---------------------------------------------------------------- types

export type ExprType =
  | { kind: 'any' }
  | { kind: 'string' | 'number' | 'boolean' | 'null' }
  /** What an object filter (`needs.*.result`) or `fromJSON('[…]')` gives. */
  | { kind: 'array'; element: ExprType }
  /**
   * An object whose properties are all known (`closed`), or one that may hold more (`env`, `secrets`); `values` is the
   * type of every property it may hold beyond those listed, when known (`env.*` are strings).
   */
  | { kind: 'object'; properties: ReadonlyMap<string, Member>; closed: boolean; what: string; values?: ExprType };

/** A property of an object type: its name as declared, its type, and where it is declared (a key of the file). */
export interface Member {
  name: string;
  type: ExprType;
  declared?: Span;
  /** A line of explanation for a hover (`output of step 'build'`, `input (boolean, default: false)`). */
  note?: string;
}

export const ANY: ExprType = { kind: 'any' };
const STRING: ExprType = { kind: 'string' };
const NUMBER: ExprType = { kind: 'number' };
const BOOLEAN: ExprType = { kind: 'boolean' };

function closedObject(what: string, members: Iterable<Member>): ExprType {
  const properties = new Map<string, Member>();
  for (const member of members) if (!properties.has(member.name.toLowerCase())) properties.set(member.name.toLowerCase(), member);
  return { kind: 'object', properties, closed: true, what };
}

const openObject = (what: string, values?: ExprType): ExprType => ({ kind: 'object', properties: new Map(), closed: false, what, ...(values ? { values } : {}) });

export function typeLabel(type: ExprType): string {
  if (type.kind === 'array') return `array of ${typeLabel(type.element)}`;
  if (type.kind !== 'object') return type.kind;
  if (!type.closed) return type.what;
  return `{ ${[...type.properties.values()].map((member) => member.name).join(', ')} }`;
}

// ---------------------------------------------------------------- fixed contexts

const strings = (what: string, names: readonly string[], more: Record<string, ExprType> = {}): ExprType =>
  closedObject(what, [...names.map((name) => ({ name, type: more[name] ?? STRING })), ...Object.entries(more).filter(([name]) => !names.includes(name)).map(([name, type]) => ({ name, type }))]);

/** The `github` context's properties (GitHub's docs, and what runners set without documenting: `output`, `state`, `step_summary`, `path`, `env`). */
const GITHUB = strings(
  "the 'github' context",
  [
    'action', 'action_path', 'action_ref', 'action_repository', 'action_status', 'actor', 'actor_id', 'api_url', 'base_ref', 'env',
    'event_name', 'event_path', 'graphql_url', 'head_ref', 'job', 'job_workflow_sha', 'output', 'path', 'ref', 'ref_name',
    'ref_type', 'repository', 'repository_id', 'repository_owner', 'repository_owner_id', 'repositoryUrl', 'retention_days', 'run_attempt',
    'run_id', 'run_number', 'secret_source', 'server_url', 'sha', 'state', 'step_summary', 'token', 'triggering_actor', 'workflow',
    'workflow_ref', 'workflow_sha', 'workspace',
  ],
  // The payload's fields depend on the event: an object, of unknown properties.
  { event: openObject('the webhook payload'), ref_protected: BOOLEAN },
);

const RUNNER = strings("the 'runner' context", ['name', 'os', 'arch', 'temp', 'tool_cache', 'debug', 'environment', 'workspace']);

const JOB = strings(
  "the 'job' context",
  ['status', 'check_run_id', 'workflow_ref', 'workflow_sha', 'workflow_repository', 'workflow_file_path'],
  { container: strings('the job container', ['id', 'network']), services: ANY },
);

const STRATEGY = strings("the 'strategy' context", [], { 'fail-fast': BOOLEAN, 'job-index': NUMBER, 'job-total': NUMBER, 'max-parallel': NUMBER });

// ---------------------------------------------------------------- sites

export interface ExpressionSite {
  /** The string scalar holding one or more `${{ }}`. */
  node: Scalar;
  /** An `if:` value: one expression, with or without `${{ }}` (else `${{ }}` templates inside a string). */
  condition: boolean;
  /** Keys and sequence indexes from the document's root (`['jobs', 'build', 'steps', 2, 'with', 'path']`). */
  path: readonly (string | number)[];
  job: Job | undefined;
  step: Step | undefined;
  /**
   * The contexts GitHub allows here (lowercased), and its special functions (`hashfiles`, `always` …) with their arity;
   * undefined where the schema says nothing (then nothing is reported about availability).
   */
  allowed: { contexts: ReadonlySet<string>; functions: ReadonlyMap<string, { min: number; max: number }> } | undefined;
}

function allowedOf(context: readonly string[] | undefined): ExpressionSite['allowed'] {
  if (!context) return undefined;
  const contexts = new Set<string>();
  const functions = new Map<string, { min: number; max: number }>();
  for (const entry of context) {
    const call = /^(\w+)\((\d+),(\d+|MAX)\)$/.exec(entry);
    if (call) functions.set(call[1]!.toLowerCase(), { min: Number(call[2]), max: call[3] === 'MAX' ? Infinity : Number(call[3]) });
    else contexts.add(entry.toLowerCase());
  }
  return { contexts, functions };
}

/** The definitions of `name` (through `oneOf`) that can hold a node of this shape. */
function definitionsFor(schema: SchemaDefinitions, name: string, node: Node | undefined, depth = 0): { name: string; def: SchemaDefinition }[] {
  const def = schema[name];
  if (!def || depth > 8) return [];
  const own = { name, def };
  if (def.oneOf) return [own, ...def.oneOf.flatMap((branch) => definitionsFor(schema, branch, node, depth + 1))];
  if (isMap(node)) return def.mapping ? [own] : def.context ? [own] : [];
  if (isSeq(node)) return def.sequence ? [own] : def.context ? [own] : [];
  return [own];
}

/** What the schema says about a node of one shape (mapping, sequence or other) reached through some types. */
interface ShapeFacts {
  defs: { name: string; def: SchemaDefinition }[];
  /** The contexts allowed here, when a definition says (else the enclosing node's apply). */
  context: readonly string[] | undefined;
  allowed: ExpressionSite['allowed'];
  /** An `if:` value. */
  condition: boolean;
  /** The item types of a sequence. */
  items: string[];
}

/**
 * Every string scalar holding `${{ }}`, with the contexts GitHub allows there: values, and the keys of mappings
 * that allow contexts (`env:` names), which GitHub evaluates too.
 */
export function expressionSites(workflow: Workflow, doc: YamlDoc): ExpressionSite[] {
  const schema = workflow.kind === 'workflow' ? WORKFLOW_SCHEMA : ACTION_SCHEMA;
  const sites: ExpressionSite[] = [];
  const jobsById = new Map(workflow.jobs.map((job) => [job.id, job]));
  const composite = workflow.kind === 'composite-action' ? workflow.jobs[0] : undefined;
  const locate = (path: readonly (string | number)[]): { job: Job | undefined; step: Step | undefined } => {
    if (composite) {
      const step = path[0] === 'runs' && path[1] === 'steps' && typeof path[2] === 'number' ? composite.steps.find((s) => s.index === path[2]) : undefined;
      return { job: composite, step };
    }
    const job = path[0] === 'jobs' && typeof path[1] === 'string' ? jobsById.get(path[1]) : undefined;
    const step = job && path[2] === 'steps' && typeof path[3] === 'number' ? job.steps.find((s) => s.index === path[3]) : undefined;
    return { job, step };
  };
  // What the schema says about a list of types, for each shape of node: the same few lists recur all over a file.
  const shapes = { map: new Map<string, ShapeFacts>(), seq: new Map<string, ShapeFacts>(), other: new Map<string, ShapeFacts>() };
  const factsOf = (types: readonly string[], node: Node): ShapeFacts => {
    const known = isMap(node) ? shapes.map : isSeq(node) ? shapes.seq : shapes.other;
    const key = types.length === 1 ? types[0]! : types.join('\n');
    let facts = known.get(key);
    if (!facts) {
      const defs = types.flatMap((type) => definitionsFor(schema, type, node));
      const context = defs.find((d) => d.def.context)?.def.context;
      facts = {
        defs,
        context,
        allowed: allowedOf(context),
        condition: defs.some((d) => /(^|-)if$/.test(d.name)),
        items: [...new Set(defs.flatMap(({ def }) => (def.sequence ? [def.sequence] : [])))],
      };
      known.set(key, facts);
    }
    return facts;
  };
  // Each node once: aliases (`*a`) may repeat or nest a node, and a recursive anchor would make the walk exponential.
  const seen = new Set<Node>();
  const visit = (node: Node | undefined, types: readonly string[], path: (string | number)[], context: readonly string[] | undefined, allowed: ExpressionSite['allowed'], depth: number): void => {
    if (!node || depth > 40 || seen.has(node)) return;
    seen.add(node);
    const facts = factsOf(types, node);
    const here = facts.context ?? context;
    const allowedHere = facts.context ? facts.allowed : allowed;
    if (isScalar(node)) {
      if (typeof node.value === 'string' && (node.value.includes('${{') || (facts.condition && node.value.trim() !== ''))) {
        sites.push({ node, path: [...path], ...locate(path), condition: facts.condition, allowed: allowedHere });
      }
      return;
    }
    if (isMap(node)) {
      for (const [key, field] of mapFields(doc, node)) {
        // GitHub evaluates a `${{ }}` key (an env var name) where the mapping allows contexts (else it rejects it).
        if (here && key.includes('${{')) sites.push({ node: field.key, path: [...path, key], ...locate(path), condition: false, allowed: allowedHere });
        const next: string[] = [];
        for (const { def } of facts.defs) {
          const property = def.mapping?.properties[key];
          if (property) next.push(property.type);
          else if (def.mapping?.looseValue) next.push(def.mapping.looseValue);
        }
        path.push(key);
        visit(field.value, next.length > 1 ? [...new Set(next)] : next, path, here, allowedHere, depth + 1);
        path.pop();
      }
      return;
    }
    if (isSeq(node)) {
      seqItems(doc, node).forEach((item, index) => {
        path.push(index);
        visit(item, facts.items, path, here, allowedHere, depth + 1);
        path.pop();
      });
    }
  };
  visit(workflow.node, [workflow.kind === 'workflow' ? 'workflow-root' : 'action-root'], [], undefined, undefined, 0);
  return sites;
}

/** The site whose scalar holds `offset` (a position in the file), if any. */
export function siteAt(workflow: Workflow, doc: YamlDoc, offset: number): ExpressionSite | undefined {
  return expressionSites(workflow, doc).find((site) => site.node.range && site.node.range[0] <= offset && offset <= site.node.range[1]);
}

// ---------------------------------------------------------------- scopes

/** What each context holds at a site (names lowercased). A context absent from the map is not a context at all. */
export type Scope = ReadonlyMap<string, ExprType>;

const member = (name: string, type: ExprType, declared?: Span, note?: string): Member => ({ name, type, ...(declared ? { declared } : {}), ...(note ? { note } : {}) });

/** The keys of a mapping node, as members of `type`; undefined when the node is not a mapping or a key is computed. */
function keysOf(doc: YamlDoc, node: Node | undefined, type: (value: Node | undefined) => ExprType, note?: string): Member[] | undefined {
  if (!isMap(node)) return undefined;
  const members: Member[] = [];
  for (const [key, field] of mapFields(doc, node)) {
    if (key.includes('${{')) return undefined;
    members.push(member(key, type(field.value), field.keySpan, note));
  }
  return members;
}

function isComputed(node: Node | undefined): boolean {
  return isScalar(node) && typeof node.value === 'string' && node.value.includes('${{');
}

/** The workflow's `on:` mapping's trigger, or undefined. */
function trigger(workflow: Workflow, doc: YamlDoc, event: string): { present: boolean; node: Node | undefined } | 'unknown' {
  const on = workflow.fields.get('on')?.value ?? workflow.fields.get('true')?.value;
  if (isScalar(on)) return { present: scalarToString(on) === event, node: undefined };
  if (isSeq(on)) return { present: seqItems(doc, on).some((item) => scalarToString(item) === event), node: undefined };
  if (isMap(on)) {
    const field = mapFields(doc, on).get(event);
    return { present: field !== undefined, node: field?.value };
  }
  return 'unknown';
}

function inputType(doc: YamlDoc, node: Node | undefined): { type: ExprType; note: string } {
  const fields = isMap(node) ? mapFields(doc, node) : undefined;
  const declared = scalarToString(fields?.get('type')?.value);
  const type = declared === 'boolean' ? BOOLEAN : declared === 'number' ? NUMBER : declared === undefined || declared === 'string' || declared === 'choice' || declared === 'environment' ? STRING : ANY;
  const fallback = scalarToString(fields?.get('default')?.value);
  return { type, note: `input (${declared ?? 'string'}${fallback !== undefined ? `, default: ${fallback}` : ''})` };
}

/** Whether a site is the `default:` of a `workflow_call` input (`on.workflow_call.inputs.<id>.default`). */
export function isCallInputDefault(site: Pick<ExpressionSite, 'path'>): boolean {
  const path = site.path;
  return path.length === 5 && (path[0] === 'on' || path[0] === 'true') && path[1] === 'workflow_call' && path[2] === 'inputs' && path[4] === 'default';
}

/**
 * `inputs` in a `workflow_call` input's `default:`: not this workflow's inputs but the inputs the run was dispatched
 * with, if any (github/docs#29812: a default reading another input came out empty). Its own inputs are listed, untyped, so that reading one
 * is told apart (`own-input-in-default`); anything else is unknown.
 */
function inputsInCallDefault(workflow: Workflow, doc: YamlDoc): ExprType {
  const what = "the 'inputs' context in a workflow_call input's default (the inputs the run was dispatched with, if any)";
  const found = trigger(workflow, doc, 'workflow_call');
  const inputs = found !== 'unknown' && isMap(found.node) ? mapFields(doc, found.node).get('inputs')?.value : undefined;
  const members = keysOf(doc, inputs, () => ANY, 'workflow_call input (not readable in a default)') ?? [];
  const properties = new Map(members.map((m) => [m.name.toLowerCase(), m]));
  return { kind: 'object', properties, closed: false, what };
}

/** `inputs`: a workflow's `workflow_dispatch` and `workflow_call` inputs, or a composite action's own. */
function inputsContext(workflow: Workflow, doc: YamlDoc): ExprType {
  const what = "the 'inputs' context";
  if (workflow.kind === 'composite-action') {
    const inputs = workflow.fields.get('inputs')?.value;
    if (inputs === undefined) return closedObject(what, []);
    const members = keysOf(doc, inputs, () => STRING, 'input of this action');
    return members ? closedObject(what, members) : ANY;
  }
  const members: Member[] = [];
  for (const event of ['workflow_dispatch', 'workflow_call']) {
    const found = trigger(workflow, doc, event);
    if (found === 'unknown') return ANY;
    if (!found.present || found.node === undefined || (isScalar(found.node) && found.node.value === null)) continue;
    if (!isMap(found.node)) return ANY;
    const inputs = mapFields(doc, found.node).get('inputs')?.value;
    if (inputs === undefined || (isScalar(inputs) && inputs.value === null)) continue;
    if (!isMap(inputs)) return ANY;
    for (const [key, field] of mapFields(doc, inputs)) {
      if (key.includes('${{')) return ANY;
      const { type, note } = inputType(doc, field.value);
      const seen = members.find((m) => m.name.toLowerCase() === key.toLowerCase());
      // Declared by both triggers with different types: either may come.
      if (seen) {
        if (seen.type.kind !== type.kind) seen.type = ANY;
        continue;
      }
      members.push(member(key, type, field.keySpan, `${event} ${note}`));
    }
  }
  return closedObject(what, members);
}

/** What a step reads its outputs from: its `uses:` and its `with:` (a step of the job, or one inside a `parallel:` group). */
type StepLike = Pick<Step, 'uses' | 'action' | 'inputs'>;

/** The outputs a step declares: a local action's, a known action's, else any (a `run:` step writes what it likes). */
function stepOutputs(step: StepLike, index: IndexView): ExprType {
  const action = step.action;
  if (!action) return ANY;
  const what = `the outputs of '${step.uses}'`;
  if (action.kind === 'local') {
    const read = index.localAction(action);
    if (read.state !== 'found' || !read.value || read.value.using === undefined) return ANY;
    return closedObject(what, read.value.outputs.map((name) => member(name, STRING, undefined, `output of ${step.uses}`)));
  }
  const known = knownAction(action);
  if (!known || !known.metadata.inputs || !known.exact) return ANY;
  // Outputs named after the step's inputs (changed-files groups, paths-filter filters).
  const dynamic = dynamicOutputs(action, step.inputs, known.metadata.outputs);
  if (dynamic === 'unknown') return ANY;
  const names = [...known.metadata.outputs, ...(dynamic ?? [])];
  return closedObject(what, names.map((name) => member(name, STRING, undefined, `output of ${step.uses}`)));
}

/** The steps of a `parallel:` group (nested groups flattened), read as far as ids and actions go. */
function parallelSteps(step: Pick<Step, 'fields'>, doc: YamlDoc, depth = 0): { id: Field | undefined; step: StepLike }[] {
  const group = step.fields.get('parallel')?.value;
  if (!isSeq(group) || depth > 8) return [];
  return seqItems(doc, group).flatMap((item) => {
    if (!isMap(item)) return [];
    const fields = mapFields(doc, item);
    if (fields.has('parallel')) return parallelSteps({ fields }, doc, depth + 1);
    const uses = scalarToString(fields.get('uses')?.value);
    const action = uses === undefined ? undefined : parseUses(uses, 'step');
    const withNode = fields.get('with')?.value;
    const inputs = isMap(withNode) ? mapFields(doc, withNode) : new Map<string, Field>();
    return [{ id: fields.get('id'), step: { ...(uses !== undefined ? { uses } : {}), ...(action ? { action } : {}), inputs } }];
  });
}

/** The ids a step sets: its own, or those of the steps of its `parallel:` group (for "does not run before this point"). */
export function stepIdsOf(step: Step): string[] {
  const own = scalarToString(step.fields.get('id')?.value);
  if (own !== undefined) return [own];
  const ids: string[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (!isSeq(node) || depth > 8) return;
    for (const item of node.items) {
      if (!isMap(item)) continue;
      const id = scalarToString(item.get('id', true));
      if (id !== undefined) ids.push(id);
      walk(item.get('parallel', true), depth + 1);
    }
  };
  walk(step.fields.get('parallel')?.value, 0);
  return ids;
}

/**
 * `steps`: the steps of the job before `before` (all of them when undefined) that have a literal `id`, with the steps
 * of `parallel:` groups. The group that holds the site itself runs alongside it: its steps' outputs are not certain, so
 * they are any.
 */
function stepsContext(job: Job, before: number | undefined, index: IndexView, doc: YamlDoc): ExprType {
  const members: Member[] = [];
  const entry = (idField: Field, outputs: ExprType): boolean => {
    const id = scalarToString(idField.value);
    if (id === undefined || id.includes('${{')) return false;
    members.push(member(id, closedObject(`step '${id}'`, [member('outputs', outputs), member('outcome', STRING), member('conclusion', STRING)]), spanOf(idField.value!), `step '${id}'`));
    return true;
  };
  for (const step of job.steps) {
    if (before !== undefined && step.index > before) break;
    const alongside = before !== undefined && step.index === before;
    if (step.fields.has('parallel')) {
      for (const inner of parallelSteps(step, doc)) {
        if (inner.id && !entry(inner.id, alongside ? ANY : stepOutputs(inner.step, index))) return ANY;
      }
      continue;
    }
    if (alongside) break;
    const idField = step.fields.get('id');
    if (idField && !entry(idField, stepOutputs(step, index))) return ANY;
  }
  return closedObject("the 'steps' context (earlier steps with an id)", members);
}

/** A job's declared outputs: its `outputs:` keys, or a local reusable workflow's outputs; any when not knowable. */
function jobOutputs(job: Job, doc: YamlDoc, index: IndexView): ExprType {
  const what = `the outputs of job '${job.id}'`;
  if (job.call) {
    if (!job.call.local) return ANY;
    const read = index.localWorkflow(job.call);
    if (read.state !== 'found' || !read.value) return ANY;
    return closedObject(what, read.value.outputs.map((name) => member(name, STRING, undefined, `output of ${job.call!.uses}`)));
  }
  const outputs = job.fields.get('outputs');
  if (!outputs) return closedObject(what, []);
  const members = keysOf(doc, outputs.value, () => STRING, `output of job '${job.id}'`);
  return members ? closedObject(what, members) : ANY;
}

/**
 * What the workflow's jobs hold, worked out once per check of the workflow (not once per `${{ }}`: a workflow of
 * thousands of jobs has thousands of sites). Kept on the workflow, the model of one check, which the doc and the index
 * belong to.
 */
interface JobEntries {
  byId: Map<string, Job>;
  entries: Map<Job, ExprType>;
  jobs?: ExprType;
}

const JOB_ENTRIES = new MemoKey<JobEntries>('expressionScope.jobEntries');

function jobEntries(workflow: Workflow): JobEntries {
  return memoOn(workflow, JOB_ENTRIES, () => ({ byId: new Map(workflow.jobs.map((other) => [other.id, other])), entries: new Map() }));
}

function jobEntry(job: Job, doc: YamlDoc, index: IndexView): ExprType {
  const { entries } = jobEntries(job.workflow);
  let entry = entries.get(job);
  if (!entry) {
    entry = closedObject(`job '${job.id}'`, [member('outputs', jobOutputs(job, doc, index)), member('result', STRING)]);
    entries.set(job, entry);
  }
  return entry;
}

/** `needs`: only the jobs this job needs. */
function needsContext(job: Job, doc: YamlDoc, index: IndexView): ExprType {
  if (isComputed(job.fields.get('needs')?.value)) return ANY;
  const jobs = jobEntries(job.workflow).byId;
  const members: Member[] = [];
  for (const id of job.needs) {
    const other = jobs.get(id);
    // A needed job the workflow does not have is gha/job-needs's finding; here its entry is unknown.
    members.push(member(id, other ? jobEntry(other, doc, index) : ANY, other?.idSpan, `job '${id}' (in needs)`));
  }
  return closedObject("the 'needs' context (this job's needs)", members);
}

const MATRIX_CONTEXT = new MemoKey<ExprType>('expressionScope.matrix');

/** `matrix`, worked out once per job (every `${{ }}` of the job reads it; it depends on the job's text only). */
function matrixContext(job: Job, doc: YamlDoc): ExprType {
  return memoOn(job, MATRIX_CONTEXT, () => matrixOf(job, doc));
}

/** `matrix`: the keys of the job's matrix and of its `include` entries, typed by their values; any when the matrix is computed. */
function matrixOf(job: Job, doc: YamlDoc): ExprType {
  const what = "the 'matrix' context";
  const strategy = job.fields.get('strategy')?.value;
  if (strategy === undefined) return closedObject(`${what} (the job has no matrix)`, []);
  if (!isMap(strategy)) return ANY;
  const matrixField = mapFields(doc, strategy).get('matrix');
  if (!matrixField) return closedObject(`${what} (the job has no matrix)`, []);
  const matrix = jobMatrix(job, doc);
  if (!matrix) return ANY;
  // Each key's type: what all its values (the row's and those `include` entries set) share; any where they differ.
  const members: Member[] = [];
  const values = new Map<string, ExprType[]>();
  // A value written as `${{ github.run_id }}` or `${{ inputs.debug }}` has that context's type (the matrix may read them).
  let contexts: Scope | undefined;
  const scope = (): Scope => (contexts ??= new Map([['github', githubContext(job.workflow, doc)], ['inputs', inputsContext(job.workflow, doc)]]));
  const valueType = (key: string, node: Node | undefined): ExprType => typeOfNode(doc, node, `each matrix value of '${key}'`, scope);
  for (const row of matrix.rows) {
    if (row.key.includes('${{')) return ANY;
    members.push(member(row.key, ANY, row.keySpan, 'matrix key'));
    values.set(row.key.toLowerCase(), Array.isArray(row.values) ? row.values.map((value) => valueType(row.key, value)) : [ANY]);
  }
  if (matrix.include.kind === 'expression') return ANY;
  if (matrix.include.kind === 'list') {
    for (const item of matrix.include.items) {
      const fields = entryFields(doc, item);
      if (!fields) return ANY;
      for (const [key, field] of fields) {
        if (key.includes('${{')) return ANY;
        if (!members.some((m) => m.name.toLowerCase() === key.toLowerCase())) members.push(member(key, ANY, field.keySpan, 'matrix key (from include)'));
        const list = values.get(key.toLowerCase()) ?? [];
        list.push(valueType(key, field.value));
        values.set(key.toLowerCase(), list);
      }
    }
  }
  for (const found of members) found.type = mergedType(values.get(found.name.toLowerCase()) ?? []);
  return closedObject(what, members);
}

/** `jobs` (in `on.workflow_call.outputs`): every job of the workflow, with its outputs and result. */
function jobsContext(workflow: Workflow, doc: YamlDoc, index: IndexView): ExprType {
  const kept = jobEntries(workflow);
  kept.jobs ??= closedObject("the 'jobs' context", workflow.jobs.map((job) => member(job.id, jobEntry(job, doc, index), job.idSpan, `job '${job.id}'`)));
  return kept.jobs;
}

const GITHUB_CONTEXT = new MemoKey<ExprType>('expressionScope.github');

/**
 * `github`, with `github.event.inputs` typed where the workflow declares its `workflow_dispatch` inputs: each is text
 * there. Not in a reusable workflow, whose `github.event` is its caller's.
 */
function githubContext(workflow: Workflow, doc: YamlDoc): ExprType {
  if (workflow.kind !== 'workflow') return GITHUB;
  return memoOn(workflow, GITHUB_CONTEXT, () => {
    const call = trigger(workflow, doc, 'workflow_call');
    const dispatch = trigger(workflow, doc, 'workflow_dispatch');
    if (call === 'unknown' || call.present || dispatch === 'unknown' || !isMap(dispatch.node)) return GITHUB;
    const inputs = mapFields(doc, dispatch.node).get('inputs')?.value;
    const members = keysOf(doc, inputs, () => STRING, 'workflow_dispatch input (text in github.event.inputs)');
    if (!members || GITHUB.kind !== 'object') return GITHUB;
    const event: ExprType = { kind: 'object', properties: new Map([['inputs', member('inputs', closedObject("'github.event.inputs' (the workflow_dispatch inputs)", members))]]), closed: false, what: 'the webhook payload' };
    const properties = new Map(GITHUB.properties);
    properties.set('event', { ...GITHUB.properties.get('event')!, type: event });
    return { ...GITHUB, properties };
  });
}

/**
 * What each context holds at a site. Contexts the site cannot read are still typed (a finding says they are not
 * available there, and a hover can still say what they hold).
 */
export function scopeOf(site: ExpressionSite, workflow: Workflow, doc: YamlDoc, index: IndexView): Scope {
  const scope = new Map<string, ExprType>([
    ['github', githubContext(workflow, doc)],
    ['runner', RUNNER],
    ['job', JOB],
    ['strategy', STRATEGY],
    ['env', openObject("the 'env' context", STRING)],
    ['vars', openObject("the 'vars' context", STRING)],
    ['secrets', openObject("the 'secrets' context", STRING)],
    ['inputs', workflow.kind === 'workflow' && isCallInputDefault(site) ? inputsInCallDefault(workflow, doc) : inputsContext(workflow, doc)],
  ]);
  const job = site.job;
  if (job && !job.synthetic) {
    // A step's keys see the steps before it; the job's keys (outputs) see them all.
    scope.set('steps', stepsContext(job, site.step?.index, index, doc));
    scope.set('needs', needsContext(job, doc, index));
    scope.set('matrix', matrixContext(job, doc));
  } else if (job) {
    // A composite action: its own steps; what its caller's job holds is not known here.
    scope.set('steps', stepsContext(job, site.step?.index, index, doc));
    scope.set('needs', ANY);
    scope.set('matrix', ANY);
  } else {
    scope.set('steps', ANY);
    scope.set('needs', ANY);
    scope.set('matrix', ANY);
  }
  scope.set('jobs', workflow.kind === 'workflow' ? jobsContext(workflow, doc, index) : ANY);
  return scope;
}

// ---------------------------------------------------------------- resolving paths

export type Resolution =
  | { ok: true; type: ExprType; member: Member | undefined }
  /** Segment `at` (0 = the context name) is not a property of what came before; `known` lists the names it could be. */
  | { ok: false; at: number; of: ExprType & { kind: 'object' }; known: readonly string[] }
  /** The first segment names no context. */
  | { ok: false; at: 0; of: undefined; known: readonly string[] };

/** Walks a context path through a scope; `*` (an object filter) ends what is known. */
export function resolve(scope: Scope, segments: readonly string[]): Resolution {
  const head = segments[0]?.toLowerCase() ?? '';
  let type = scope.get(head);
  if (!type) return { ok: false, at: 0, of: undefined, known: [...scope.keys()] };
  let found: Member | undefined;
  for (let at = 1; at < segments.length; at++) {
    if (type.kind !== 'object') return { ok: true, type: ANY, member: undefined };
    const name = segments[at]!;
    if (name === '*') return { ok: true, type: ANY, member: undefined };
    const next = type.properties.get(name.toLowerCase());
    if (!next) {
      if (!type.closed) return { ok: true, type: type.values ?? ANY, member: undefined };
      return { ok: false, at, of: type, known: [...type.properties.values()].map((m) => m.name) };
    }
    found = next;
    type = next.type;
  }
  return { ok: true, type, member: found };
}

// ---------------------------------------------------------------- problems

/** One segment of a context path as written: its name and its offsets in the parsed source. */
export interface PathSegment {
  name: string;
  start: number;
  end: number;
}

/** The segments of a pure context path (`steps.build.outputs['dist']`, `needs.*.result`), or undefined. */
export function pathSegmentsOf(expr: Expr): PathSegment[] | undefined {
  switch (expr.kind) {
    case 'context':
      return [{ name: expr.name, start: expr.start, end: expr.end }];
    case 'property': {
      const base = pathSegmentsOf(expr.object);
      return base && [...base, { name: expr.name, start: expr.end - expr.name.length, end: expr.end }];
    }
    case 'star': {
      const base = pathSegmentsOf(expr.object);
      return base && [...base, { name: '*', start: expr.end - 1, end: expr.end }];
    }
    case 'index': {
      const index = expr.index;
      if (index.kind !== 'literal' || (typeof index.value !== 'string' && typeof index.value !== 'number')) return undefined;
      const base = pathSegmentsOf(expr.object);
      return base && [...base, { name: String(index.value), start: index.start, end: index.end }];
    }
    default:
      return undefined;
  }
}

export type ScopeProblem =
  | { kind: 'unknown-context'; name: string; start: number; end: number; known: readonly string[] }
  | { kind: 'unavailable-context'; name: string; start: number; end: number; allowed: readonly string[] }
  | { kind: 'unavailable-function'; name: string; start: number; end: number; allowed: readonly string[] }
  /** `segments[at]` is not a property of `of`; `path` is the path up to it as written. */
  | { kind: 'unknown-property'; path: string; name: string; start: number; end: number; of: ExprType & { kind: 'object' }; context: string; known: readonly string[] }
  /** `steps.<id>` where the job has a step with that id, but not before this point. */
  | { kind: 'later-step'; name: string; start: number; end: number }
  /** `needs.<id>` where the workflow has that job but this job does not need it. */
  | { kind: 'not-needed'; name: string; start: number; end: number }
  /** `inputs.<id>` of this workflow's own workflow_call inputs, read in a workflow_call input's `default:`. */
  | { kind: 'own-input-in-default'; name: string; start: number; end: number };

/**
 * What a parsed expression at a site reads that the scope does not hold, or that GitHub does not allow there. Offsets
 * are in the parsed source. Paths into untyped values (`github.event.*`, outputs of unknown actions, a computed matrix,
 * after an object filter) are never reported.
 */
export function scopeProblems(ast: Expr, site: ExpressionSite, scope: Scope): ScopeProblem[] {
  const problems: ScopeProblem[] = [];
  const allowed = site.allowed;
  // `fallback`: the path is an operand of `||` (`matrix.ubuntu || '22.04'`): a key only some matrix entries set, read
  // with a default on purpose, is not reported.
  const checkPath = (segments: PathSegment[], fallback: boolean): void => {
    const head = segments[0]!;
    const context = head.name.toLowerCase();
    const resolution = resolve(
      scope,
      segments.map((s) => s.name),
    );
    if (!resolution.ok && resolution.of === undefined) {
      problems.push({ kind: 'unknown-context', name: head.name, start: head.start, end: head.end, known: [...scope.keys()] });
      return;
    }
    // Not available here, and (a second mistake) a property that context never has: both are said.
    if (allowed && !allowed.contexts.has(context)) {
      problems.push({ kind: 'unavailable-context', name: head.name, start: head.start, end: head.end, allowed: [...allowed.contexts] });
      if (resolution.ok || resolution.at !== 1 || !['github', 'runner', 'job', 'strategy'].includes(context)) return;
    }
    if (resolution.ok) {
      const input = segments[1];
      if (context === 'inputs' && input && isCallInputDefault(site) && scope.get('inputs')?.kind === 'object') {
        const inputs = scope.get('inputs') as ExprType & { kind: 'object' };
        if (!inputs.closed && inputs.properties.has(input.name.toLowerCase())) problems.push({ kind: 'own-input-in-default', name: input.name, start: input.start, end: input.end });
      }
      return;
    }
    const bad = segments[resolution.at]!;
    if (resolution.at === 1 && context === 'steps' && site.job?.steps.some((step) => stepIdsOf(step).some((id) => id.toLowerCase() === bad.name.toLowerCase()))) {
      problems.push({ kind: 'later-step', name: bad.name, start: bad.start, end: bad.end });
      return;
    }
    if (resolution.at === 1 && context === 'needs' && site.job?.workflow.jobs.some((job) => job.id.toLowerCase() === bad.name.toLowerCase() && job !== site.job)) {
      problems.push({ kind: 'not-needed', name: bad.name, start: bad.start, end: bad.end });
      return;
    }
    if (fallback && context === 'matrix') return;
    problems.push({
      kind: 'unknown-property',
      path: segments.slice(0, resolution.at + 1).map((s) => s.name).join('.'),
      name: bad.name,
      start: bad.start,
      end: bad.end,
      of: resolution.of,
      context,
      known: resolution.known,
    });
  };
  const visit = (expr: Expr, fallback = false): void => {
    const segments = pathSegmentsOf(expr);
    if (segments) return checkPath(segments, fallback);
    if (expr.kind === 'call' && allowed && SPECIAL_FUNCTIONS.has(expr.name) && !allowed.functions.has(expr.name)) {
      problems.push({ kind: 'unavailable-function', name: expr.name, start: expr.start, end: expr.start + expr.name.length, allowed: [...allowed.functions.keys()] });
    }
    // The operands of `||` may be missing on purpose (a default follows).
    for (const sub of subexpressions(expr)) visit(sub, expr.kind === 'binary' && expr.op === '||');
  };
  visit(ast);
  return problems;
}
