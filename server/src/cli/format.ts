import { SEVERITY_RANK, type Severity } from '../engine/core/finding';
import { engineRuleDoc } from '../knowledge/engineRules';
import { ruleDocPath } from '../knowledge/ruleDocs';
import { ruleById } from '../rules/index';
import type { Checked, FileReport, PlacedFinding } from './check';
export type Skipped = Extract<FileReport, { status: 'skipped' }>;

/** With `dryRun`, `diffs` is always there, `[]` when nothing would change. */
export function formatJson(reports: readonly FileReport[], { dryRun = false }: { dryRun?: boolean } = {}): string {
  const findings = checkedOf(reports).flatMap((report) =>
    report.findings.map((finding) => ({
      file: finding.shownAt?.path ?? report.path,
      ruleId: finding.ruleId,
      messageId: finding.messageId,
      severity: finding.severity,
      message: finding.message,
      ...(finding.shownAt?.range ?? finding.range),
      fixable: finding.fix?.kind ?? null,
      docs: ruleById(finding.ruleId) || engineRuleDoc(finding.ruleId) ? ruleDocPath(finding.ruleId) : null,
      // A finding on a value of a chart's values.yaml: the template that prints it.
      ...(finding.shownAt ? { related: [{ file: report.path, ...finding.range, message: TEMPLATE_PRINTS }] } : {}),
    })),
  );
  const skipped = skippedOf(reports).map((report) => ({ file: report.path, reason: report.reason }));
  const fixed = checkedOf(reports).reduce((sum, report) => sum + report.fixed, 0);
  const diffs = checkedOf(reports).flatMap((report) => (report.diff === undefined ? [] : [{ file: report.path, diff: report.diff }]));
  return `${JSON.stringify({ findings, skipped, fixed, ...(dryRun ? { diffs } : {}) })}\n`;
}

/** What the place in a chart's template is to a finding shown at the value its values.yaml writes. */
export const TEMPLATE_PRINTS = 'The template prints the value here.';

/** ANSI styling, or none: colour only when writing to a terminal and NO_COLOR is not set. */
export interface Style {
  severity(severity: Severity, text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  ok(text: string): string;
  bad(text: string): string;
}

const PLAIN: Style = { severity: (_severity, text) => text, dim: (text) => text, bold: (text) => text, ok: (text) => text, bad: (text) => text };

const SEVERITY_COLOURS: Record<Severity, string> = { error: '31', warning: '33', info: '36', hint: '2' };
const ansi = (code: string, text: string): string => `\u001b[${code}m${text}\u001b[0m`;
const COLOURED: Style = {
  severity: (severity, text) => ansi(SEVERITY_COLOURS[severity], text),
  dim: (text) => ansi('2', text),
  bold: (text) => ansi('1', text),
  ok: (text) => ansi('32', text),
  bad: (text) => ansi('31', text),
};

/** https://no-color.org: any non-empty NO_COLOR turns colour off; FORCE_COLOR turns it on without a terminal. */
export function styleFor(isTerminal: boolean, env: NodeJS.ProcessEnv): Style {
  if (env.NO_COLOR) return PLAIN;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return COLOURED;
  return isTerminal ? COLOURED : PLAIN;
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

/** What the text summaries say beyond the findings shown: findings left out by `--min-severity` / `--quiet`. */
export interface Display {
  dryRun?: boolean;
  hidden?: Hidden;
}

/** Findings left out of the output, by severity, and the option that left them out. */
export interface Hidden {
  counts: Partial<Record<Severity, number>>;
  because: string;
}

/**
 * The reports as shown with `--min-severity` (`--quiet` is `error`): findings below it left out, and how many were.
 * Display only: the exit code is worked out from every finding.
 */
export function shownReports(reports: readonly FileReport[], minSeverity: Severity, because: string): { reports: FileReport[]; hidden: Hidden } {
  const counts: Partial<Record<Severity, number>> = {};
  const shown = reports.map((report) => {
    if (report.status !== 'checked' || minSeverity === 'hint') return report;
    const kept = report.findings.filter((finding) => {
      if (SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[minSeverity]) return true;
      counts[finding.severity] = (counts[finding.severity] ?? 0) + 1;
      return false;
    });
    return kept.length === report.findings.length ? report : { ...report, findings: kept };
  });
  return { reports: shown, hidden: { counts, because } };
}

export function formatText(reports: readonly FileReport[], style: Style = PLAIN, display: Display = {}): string {
  const lines: string[] = [];
  for (const report of checkedOf(reports)) if (report.diff !== undefined) lines.push(report.diff.trimEnd(), '');
  for (const report of reports) {
    if (report.status === 'skipped') {
      lines.push(style.bold(report.path), `  ${style.dim('skipped')}  ${report.reason}`, '');
    } else if (report.status === 'checked' && report.findings.length > 0) {
      lines.push(style.bold(report.path));
      addFindingLines(lines, report, style);
      lines.push('');
    }
  }
  for (const line of summary(reports, style, display)) lines.push(line);
  return `${lines.join('\n')}\n`;
}

/**
 * One line a finding, `path:line:column: severity: message [rule]` (as compilers write them, so terminals and
 * editors link to the place and `grep` picks findings out), then the summary.
 */
export function formatCompact(reports: readonly FileReport[], style: Style = PLAIN, display: Display = {}): string {
  const lines: string[] = [];
  for (const report of checkedOf(reports)) if (report.diff !== undefined) lines.push(report.diff.trimEnd(), '');
  for (const report of reports) {
    if (report.status === 'skipped') lines.push(`${report.path}: ${style.dim('skipped')}: ${report.reason}`);
    if (report.status !== 'checked') continue;
    for (const finding of report.findings) {
      const at = finding.shownAt ?? { path: report.path, range: finding.range };
      const printed = finding.shownAt ? ` ${style.dim(`(printed at ${report.path}:${finding.range.line}:${finding.range.column})`)}` : '';
      lines.push(`${at.path}:${at.range.line}:${at.range.column}: ${style.severity(finding.severity, finding.severity)}: ${finding.message} ${style.dim(`[${finding.ruleId}]`)}${printed}`);
    }
  }
  if (lines.length > 0) lines.push('');
  for (const line of summary(reports, style, display)) lines.push(line);
  return `${lines.join('\n')}\n`;
}

// A file can have hundreds of thousands of findings: no spreading them into one call's arguments.
function addFindingLines(lines: string[], report: Checked, style: Style): void {
  let positionWidth = 0;
  let severityWidth = 0;
  let gutterWidth = 0;
  for (const { range, severity } of report.findings) {
    positionWidth = Math.max(positionWidth, `${range.line}:${range.column}`.length);
    severityWidth = Math.max(severityWidth, severity.length);
    gutterWidth = Math.max(gutterWidth, String(range.line).length);
  }
  for (const finding of report.findings) {
    const position = `${finding.range.line}:${finding.range.column}`;
    lines.push(`  ${position.padEnd(positionWidth)}  ${style.severity(finding.severity, finding.severity.padEnd(severityWidth))}  ${finding.message}  ${style.dim(finding.ruleId)}`);
    for (const line of codeFrame(finding, gutterWidth, style)) lines.push(line);
    if (finding.shownAt) lines.push(`    ${style.dim(`the value is written at ${finding.shownAt.path}:${finding.shownAt.range.line}:${finding.shownAt.range.column}`)}`);
  }
}

const FRAME_WIDTH = 100;

/** The finding's first line with carets under its span (to the end of the line when it spans several). */
export function codeFrame(finding: PlacedFinding, gutterWidth: number, style: Style = PLAIN): string[] {
  const { line, column, endLine, endColumn } = finding.range;
  // A tab would shift the carets by a terminal-dependent amount; one space keeps them aligned.
  const text = finding.lineText.replace(/\t/g, ' ');
  const start = Math.min(column - 1, text.length);
  const end = Math.max(start + 1, endLine === line ? endColumn - 1 : text.length);
  let from = 0;
  let to = text.length;
  if (text.length > FRAME_WIDTH) {
    from = Math.max(0, Math.min(start - 20, text.length - FRAME_WIDTH));
    to = from + FRAME_WIDTH;
  }
  const shown = `${from > 0 ? '…' : ''}${text.slice(from, to)}${to < text.length ? '…' : ''}`;
  const caretAt = start - from + (from > 0 ? 1 : 0);
  const caretLength = Math.max(1, Math.min(end, to) - start);
  const gutter = ' '.repeat(gutterWidth);
  return [
    `    ${style.dim(`${String(line).padStart(gutterWidth)} |`)} ${shown}`.trimEnd(),
    `    ${style.dim(`${gutter} |`)} ${' '.repeat(caretAt)}${style.severity(finding.severity, '^'.repeat(caretLength))}`,
  ];
}

/** Rules named in the summary, most findings first. */
const TOP_RULES = 5;

function summary(reports: readonly FileReport[], style: Style, { dryRun = false, hidden }: Display): string[] {
  const checked = checkedOf(reports);
  const skipped = skippedOf(reports).length;
  const lines: string[] = [];

  const fixedFiles = checked.filter((report) => report.fixed > 0);
  if (fixedFiles.length > 0) {
    const fixed = fixedFiles.reduce((sum, report) => sum + report.fixed, 0);
    lines.push(
      dryRun
        ? style.ok(`✔ Would fix ${count(fixed, 'problem')} in ${count(fixedFiles.length, 'file')} (--dry-run: nothing written)`)
        : style.ok(`✔ Fixed ${count(fixed, 'problem')} in ${count(fixedFiles.length, 'file')}`),
    );
  }

  const findings = checked.flatMap((report) => report.findings);
  const skippedNote = skipped > 0 ? ` (${count(skipped, 'file')} skipped)` : '';
  const hiddenNote = hiddenLine(hidden);
  if (findings.length === 0) {
    if (checked.length > 0) lines.push(style.ok(`✔ No problems${hiddenNote ? ' shown' : ''} in ${count(checked.length, 'file')}${skippedNote}`));
    else lines.push(skipped > 0 ? `Nothing checked: ${count(skipped, 'file')} skipped` : 'No workflows or Kubernetes manifests found');
    if (hiddenNote) lines.push(style.dim(`  ${hiddenNote}`));
    return lines;
  }
  const bySeverity = SEVERITIES.map((severity) => ({ severity, total: findings.filter((finding) => finding.severity === severity).length }))
    .filter(({ total }) => total > 0)
    .map(({ severity, total }) => (severity === 'info' ? `${total} info` : count(total, severity)));
  const fixable = findings.filter((finding) => finding.fix?.kind === 'safe').length;
  const suggestions = findings.filter((finding) => finding.fix?.kind === 'suggestion').length;
  const fixableNote = (fixable > 0 ? ` · ${fixable} fixable with --fix` : '') + (suggestions > 0 ? ` · ${suggestions} more with --fix-suggestions` : '');
  const worst = findings.some((finding) => finding.severity === 'error');
  const flagged = checked.filter((report) => report.findings.length > 0).length;
  const headline = `✖ ${count(findings.length, 'problem')} (${bySeverity.join(', ')}) in ${flagged} of ${count(checked.length, 'file')} checked`;
  lines.push(`${worst ? style.bad(headline) : style.bold(headline)}${fixableNote}${skippedNote}`);
  const byRule = new Map<string, number>();
  for (const finding of findings) byRule.set(finding.ruleId, (byRule.get(finding.ruleId) ?? 0) + 1);
  if (byRule.size > 1) {
    const top = [...byRule].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).slice(0, TOP_RULES);
    const more = byRule.size > TOP_RULES ? `, ${byRule.size - TOP_RULES} more` : '';
    lines.push(style.dim(`  Most found: ${top.map(([rule, total]) => `${rule} (${total})`).join(', ')}${more}`));
  }
  if (hiddenNote) lines.push(style.dim(`  ${hiddenNote}`));
  return lines;
}

/** `12 info and 3 hints not shown (--quiet)`, or nothing when nothing was left out. */
function hiddenLine(hidden: Hidden | undefined): string | undefined {
  if (!hidden) return undefined;
  const parts = SEVERITIES.flatMap((severity) => {
    const total = hidden.counts[severity] ?? 0;
    return total === 0 ? [] : [severity === 'info' ? `${total} info` : count(total, severity)];
  });
  return parts.length === 0 ? undefined : `${parts.join(', ')} not shown (${hidden.because})`;
}

function count(total: number, noun: string): string {
  return `${total} ${noun}${total === 1 ? '' : 's'}`;
}

export function checkedOf(reports: readonly FileReport[]): Checked[] {
  return reports.filter((report): report is Checked => report.status === 'checked');
}

export function skippedOf(reports: readonly FileReport[]): Skipped[] {
  return reports.filter((report): report is Skipped => report.status === 'skipped');
}
