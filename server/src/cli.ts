import { version } from '../../package.json';
import { parseCommand, UsageError, USAGE, type FailOn, type LintCommand } from './cli/args';
import { checkFile, type FileReport } from './cli/check';
import { discover } from './cli/discover';
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
  const reports: FileReport[] = targets.map((target) => checkFile(target, command.fix));
  const problems = [...errors, ...reports.filter((report) => report.status === 'error')];
  process.stdout.write(command.format === 'json' ? formatJson(reports) : formatText(reports));
  for (const problem of problems) process.stderr.write(`shipcheck: ${problem.path}: ${problem.reason}\n`);
  if (problems.length > 0) return 2;
  return reports.some((report) => report.status === 'checked' && report.findings.some((finding) => reaches(finding.severity, command.failOn))) ? 1 : 0;
}

function reaches(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'none' && SEVERITY_RANK[severity] >= SEVERITY_RANK[failOn];
}

try {
  main(process.argv.slice(2));
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(error instanceof UsageError ? `shipcheck: ${message}\n` : `shipcheck: internal error: ${message}\n`);
  process.exitCode = 2;
}
