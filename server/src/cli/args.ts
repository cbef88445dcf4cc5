import { parseArgs } from 'node:util';
import type { Severity } from '../engine/finding';

export type OutputFormat = 'text' | 'json';
export type FailOn = Severity | 'none';

export interface LintCommand {
  kind: 'lint';
  paths: string[];
  format: OutputFormat;
  fix: boolean;
  failOn: FailOn;
}

export type Command = LintCommand | { kind: 'help' } | { kind: 'version' };

/** Bad command line: reported in one line with exit code 2. */
export class UsageError extends Error {}

const FORMATS: readonly OutputFormat[] = ['text', 'json'];
const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'info', 'hint', 'none'];

const OPTIONS = {
  format: { type: 'string' },
  'fail-on': { type: 'string' },
  fix: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

type OptionName = keyof typeof OPTIONS;

export const USAGE = `Usage: shipcheck [options] [paths...]

Checks GitHub Actions workflows, composite actions and Kubernetes manifests.
Directories are searched for *.yml and *.yaml files (node_modules and hidden
directories other than .github are left out); YAML files that are neither
workflows nor manifests are passed over quietly. Files named on the command
line are always checked. Without paths, the current directory is searched.

Options:
  --format <text|json>    output format (default: text)
  --fix                   apply safe fixes in place, then report what is left
  --fail-on <level>       exit with 1 when a finding is at least this severe:
                          error, warning, info, hint or none (default: error)
  -h, --help              show this help
  -v, --version           show the version

Exit codes: 0 nothing at or above --fail-on, 1 something is, 2 bad usage or
a path that cannot be read.

Examples:
  shipcheck                                 check the current directory
  shipcheck .github/workflows k8s/          check two folders
  shipcheck --fix                           turn \`npm install\` into \`npm ci\` and similar
  shipcheck --format json > findings.json   machine-readable output
  shipcheck --fail-on warning deploy.yaml   fail CI on warnings too
`;

// Tokens from a lenient parse let the messages name the offending option in our own words.
export function parseCommand(argv: readonly string[]): Command {
  const { tokens, positionals } = parseArgs({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const values: Partial<Record<OptionName, string | true>> = {};
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (!isOptionName(token.name)) throw new UsageError(`unknown option ${token.rawName} (see shipcheck --help)`);
    if (OPTIONS[token.name].type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} does not take a value`);
      values[token.name] = true;
    } else {
      if (token.value === undefined) throw new UsageError(`${token.rawName} needs a value`);
      values[token.name] = token.value;
    }
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  return {
    kind: 'lint',
    paths: positionals.length > 0 ? positionals : ['.'],
    format: choice('--format', values.format, FORMATS, 'text'),
    failOn: choice('--fail-on', values['fail-on'], FAIL_ON, 'error'),
    fix: values.fix === true,
  };
}

function isOptionName(name: string): name is OptionName {
  return Object.hasOwn(OPTIONS, name);
}

function choice<T extends string>(option: string, value: string | true | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) throw new UsageError(`${option} must be one of ${allowed.join(', ')}, not '${String(value)}'`);
  return match;
}
