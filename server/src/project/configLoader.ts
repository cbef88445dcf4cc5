import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAMES, emptyConfig, parseConfig, type ConfigProblem, type ConfigurableRule, type ShipcheckConfig } from './config';

export { CONFIG_FILE_NAMES };

export interface LoadedConfig {
  /** The file it came from, or undefined when none was found (then the config is empty). */
  file: string | undefined;
  /** What `ignore` globs are relative to: the configuration file's directory. */
  baseDirectory: string;
  /** What is valid in the file: entries with a problem are left out. */
  config: ShipcheckConfig;
  /** What is wrong in the file, each at its place; the CLI refuses to run with any, the editor shows them in the file. */
  problems: ConfigProblem[];
}

/** A configuration file that cannot be read. */
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
export function loadConfig(startDirectory: string, rules: readonly ConfigurableRule[], explicitFile?: string): LoadedConfig {
  const file = explicitFile ?? findConfigFile(startDirectory);
  if (file === undefined) return { file: undefined, baseDirectory: path.resolve(startDirectory), config: emptyConfig(), problems: [] };
  return readConfigFile(file, rules);
}

/** Reads and checks one configuration file, for the CLI and the language server alike; throws only when it cannot be read. */
export function readConfigFile(file: string, rules: readonly ConfigurableRule[]): LoadedConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String(error);
    throw new ConfigError(`${file}: cannot read the configuration: ${reason}`);
  }
  const { config, problems } = parseConfig(text, rules);
  return { file, baseDirectory: path.dirname(path.resolve(file)), config, problems };
}

function isFile(candidate: string): boolean {
  try {
    return fs.statSync(candidate).isFile();
  } catch {
    return false;
  }
}
