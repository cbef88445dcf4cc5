import type { Severity } from '../engine/finding';
import { ruleById } from '../rules/index';
import type { FileReport } from './check';

type Checked = Extract<FileReport, { status: 'checked' }>;
type Skipped = Extract<FileReport, { status: 'skipped' }>;

export function formatJson(reports: readonly FileReport[]): string {
  const findings = checkedOf(reports).flatMap((report) =>
    report.findings.map((finding) => ({
      file: report.path,
      ruleId: finding.ruleId,
      severity: finding.severity,
      message: finding.message,
      ...finding.range,
      fixable: finding.fix?.kind ?? null,
      docs: ruleById(finding.ruleId) ? `docs/rules/${finding.ruleId}.md` : null,
    })),
  );
  const skipped = skippedOf(reports).map((report) => ({ file: report.path, reason: report.reason }));
  const fixed = checkedOf(reports).reduce((sum, report) => sum + report.fixed, 0);
  return `${JSON.stringify({ findings, skipped, fixed })}\n`;
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

export function formatText(reports: readonly FileReport[]): string {
  const lines: string[] = [];
  for (const report of reports) {
    if (report.status === 'skipped') {
      lines.push(report.path, `  skipped  ${report.reason}`, '');
    } else if (report.status === 'checked' && report.findings.length > 0) {
      lines.push(report.path, ...findingLines(report), '');
    }
  }
  lines.push(...summary(reports));
  return `${lines.join('\n')}\n`;
}

function findingLines(report: Checked): string[] {
  const rows = report.findings.map((finding) => ({ position: `${finding.range.line}:${finding.range.column}`, finding }));
  const positionWidth = Math.max(...rows.map((row) => row.position.length));
  const severityWidth = Math.max(...rows.map((row) => row.finding.severity.length));
  return rows.map(({ position, finding }) => `  ${position.padEnd(positionWidth)}  ${finding.severity.padEnd(severityWidth)}  ${finding.message}  ${finding.ruleId}`);
}

function summary(reports: readonly FileReport[]): string[] {
  const checked = checkedOf(reports);
  const skipped = skippedOf(reports).length;
  const lines: string[] = [];

  const fixedFiles = checked.filter((report) => report.fixed > 0);
  if (fixedFiles.length > 0) {
    const fixed = fixedFiles.reduce((sum, report) => sum + report.fixed, 0);
    lines.push(`✔ Fixed ${count(fixed, 'problem')} in ${count(fixedFiles.length, 'file')}`);
  }

  const findings = checked.flatMap((report) => report.findings);
  const skippedNote = skipped > 0 ? ` (${count(skipped, 'file')} skipped)` : '';
  if (findings.length === 0) {
    if (checked.length > 0) lines.push(`✔ No problems in ${count(checked.length, 'file')}${skippedNote}`);
    else lines.push(skipped > 0 ? `Nothing checked: ${count(skipped, 'file')} skipped` : 'No workflows or Kubernetes manifests found');
    return lines;
  }
  const bySeverity = SEVERITIES.map((severity) => ({ severity, total: findings.filter((finding) => finding.severity === severity).length }))
    .filter(({ total }) => total > 0)
    .map(({ severity, total }) => (severity === 'info' ? `${total} info` : count(total, severity)));
  const fixable = findings.filter((finding) => finding.fix?.kind === 'safe').length;
  const fixableNote = fixable > 0 ? ` · ${fixable} fixable with --fix` : '';
  lines.push(`✖ ${count(findings.length, 'problem')} (${bySeverity.join(', ')})${fixableNote}${skippedNote}`);
  return lines;
}

function count(total: number, noun: string): string {
  return `${total} ${noun}${total === 1 ? '' : 's'}`;
}

function checkedOf(reports: readonly FileReport[]): Checked[] {
  return reports.filter((report): report is Checked => report.status === 'checked');
}

function skippedOf(reports: readonly FileReport[]): Skipped[] {
  return reports.filter((report): report is Skipped => report.status === 'skipped');
}
