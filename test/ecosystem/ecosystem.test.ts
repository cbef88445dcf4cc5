import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  BANDS,
  MAX_SHARE_AT_WARNING,
  PRECISION_BAR,
  bandShortfall,
  formatRow,
  percent,
  shareAtWarning,
  summarize,
  type BaselineRow,
  type Summary,
} from '../../scripts/ecosystem/analysis';
import { collect, corpusMissing, corpusRoot, readBaseline, readLedger, ruleRunsIn, type Collection } from '../../scripts/ecosystem/collect';

// The ecosystem check (npm run ecosystem) as a test: the default preset over the corpus's repository trees must find
// exactly the committed baseline, and every rule with findings must meet the precision bar from the verdict ledger.
const corpus = corpusRoot();
const missing = corpusMissing(corpus);
const SHOWN = 40;

function listed(sign: string, rows: readonly BaselineRow[]): string[] {
  const lines = rows.slice(0, SHOWN).map((row) => `  ${sign} ${formatRow(row)}`);
  if (rows.length > SHOWN) lines.push(`  … and ${rows.length - SHOWN} more`);
  return lines;
}

describe('ecosystem check: the default preset on real repositories (../shared/corpus/repos)', { skip: missing }, () => {
  let run: Collection;
  let summary: Summary;
  const baseline = readBaseline();
  const ledger = readLedger();

  before(async () => {
    run = await collect({ corpus });
    summary = summarize(run.findings, run.files, baseline.rows, ledger.labels, ruleRunsIn(undefined));
  });

  it('finds exactly the committed baseline (test/ecosystem/baseline.tsv)', () => {
    assert.ok(baseline.errors.length === 0, baseline.errors.join('\n'));
    const { added, removed } = summary;
    assert.ok(
      added.length === 0 && removed.length === 0,
      [
        `${added.length} findings are not in the baseline and ${removed.length} baseline rows are no longer found:`,
        ...listed('+', added),
        ...listed('−', removed),
        'Review them in their files (npm run ecosystem -- --diff), then run `npm run ecosystem -- --update` and commit test/ecosystem/baseline.tsv.',
      ].join('\n'),
    );
  });

  it('holds every rule with findings to the precision bar of its severity, from the verdict ledger', (t) => {
    assert.ok(ledger.errors.length === 0, ['test/ecosystem/verdicts.tsv has lines that cannot be read:', ...ledger.errors].join('\n'));
    const perRule = summary.rules.filter((rule) => rule.unlabelled > 0).map((rule) => `${rule.ruleId} ${rule.unlabelled}`);
    t.diagnostic(`${summary.unlabelled.length} unlabelled findings (npm run ecosystem -- --sample RULE prints them in context): ${perRule.join(', ')}`);
    for (const rule of summary.rules) {
      const examples = summary.unlabelled.filter((finding) => finding.ruleId === rule.ruleId).slice(0, 3);
      for (const finding of examples) t.diagnostic(`unlabelled: ${finding.path}:${finding.line} ${finding.ruleId} ${finding.severity}`);
    }
    for (const label of summary.stale) t.diagnostic(`stale label (verdicts.tsv:${label.ledgerLine}): ${label.path}:${label.line} ${label.ruleId} no longer reported`);
    const misses = summary.rules.flatMap((rule) =>
      BANDS.flatMap((band) => {
        const shortfall = bandShortfall(rule.bands[band], PRECISION_BAR[band]);
        return shortfall ? [`  ${rule.ruleId} at ${band === 'warning' ? 'warning/error' : 'info'}: ${shortfall}`] : [];
      }),
    );
    assert.ok(
      misses.length === 0,
      [
        `${misses.length} rule bands miss the bar (≥ ${percent(PRECISION_BAR.warning)} at warning/error, ≥ ${percent(PRECISION_BAR.info)} at info, from at least min(20, findings) labelled findings):`,
        ...misses,
        'Label findings by reading them in context (npm run ecosystem -- --sample RULE) in test/ecosystem/verdicts.tsv, or fix the rule.',
      ].join('\n'),
    );
  });

  it(`lets no rule at warning or above flag more than ${percent(MAX_SHARE_AT_WARNING)} of the files it applies to`, () => {
    const tooMany = summary.rules
      .filter((rule) => shareAtWarning(rule) > MAX_SHARE_AT_WARNING)
      .map((rule) => `  ${rule.ruleId}: ${rule.filesAtWarning} of ${rule.ofFiles} ${rule.kind === 'workflow' ? 'workflows' : rule.kind === 'k8s' ? 'Kubernetes files' : 'files'} (${percent(shareAtWarning(rule))})`);
    assert.ok(tooMany.length === 0, ['Rules that flag too many files at warning or above (lower the severity of the common case, or narrow the rule):', ...tooMany].join('\n'));
  });
});
