// The pure half of the ecosystem check (npm run ecosystem): the baseline and ledger files, the diff, per-rule numbers,
// precision, and seeded samples. No file system here, so all of it is tested without the corpus.
import type { Severity } from '../../server/src/engine/core/finding';

/** What a corpus file is, from the corpus folder it came from (`workflows/`, or `k8s/` and `helm-templates/`). */
export type FileKind = 'workflow' | 'k8s';

export interface CorpusFile {
  /** Relative to the corpus root: `repos/<owner>__<repo>/<path in the repository>`. */
  path: string;
  kind: FileKind;
}

/** One finding of the CLI in a corpus file. */
export interface CorpusFinding {
  path: string;
  line: number;
  column: number;
  ruleId: string;
  messageId: string;
  severity: Severity;
  message: string;
}

/** A row of `test/ecosystem/baseline.tsv`: where a finding is and which message it is, never corpus text. */
export interface BaselineRow {
  path: string;
  line: number;
  ruleId: string;
  messageId: string;
}

export type Verdict = 'TP' | 'FP' | 'NOISE';
export const VERDICTS: readonly Verdict[] = ['TP', 'FP', 'NOISE'];

/** A row of `test/ecosystem/verdicts.tsv`: a person's judgement of the finding(s) of `ruleId` at `path:line`. */
export interface Label {
  path: string;
  line: number;
  ruleId: string;
  verdict: Verdict;
  reason: string;
  /** Its line in the ledger, for messages. */
  ledgerLine: number;
}

/** Warning and error findings are held to one bar, info findings to another; hints to none. */
export type Band = 'warning' | 'info';
export const BANDS: readonly Band[] = ['warning', 'info'];
export const PRECISION_BAR: Record<Band, number> = { warning: 0.95, info: 0.9 };
/** A band's precision counts only once this many of its findings are labelled (all of them when there are fewer). */
export const MIN_LABELLED = 20;
/** No rule at warning or above may flag a larger share of the files it applies to. */
export const MAX_SHARE_AT_WARNING = 0.2;

export function bandOf(severity: Severity): Band | undefined {
  return severity === 'error' || severity === 'warning' ? 'warning' : severity === 'info' ? 'info' : undefined;
}

/** The kind of file a rule applies to, from its family; undefined for the engine's own rules (every file). */
export function ruleKind(ruleId: string): FileKind | undefined {
  return ruleId.startsWith('gha/') ? 'workflow' : ruleId.startsWith('k8s/') ? 'k8s' : undefined;
}

// ---------------------------------------------------------------------------------------------------------------------
// Tab-separated files

export const BASELINE_HEADER = ['path', 'line', 'rule', 'message_id'] as const;
export const LEDGER_HEADER = ['path', 'line', 'rule', 'verdict', 'reason'] as const;

export interface TsvRow {
  fields: string[];
  /** 1-based line in the file. */
  line: number;
}

/** The rows of a TSV file after its header; blank lines and lines starting with `#` are comments. */
export function parseTsv(text: string, header: readonly string[], name: string): { rows: TsvRow[]; errors: string[] } {
  const rows: TsvRow[] = [];
  const errors: string[] = [];
  let sawHeader = false;
  text.split('\n').forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '' || line.startsWith('#')) return;
    const fields = line.split('\t');
    if (!sawHeader) {
      sawHeader = true;
      if (fields.join('\t') !== header.join('\t')) errors.push(`${name}:${index + 1}: the header must be "${header.join('<TAB>')}"`);
      return;
    }
    if (fields.length !== header.length) {
      errors.push(`${name}:${index + 1}: ${fields.length} tab-separated fields, expected ${header.length} (${header.join(', ')})`);
      return;
    }
    rows.push({ fields, line: index + 1 });
  });
  if (!sawHeader) errors.push(`${name}: no header line ("${header.join('<TAB>')}")`);
  return { rows, errors };
}

function lineNumber(field: string): number | undefined {
  return /^[1-9]\d*$/.test(field) ? Number(field) : undefined;
}

export function parseBaseline(text: string, name = 'baseline.tsv'): { rows: BaselineRow[]; errors: string[] } {
  const { rows, errors } = parseTsv(text, BASELINE_HEADER, name);
  const parsed: BaselineRow[] = [];
  for (const { fields, line } of rows) {
    const [path, lineField, ruleId, messageId] = fields as [string, string, string, string];
    const at = lineNumber(lineField);
    if (at === undefined || !path || !ruleId || !messageId) errors.push(`${name}:${line}: expected a path, a line number, a rule id and a message id`);
    else parsed.push({ path, line: at, ruleId, messageId });
  }
  return { rows: parsed, errors };
}

/** The baseline file: a header, then one row a finding, sorted, so that a rewrite changes only what changed. */
export function formatBaseline(rows: readonly BaselineRow[]): string {
  const lines = [...rows].sort(compareRows).map((row) => [row.path, String(row.line), row.ruleId, row.messageId].join('\t'));
  return [BASELINE_HEADER.join('\t'), ...lines].join('\n') + '\n';
}

export interface LedgerParse {
  labels: Label[];
  /** Lines still waiting for a verdict (`?`, as `--sample` prints them): counted, otherwise ignored. */
  pending: number;
  errors: string[];
}

export function parseLedger(text: string, name = 'verdicts.tsv'): LedgerParse {
  const { rows, errors } = parseTsv(text, LEDGER_HEADER, name);
  const labels: Label[] = [];
  const seen = new Map<string, number>();
  let pending = 0;
  for (const { fields, line } of rows) {
    const [path, lineField, ruleId, verdict, reason] = fields as [string, string, string, string, string];
    const at = lineNumber(lineField);
    if (at === undefined || !path || !ruleId) {
      errors.push(`${name}:${line}: expected a path, a line number and a rule id`);
      continue;
    }
    if (verdict === '?') {
      pending++;
      continue;
    }
    if (!(VERDICTS as readonly string[]).includes(verdict)) {
      errors.push(`${name}:${line}: verdict "${verdict}" is not one of ${VERDICTS.join(', ')} (or ? for not yet judged)`);
      continue;
    }
    if (reason.trim() === '') {
      errors.push(`${name}:${line}: a verdict needs a one-line reason`);
      continue;
    }
    const key = labelKey({ path, line: at, ruleId });
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      errors.push(`${name}:${line}: ${path}:${at} ${ruleId} is already labelled on line ${earlier}`);
      continue;
    }
    seen.set(key, line);
    labels.push({ path, line: at, ruleId, verdict: verdict as Verdict, reason: reason.trim(), ledgerLine: line });
  }
  return { labels, pending, errors };
}

/** What a label names: every finding of one rule on one line of one file (the unit a person judges). */
export function labelKey(at: { path: string; line: number; ruleId: string }): string {
  return `${at.path}\t${at.line}\t${at.ruleId}`;
}

/** The ledger line `--sample` prints for a finding, verdict and reason left to fill in. */
export function ledgerTemplate(finding: { path: string; line: number; ruleId: string }): string {
  return `${finding.path}\t${finding.line}\t${finding.ruleId}\t?\t`;
}

// ---------------------------------------------------------------------------------------------------------------------
// Baseline diff

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareRows(a: BaselineRow, b: BaselineRow): number {
  return compareText(a.path, b.path) || a.line - b.line || compareText(a.ruleId, b.ruleId) || compareText(a.messageId, b.messageId);
}

export function baselineRow(finding: CorpusFinding): BaselineRow {
  return { path: finding.path, line: finding.line, ruleId: finding.ruleId, messageId: finding.messageId };
}

function rowKey(row: BaselineRow): string {
  return `${row.path}\t${row.line}\t${row.ruleId}\t${row.messageId}`;
}

/** Rows in `current` and not in `baseline` (added) and the other way round (removed), counted as multisets, sorted. */
export function diffRows(baseline: readonly BaselineRow[], current: readonly BaselineRow[]): { added: BaselineRow[]; removed: BaselineRow[] } {
  const counts = new Map<string, { row: BaselineRow; count: number }>();
  for (const row of baseline) {
    const entry = counts.get(rowKey(row));
    if (entry) entry.count++;
    else counts.set(rowKey(row), { row, count: 1 });
  }
  const added: BaselineRow[] = [];
  for (const row of current) {
    const entry = counts.get(rowKey(row));
    if (entry && entry.count > 0) entry.count--;
    else added.push(row);
  }
  const removed = [...counts.values()].flatMap(({ row, count }) => Array<BaselineRow>(count).fill(row));
  return { added: added.sort(compareRows), removed: removed.sort(compareRows) };
}

export function formatRow(row: BaselineRow): string {
  return `${row.path}:${row.line} ${row.ruleId} (${row.messageId})`;
}

// ---------------------------------------------------------------------------------------------------------------------
// Per-rule numbers

export interface BandStats {
  findings: number;
  labelled: number;
  TP: number;
  FP: number;
  NOISE: number;
}

export interface RuleStats {
  ruleId: string;
  findings: number;
  bySeverity: Record<Severity, number>;
  /** Corpus files with a finding of the rule, and those with one at warning or above. */
  files: number;
  filesAtWarning: number;
  /** The kind of file the shares are of (undefined: every corpus file). */
  kind: FileKind | undefined;
  /** How many corpus files of that kind were checked. */
  ofFiles: number;
  added: number;
  removed: number;
  bands: Record<Band, BandStats>;
  unlabelled: number;
}

export interface Summary {
  rules: RuleStats[];
  total: RuleStats;
  /** Current findings no label covers. */
  unlabelled: CorpusFinding[];
  /** Labels of rules on in this run's preset that name no current finding. */
  stale: Label[];
  /** Labels of rules this run's preset leaves out: neither used nor stale, since the run cannot judge them. */
  notRun: number;
  added: BaselineRow[];
  removed: BaselineRow[];
}

function emptyBand(): BandStats {
  return { findings: 0, labelled: 0, TP: 0, FP: 0, NOISE: 0 };
}

function emptyStats(ruleId: string, kind: FileKind | undefined, ofFiles: number): RuleStats {
  return {
    ruleId,
    findings: 0,
    bySeverity: { error: 0, warning: 0, info: 0, hint: 0 },
    files: 0,
    filesAtWarning: 0,
    kind,
    ofFiles,
    added: 0,
    removed: 0,
    bands: { warning: emptyBand(), info: emptyBand() },
    unlabelled: 0,
  };
}

/** TP / (TP + FP + NOISE) of the labelled findings, undefined when none is labelled. */
export function precision(band: BandStats): number | undefined {
  const labelled = band.TP + band.FP + band.NOISE;
  return labelled === 0 ? undefined : band.TP / labelled;
}

/** How many labelled findings a band needs before its precision counts. */
export function labelsNeeded(band: BandStats): number {
  return Math.min(MIN_LABELLED, band.findings);
}

/** Why a band misses the bar, or undefined when it meets it (a band without findings always does). */
export function bandShortfall(band: BandStats, bar: number): string | undefined {
  if (band.findings === 0) return undefined;
  const needed = labelsNeeded(band);
  if (band.labelled < needed) return `${band.labelled} of ${band.findings} findings labelled, ${needed} needed`;
  const value = precision(band)!;
  if (value < bar) return `precision ${percent(value)} (TP ${band.TP}, FP ${band.FP}, NOISE ${band.NOISE}) is under ${percent(bar)}`;
  return undefined;
}

export function percent(value: number): string {
  return `${(Math.floor(value * 1000) / 10).toFixed(1)}%`;
}

/** Files checked per kind, for the shares. */
export function filesByKind(files: readonly CorpusFile[]): Record<FileKind, number> {
  const counts: Record<FileKind, number> = { workflow: 0, k8s: 0 };
  for (const file of files) counts[file.kind]++;
  return counts;
}

/** Everything the command prints and the test asserts, from one run, the baseline and the ledger. */
export function summarize(
  findings: readonly CorpusFinding[],
  files: readonly CorpusFile[],
  baseline: readonly BaselineRow[],
  labels: readonly Label[],
  ruleRuns: (ruleId: string) => boolean = () => true,
): Summary {
  const perKind = filesByKind(files);
  const ofKind = (kind: FileKind | undefined): number => (kind ? perKind[kind] : files.length);
  const byRule = new Map<string, RuleStats>();
  const stats = (ruleId: string): RuleStats => {
    let entry = byRule.get(ruleId);
    if (!entry) byRule.set(ruleId, (entry = emptyStats(ruleId, ruleKind(ruleId), ofKind(ruleKind(ruleId)))));
    return entry;
  };
  const total = emptyStats('total', undefined, files.length);
  const labelled = new Map(labels.map((label) => [labelKey(label), label]));
  const used = new Set<string>();
  const flagged = new Map<string, { any: Set<string>; atWarning: Set<string> }>();
  const unlabelled: CorpusFinding[] = [];

  for (const finding of findings) {
    const band = bandOf(finding.severity);
    const label = labelled.get(labelKey(finding));
    if (label) used.add(labelKey(finding));
    else unlabelled.push(finding);
    for (const entry of [stats(finding.ruleId), total]) {
      entry.findings++;
      entry.bySeverity[finding.severity]++;
      if (!label) entry.unlabelled++;
      if (band) {
        entry.bands[band].findings++;
        if (label) {
          entry.bands[band].labelled++;
          entry.bands[band][label.verdict]++;
        }
      }
      let seen = flagged.get(entry.ruleId);
      if (!seen) flagged.set(entry.ruleId, (seen = { any: new Set(), atWarning: new Set() }));
      seen.any.add(finding.path);
      if (band === 'warning') seen.atWarning.add(finding.path);
    }
  }
  const { added, removed } = diffRows(baseline, findings.map(baselineRow));
  for (const row of added) for (const entry of [stats(row.ruleId), total]) entry.added++;
  for (const row of removed) for (const entry of [stats(row.ruleId), total]) entry.removed++;
  for (const entry of [...byRule.values(), total]) {
    const seen = flagged.get(entry.ruleId);
    entry.files = seen?.any.size ?? 0;
    entry.filesAtWarning = seen?.atWarning.size ?? 0;
  }
  const judged = labels.filter((label) => ruleRuns(label.ruleId));
  const stale = judged.filter((label) => !used.has(labelKey(label)));
  const rules = [...byRule.values()].sort((a, b) => compareText(a.ruleId, b.ruleId));
  return { rules, total, unlabelled, stale, notRun: labels.length - judged.length, added, removed };
}

/** The share of the files a rule applies to that it flags at warning or above. */
export function shareAtWarning(stats: RuleStats): number {
  return stats.ofFiles === 0 ? 0 : stats.filesAtWarning / stats.ofFiles;
}

// ---------------------------------------------------------------------------------------------------------------------
// Samples

/** mulberry32: a small seeded generator, so a sample is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Fisher–Yates shuffle of a copy, driven by `seed`. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/**
 * Up to `count` of a rule's current findings that no label covers, one per label key (a label judges every finding
 * of the rule on that line), in a seeded shuffle of their sorted order: the same inputs give the same sample.
 */
export function sampleUnlabelled(findings: readonly CorpusFinding[], labels: readonly Label[], ruleId: string, count: number, seed: number): CorpusFinding[] {
  const labelled = new Set(labels.map(labelKey));
  const candidates = new Map<string, CorpusFinding>();
  const sorted = findings.filter((finding) => finding.ruleId === ruleId).sort((a, b) => compareRows(a, b) || a.column - b.column);
  for (const finding of sorted) {
    const key = labelKey(finding);
    if (!labelled.has(key) && !candidates.has(key)) candidates.set(key, finding);
  }
  return shuffled([...candidates.values()], seed).slice(0, count);
}

/** The lines around `line` (1-based) of a text, numbered, the line itself marked with `>`. */
export function contextLines(text: string, line: number, radius = 8): string[] {
  const lines = text.split('\n').map((each) => (each.endsWith('\r') ? each.slice(0, -1) : each));
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const first = Math.max(1, line - radius);
  const last = Math.min(lines.length, line + radius);
  const width = String(last).length;
  const out: string[] = [];
  for (let at = first; at <= last; at++) out.push(`${at === line ? '>' : ' '} ${String(at).padStart(width)} | ${lines[at - 1]}`);
  return out;
}
