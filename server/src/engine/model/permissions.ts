import { MemoKey, memoOn } from './memo';
import { type Field, isMap, isScalar, mapFields, scalarToString, type YamlDoc, type YAMLMap } from '../yaml/yamlFile';
import { workflowTriggers } from './triggers';
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
