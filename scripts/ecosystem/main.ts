// npm run ecosystem: what shipcheck reports on real repositories (../shared/corpus/repos), per rule, against the
// committed baseline and the verdict ledger. `--help` lists the options.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BANDS,
  MAX_SHARE_AT_WARNING,
  PRECISION_BAR,
  bandShortfall,
  baselineRow,
  contextLines,
  filesByKind,
  formatBaseline,
  formatRow,
  ledgerTemplate,
  percent,
  precision,
  sampleUnlabelled,
  shareAtWarning,
  summarize,
  type BandStats,
  type BaselineRow,
  type CorpusFinding,
  type RuleStats,
  type Summary,
} from './analysis';
import { BASELINE, LEDGER, ROOT, collect, corpusMissing, corpusRoot, readBaseline, readLedger, ruleRunsIn } from './collect';

const USAGE = `Usage: npm run ecosystem -- [options]

Runs the built CLI (dist/cli.js) over the corpus's repository trees (../shared/corpus/repos, or
$SHIPCHECK_CORPUS/repos), peers' test data left out, and prints per rule: findings by severity,
files flagged and their share of the files of that kind, the diff against test/ecosystem/baseline.tsv,
and precision from the verdict ledger test/ecosystem/verdicts.tsv.

  --rule <id>          only this rule (repeatable)
  --diff               list the findings added to and removed from the baseline
  --update             rewrite the baseline from this run (default preset, every rule)
  --preset <name>      run the CLI with this preset instead of the default
  --sample <id>        print a shuffled sample of the rule's unlabelled findings in context,
                       each with a ledger line to fill in
  --count <n>          how many to sample (default 10)
  --seed <n>           the sample's seed (default 1)
`;

const OPTIONS = {
  rule: { type: 'string', multiple: true },
  diff: { type: 'boolean' },
  update: { type: 'boolean' },
  preset: { type: 'string' },
  sample: { type: 'string' },
  count: { type: 'string' },
  seed: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} takes a whole number, not "${value}"`);
  return Number(value);
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const started = performance.now();
  const { values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const count = integer(values.count, 10, 'count');
  const seed = integer(values.seed, 1, 'seed');
  if (values.update && (values.preset || values.rule || values.sample)) throw new UsageError('--update records the default preset over every rule: leave out --preset, --rule and --sample');

  const corpus = corpusRoot();
  const missing = corpusMissing(corpus);
  if (missing) {
    console.log(`ecosystem: skipped, ${missing}`);
    return 0;
  }
  const baseline = readBaseline();
  const ledger = readLedger();
  const run = await collect({ corpus, ...(values.preset ? { preset: values.preset } : {}) });
  const errors = [...baseline.errors, ...ledger.errors];

  if (values.sample) {
    printSample(corpus, run.findings, values.sample, count, seed, ledger.labels);
  } else {
    const only = values.rule ? new Set(values.rule) : undefined;
    const keep = <T extends { ruleId: string }>(items: readonly T[]): T[] => (only ? items.filter((item) => only.has(item.ruleId)) : [...items]);
    const baselineRows = keep(baseline.rows);
    const summary = summarize(keep(run.findings), run.files, baselineRows, keep(ledger.labels), ruleRunsIn(values.preset));
    const kinds = filesByKind(run.files);
    console.log(
      `shipcheck ecosystem check, preset ${values.preset ?? 'default'}: ${run.files.length} corpus files checked in ${run.trees} repository trees ` +
        `(${kinds.workflow} workflows, ${kinds.k8s} Kubernetes files; ${run.skipped.length} skipped by the CLI; peers' test data left out)\n`,
    );
    console.log(table(summary).join('\n'));
    console.log('');
    console.log(
      `bar: ≥ ${percent(PRECISION_BAR.warning)} precision at warning/error, ≥ ${percent(PRECISION_BAR.info)} at info, each from at least min(20, findings) labels; ` +
        `at most ${percent(MAX_SHARE_AT_WARNING)} of the files of its kind flagged at warning or above.`,
    );
    const rel = (path: string): string => relative(ROOT, path);
    console.log(`baseline ${rel(BASELINE)}: ${baselineRows.length} rows${only ? ' of these rules' : ''}; this run ${summary.total.findings} findings, +${summary.added.length} −${summary.removed.length}${values.diff ? '' : ' (--diff lists them)'}`);
    if (values.diff) printDiff(summary, run.findings);
    console.log(`ledger ${rel(LEDGER)}: ${ledger.labels.length} labels, ${ledger.pending} still '?', ${summary.stale.length} stale (naming no current finding), ${summary.notRun} of rules this preset leaves out`);
    for (const label of summary.stale) console.log(`  stale  ${rel(LEDGER)}:${label.ledgerLine}  ${label.path}:${label.line} ${label.ruleId} ${label.verdict}`);
    if (values.update) {
      writeFileSync(BASELINE, formatBaseline(run.findings.map(baselineRow)));
      console.log(`baseline rewritten: ${run.findings.length} rows`);
    }
  }
  for (const warning of run.warnings) console.log(`cli: ${warning}`);
  for (const error of errors) console.error(error);
  const seconds = (performance.now() - started) / 1000;
  console.log(`wall time ${seconds.toFixed(1)} s (copy ${run.seconds.copy.toFixed(1)} s, lint ${run.seconds.lint.toFixed(1)} s, clean-up ${run.seconds.cleanup.toFixed(1)} s)`);
  return errors.length > 0 ? 1 : 0;
}

/** The per-rule table, then a total row. */
function table(summary: Summary): string[] {
  const header = ['rule', 'findings', 'error', 'warn', 'info', 'hint', 'files', 'share', 'of', 'baseline', 'w/e labelled', 'TP/FP/NOISE', 'precision', 'info labelled', 'TP/FP/NOISE', 'precision', 'unlabelled', 'bar'];
  const band = (stats: BandStats): string[] => [`${stats.labelled}/${stats.findings}`, `${stats.TP}/${stats.FP}/${stats.NOISE}`, precision(stats) === undefined ? '—' : percent(precision(stats)!)];
  const row = (stats: RuleStats, isTotal: boolean): string[] => [
    stats.ruleId,
    String(stats.findings),
    String(stats.bySeverity.error),
    String(stats.bySeverity.warning),
    String(stats.bySeverity.info),
    String(stats.bySeverity.hint),
    String(stats.files),
    stats.ofFiles === 0 ? '—' : percent(stats.files / stats.ofFiles),
    stats.kind === 'workflow' ? 'workflows' : stats.kind === 'k8s' ? 'k8s' : 'all',
    stats.added === 0 && stats.removed === 0 ? '=' : `+${stats.added} −${stats.removed}`,
    ...band(stats.bands.warning),
    ...band(stats.bands.info),
    String(stats.unlabelled),
    isTotal ? '' : misses(stats).join(',') || 'ok',
  ];
  const rows = [header, ...summary.rules.map((stats) => row(stats, false)), row(summary.total, true)];
  const widths = header.map((_, column) => Math.max(...rows.map((cells) => cells[column]!.length)));
  const left = new Set([0, 8, 17]);
  const render = (cells: string[]): string => cells.map((cell, column) => (left.has(column) ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd();
  const lines = rows.map(render);
  lines.splice(rows.length - 1, 0, '-'.repeat(lines[0]!.length));
  return lines;
}

/** What keeps a rule from the bar the ecosystem test holds it to. */
function misses(stats: RuleStats): string[] {
  const found: string[] = [];
  for (const band of BANDS) {
    const shortfall = bandShortfall(stats.bands[band], PRECISION_BAR[band]);
    if (shortfall) found.push(shortfall.includes('labelled') ? `${band === 'warning' ? 'w/e' : 'info'} labels` : `${band === 'warning' ? 'w/e' : 'info'} precision`);
  }
  if (shareAtWarning(stats) > MAX_SHARE_AT_WARNING) found.push('share');
  return found;
}

function printDiff(summary: Summary, findings: readonly CorpusFinding[]): void {
  const byRow = new Map<string, CorpusFinding>();
  for (const finding of findings) byRow.set(formatRow(baselineRow(finding)), finding);
  for (const row of summary.added) {
    const finding = byRow.get(formatRow(row));
    console.log(`  + ${formatRow(row)}${finding ? ` ${finding.severity}: ${finding.message}` : ''}`);
  }
  for (const row of summary.removed) console.log(`  − ${formatRow(row as BaselineRow)}`);
}

function printSample(corpus: string, findings: readonly CorpusFinding[], ruleId: string, count: number, seed: number, labels: Parameters<typeof sampleUnlabelled>[1]): void {
  const ofRule = findings.filter((finding) => finding.ruleId === ruleId);
  const sample = sampleUnlabelled(findings, labels, ruleId, count, seed);
  console.log(`${ruleId}: ${sample.length} unlabelled findings sampled (seed ${seed}) of ${ofRule.length} findings of the rule in corpus files\n`);
  sample.forEach((finding, index) => {
    console.log(`[${index + 1}/${sample.length}] ${finding.path}:${finding.line}:${finding.column}  ${finding.severity}  ${finding.ruleId} (${finding.messageId})`);
    console.log(`  ${finding.message}`);
    const text = readFileSync(join(corpus, finding.path), 'utf8');
    for (const line of contextLines(text, finding.line, 8)) console.log(`  ${line}`);
    console.log('');
  });
  if (sample.length > 0) {
    console.log('Ledger lines for test/ecosystem/verdicts.tsv (replace ? by TP, FP or NOISE and add a one-line reason):');
    for (const finding of sample) console.log(ledgerTemplate(finding));
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const usage = error instanceof UsageError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
    console.error(`ecosystem: ${error instanceof Error ? error.message : String(error)}`);
    if (usage) console.error(USAGE);
    process.exit(usage ? 2 : 1);
  },
);
