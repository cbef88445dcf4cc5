import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ProjectFacts } from '../engine/lint';

const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json'];
// Deep enough for monorepos (packages/*/web), shallow enough to stay instant on a keystroke.
const MAX_DEPTH = 4;
const CACHE_MS = 5000;

const cache = new Map<string, { at: number; facts: ProjectFacts }>();

/** Facts about the repository that holds `filePath` (its nearest ancestor with a .git); unknown outside one. */
export function projectFacts(filePath: string): ProjectFacts {
  const root = repositoryRoot(filePath);
  if (!root) return {};
  const cached = cache.get(root);
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.facts;
  const facts: ProjectFacts = { npmLockfile: hasLockfile(root, 0) };
  cache.set(root, { at: Date.now(), facts });
  return facts;
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
