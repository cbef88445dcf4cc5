import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAMES, describeConfigProblem, emptyConfig, parseConfig, type ShipcheckConfig } from './config';

export { CONFIG_FILE_NAMES };

export interface LoadedConfig {
  /** The file it came from, or undefined when none was found (then the config is empty). */
  file: string | undefined;
  /** What `ignore` globs are relative to: the configuration file's directory. */
  baseDirectory: string;
  config: ShipcheckConfig;
}

/** A configuration file that cannot be read or is malformed; the message names file:line:column. */
export class ConfigError extends Error {}

/** The nearest `.shipcheck.yaml` in `startDirectory` or above it. */
export function findConfigFile(startDirectory: string): string | undefined {
  for (let directory = path.resolve(startDirectory); ; directory = path.dirname(directory)) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(directory, name);
      if (isFile(candidate)) return candidate;
    }
    if (path.dirname(directory) === directory) return undefined;
  }
}

/** Reads `explicitFile`, or else the nearest configuration above `startDirectory` (none is fine). */
export function loadConfig(startDirectory: string, knownRules: ReadonlySet<string>, explicitFile?: string): LoadedConfig {
  const file = explicitFile ?? findConfigFile(startDirectory);
  if (file === undefined) return { file: undefined, baseDirectory: path.resolve(startDirectory), config: emptyConfig() };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String(error);
    throw new ConfigError(`${file}: cannot read the configuration: ${reason}`);
  }
  const result = parseConfig(text, knownRules);
  if (!result.ok) throw new ConfigError(describeConfigProblem(file, result.problem));
  return { file, baseDirectory: path.dirname(path.resolve(file)), config: result.config };
}

function isFile(candidate: string): boolean {
  try {
    return fs.statSync(candidate).isFile();
  } catch {
    return false;
  }
}
