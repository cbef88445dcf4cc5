import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Checked, FileReport } from './check';
import { lineHashes } from './fingerprint';

/**
 * A baseline: the findings a team has chosen to live with for now, so that switching shipcheck on in an existing
 * repository fails only on new ones. A finding is matched by its file, its rule and the text of its line (see
 * `lineHashes`), so edits elsewhere in the file do not bring it back; editing its line does.
 */
export interface Baseline {
  version: 1;
  findings: BaselineEntry[];
}

export interface BaselineEntry {
  /** Relative to the baseline file's folder, `/`-separated. */
  file: string;
  ruleId: string;
  fingerprint: string;
  /** Where it was when written, for people reading the file; not used to match. */
  line: number;
  message: string;
}

/** Thrown for a baseline file that cannot be read or is not one. */
export class BaselineError extends Error {}

/** The baseline of every finding of `reports`, with paths relative to `baselineFile`'s folder. */
export function baselineOf(reports: readonly FileReport[], baselineFile: string): Baseline {
  const folder = path.dirname(path.resolve(baselineFile));
  const findings: BaselineEntry[] = [];
  for (const report of checked(reports)) {
    const file = relative(folder, report.path);
    const fingerprints = lineHashes(report.findings);
    report.findings.forEach((finding, index) => findings.push({ file, ruleId: finding.ruleId, fingerprint: fingerprints[index]!, line: finding.range.line, message: finding.message }));
  }
  findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  return { version: 1, findings };
}

export function readBaseline(baselineFile: string): Baseline {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(baselineFile, 'utf8'));
  } catch (error) {
    throw new BaselineError(`cannot read the baseline ${baselineFile}: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]} (--update-baseline writes one)`);
  }
  const findings = (value as { findings?: unknown } | null)?.findings;
  if ((value as { version?: unknown } | null)?.version !== 1 || !Array.isArray(findings)) throw new BaselineError(`${baselineFile} is not a shipcheck baseline (--update-baseline writes one)`);
  return value as Baseline;
}

/** The reports without the findings the baseline holds, and how many were left out. */
export function withoutBaselined(reports: readonly FileReport[], baseline: Baseline, baselineFile: string): { reports: FileReport[]; baselined: number } {
  const folder = path.dirname(path.resolve(baselineFile));
  const known = new Set(baseline.findings.map((entry) => key(entry.file, entry.ruleId, entry.fingerprint)));
  let baselined = 0;
  const kept = reports.map((report): FileReport => {
    if (report.status !== 'checked' || report.findings.length === 0) return report;
    const file = relative(folder, report.path);
    const fingerprints = lineHashes(report.findings);
    const findings = report.findings.filter((finding, index) => !known.has(key(file, finding.ruleId, fingerprints[index]!)));
    baselined += report.findings.length - findings.length;
    return findings.length === report.findings.length ? report : { ...report, findings };
  });
  return { reports: kept, baselined };
}

function checked(reports: readonly FileReport[]): Checked[] {
  return reports.filter((report): report is Checked => report.status === 'checked');
}

function relative(folder: string, file: string): string {
  return path.relative(folder, path.resolve(file)).split(path.sep).join('/');
}

function key(file: string, ruleId: string, fingerprint: string): string {
  return `${file}\n${ruleId}\n${fingerprint}`;
}
