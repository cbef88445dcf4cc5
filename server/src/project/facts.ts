import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ProjectFacts } from '../engine/core/rule';
import { isLockfile, LOCKFILE_DEPTH } from '../engine/model/lockfiles';

/** The files whose presence the facts depend on: the server watches them and calls `forgetProjectFacts` when one changes. */
export const LOCKFILES: readonly string[] = ['package-lock.json', 'npm-shrinkwrap.json'];
/** The other lockfiles `lockfiles` lists, watched with those. */
export const OTHER_LOCKFILES: readonly string[] = ['yarn.lock', 'pnpm-lock.yaml'];
// Deep enough for monorepos (packages/*/web), shallow enough to stay instant on a keystroke.
const MAX_DEPTH = 4;
// Read again after this long even without a file event (clients that cannot watch files, a .git created).
const CACHE_MS = 5000;

// By the directory of the file asked about, so a keystroke costs no file system call.
const cache = new Map<string, { at: number; facts: ProjectFacts }>();

/** Facts about the repository that holds `filePath` (its nearest ancestor with a .git); unknown outside one. */
export function projectFacts(filePath: string): ProjectFacts {
  const directory = dirname(filePath);
  const cached = cache.get(directory);
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.facts;
  const root = repositoryRoot(filePath);
  const lockfiles = root ? listLockfiles(root) : undefined;
  const facts: ProjectFacts = root ? { npmLockfile: hasLockfile(root, 0), ...(lockfiles ? { lockfiles } : {}) } : {};
  cache.set(directory, { at: Date.now(), facts });
  return facts;
}

/** After a lockfile was created, changed or deleted: read the file system again. */
export function forgetProjectFacts(): void {
  cache.clear();
}

function repositoryRoot(filePath: string): string | undefined {
  if (!filePath) return undefined;
  for (let dir = dirname(filePath); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

function hasLockfile(dir: string, depth: number): boolean {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  if (entries.some((entry) => entry.isFile() && LOCKFILES.includes(entry.name))) return true;
  if (depth >= MAX_DEPTH) return false;
  return entries.some(
    (entry) => entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.') && hasLockfile(join(dir, entry.name), depth + 1),
  );
}

// A repository with more folders than this (to LOCKFILE_DEPTH) is not read on a keystroke: its lockfiles stay unknown.
const MAX_FOLDERS = 3000;

/** The lockfiles (`isLockfile`) down to LOCKFILE_DEPTH outside node_modules and hidden folders; undefined when too many folders. */
function listLockfiles(root: string): string[] | undefined {
  const found: string[] = [];
  let folders = 0;
  const walk = (dir: string, relative: string, depth: number): boolean => {
    if (++folders > MAX_FOLDERS) return false;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return true;
    }
    for (const entry of entries) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isFile()) {
        if (isLockfile(path)) found.push(path);
      } else if (entry.isDirectory() && depth < LOCKFILE_DEPTH && entry.name !== 'node_modules' && !entry.name.startsWith('.')) {
        if (!walk(join(dir, entry.name), path, depth + 1)) return false;
      }
    }
    return true;
  };
  return walk(root, '', 0) ? found.sort() : undefined;
}
