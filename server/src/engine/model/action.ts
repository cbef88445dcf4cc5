import { type ImageReference, parseImage } from './image';

/**
 * What a `uses:` names:
 * - `local`: `./path` in the workspace, or `$/path` in the workflow's own repository at the running commit (GitHub's
 *   self-repository syntax, no checkout needed): a step's action, or a job's reusable workflow (see `reusable`);
 * - `docker`: `docker://image`;
 * - `remote`: `owner/repo[/path]@ref`;
 * - `reusable`: a job-level `uses:` (a workflow file, `owner/repo/.github/workflows/x.yml@ref` or `./.github/workflows/x.yml`).
 */
export interface ActionRef {
  kind: 'local' | 'docker' | 'remote' | 'reusable';
  /** The value as written, trimmed. */
  uses: string;
  /** In the same repository (`./…` or `$/…`): a local action, or a local reusable workflow. */
  local: boolean;
  /** `$/…`: read from the workflow's own repository at the running commit, not from the (possibly untrusted) workspace. */
  selfRepository?: boolean;
  /** What it names without the ref, as written: `actions/checkout`, `./.github/actions/setup`, `docker://alpine`. */
  name: string;
  /** `owner/repo[/path]` lower-cased, for remote actions and remote reusable workflows: what rules compare with known actions. */
  id?: string;
  owner?: string;
  repo?: string;
  /** The path inside the repository: `path` of `owner/repo/path@ref`, or the local path without `./`. */
  path?: string;
  /** After `@`; missing on a remote action means the `uses:` is malformed (the runner rejects it). */
  ref?: string;
  /** For `docker://` actions. */
  image?: ImageReference;
}

/** Parses a step's `uses:` (`level: 'step'`) or a job's (`'job'`: a reusable workflow); undefined for an empty value. */
export function parseUses(value: string, level: 'step' | 'job'): ActionRef | undefined {
  const uses = value.trim();
  if (uses === '') return undefined;
  if (uses.startsWith('docker://')) {
    const image = uses.slice('docker://'.length);
    const at = uses.indexOf('@');
    return { kind: 'docker', uses, local: false, name: at < 0 ? uses : uses.slice(0, at), image: parseImage(image) };
  }
  const at = uses.indexOf('@');
  const name = at < 0 ? uses : uses.slice(0, at);
  const ref = at < 0 ? undefined : uses.slice(at + 1);
  if (uses.startsWith('./') || uses.startsWith('../') || uses.startsWith('$/')) {
    const local: ActionRef = { kind: level === 'job' ? 'reusable' : 'local', uses, local: true, name, path: name.replace(/^(\.|\$)\/+/, '') };
    if (uses.startsWith('$/')) local.selfRepository = true;
    if (ref !== undefined) local.ref = ref;
    return local;
  }
  const [owner, repo, ...path] = name.split('/');
  const remote: ActionRef = { kind: level === 'job' ? 'reusable' : 'remote', uses, local: false, name, id: name.toLowerCase() };
  if (owner) remote.owner = owner;
  if (repo) remote.repo = repo;
  if (path.length > 0 && path.join('/') !== '') remote.path = path.join('/');
  if (ref !== undefined && ref !== '') remote.ref = ref;
  return remote;
}

// GitHub's owner and repository names (letters, digits, `-`, `_`, `.`), and a ref without blanks.
const NAME = /^[A-Za-z0-9_.-]+$/;
const REF = /^[^\s@]+$/;
const WORKFLOW_FILE = /^\.github\/workflows\/[^/]+\.ya?ml$/;

/**
 * Whether a remote `uses:` has the shape the runner accepts: `owner/repo[/path]@ref` for an action,
 * `owner/repo/.github/workflows/<file>.yml@ref` for a reusable workflow, `docker://<image>` (no empty tag or digest after a final ':' or '@'). Local ones are not judged.
 */
export function isWellFormedUses(action: ActionRef): boolean {
  if (action.local) return true;
  if (action.kind === 'docker') return action.name.length > 'docker://'.length && !/\s/.test(action.uses) && !/[:@]$/.test(action.uses);
  if (!action.owner || !action.repo || !NAME.test(action.owner) || !NAME.test(action.repo) || action.ref === undefined || !REF.test(action.ref)) return false;
  if (action.kind === 'reusable') return action.path !== undefined && WORKFLOW_FILE.test(action.path);
  return action.path === undefined || !/\s/.test(action.path);
}
