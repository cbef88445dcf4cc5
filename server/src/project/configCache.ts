import * as fs from 'node:fs';
import * as path from 'node:path';
import { emptyConfig, type ConfigProblem, type ShipcheckConfig } from './config';
import { ignoreMatcher } from './ignore';
import { findConfigFile, readConfigFile } from './configLoader';
import { RULES } from '../rules';

/** The `.shipcheck.yaml` that governs a file, as the language server uses it. */
export interface ProjectConfig {
  /** What is valid in the file (entries with a problem are left out), or the defaults when there is none. */
  config: ShipcheckConfig;
  /** The configuration file, when there is one. */
  file?: string;
  /** What is wrong in the file: the server reports these in it. */
  problems: readonly ConfigProblem[];
  /** Whether a path is left out by the file's `ignore:` globs. */
  isIgnored(filePath: string): boolean;
}

// Keyed by path; re-read when the modification time or size differs (two saves within one clock tick rarely keep both).
const cache = new Map<string, { mtimeMs: number; size: number; loaded: ProjectConfig }>();
// What governs each directory, so a keystroke costs no file system call; looked up again after this long even
// without a file event (clients that cannot watch files).
const byDirectory = new Map<string, { at: number; loaded: ProjectConfig }>();
const CACHE_MS = 2000;
const NONE: ProjectConfig = { config: emptyConfig(), problems: [], isIgnored: () => false };

/** The nearest configuration above `filePath`, re-read when the file changes on disk. */
export function projectConfig(filePath: string): ProjectConfig {
  if (!path.isAbsolute(filePath)) return NONE;
  const directory = path.dirname(filePath);
  const cached = byDirectory.get(directory);
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.loaded;
  const loaded = load(directory);
  byDirectory.set(directory, { at: Date.now(), loaded });
  return loaded;
}

/** After a configuration file was created, changed or deleted: look again. */
export function forgetProjectConfigs(): void {
  byDirectory.clear();
}

function load(directory: string): ProjectConfig {
  const file = findConfigFile(directory);
  if (!file) return NONE;
  let stats: fs.Stats;
  let read: ReturnType<typeof readConfigFile>;
  try {
    stats = fs.statSync(file);
    const cached = cache.get(file);
    if (cached && cached.mtimeMs === stats.mtimeMs && cached.size === stats.size) return cached.loaded;
    read = readConfigFile(file, RULES);
  } catch {
    return NONE;
  }
  const matches = ignoreMatcher(read.config.ignore);
  const loaded: ProjectConfig = {
    config: read.config,
    file,
    problems: read.problems,
    isIgnored: (target) => matches(path.relative(read.baseDirectory, target).split(path.sep).join('/')),
  };
  cache.set(file, { mtimeMs: stats.mtimeMs, size: stats.size, loaded });
  return loaded;
}
