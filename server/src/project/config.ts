import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeConfigProblem, emptyConfig, parseConfig, type ConfigProblem, type ShipcheckConfig } from '../config/config';
import { ignoreMatcher } from '../config/ignore';
import { findConfigFile } from '../config/load';
import { RULES } from '../rules';

/** The `.shipcheck.yaml` that governs a file, as the language server uses it. */
export interface ProjectConfig {
  config: ShipcheckConfig;
  /** The configuration file, when there is one. */
  file?: string;
  /** Set when the file is malformed: the server reports it there and uses the defaults. */
  problem?: ConfigProblem;
  /** Whether a path is left out by the file's `ignore:` globs. */
  isIgnored(filePath: string): boolean;
}

const KNOWN_RULES: ReadonlySet<string> = new Set(RULES.map((rule) => rule.id));
const cache = new Map<string, { mtimeMs: number; loaded: ProjectConfig }>();
// What governs each directory, so a keystroke costs no file system call; looked up again after this long even
// without a file event (clients that cannot watch files).
const byDirectory = new Map<string, { at: number; loaded: ProjectConfig }>();
const CACHE_MS = 2000;
const NONE: ProjectConfig = { config: emptyConfig(), isIgnored: () => false };

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
  let text: string;
  try {
    stats = fs.statSync(file);
    const cached = cache.get(file);
    if (cached && cached.mtimeMs === stats.mtimeMs) return cached.loaded;
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return NONE;
  }
  const base = path.dirname(file);
  const parsed = parseConfig(text, KNOWN_RULES);
  const config = parsed.ok ? parsed.config : emptyConfig();
  const matches = ignoreMatcher(config.ignore);
  const loaded: ProjectConfig = { config, file, isIgnored: (target) => matches(path.relative(base, target).split(path.sep).join('/')) };
  if (!parsed.ok) loaded.problem = parsed.problem;
  cache.set(file, { mtimeMs: stats.mtimeMs, loaded });
  return loaded;
}

export { describeConfigProblem };
