import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bandShortfall,
  contextLines,
  diffRows,
  formatBaseline,
  ledgerTemplate,
  parseBaseline,
  parseLedger,
  parseTsv,
  percent,
  precision,
  sampleUnlabelled,
  shareAtWarning,
  shuffled,
  summarize,
  type BaselineRow,
  type CorpusFile,
  type CorpusFinding,
  type Label,
} from '../../scripts/ecosystem/analysis';
import { ruleRunsIn } from '../../scripts/ecosystem/collect';
import { RULES } from '../../server/src/rules';

const LEDGER_HEAD = 'path\tline\trule\tverdict\treason\n';
const BASELINE_HEAD = 'path\tline\trule\tmessage_id\n';

function finding(path: string, line: number, ruleId: string, severity: CorpusFinding['severity'] = 'warning', messageId = 'm', column = 1): CorpusFinding {
  return { path, line, column, ruleId, messageId, severity, message: `${ruleId} says ${messageId}` };
}

function label(path: string, line: number, ruleId: string, verdict: Label['verdict']): Label {
  return { path, line, ruleId, verdict, reason: 'read it', ledgerLine: 0 };
}

describe('TSV files', () => {
  it('skip comments and blank lines, read CRLF, and check the header and the number of fields', () => {
    const { rows, errors } = parseTsv('# a comment\n\na\tb\r\n1\t2\r\n# more\n3\n4\t5\t6\n', ['a', 'b'], 'x.tsv');
    assert.deepEqual(rows, [{ fields: ['1', '2'], line: 4 }]);
    assert.deepEqual(errors, ['x.tsv:6: 1 tab-separated fields, expected 2 (a, b)', 'x.tsv:7: 3 tab-separated fields, expected 2 (a, b)']);
    assert.deepEqual(parseTsv('b\ta\n', ['a', 'b'], 'x.tsv').errors, ['x.tsv:1: the header must be "a<TAB>b"']);
    assert.deepEqual(parseTsv('# only a comment\n', ['a', 'b'], 'x.tsv').errors, ['x.tsv: no header line ("a<TAB>b")']);
  });

  it('write the baseline sorted, and read back what they wrote', () => {
    const rows: BaselineRow[] = [
      { path: 'repos/b/x.yml', line: 2, ruleId: 'gha/a', messageId: 'one' },
      { path: 'repos/a/y.yml', line: 10, ruleId: 'gha/b', messageId: 'two' },
      { path: 'repos/a/y.yml', line: 9, ruleId: 'gha/b', messageId: 'two' },
      { path: 'repos/a/y.yml', line: 9, ruleId: 'gha/a', messageId: 'two' },
    ];
    const text = formatBaseline(rows);
    assert.equal(text, `${BASELINE_HEAD}repos/a/y.yml\t9\tgha/a\ttwo\nrepos/a/y.yml\t9\tgha/b\ttwo\nrepos/a/y.yml\t10\tgha/b\ttwo\nrepos/b/x.yml\t2\tgha/a\tone\n`);
    assert.equal(formatBaseline([...rows].reverse()), text);
    assert.deepEqual(parseBaseline(text), { rows: parseBaseline(text).rows, errors: [] });
    assert.equal(formatBaseline(parseBaseline(text).rows), text);
    assert.deepEqual(parseBaseline(`${BASELINE_HEAD}repos/a\tx\tgha/a\tm\n`, 'b.tsv').errors, ['b.tsv:2: expected a path, a line number, a rule id and a message id']);
  });

  it('read the ledger: verdicts with reasons, ? as not yet judged, and say what is wrong with a line', () => {
    const text = [
      '# comment',
      LEDGER_HEAD.trimEnd(),
      'repos/a/x.yml\t3\tgha/a\tTP\tthe job really can hang',
      'repos/a/x.yml\t4\tgha/a\t?\t',
      'repos/a/x.yml\t5\tgha/a\tNOISE\t  a throwaway demo  ',
      'repos/a/x.yml\t6\tgha/a\tmaybe\twho knows',
      'repos/a/x.yml\t7\tgha/a\tFP\t',
      'repos/a/x.yml\t3\tgha/a\tFP\tchanged my mind',
      'repos/a/x.yml\t0\tgha/a\tFP\tline zero',
    ].join('\n');
    const ledger = parseLedger(text, 'v.tsv');
    assert.deepEqual(
      ledger.labels.map((each) => [each.line, each.verdict, each.reason, each.ledgerLine]),
      [
        [3, 'TP', 'the job really can hang', 3],
        [5, 'NOISE', 'a throwaway demo', 5],
      ],
    );
    assert.equal(ledger.pending, 1);
    assert.deepEqual(ledger.errors, [
      'v.tsv:6: verdict "maybe" is not one of TP, FP, NOISE (or ? for not yet judged)',
      'v.tsv:7: a verdict needs a one-line reason',
      'v.tsv:8: repos/a/x.yml:3 gha/a is already labelled on line 3',
      'v.tsv:9: expected a path, a line number and a rule id',
    ]);
  });

  it('print a ledger line that reads back as not yet judged', () => {
    const line = ledgerTemplate(finding('repos/a/x.yml', 12, 'k8s/image-tag'));
    assert.equal(line, 'repos/a/x.yml\t12\tk8s/image-tag\t?\t');
    assert.deepEqual(parseLedger(`${LEDGER_HEAD}${line}\n`), { labels: [], pending: 1, errors: [] });
  });
});

describe('baseline diff', () => {
  const row = (path: string, line: number, messageId = 'm'): BaselineRow => ({ path, line, ruleId: 'gha/a', messageId });
  it('is a multiset difference, sorted, and empty for the same rows in another order', () => {
    const baseline = [row('b', 1), row('a', 1), row('a', 1), row('a', 2, 'old')];
    assert.deepEqual(diffRows(baseline, [row('a', 1), row('b', 1), row('a', 1)]), { added: [], removed: [row('a', 2, 'old')] });
    assert.deepEqual(diffRows(baseline, [row('a', 1), row('c', 1), row('a', 2, 'new'), row('b', 1), row('b', 1)]), {
      added: [row('a', 2, 'new'), row('b', 1), row('c', 1)],
      removed: [row('a', 1), row('a', 2, 'old')],
    });
    assert.deepEqual(diffRows(baseline, [...baseline].reverse()), { added: [], removed: [] });
  });
});

describe('per-rule numbers', () => {
  const files: CorpusFile[] = [
    { path: 'repos/a/w1.yml', kind: 'workflow' },
    { path: 'repos/a/w2.yml', kind: 'workflow' },
    { path: 'repos/a/w3.yml', kind: 'workflow' },
    { path: 'repos/a/w4.yml', kind: 'workflow' },
    { path: 'repos/a/k1.yaml', kind: 'k8s' },
    { path: 'repos/a/k2.yaml', kind: 'k8s' },
  ];
  const findings = [
    finding('repos/a/w1.yml', 1, 'gha/a', 'error'),
    finding('repos/a/w1.yml', 1, 'gha/a', 'warning', 'other', 5),
    finding('repos/a/w1.yml', 2, 'gha/a', 'info'),
    finding('repos/a/w2.yml', 1, 'gha/a', 'info'),
    finding('repos/a/w3.yml', 7, 'gha/a', 'hint'),
    finding('repos/a/k1.yaml', 3, 'k8s/b', 'warning'),
    finding('repos/a/k2.yaml', 1, 'shipcheck/yaml-syntax', 'error'),
  ];
  const labels = [label('repos/a/w1.yml', 1, 'gha/a', 'TP'), label('repos/a/w1.yml', 2, 'gha/a', 'NOISE'), label('repos/a/k1.yaml', 3, 'k8s/b', 'FP'), label('repos/a/gone.yml', 9, 'gha/a', 'TP')];
  const baseline: BaselineRow[] = [
    { path: 'repos/a/w1.yml', line: 1, ruleId: 'gha/a', messageId: 'm' },
    { path: 'repos/a/w9.yml', line: 1, ruleId: 'gha/a', messageId: 'm' },
  ];
  const summary = summarize(findings, files, baseline, labels);
  const stats = (ruleId: string) => summary.rules.find((rule) => rule.ruleId === ruleId)!;

  it('count findings by severity, files flagged and the share of the files of the rule\'s kind', () => {
    assert.deepEqual(summary.rules.map((rule) => rule.ruleId), ['gha/a', 'k8s/b', 'shipcheck/yaml-syntax']);
    const a = stats('gha/a');
    assert.deepEqual(a.bySeverity, { error: 1, warning: 1, info: 2, hint: 1 });
    assert.deepEqual([a.findings, a.files, a.filesAtWarning, a.kind, a.ofFiles], [5, 3, 1, 'workflow', 4]);
    assert.equal(shareAtWarning(a), 0.25);
    assert.deepEqual([stats('k8s/b').kind, stats('k8s/b').ofFiles, shareAtWarning(stats('k8s/b'))], ['k8s', 2, 0.5]);
    assert.deepEqual([stats('shipcheck/yaml-syntax').kind, stats('shipcheck/yaml-syntax').ofFiles], [undefined, 6]);
    assert.deepEqual([summary.total.findings, summary.total.files, summary.total.ofFiles], [7, 5, 6]);
  });

  it('apply one label to every finding of the rule on its line, per severity band; hints are in no band', () => {
    assert.deepEqual(stats('gha/a').bands, {
      warning: { findings: 2, labelled: 2, TP: 2, FP: 0, NOISE: 0 },
      info: { findings: 2, labelled: 1, TP: 0, FP: 0, NOISE: 1 },
    });
    assert.deepEqual(stats('k8s/b').bands.warning, { findings: 1, labelled: 1, TP: 0, FP: 1, NOISE: 0 });
    assert.equal(stats('gha/a').unlabelled, 2);
    assert.deepEqual(
      summary.unlabelled.map((each) => `${each.path}:${each.line}`),
      ['repos/a/w2.yml:1', 'repos/a/w3.yml:7', 'repos/a/k2.yaml:1'],
    );
    assert.deepEqual(summary.total.bands.warning, { findings: 4, labelled: 3, TP: 2, FP: 1, NOISE: 0 });
  });

  it('list labels that name no current finding as stale, and diff against the baseline per rule', () => {
    assert.deepEqual(summary.stale.map((each) => `${each.path}:${each.line}`), ['repos/a/gone.yml:9']);
    assert.deepEqual([stats('gha/a').added, stats('gha/a').removed], [4, 1]);
    assert.deepEqual([summary.total.added, summary.total.removed], [6, 1]);
    assert.deepEqual([stats('k8s/b').added, stats('k8s/b').removed], [1, 0]);
  });

  it('leave labels of rules the run\'s preset leaves out neither used nor stale', () => {
    const offRun = summarize(findings, files, baseline, [...labels, label('repos/a/w5.yml', 4, 'gha/off', 'TP')], (ruleId) => ruleId !== 'gha/off');
    assert.deepEqual(offRun.stale.map((each) => `${each.path}:${each.line}`), ['repos/a/gone.yml:9']);
    assert.equal(offRun.notRun, 1);
    assert.equal(summary.notRun, 0);
  });
});

describe('which rules a preset runs, for the ledger', () => {
  it('follows the presets rules declare, and never runs gha/shellcheck', () => {
    const recommended = ruleRunsIn(undefined);
    const strict = ruleRunsIn('strict');
    const offByDefault = RULES.find((rule) => rule.presets.recommended === 'off' && rule.id !== 'gha/shellcheck')!;
    const onByDefault = RULES.find((rule) => rule.presets.recommended !== 'off')!;
    assert.deepEqual([recommended(offByDefault.id), strict(offByDefault.id)], [false, true]);
    assert.deepEqual([recommended(onByDefault.id), strict(onByDefault.id)], [true, true]);
    assert.deepEqual([strict('gha/shellcheck'), ruleRunsIn('all')('gha/shellcheck')], [false, false]);
    assert.equal(ruleRunsIn('nonsense')(onByDefault.id), false);
  });
});

describe('precision and the bar', () => {
  const band = (findings: number, TP: number, FP: number, NOISE: number) => ({ findings, labelled: TP + FP + NOISE, TP, FP, NOISE });
  it('is TP over everything labelled, NOISE counting against it', () => {
    assert.equal(precision(band(10, 0, 0, 0)), undefined);
    assert.equal(precision(band(10, 3, 0, 1)), 0.75);
    assert.equal(precision(band(10, 9, 1, 0)), 0.9);
  });
  it('needs min(20, findings) labels, then the precision of the band', () => {
    assert.equal(bandShortfall(band(0, 0, 0, 0), 0.95), undefined);
    assert.equal(bandShortfall(band(3, 3, 0, 0), 0.95), undefined);
    assert.equal(bandShortfall(band(3, 2, 0, 0), 0.95), '2 of 3 findings labelled, 3 needed');
    assert.equal(bandShortfall(band(500, 19, 0, 0), 0.95), '19 of 500 findings labelled, 20 needed');
    assert.equal(bandShortfall(band(500, 19, 1, 0), 0.95), undefined);
    assert.equal(bandShortfall(band(500, 18, 1, 1), 0.95), 'precision 90.0% (TP 18, FP 1, NOISE 1) is under 95.0%');
    assert.equal(bandShortfall(band(500, 18, 1, 1), 0.9), undefined);
  });
  it('prints percentages rounded down, so a near miss never reads as a pass', () => {
    assert.equal(percent(0.94996), '94.9%');
    assert.equal(percent(1), '100.0%');
    assert.equal(percent(0), '0.0%');
  });
});

describe('samples', () => {
  it('shuffle deterministically by seed, keeping every item', () => {
    const items = Array.from({ length: 50 }, (_, index) => index);
    assert.deepEqual(shuffled(items, 7), shuffled(items, 7));
    assert.notDeepEqual(shuffled(items, 7), shuffled(items, 8));
    assert.notDeepEqual(shuffled(items, 7), items);
    assert.deepEqual([...shuffled(items, 7)].sort((a, b) => a - b), items);
  });

  it('take only the rule\'s unlabelled findings, one per label key, the same whatever the input order', () => {
    const findings = [
      ...Array.from({ length: 30 }, (_, index) => finding(`repos/a/f${index}.yml`, 1, 'gha/a')),
      finding('repos/a/f0.yml', 1, 'gha/a', 'warning', 'second', 9),
      finding('repos/a/f1.yml', 1, 'gha/b'),
    ];
    const labels = [label('repos/a/f2.yml', 1, 'gha/a', 'TP')];
    const sample = sampleUnlabelled(findings, labels, 'gha/a', 10, 3);
    assert.equal(sample.length, 10);
    assert.ok(sample.every((each) => each.ruleId === 'gha/a' && each.path !== 'repos/a/f2.yml'));
    assert.equal(new Set(sample.map((each) => each.path)).size, 10);
    assert.deepEqual(sampleUnlabelled([...findings].reverse(), labels, 'gha/a', 10, 3), sample);
    assert.equal(sampleUnlabelled(findings, labels, 'gha/a', 100, 3).length, 29);
    assert.deepEqual(sampleUnlabelled(findings, labels, 'gha/none', 10, 3), []);
  });

  it('show the lines around a finding, numbered, its own line marked, clipped at the file\'s ends', () => {
    const text = Array.from({ length: 30 }, (_, index) => `line ${index + 1}`).join('\r\n') + '\r\n';
    const around = contextLines(text, 15, 8);
    assert.equal(around.length, 17);
    assert.equal(around[0], '   7 | line 7');
    assert.equal(around[8], '> 15 | line 15');
    assert.equal(around[16], '  23 | line 23');
    assert.deepEqual(contextLines(text, 2, 2), ['  1 | line 1', '> 2 | line 2', '  3 | line 3', '  4 | line 4']);
    assert.equal(contextLines(text, 30, 8).at(-1), '> 30 | line 30');
  });
});
