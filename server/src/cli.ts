import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import manifest from '../../package.json';
import { parseCommand, parseReportCommand, REPORT_USAGE, UsageError, USAGE, type FailOn, type LintCommand, type OutputFormat, type ReportCommand } from './cli/args';
import { writeReport } from './cli/report';
import { baselineOf, readBaseline, withoutBaselined, type Baseline } from './cli/baseline';
import { checkText, decodeText, type CheckSettings, type FileReport } from './cli/check';
import { discover, type InputError, type Target } from './project/discover';
import { checkedOf, formatCompact, formatJson, formatText, shownReports, styleFor, type Hidden } from './cli/format';
import { formatGithub } from './cli/github';
import { buildRunContext, checkSettings } from './cli/runContext';
import { checkTargets, isCheckWorker, serveChecks } from './cli/workers';
import { formatSarif, sarifLinks } from './cli/sarif';
import { describeConfigProblem, withCommandLine, type ShipcheckConfig } from './project/config';
import { shellcheckLevel } from './project/shellcheck';
import { Shellcheck } from './project/shellcheckBinary';
import { ignoreMatcher } from './project/ignore';
import { ConfigError, loadConfig } from './project/configLoader';
import { ENGINE_RULES, SEVERITY_RANK, type Severity } from './engine/core/finding';
import { DEFAULT_MAX_FILE_SIZE } from './engine/core/lint';
import { DEFAULT_PRESET, type Preset } from './engine/core/presets';
import { RULES } from './rules/index';
import { keepNothing } from './engine/incremental/memo';

/** Exit codes after Ctrl-C or a termination request (128 + the signal's number), as shells report them. */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof SIGNAL_EXIT;

// Output goes through process.stdout.write and exitCode, never process.exit(), so a large report is not cut off.
async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === 'report') {
    const report = parseReportCommand(argv.slice(1));
    if (report.kind === 'help') process.stdout.write(REPORT_USAGE);
    else process.exitCode = await run(report.lint, report);
    return;
  }
  const command = parseCommand(argv);
  if (command.kind === 'help') {
    process.stdout.write(USAGE);
  } else if (command.kind === 'version') {
    process.stdout.write(`${manifest.version}\n`);
  } else if (command.kind === 'list-rules') {
    process.stdout.write(listRules(command.format));
  } else {
    process.exitCode = await run(command);
  }
}

let interrupted: StopSignal | undefined;

/** Whether gha/shellcheck runs: on in the run's preset or `rules:`, not left out by `--no-shellcheck`, and installed. */
function shellcheckInRun(command: LintCommand, config: ShipcheckConfig): boolean {
  if (command.noShellcheck || !shellcheckLevel(config.preset ?? DEFAULT_PRESET, config.ruleSettings)) return false;
  const binary = Shellcheck.find();
  if (command.verbose) {
    process.stderr.write(binary ? `shipcheck: gha/shellcheck runs shellcheck ${binary.version}\n` : 'shipcheck: gha/shellcheck is off: no shellcheck binary on PATH (Debian and Ubuntu: apt-get install shellcheck)\n');
  }
  return binary !== undefined;
}

async function run(command: LintCommand, report?: ReportCommand): Promise<number> {
  const cwd = process.cwd();
  const known = new Set(RULES.map((rule) => rule.id));
  for (const id of Object.keys(command.rules)) {
    if (!known.has(id) && id !== ENGINE_RULES.tooLarge) throw new UsageError(`--rule: unknown rule '${id}' (shipcheck --list-rules lists them)`);
  }
  let loaded;
  try {
    loaded = loadConfig(cwd, RULES, command.config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`shipcheck: ${error.message}\n`);
    return 2;
  }
  if (loaded.problems.length > 0) {
    // `path:line:column: message`, as compilers write it, so editors and CI logs link to the place.
    for (const problem of loaded.problems) process.stderr.write(`${describeConfigProblem(loaded.file ?? '', problem)}\n`);
    return 2;
  }
  const config = withCommandLine(loaded.config, command);
  const isIgnored = ignoreTest(command, loaded.baseDirectory, config.ignore, cwd);
  const sources = [...(loaded.file && config.ignore.length > 0 ? [path.relative(cwd, loaded.file) || loaded.file] : []), ...(command.ignore.length > 0 ? ['--ignore'] : [])];
  const ignoredBecause = `ignored by ${sources.join(' or ')} (--no-ignore checks it)`;
  const maxFileSizeKiB = command.maxFileSizeKiB ?? config.maxFileSizeKiB ?? DEFAULT_MAX_FILE_SIZE / 1024;
  const shellcheck = shellcheckInRun(command, config);

  let reports: FileReport[];
  let errors: InputError[];
  let ignored: Target[];
  if (command.stdin) {
    const target: Target = { path: command.stdinFilename ?? '<stdin>', explicit: true };
    errors = [];
    ignored = command.stdinFilename !== undefined && isIgnored(command.stdinFilename) ? [target] : [];
    reports = ignored.length > 0 ? [] : [checkStdin(target, checkSettings(buildRunContext(config, { ...command, maxFileSizeKiB, shellcheck }, [target])))];
  } else {
    const discovery = discover(command.paths, isIgnored);
    errors = discovery.errors;
    ignored = discovery.ignored;
    const context = buildRunContext(config, { ...command, maxFileSizeKiB, shellcheck }, discovery.targets);
    process.on('SIGINT', onInterrupt).on('SIGTERM', onInterrupt);
    const checking = await checkTargets(discovery.targets, context, { jobs: command.jobs, script: __filename }, () => interrupted !== undefined);
    process.off('SIGINT', onInterrupt).off('SIGTERM', onInterrupt);
    reports = checking.reports;
    if (interrupted) {
      const written = checkedOf(reports).filter((report) => report.fixed > 0 && report.diff === undefined).length;
      process.stderr.write(`shipcheck: interrupted after ${reports.length} of ${discovery.targets.length} files${written > 0 ? ` (${written} fixed and written in full)` : ''}; nothing is half-written\n`);
      return SIGNAL_EXIT[interrupted];
    }
  }
  for (const target of ignored) reports.push({ status: 'skipped', path: target.path, reason: ignoredBecause });
  reports.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (command.baseline !== undefined) {
    let baseline: Baseline;
    try {
      if (command.updateBaseline) {
        baseline = baselineOf(reports, command.baseline);
        fs.writeFileSync(command.baseline, `${JSON.stringify(baseline, null, 2)}\n`);
        process.stderr.write(`shipcheck: wrote ${baseline.findings.length} finding${baseline.findings.length === 1 ? '' : 's'} to the baseline ${command.baseline}\n`);
      } else {
        baseline = readBaseline(command.baseline);
      }
    } catch (error) {
      process.stderr.write(`shipcheck: ${firstLine(error)}\n`);
      return 2;
    }
    const filtered = withoutBaselined(reports, baseline, command.baseline);
    reports = filtered.reports;
    if (filtered.baselined > 0 && !command.updateBaseline) process.stderr.write(`shipcheck: ${filtered.baselined} finding${filtered.baselined === 1 ? '' : 's'} in the baseline ${command.baseline} not reported\n`);
  }

  // A missing path alone leaves nothing to report: the error on stderr says it all.
  const nothingToReport = errors.length > 0 && reports.every((report) => report.status === 'error' || report.status === 'unrelated');
  const shown = shownReports(reports, command.minSeverity, command.quiet ? '--quiet' : `--min-severity ${command.minSeverity}`);
  if (report) {
    if (!nothingToReport) {
      try {
        writeReport(report, shown.reports, { cwd, rules: RULES, version: manifest.version, docsBaseUrl: reportDocsUrl() });
      } catch (error) {
        process.stderr.write(`shipcheck: could not write the report: ${firstLine(error)}\n`);
        return 2;
      }
    }
  } else if (!((command.format === 'text' || command.format === 'compact') && nothingToReport)) process.stdout.write(format(command, shown.reports, shown.hidden, errors, cwd, config.preset ?? DEFAULT_PRESET));
  if (command.dryRun && command.format !== 'text' && command.format !== 'json') {
    for (const report of checkedOf(reports)) if (report.diff !== undefined) process.stderr.write(report.diff);
  }
  for (const report of checkedOf(reports)) if (report.warning) process.stderr.write(`shipcheck: warning: ${report.path}: ${report.warning}\n`);
  for (const target of ignored) process.stderr.write(`shipcheck: warning: ${target.path}: not checked: ${ignoredBecause}\n`);
  const problems = [...errors, ...reports.filter((report) => report.status === 'error')];
  let unreadable = 0;
  for (const report of reports) {
    if (report.status !== 'checked' && report.status !== 'skipped') continue;
    if (!report.unreadable) continue;
    const reason = report.status === 'skipped' ? report.reason : `over the ${maxFileSizeKiB} KiB limit (--max-file-size)`;
    if (report.unreadable.named) {
      problems.push({ path: report.path, reason: `cannot be checked: ${reason}` });
    } else if (!command.skipUnreadable) {
      process.stderr.write(`shipcheck: warning: ${report.path}: not checked: ${reason} (--skip-unreadable passes over such files)\n`);
      unreadable++;
    }
  }
  for (const problem of problems) process.stderr.write(`shipcheck: ${problem.path}: ${problem.reason}\n`);
  if (problems.length > 0 || unreadable > 0) return 2;
  const failing = reports.some((report) => report.status === 'checked' && report.findings.some((finding) => reaches(finding.severity, command.failOn)));
  const failingShown = shown.reports.some((report) => report.status === 'checked' && report.findings.some((finding) => reaches(finding.severity, command.failOn)));
  // The output filter never changes the verdict; say so when only findings that were left out make the run fail.
  if (failing && !failingShown) process.stderr.write(`shipcheck: failing (--fail-on ${command.failOn}) on findings not shown (${shown.hidden.because})\n`);
  return failing ? 1 : 0;
}

function format(command: LintCommand, reports: readonly FileReport[], hidden: Hidden, errors: readonly InputError[], cwd: string, preset: Preset): string {
  const terminal = process.stdout.isTTY === true;
  switch (command.format) {
    case 'json':
      return formatJson(reports, { dryRun: command.dryRun });
    case 'sarif': {
      // Indented for a person reading it in a terminal; one line when written to a file or a pipe. package.json is read when the CLI is built: a `homepage` or `repository` declared there becomes the rule links.
      const links = sarifLinks(process.env, manifest);
      if (links.warning) process.stderr.write(`shipcheck: warning: ${links.warning}\n`);
      return formatSarif(reports, { rules: RULES, preset, version: manifest.version, cwd, links, errors, pretty: terminal });
    }
    case 'github':
      return formatGithub(reports, cwd);
    case 'compact':
      return formatCompact(reports, styleFor(terminal, process.env), { dryRun: command.dryRun, hidden });
    case 'text':
      return formatText(reports, styleFor(terminal, process.env), { dryRun: command.dryRun, hidden });
  }
}

/** `ignore:` globs are relative to the configuration file's directory, `--ignore` ones to the working directory. */
function ignoreTest(command: LintCommand, baseDirectory: string, configGlobs: readonly string[], cwd: string): (filePath: string) => boolean {
  if (command.noIgnore) return () => false;
  const fromConfig = ignoreMatcher(configGlobs);
  const fromFlags = ignoreMatcher(command.ignore);
  const relative = (from: string, to: string): string => path.relative(from, to).split(path.sep).join('/');
  return (filePath) => {
    const absolute = path.resolve(filePath);
    return fromConfig(relative(baseDirectory, absolute)) || fromFlags(relative(cwd, absolute));
  };
}

function checkStdin(target: Target, settings: CheckSettings): FileReport {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(0);
  } catch (error) {
    return { status: 'error', path: target.path, reason: `could not read standard input: ${firstLine(error)}` };
  }
  // The same checks as a file named on the command line: binary or non-UTF-8 input is skipped, and the exit code is 2.
  const text = decodeText(bytes);
  if (typeof text !== 'string') return { status: 'skipped', path: target.path, reason: text.reason, unreadable: { named: true } };
  const outcome = checkText(text, target, settings);
  // Standard input has nowhere to write fixes to: checkText gives them as a diff, never as a pending write.
  return outcome.status === 'pending-fix' ? outcome.ifChanged : outcome;
}

/** Every rule with its level in each preset (`all` is strict's for every rule, so it is not a column). */
function listRules(outputFormat: OutputFormat): string {
  if (outputFormat === 'json') {
    return `${JSON.stringify(RULES.map((rule) => ({ id: rule.id, presets: { recommended: rule.presets.recommended, strict: rule.presets.strict }, fixable: rule.fixable === false ? null : rule.fixable, summary: rule.docs.summary })))}\n`;
  }
  const idWidth = Math.max(...RULES.map((rule) => rule.id.length));
  const columns = ['recommended'.length, 'strict'.length + 1];
  const rows = RULES.map((rule) => `${rule.id.padEnd(idWidth)}  ${rule.presets.recommended.padEnd(columns[0]!)}  ${rule.presets.strict.padEnd(columns[1]!)}  ${(rule.fixable === false ? '-' : rule.fixable).padEnd(10)}  ${rule.docs.summary}`);
  return `${['rule'.padEnd(idWidth), 'recommended', 'strict'.padEnd(columns[1]!), 'fix'.padEnd(10), 'summary'].join('  ')}\n${rows.join('\n')}\n`;
}

/** Rule pages for the report: SHIPCHECK_DOCS_URL or the repository package.json names, else the pages beside this CLI. */
function reportDocsUrl(): string | undefined {
  const links = sarifLinks(process.env, manifest);
  if (links.docsBaseUrl) return links.docsBaseUrl;
  const local = path.join(__dirname, '..', 'docs', 'rules');
  return fs.existsSync(local) ? `${pathToFileURL(local).href}/` : undefined;
}

function reaches(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'none' && SEVERITY_RANK[severity] >= SEVERITY_RANK[failOn];
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

// A reader that stops early (`shipcheck | head`) has seen all it wants; anything else on stdout is our failure.
if (!isCheckWorker()) process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') return;
  process.stderr.write(`shipcheck: internal error: ${firstLine(error)}\n`);
  process.exitCode = 2;
});

// While files are checked, the first Ctrl-C (or SIGTERM, as CI sends on cancel) stops after the file in hand,
// whose fixes are written whole or not at all, and a second one stops at once. Outside that loop the signals
// keep their default (reading stdin, say).
function onInterrupt(signal: StopSignal): void {
  if (interrupted) process.exit(SIGNAL_EXIT[signal]);
  interrupted = signal;
}

// A CLI run checks each file once, so the engine's memo keeps nothing for a later lint (see `keepNothing`).
keepNothing();
if (isCheckWorker()) {
  serveChecks();
} else {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(error instanceof UsageError ? `shipcheck: ${firstLine(error)}\n` : `shipcheck: internal error: ${firstLine(error)}\n`);
    process.exitCode = 2;
  });
}
