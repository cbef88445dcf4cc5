import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAMES } from './configLoader';

export interface Target {
  /** As given on the command line, or joined onto it when found in a directory. */
  path: string;
  /** Named on the command line: always checked and reported. */
  explicit: boolean;
}

export interface InputError {
  path: string;
  reason: string;
}

export interface Discovery {
  targets: Target[];
  errors: InputError[];
  /** Files named on the command line that the ignore globs leave out: listed as skipped, not checked. */
  ignored: Target[];
}

/** Whether a path (as given or joined while walking) is left out by `ignore:` / `--ignore`. */
export type IgnoreTest = (filePath: string) => boolean;

const YAML_FILE = /\.ya?ml$/i;

/** The files to check, sorted by path, each once even when reached through two inputs. */
export function discover(inputs: readonly string[], isIgnored: IgnoreTest = () => false): Discovery {
  const byRealPath = new Map<string, Target>();
  const errors: InputError[] = [];
  const ignored: Target[] = [];
  const add = (target: Target): void => {
    const key = path.resolve(target.path);
    const known = byRealPath.get(key);
    if (!known || (target.explicit && !known.explicit)) byRealPath.set(key, target);
  };

  for (const input of inputs) {
    let stats: fs.Stats;
    try {
      stats = fs.statSync(input);
    } catch (error) {
      errors.push({ path: input, reason: describeFsError(error) });
      continue;
    }
    if (stats.isDirectory()) {
      const walker: Walker = { add, errors, isIgnored, found: 0, ignored: 0 };
      walk(input, walker);
      if (walker.found === 0) {
        const reason =
          walker.ignored > 0
            ? 'no YAML files to check: everything here is ignored by the configuration or --ignore (--no-ignore checks it)'
            : 'no YAML files (*.yml, *.yaml) in this directory';
        errors.push({ path: input, reason });
      }
    } else if (stats.isFile()) {
      if (isIgnored(input)) ignored.push({ path: input, explicit: true });
      else add({ path: input, explicit: true });
    } else {
      errors.push({ path: input, reason: 'not a regular file or directory' });
    }
  }

  const byPath = (a: Target, b: Target): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  const targets = [...byRealPath.values()].sort(byPath);
  return { targets, errors, ignored: ignored.sort(byPath) };
}

interface Walker {
  add(target: Target): void;
  errors: InputError[];
  isIgnored: IgnoreTest;
  /** YAML files found, and how many of them (or of whole directories) were ignored. */
  found: number;
  ignored: number;
}

function walk(directory: string, walker: Walker): void {
  const { add, errors } = walker;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    errors.push({ path: directory, reason: describeFsError(error) });
    return;
  }
  for (const entry of entries) {
    const child = path.join(directory, entry.name);
    // Symlinked directories are not followed: they can loop back on themselves.
    if (entry.isDirectory()) {
      if (!isSearched(entry.name)) continue;
      if (walker.isIgnored(child)) walker.ignored++;
      else walk(child, walker);
    } else if (YAML_FILE.test(entry.name) && !CONFIG_FILE_NAMES.includes(entry.name) && (entry.isFile() || isFileLink(entry, child))) {
      if (walker.isIgnored(child)) {
        walker.ignored++;
      } else {
        walker.found++;
        add({ path: child, explicit: false });
      }
    }
  }
}

// node_modules holds dependencies and hidden directories (.git, .vscode…) tool state; .github holds workflows.
function isSearched(name: string): boolean {
  return name !== 'node_modules' && (!name.startsWith('.') || name === '.github');
}

function isFileLink(entry: fs.Dirent, child: string): boolean {
  if (!entry.isSymbolicLink()) return false;
  try {
    return fs.statSync(child).isFile();
  } catch {
    return false;
  }
}

const FS_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  EISDIR: 'is a directory',
};

/** A short reason for a file-system error, without Node's stack or syscall details. */
export function describeFsError(error: unknown): string {
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    return (code && FS_ERRORS[code]) ?? error.message;
  }
  return String(error);
}
