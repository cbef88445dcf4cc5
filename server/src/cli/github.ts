import * as path from 'node:path';
import type { Severity } from '../engine/core/finding';
import type { FileReport } from './check';
import { checkedOf, skippedOf } from './format';

/**
 * GitHub Actions workflow commands (`::warning file=…,line=…::message`): each finding becomes an annotation
 * on the pull request's diff, with no upload step. Errors stay errors; info and hints become notices.
 */
export function formatGithub(reports: readonly FileReport[], cwd: string): string {
  const lines: string[] = [];
  for (const report of checkedOf(reports)) {
    const file = workspacePath(report.path, cwd);
    for (const finding of report.findings) {
      // A finding on a value of a chart's values.yaml is annotated there.
      const { line, column, endLine, endColumn } = finding.shownAt?.range ?? finding.range;
      const properties: [string, string | number][] = [
        ['file', finding.shownAt ? workspacePath(finding.shownAt.path, cwd) : file],
        ['line', line],
        ['col', column],
        ['endLine', endLine],
        // GitHub's columns are inclusive: the last character of the span (our ranges end just past it).
        ['endColumn', endLine === line ? Math.max(column, endColumn - 1) : endColumn],
        ['title', finding.ruleId],
      ];
      lines.push(command(annotation(finding.severity), properties, finding.message));
    }
  }
  for (const report of skippedOf(reports)) {
    lines.push(command('notice', [['file', workspacePath(report.path, cwd)], ['title', 'shipcheck: not checked']], report.reason));
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function annotation(severity: Severity): 'error' | 'warning' | 'notice' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'notice';
}

function command(name: string, properties: readonly [string, string | number][], message: string): string {
  const props = properties.map(([key, value]) => `${key}=${escapeProperty(String(value))}`).join(',');
  return `::${name} ${props}::${escapeData(message)}`;
}

/** The message part: `%`, CR and LF are percent-encoded (as @actions/core does). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value: also `:` and `,`, which would end the value early. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

// Annotations attach to files by their path in the repository, which is the working directory in a job.
function workspacePath(filePath: string, cwd: string): string {
  const relative = path.isAbsolute(filePath) ? path.relative(cwd, filePath) : path.normalize(filePath);
  return relative.split(path.sep).join('/');
}
