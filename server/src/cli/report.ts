import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Rule } from '../engine/core/rule';
import { collectReport, type ReportInput } from '../report/collect';
import { reportHtml } from '../report/html';
import { reportMarkdown } from '../report/markdown';
import type { ReportCommand } from './args';
import type { FileReport } from './check';

export interface ReportSettings {
  cwd: string;
  rules: readonly Rule[];
  version: string;
  docsBaseUrl: string | undefined;
}

/** Builds the report from a run's checked files (read again, one at a time) and writes it to `--out` or stdout. */
export function writeReport(command: ReportCommand, reports: readonly FileReport[], settings: ReportSettings): void {
  const data = collectReport(inputs(reports, settings.cwd), settings.rules);
  const options = { docsBaseUrl: settings.docsBaseUrl, version: settings.version };
  const text = command.format === 'markdown' ? reportMarkdown(data, options) : reportHtml(data, options);
  if (command.out === undefined) process.stdout.write(text);
  else fs.writeFileSync(command.out, text);
}

function* inputs(reports: readonly FileReport[], cwd: string): Iterable<ReportInput> {
  for (const report of reports) {
    if (report.status !== 'checked' || report.unreadable) continue;
    let text: string;
    try {
      text = fs.readFileSync(report.path, 'utf8');
    } catch {
      continue;
    }
    // Offsets are into the text as checked: a byte-order mark is part of it.
    const shown = path.isAbsolute(report.path) ? path.relative(cwd, report.path) || report.path : report.path;
    yield { path: shown.split(path.sep).join('/'), text, findings: report.findings };
  }
}
