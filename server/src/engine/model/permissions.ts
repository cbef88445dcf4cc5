import { MemoKey, memoOn } from './memo';
import { stringLiterals, type Value } from '../languages/expressions';
import { type Field, isMap, isScalar, mapFields, scalarToString, type YamlDoc, type YAMLMap } from '../yaml/yamlFile';
import { jobGraph } from './jobGraph';
import { jobCondition, reachabilityOf } from './reachability';
import { type TriggerCase, triggerCases, workflowTriggers } from './triggers';
import type { Job, Workflow } from './workflow';

/** What a GITHUB_TOKEN scope allows. `default` = not declared anywhere: the repository setting decides (may be write). */
export type PermissionLevel = 'read' | 'write' | 'none';

/** A `permissions:` entry as written on a workflow or a job. */
export interface DeclaredPermissions {
  field: Field;
  /** `read-all` / `write-all`; absent for the map form. */
  shorthand?: 'read-all' | 'write-all';
  /** The map form's scopes (`{}` has none, and then every scope is `none`). */
  scopes: Map<string, { level: PermissionLevel; field: Field }>;
  /** The map node, for edits. */
  map?: YAMLMap;
  /** An expression or a value GitHub would reject: nothing can be said about it. */
  unknown: boolean;
}

export interface EffectivePermissions {
  /** Where the job's token permissions come from. */
  source: 'job' | 'workflow' | 'default';
  declared?: DeclaredPermissions;
  /** A scope's level; `default` when nothing declares permissions, `unknown` for expressions. */
  level(scope: string): PermissionLevel | 'default' | 'unknown';
}

const LEVELS = new Set<string>(['read', 'write', 'none']);

/** The `permissions:` of a workflow's or job's fields, undefined when absent. */
export function declaredPermissions(yaml: YamlDoc, fields: ReadonlyMap<string, Field>): DeclaredPermissions | undefined {
  const field = fields.get('permissions');
  if (!field) return undefined;
  const value = field.value;
  const declared: DeclaredPermissions = { field, scopes: new Map(), unknown: false };
  // `permissions:` with no value is an empty mapping to GitHub: every scope none.
  if (value === undefined || (isScalar(value) && (value.value === null || value.value === ''))) return declared;
  if (isMap(value)) {
    declared.map = value;
    for (const [scope, scopeField] of mapFields(yaml, value)) {
      const level = scalarToString(scopeField.value);
      if (level === undefined || !LEVELS.has(level)) declared.unknown = true;
      else declared.scopes.set(scope, { level: level as PermissionLevel, field: scopeField });
    }
    return declared;
  }
  const text = scalarToString(value);
  if (text === 'read-all' || text === 'write-all') declared.shorthand = text;
  else declared.unknown = true;
  return declared;
}

function levelIn(declared: DeclaredPermissions, scope: string): PermissionLevel | 'unknown' {
  if (declared.shorthand === 'write-all') return 'write';
  // `read-all` cannot grant id-token, which has no read level.
  if (declared.shorthand === 'read-all') return scope === 'id-token' ? 'none' : 'read';
  const own = declared.scopes.get(scope);
  if (own) return own.level;
  return declared.unknown ? 'unknown' : 'none';
}

const PERMISSIONS = new MemoKey<EffectivePermissions>('permissions');

/** The job's token permissions: its own `permissions:`, else the workflow's, else the repository default. */
export function effectivePermissions(job: Job, yaml: YamlDoc): EffectivePermissions {
  return memoOn(job, PERMISSIONS, () => readPermissions(job, yaml));
}

function readPermissions(job: Job, yaml: YamlDoc): EffectivePermissions {
  const own = declaredPermissions(yaml, job.fields);
  const top = own ? undefined : declaredPermissions(yaml, job.workflow.fields);
  const declared = own ?? top;
  if (declared) return { source: own ? 'job' : 'workflow', declared, level: (scope) => levelIn(declared, scope) };
  // Neither repository default (permissive or restricted) includes id-token.
  return { source: 'default', level: (scope) => (scope === 'id-token' ? 'none' : 'default') };
}

/** The workflow's trigger names (`on: push`, `on: [push, pull_request]`, `on: { push: … }`). */
export function triggers(yaml: YamlDoc, workflow: Workflow): string[] {
  return [...workflowTriggers(workflow, yaml).events.keys()];
}

/** A reusable workflow's jobs get their token from the caller when they declare nothing themselves. */
export function onlyCalledByOtherWorkflows(yaml: YamlDoc, workflow: Workflow): boolean {
  const names = triggers(yaml, workflow);
  return names.length > 0 && names.every((name) => name === 'workflow_call');
}

const FORK_ONLY = new MemoKey<ReadonlySet<Job>>('forkOnlyJobs');

/**
 * The jobs that can run only for pull requests from forks (`if: github.event.pull_request.head.repo.full_name !=
 * github.repository`, or needing such a job): GitHub gives those runs a read-only token whatever the workflow or the
 * repository says. Worked out with the expression evaluator: each `pull_request` case is evaluated as a pull request
 * from a branch of the repository itself, and a job belongs here when it runs in none of the cases.
 */
export function forkOnlyJobs(workflow: Workflow, yaml: YamlDoc, fileText: string): ReadonlySet<Job> {
  return memoOn(workflow, FORK_ONLY, () => {
    const conditionOf = (job: Job) => {
      const condition = jobCondition(job, fileText);
      return { ...condition, present: condition.field !== undefined };
    };
    // The repository's name is not in the text: try each name the conditions compare with, and one they do not.
    const names = new Set(['shipcheck-owner/shipcheck-repository']);
    for (const job of workflow.jobs) {
      const ast = jobCondition(job, fileText).ast;
      if (ast) for (const literal of stringLiterals(ast)) names.add(literal);
    }
    const cases = triggerCases(workflowTriggers(workflow, yaml)).flatMap((triggerCase) =>
      triggerCase.event === 'pull_request' ? [...names].map((name) => fromOwnBranch(triggerCase, name)) : [withoutPullRequest(triggerCase)],
    );
    const reach = reachabilityOf(jobGraph(workflow), cases, conditionOf);
    return new Set(workflow.jobs.filter((job) => reach.canRun(job) === false));
  });
}

// Events whose payload has a `pull_request` object.
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment']);

/** A case of another known event: `github.event.pull_request` is then null (and so is everything under it). */
function withoutPullRequest(triggerCase: TriggerCase): TriggerCase {
  if (triggerCase.event === undefined || PULL_REQUEST_EVENTS.has(triggerCase.event)) return triggerCase;
  return { event: triggerCase.event, values: new Map<string, Value>([...triggerCase.values, ['github.event.pull_request', null]]) };
}

/** A `pull_request` case as a pull request from a branch of the repository `name` itself. */
function fromOwnBranch(triggerCase: TriggerCase, name: string): TriggerCase {
  const owner = name.split('/')[0]!;
  const values = new Map<string, Value>(triggerCase.values);
  for (const side of ['head', 'base']) {
    values.set(`github.event.pull_request.${side}.repo.full_name`, name);
    values.set(`github.event.pull_request.${side}.repo.owner.login`, owner);
    values.set(`github.event.pull_request.${side}.repo.fork`, false);
  }
  values.set('github.repository', name);
  values.set('github.repository_owner', owner);
  return { event: triggerCase.event, values };
}
