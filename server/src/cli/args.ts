import { parseArgs } from 'node:util';
import { RULE_SETTINGS } from '../project/config';
import type { Severity } from '../engine/core/finding';
import type { RuleSetting } from '../engine/core/lint';
import { PRESETS, type Preset } from '../engine/core/presets';

export type OutputFormat = 'text' | 'compact' | 'json' | 'sarif' | 'github';
export type FailOn = Severity | 'none';
/** What `--fix` applies: nothing, safe fixes, or safe fixes and suggestions. */
export type FixMode = 'none' | 'safe' | 'suggestions';

export interface LintCommand {
  kind: 'lint';
  paths: string[];
  format: OutputFormat;
  fix: FixMode;
  /** Print the fixes as a unified diff instead of writing them. */
  dryRun: boolean;
  failOn: FailOn;
  /** `--preset`: wins over the configuration's `preset:`; undefined leaves it to the configuration. */
  preset: Preset | undefined;
  /** `--min-severity` (`--quiet`: error): findings below it are left out of the output; the exit code still counts them. */
  minSeverity: Severity;
  /** `--quiet` was given (so the output says that, not `--min-severity error`, left findings out). */
  quiet: boolean;
  /** `--rule id=level`, later ones winning; checked against the registry by the caller. */
  rules: Record<string, RuleSetting>;
  config: string | undefined;
  ignore: string[];
  /** `--no-ignore`: check everything, whatever the configuration's `ignore:` and `--ignore` say. */
  noIgnore: boolean;
  /** Read one file from standard input; `stdinFilename` is the path it is checked as. */
  stdin: boolean;
  stdinFilename: string | undefined;
  /** `--max-file-size`: larger files are reported as not checked; undefined leaves it to the configuration. */
  maxFileSizeKiB: number | undefined;
  /** `--skip-unreadable`: files found in directories that cannot be checked are passed over without failing. */
  skipUnreadable: boolean;
  /** `--baseline <file>`: findings it holds are not reported (nor counted for the exit code). */
  baseline: string | undefined;
  /** `--update-baseline`: write every current finding to the `--baseline` file first. */
  updateBaseline: boolean;
  /** `--jobs`: threads to check in; undefined means one per core but one (the main thread alone for a few files). */
  jobs: number | undefined;
  /** `--no-shellcheck`: leave gha/shellcheck out even when its preset or `rules:` turn it on (it starts a process per script). */
  noShellcheck: boolean;
  /** `--verbose`: say on stderr what the run left out and why (gha/shellcheck without the binary). */
  verbose: boolean;
}

export type ReportFormat = 'html' | 'markdown';

/** `shipcheck report [paths]`: the checks of a lint run, written as a pipeline and DORA report instead of findings. */
export interface ReportCommand {
  kind: 'report';
  lint: LintCommand;
  format: ReportFormat;
  /** `--out <file>`; undefined writes to standard output. */
  out: string | undefined;
}

export type Command = LintCommand | ReportCommand | { kind: 'help' } | { kind: 'version' } | { kind: 'list-rules'; format: OutputFormat };

/** Bad command line: reported in one line with exit code 2. */
export class UsageError extends Error {}

const FORMATS: readonly OutputFormat[] = ['text', 'compact', 'json', 'sarif', 'github'];
const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];
const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'info', 'hint', 'none'];

const OPTIONS = {
  format: { type: 'string' },
  'fail-on': { type: 'string' },
  'min-severity': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  fix: { type: 'boolean' },
  'fix-suggestions': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  preset: { type: 'string' },
  rule: { type: 'string', multiple: true },
  config: { type: 'string' },
  ignore: { type: 'string', multiple: true },
  'no-ignore': { type: 'boolean' },
  stdin: { type: 'boolean' },
  'stdin-filename': { type: 'string' },
  'max-file-size': { type: 'string' },
  'skip-unreadable': { type: 'boolean' },
  jobs: { type: 'string' },
  baseline: { type: 'string' },
  'update-baseline': { type: 'boolean' },
  'list-rules': { type: 'boolean' },
  'no-shellcheck': { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

type OptionName = keyof typeof OPTIONS;

export const USAGE = `Usage: shipcheck [options] [paths...]
       shipcheck --stdin --stdin-filename <path> [options]
       shipcheck report [options] [paths...] --out report.html   (see shipcheck report --help)

Checks GitHub Actions workflows, composite actions and Kubernetes manifests.
Directories are searched for *.yml and *.yaml files (node_modules and hidden
directories other than .github are left out); YAML files that are neither
workflows nor manifests are passed over quietly; files named on the command
line are checked whatever their name, unless an ignore glob matches them.
Without paths, the current directory is searched.

Output:
  --format <name>         text (default), compact (one line a finding), json,
                          sarif (SARIF 2.1.0 for code scanning) or github
                          (annotations on pull requests)
  --min-severity <level>  show only findings at least this severe: error,
                          warning, info or hint (default: hint, all of them);
                          the exit code still counts the others
  -q, --quiet             show errors only (--min-severity error)
  --fail-on <level>       exit with 1 when a finding is at least this severe:
                          error, warning, info, hint or none (default: error)

Fixing:
  --fix                   apply safe fixes in place, then report what is left
  --fix-suggestions       apply suggestions too (they can change behaviour)
  --dry-run               with --fix or --fix-suggestions: print a unified diff
                          and write nothing

Selection:
  --preset <name>         which rules run and how loud: recommended (the
                          default: rules measured precise on real
                          repositories), strict (every rule) or all; wins
                          over preset: in the configuration file
  --rule <id>=<level>     set a rule to off, hint, info, warning or error;
                          repeatable, wins over the configuration file
  --config <file>         use this configuration instead of the nearest
                          .shipcheck.yaml in the current directory or above
  --ignore <glob>         leave out matching paths (relative to the current
                          directory); repeatable, adds to the file's ignore:
  --no-ignore             check ignored paths too
  --max-file-size <KiB>   report larger files as not checked (default: 4096,
                          or maxFileSize in the configuration file)
  --skip-unreadable       pass over files found in directories that cannot be
                          checked (binary, not UTF-8, too large) instead of
                          failing with exit code 2
  --no-shellcheck         leave out gha/shellcheck, which runs the shellcheck
                          binary on each bash/sh script (strict preset)
  --verbose               say on stderr what the run leaves out and why
  --stdin                 check standard input instead of files
  --stdin-filename <path> the path standard input is checked as (it decides
                          whether the text is a workflow)

  --baseline <file>       report only findings that are not in this baseline
                          (matched by file, rule and the text of their
                          line, so edits elsewhere keep them matched)
  --update-baseline       write every current finding to the --baseline file
  --jobs <n>              check in n threads (default: one per core but
                          one when there are many files; 1 checks in one
                          thread)

  --list-rules            list every rule: id, level in recommended and in
                          strict, fix, summary
  -h, --help              show this help
  -v, --version           show the version

Configuration (.shipcheck.yaml):
  preset: strict                       # recommended (default), strict or all
  rules:
    gha/npm-ci: error                  # or off, hint, info, warning
    k8s/image-tag: { level: info }     # a mapping can carry rule options
  ignore:
    - test/fixtures/**                 # relative to the configuration file
  maxFileSize: 8192                    # KiB; --max-file-size wins

Ignored paths are left out even when named on the command line (as ESLint
does): a named file that is ignored is listed as skipped, with a warning on
stderr, and does not change the exit code. Use --no-ignore to check it.

Exit codes: 0 nothing at or above --fail-on, 1 something is, 2 bad usage, a
malformed configuration, a path that cannot be read, or a file that cannot be
checked (binary, not UTF-8, over the size limit; for files found in a
directory, unless --skip-unreadable). 130 when interrupted.

Examples:
  shipcheck                                 check the current directory
  shipcheck .github/workflows k8s/          check two folders
  shipcheck --fix                           turn \`npm install\` into \`npm ci\` and similar
  shipcheck --fix-suggestions --dry-run     show every fix as a diff, write nothing
  shipcheck --quiet                         show errors only
  shipcheck --format compact | grep npm-ci  one line a finding
  shipcheck --format json > findings.json   machine-readable output
  shipcheck --format sarif > shipcheck.sarif    for github/codeql-action/upload-sarif
  shipcheck --format github                 annotations in a GitHub Actions job
  shipcheck --fail-on warning deploy.yaml   fail CI on warnings too
  shipcheck --preset strict                 every rule, at its strict level
  shipcheck --rule k8s/image-tag=off --ignore 'charts/**'
  cat deploy.yaml | shipcheck --stdin --stdin-filename k8s/deploy.yaml
`;

export const REPORT_USAGE = `Usage: shipcheck report [options] [paths...]

Checks the files as shipcheck does and writes a report instead of findings:
per workflow its job graph (kinds of jobs, needs, the critical path, jobs
that never run, skip traps), per workload its release strategy and timeline
(canary weights over time), and the findings grouped by DORA metric and
capability, with links to the rule pages. (A folder named report is checked
with ./report.)

  --out <file>            write the report to this file (default: standard
                          output)
  --format <name>         html (default: one self-contained page, light and
                          dark) or markdown (for $GITHUB_STEP_SUMMARY or a
                          pull-request comment; Mermaid graphs)
  --fail-on <level>       exit with 1 when a finding is at least this severe
                          (default: none: a report does not fail the run)

The selection options of a check (--preset, --rule, --config, --ignore,
--no-ignore, --max-file-size, --skip-unreadable, --no-shellcheck, --jobs,
--min-severity, --quiet, --baseline) work the same way.
`;

const REPORT_FORMATS: readonly ReportFormat[] = ['html', 'markdown'];
const NOT_IN_REPORT = ['--fix', '--fix-suggestions', '--dry-run', '--stdin', '--stdin-filename', '--update-baseline', '--list-rules'];

/** `report` and what follows it: `--out` and `--format` are the report's, the rest a check's. */
export function parseReportCommand(argv: readonly string[]): ReportCommand | { kind: 'help' } {
  let out: string | undefined;
  let format: ReportFormat = 'html';
  let failOnGiven = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (name === '--out' || name === '--format') {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
      if (name === '--out') out = value;
      else format = choice('--format', value, REPORT_FORMATS, 'html');
      continue;
    }
    if (name === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (NOT_IN_REPORT.includes(name)) throw new UsageError(`${name} does not apply to shipcheck report (see shipcheck report --help)`);
    if (name === '--fail-on') failOnGiven = true;
    rest.push(arg);
  }
  const lint = parseCommand(rest);
  if (lint.kind === 'help') return lint;
  if (lint.kind !== 'lint') throw new UsageError(`shipcheck report takes paths and check options (see shipcheck report --help)`);
  return { kind: 'report', lint: failOnGiven ? lint : { ...lint, failOn: 'none' }, format, out };
}

// Tokens from a lenient parse let the messages name the offending option in our own words.
export function parseCommand(argv: readonly string[]): Exclude<Command, ReportCommand> {
  const { tokens, positionals } = parseArgs({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const values: Partial<Record<OptionName, string | true>> = {};
  const lists: Record<'rule' | 'ignore', string[]> = { rule: [], ignore: [] };
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (!isOptionName(token.name)) throw new UsageError(`unknown option ${token.rawName} (see shipcheck --help)`);
    if (OPTIONS[token.name].type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} does not take a value`);
      values[token.name] = true;
    } else {
      if (token.value === undefined) throw new UsageError(`${token.rawName} needs a value`);
      if (token.name === 'rule' || token.name === 'ignore') lists[token.name].push(token.value);
      else values[token.name] = token.value;
    }
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const format = choice('--format', values.format, FORMATS, 'text');
  if (values['list-rules']) return { kind: 'list-rules', format };

  const fix: FixMode = values['fix-suggestions'] ? 'suggestions' : values.fix ? 'safe' : 'none';
  const dryRun = values['dry-run'] === true;
  if (dryRun && fix === 'none') throw new UsageError('--dry-run needs --fix or --fix-suggestions');
  const stdin = values.stdin === true;
  const stdinFilename = typeof values['stdin-filename'] === 'string' ? values['stdin-filename'] : undefined;
  if (stdinFilename !== undefined && !stdin) throw new UsageError('--stdin-filename needs --stdin');
  if (stdin && positionals.length > 0) throw new UsageError(`--stdin checks standard input only; leave out ${positionals[0]}`);
  if (stdin && fix !== 'none' && !dryRun) throw new UsageError('--stdin cannot be fixed in place: add --dry-run to see the fixes as a diff');

  return {
    kind: 'lint',
    paths: positionals.length > 0 ? positionals : ['.'],
    format,
    failOn: choice('--fail-on', values['fail-on'], FAIL_ON, 'error'),
    minSeverity: minSeverity(values),
    quiet: values.quiet === true,
    fix,
    dryRun,
    preset: values.preset === undefined ? undefined : choice('--preset', values.preset, PRESETS, 'recommended'),
    rules: ruleFlags(lists.rule),
    config: typeof values.config === 'string' ? values.config : undefined,
    ignore: lists.ignore,
    noIgnore: values['no-ignore'] === true,
    stdin,
    stdinFilename,
    maxFileSizeKiB: positiveInteger('--max-file-size', values['max-file-size']),
    skipUnreadable: values['skip-unreadable'] === true,
    jobs: positiveInteger('--jobs', values.jobs),
    baseline: baselineFile(values),
    updateBaseline: values['update-baseline'] === true,
    noShellcheck: values['no-shellcheck'] === true,
    verbose: values.verbose === true,
  };
}

function minSeverity(values: Partial<Record<OptionName, string | true>>): Severity {
  if (values.quiet && values['min-severity'] !== undefined) throw new UsageError('--quiet is --min-severity error: give one of them');
  if (values.quiet) return 'error';
  return choice('--min-severity', values['min-severity'], SEVERITIES, 'hint');
}

function baselineFile(values: Partial<Record<OptionName, string | true>>): string | undefined {
  const file = typeof values.baseline === 'string' ? values.baseline : undefined;
  if (values['update-baseline'] && file === undefined) throw new UsageError('--update-baseline needs --baseline <file>');
  return file;
}

function positiveInteger(option: string, value: string | true | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new UsageError(`${option} takes a whole number of at least 1, not '${String(value)}'`);
  }
  return number;
}

function ruleFlags(flags: readonly string[]): Record<string, RuleSetting> {
  const settings: Record<string, RuleSetting> = {};
  for (const flag of flags) {
    const at = flag.lastIndexOf('=');
    const id = flag.slice(0, at).trim();
    const level = flag.slice(at + 1).trim();
    const setting = RULE_SETTINGS.find((candidate) => candidate === level);
    if (at <= 0 || setting === undefined) throw new UsageError(`--rule takes <id>=<level> with a level of ${RULE_SETTINGS.join(', ')}, not '${flag}'`);
    settings[id] = setting;
  }
  return settings;
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
