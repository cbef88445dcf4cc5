import type { Span } from '../../engine/core/finding';
import { defineRule } from '../../engine/core/rule';
import { entryFields, isExpression, jobMatrix, matrixValues, plainValue, type JobMatrix } from '../../engine/model/matrix';
import { isMap, isScalar, isSeq, spanOf, type Node, type YamlDoc } from '../../engine/yaml/yamlFile';

export default defineRule({
  id: 'gha/matrix',
  presets: { recommended: 'off', strict: 'error' },
  dora: ['change-failure-rate'],
  capabilities: ['continuous-integration', 'test-automation'],
  fixable: false,
  messages: {
    unknownKey: (key: string, keys: string) =>
      `'${key}' in this 'exclude' entry is not a key of the matrix (${keys}), so the entry matches no combination and excludes nothing.`,
    noMatch: (key: string, value: string, values: string) =>
      `The value ${value} of '${key}' in this 'exclude' entry is none of the matrix's values for '${key}' (${values}), so the entry excludes nothing.`,
    notMapping: (list: string) => `Each '${list}' entry must be a mapping of matrix keys to values (such as '- os: windows-latest'); GitHub rejects the workflow.`,
    duplicate: (key: string, value: string) => `The value ${value} appears twice in the matrix's '${key}': the same combinations run twice.`,
    emptyRow: (key: string) => `The matrix's '${key}' has no values: GitHub rejects a matrix with an empty list, and the job never runs.`,
    empty: () => "The matrix defines no combination (no keys with values, no 'include' entries): GitHub rejects it, and the job never runs.",
  },
  docs: {
    summary: 'Write a `strategy.matrix` that GitHub accepts and whose `exclude` entries match something.',
    rationale:
      'GitHub expands the matrix into one job per combination, then drops the combinations each `exclude` entry matches. An `exclude` entry naming a key the matrix does not have, or a value it does not list, matches nothing: the combination it was meant to drop still runs (and fails, or costs a slow macOS job). An empty matrix, an empty list or an entry that is not a mapping make GitHub reject the workflow; a value listed twice runs every combination with it twice.',
    symptom:
      'A combination you excluded shows up in the run, or the workflow fails to start with "Matrix vector \'os\' does not contain any values" or "Unexpected value".',
    fix: 'Spell the key and value of each `exclude` entry as the matrix does (values of mappings and lists must match too; a mapping may leave keys out). `include` entries may add keys the matrix does not have: GitHub allows that, and the rule does too. Rows, `include` and `exclude` computed by expressions (`${{ fromJSON(...) }}`) are left alone.',
    bad: `on: push
jobs:
  test:
    strategy:
      matrix:
        os: [ubuntu-latest, windows-latest]
        node: [20, 22]
        exclude:
          - platform: windows-latest
            node: 20
    runs-on: \${{ matrix.os }}
    steps:
      - run: npm test
`,
    good: `on: push
jobs:
  test:
    strategy:
      matrix:
        os: [ubuntu-latest, windows-latest]
        node: [20, 22]
        exclude:
          - os: windows-latest
            node: 20
        include:
          - os: ubuntu-latest
            node: 22
            coverage: true
    runs-on: \${{ matrix.os }}
    steps:
      - run: npm test
`,
  },
  scope: 'job',
  visit: {
    job(job, ctx) {
      if (job.synthetic) return;
      const matrix = jobMatrix(job, ctx.doc);
      if (!matrix) return;
      const doc = ctx.doc;
      let emptyRow = false;
      let combinations = matrix.include.kind === 'expression' || (matrix.include.kind === 'list' && matrix.include.items.length > 0);
      for (const row of matrix.rows) {
        if (!Array.isArray(row.values)) {
          combinations ||= row.values === 'expression';
          continue;
        }
        if (row.values.length === 0) {
          emptyRow = true;
          ctx.report({ span: row.node ? spanOf(row.node) : row.keySpan, message: 'emptyRow', args: [row.key] });
          continue;
        }
        combinations = true;
        const seen = new Set<string>();
        for (const value of row.values) {
          if (isExpression(value)) continue;
          const plain = plainValue(doc, value);
          // Too large to compare (nested anchors): not judged.
          if (plain === undefined) continue;
          const json = JSON.stringify(plain);
          if (seen.has(json)) ctx.report({ span: spanOf(value), message: 'duplicate', args: [row.key, json] });
          seen.add(json);
        }
      }
      if (!combinations && !emptyRow) ctx.report({ span: matrix.keySpan, message: 'empty', args: [] });
      for (const list of ['include', 'exclude'] as const) {
        const entries = matrix[list];
        if (entries.kind !== 'list') continue;
        for (const item of entries.items) if (!isMap(item) && !isExpression(item)) ctx.report({ span: spanOf(item), message: 'notMapping', args: [list] });
      }
      for (const problem of excludeProblems(matrix, doc)) {
        if (problem.message === 'unknownKey') ctx.report({ span: problem.span, message: 'unknownKey', args: problem.args });
        else ctx.report({ span: problem.span, message: 'noMatch', args: problem.args });
      }
    },
  },
});

type ExcludeProblem = { span: Span; message: 'unknownKey'; args: [string, string] } | { span: Span; message: 'noMatch'; args: [string, string, string] };

/** Each `exclude` entry's keys and values against the matrix's (its rows and the keys `include` adds, as actionlint reads it). */
function excludeProblems(matrix: JobMatrix, doc: YamlDoc): ExcludeProblem[] {
  const problems: ExcludeProblem[] = [];
  const report = (problem: ExcludeProblem): void => void problems.push(problem);
  if (matrix.exclude.kind !== 'list' || matrix.include.kind === 'expression') return problems;
  // Matrix keys are read case-insensitively (`matrix.OS` is `matrix.os`): an `os` entry may exclude an `OS` row.
  const keys = new Map(matrix.rows.map((row) => [row.key.toLowerCase(), row.key]));
  if (matrix.include.kind === 'list') for (const item of matrix.include.items) for (const key of entryFields(doc, item)?.keys() ?? []) if (!keys.has(key.toLowerCase())) keys.set(key.toLowerCase(), key);
  const keyList = [...keys.values()].map((key) => `'${key}'`).join(', ');
  for (const item of matrix.exclude.items) {
    const fields = entryFields(doc, item);
    if (!fields) continue;
    for (const [key, field] of fields) {
      const written = keys.get(key.toLowerCase());
      if (written === undefined) {
        report({ span: field.keySpan, message: 'unknownKey', args: [key, keyList] });
        continue;
      }
      const value = field.value;
      if (value === undefined || containsExpression(value)) continue;
      const values = matrixValues(matrix, doc, written);
      if (!values || values.length === 0) continue;
      const wanted = plainValue(doc, value);
      const candidates = values.map((candidate) => plainValue(doc, candidate));
      // A value too large to compare (nested anchors) may match anything.
      if (wanted === undefined || candidates.some((candidate) => candidate === undefined || matches(wanted, candidate))) continue;
      const shown = candidates.slice(0, 8).map((candidate) => JSON.stringify(candidate));
      report({ span: spanOf(value), message: 'noMatch', args: [key, JSON.stringify(wanted), shown.join(', ') + (values.length > 8 ? ', …' : '')] });
    }
  }
  return problems;
}

function containsExpression(node: Node): boolean {
  if (isScalar(node)) return isExpression(node);
  if (isSeq(node)) return node.items.some((item) => containsExpression(item as Node));
  if (isMap(node)) return node.items.some((pair) => containsExpression(pair.value as Node));
  return false;
}

/**
 * Whether an excluded value matches a matrix value: scalars by their text (GitHub compares `14` and `'14'` alike), lists
 * item by item, mappings partially (the excluded mapping's keys must match, others may be left out).
 */
function matches(wanted: unknown, value: unknown): boolean {
  if (Array.isArray(wanted)) return Array.isArray(value) && value.length === wanted.length && wanted.every((item, index) => matches(item, value[index]));
  if (wanted !== null && typeof wanted === 'object') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    return Object.entries(wanted).every(([key, item]) => key in value && matches(item, (value as Record<string, unknown>)[key]));
  }
  if (value !== null && typeof value === 'object') return false;
  return String(wanted) === String(value);
}
