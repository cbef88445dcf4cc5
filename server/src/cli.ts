import { version } from '../../package.json';
import { parseCommand, UsageError, USAGE, type FailOn, type LintCommand } from './cli/args';
import { checkFile, type FileReport } from './cli/check';
import { discover, type Target } from './cli/discover';
import { formatJson, formatText } from './cli/format';
import { SEVERITY_RANK, type Severity } from './engine/finding';

// Output goes through process.stdout.write and exitCode, never process.exit(), so a large report is not cut off.
function main(argv: readonly string[]): void {
  const command = parseCommand(argv);
  if (command.kind === 'help') {
    process.stdout.write(USAGE);
  } else if (command.kind === 'version') {
    process.stdout.write(`${version}\n`);
  } else {
    process.exitCode = run(command);
  }
}

function run(command: LintCommand): number {
  const { targets, errors } = discover(command.paths);
  const reports = targets.map((target) => checkIsolated(target, command.fix));
  const problems = [...errors, ...reports.filter((report) => report.status === 'error')];
  process.stdout.write(command.format === 'json' ? formatJson(reports) : formatText(reports));
  for (const problem of problems) process.stderr.write(`shipcheck: ${problem.path}: ${problem.reason}\n`);
  if (problems.length > 0) return 2;
  return reports.some((report) => report.status === 'checked' && report.findings.some((finding) => reaches(finding.severity, command.failOn))) ? 1 : 0;
}

// One file tripping a bug (a rule's overlapping fix, say) should not lose the report on all the others.
function checkIsolated(target: Target, fix: boolean): FileReport {
  try {
    return checkFile(target, fix);
  } catch (error) {
    return { status: 'error', path: target.path, reason: `internal error: ${firstLine(error)}` };
  }
}

function reaches(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'none' && SEVERITY_RANK[severity] >= SEVERITY_RANK[failOn];
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

// A reader that stops early (`shipcheck | head`) has seen all it wants; anything else on stdout is our failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') return;
  process.stderr.write(`shipcheck: internal error: ${firstLine(error)}\n`);
  process.exitCode = 2;
});

try {
  main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(error instanceof UsageError ? `shipcheck: ${firstLine(error)}\n` : `shipcheck: internal error: ${firstLine(error)}\n`);
  process.exitCode = 2;
}
