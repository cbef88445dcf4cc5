import { ACTION_TABLE, type GeneratedAction } from '../../knowledge/actions.generated';
import type { ActionInput, ActionMetadata } from '../core/projectIndex';
import type { ActionRef } from './action';

/** What the embedded table (knowledge/actions.generated.ts) knows of a remote action at the version a step pins. */
export interface KnownAction {
  /** The table's version the ref stands for: `v4` (the newest v4 release), or a branch name. */
  version: string;
  /** Its metadata; `inputs` is absent for versions whose inputs the table does not keep. */
  metadata: { using: string; inputs: Readonly<Record<string, ActionInput>> | undefined; outputs: readonly string[] };
  /** Whether the pin names the very release the table read (or only its major: `v4`, `# v4`), not an older one. */
  exact: boolean;
  /** The major versions the table knows, oldest first, with their runtime. */
  majors: readonly { version: string; using: string }[];
}

/**
 * The table's entry for a remote action's ref: `v4`, `v4.1.2` and `4.1` stand for the newest v4 release; a commit
 * SHA for the version its trailing comment names (`@<sha> # v4.1.2`), else nothing; another ref for the branch of
 * that name, when the table has it. Undefined for actions and versions the table does not know.
 */
export function knownAction(action: ActionRef, comment?: string): KnownAction | undefined {
  if (action.kind !== 'remote' || !action.id || !action.ref) return undefined;
  const versions = ACTION_TABLE[action.id];
  if (!versions) return undefined;
  const pinned = pinnedVersion(action.ref, comment);
  const version = pinned ? `v${pinned[0]}` : /^[0-9a-f]{40}$/i.test(action.ref) ? undefined : action.ref;
  const entry = version === undefined ? undefined : versions[version];
  if (!entry || version === undefined) return undefined;
  // A release newer than the one the table read may declare more; below 1.0 every minor release may break.
  if (pinned && entry.tag !== undefined) {
    const read = entry.tag.split('.').map(Number);
    if (compareVersions(pinned, read) > 0 || (pinned[0] === 0 && pinned.length > 1 && pinned[1] !== read[1])) return undefined;
  }
  const majors = majorsOf(versions);
  const exact = !pinned || pinned.length === 1 || (entry.tag !== undefined && compareVersions(pinned, entry.tag.split('.').map(Number)) === 0);
  return { version, exact, metadata: { using: entry.using, inputs: entry.inputs && inputsOf(entry), outputs: entry.outputs ?? [] }, majors };
}

/** The version numbers a ref pins (`v4.2` → [4, 2]); for a commit SHA, those its trailing comment names (`# v4.2.1`). */
function pinnedVersion(ref: string, comment: string | undefined): number[] | undefined {
  const named = /^[0-9a-f]{40}$/i.test(ref) ? /^\s*(?:tag=)?v?(\d+(?:\.\d+)*)(?:\s|$)/.exec(comment ?? '') : /^v?(\d+(?:\.\d+){0,2})$/.exec(ref);
  return named ? named[1]!.split('.').map(Number) : undefined;
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

// The major versions of each table entry, oldest first, made once per action (the table never changes).
const MAJORS = new WeakMap<Readonly<Record<string, GeneratedAction>>, KnownAction['majors']>();

function majorsOf(versions: Readonly<Record<string, GeneratedAction>>): KnownAction['majors'] {
  let majors = MAJORS.get(versions);
  if (!majors) {
    majors = Object.entries(versions)
      .flatMap(([name, known]) => (/^v\d+$/.test(name) ? [{ version: name, using: known.using }] : []))
      .sort((a, b) => Number(a.version.slice(1)) - Number(b.version.slice(1)));
    MAJORS.set(versions, majors);
  }
  return majors;
}

// Inputs as the index gives local actions' (objects without prototype), made once per table entry.
const INPUTS = new WeakMap<GeneratedAction, Readonly<Record<string, ActionInput>>>();

function inputsOf(entry: GeneratedAction): Readonly<Record<string, ActionInput>> {
  let inputs = INPUTS.get(entry);
  if (!inputs) {
    const made: Record<string, ActionInput> = Object.create(null) as Record<string, ActionInput>;
    for (const [name, [required, fallback, deprecation]] of Object.entries(entry.inputs ?? {})) {
      const input: ActionInput = { required: required === 1 };
      if (typeof fallback === 'string') input.default = fallback;
      if (typeof deprecation === 'string') input.deprecationMessage = deprecation;
      made[name] = input;
    }
    INPUTS.set(entry, (inputs = made));
  }
  return inputs;
}

/** Node runtimes GitHub has removed from its runners (node12) or is removing (node16). */
export function isRetiredRuntime(using: string | undefined): boolean {
  return using !== undefined && /^node1[26]$/i.test(using.trim());
}

/**
 * Whether the runner knows this `runs.using` (compared as the runner does, ignoring case): current Node runtimes,
 * composite and docker; the retired Node runtimes are known too (see `isRetiredRuntime`). An expression is not judged.
 */
export function isRunnableRuntime(using: string): boolean {
  const value = using.trim();
  return value.includes('${{') || /^(node12|node16|node20|node24|composite|docker)$/i.test(value);
}

/** The first major after `version` whose runtime is current, if the table knows one. */
export function firstCurrentMajor(known: KnownAction): string | undefined {
  const pinned = /^v(\d+)$/.exec(known.version);
  if (!pinned) return undefined;
  return known.majors.find((major) => Number(major.version.slice(1)) > Number(pinned[1]) && major.using !== '' && !isRetiredRuntime(major.using))?.version;
}

/** An input by name as the runner matches it (case-insensitively). */
export function inputNamed(inputs: Readonly<Record<string, ActionInput>>, name: string): ActionInput | undefined {
  const exact = inputs[name];
  if (exact) return exact;
  const lower = name.toLowerCase();
  for (const key of Object.keys(inputs)) if (key.toLowerCase() === lower) return inputs[key];
  return undefined;
}

export type { ActionMetadata };
