import type { Span } from '../core/finding';
import { isMap, isScalar, isSeq, mapFields, seqItems, type Field, type Node, type YamlDoc, type YAMLMap } from '../yaml/yamlFile';
import type { Job } from './workflow';

/**
 * A job's `strategy.matrix` as written: its rows (`os: [a, b]`), and its `include` and `exclude` entries. What only the
 * run knows (`${{ fromJSON(...) }}` in place of the matrix, a row, or a list of entries) is marked, so readers stay
 * silent about it rather than guess.
 */
export interface JobMatrix {
  node: YAMLMap;
  /** The `matrix:` key, where findings about the whole matrix point. */
  keySpan: Span;
  rows: MatrixRow[];
  include: MatrixEntries;
  exclude: MatrixEntries;
}

export interface MatrixRow {
  key: string;
  keySpan: Span;
  /** The row's value as written. */
  node: Node | undefined;
  /** The row's values, or `expression` when the row is computed (`os: ${{ fromJSON(...) }}`) or is not a list. */
  values: Node[] | 'expression' | 'not-a-list';
}

/** `include:` or `exclude:`: absent, computed by an expression, or a list of items (mappings, or not). */
export type MatrixEntries = { kind: 'absent' } | { kind: 'expression' } | { kind: 'list'; keySpan: Span; items: Node[] };

/** A scalar holding `${{ }}`: a value only the run knows. */
export function isExpression(node: Node | null | undefined): boolean {
  return isScalar(node) && typeof node.value === 'string' && node.value.includes('${{');
}

/**
 * The job's matrix, or undefined when it has none or the whole matrix is an expression (`matrix: ${{ fromJSON(...) }}`).
 */
export function jobMatrix(job: Job, yaml: YamlDoc): JobMatrix | undefined {
  const strategy = job.fields.get('strategy')?.value;
  if (!isMap(strategy)) return undefined;
  const field = mapFields(yaml, strategy).get('matrix');
  const node = field?.value;
  if (!field || !isMap(node)) return undefined;
  const matrix: JobMatrix = { node, keySpan: field.keySpan, rows: [], include: { kind: 'absent' }, exclude: { kind: 'absent' } };
  for (const [key, entry] of mapFields(yaml, node)) {
    if (key === 'include' || key === 'exclude') matrix[key] = entries(yaml, entry);
    else matrix.rows.push({ key, keySpan: entry.keySpan, node: entry.value, values: rowValues(yaml, entry.value) });
  }
  return matrix;
}

function rowValues(yaml: YamlDoc, node: Node | undefined): MatrixRow['values'] {
  if (isSeq(node)) return seqItems(yaml, node);
  return isExpression(node) ? 'expression' : 'not-a-list';
}

function entries(yaml: YamlDoc, field: Field): MatrixEntries {
  const node = field.value;
  if (isSeq(node)) return { kind: 'list', keySpan: field.keySpan, items: seqItems(yaml, node) };
  if (isExpression(node)) return { kind: 'expression' };
  return node === undefined || (isScalar(node) && node.value === null) ? { kind: 'absent' } : { kind: 'list', keySpan: field.keySpan, items: [] };
}

/** The fields of an `include` or `exclude` entry that is a mapping. */
export function entryFields(yaml: YamlDoc, entry: Node): Map<string, Field> | undefined {
  return isMap(entry) ? mapFields(yaml, entry) : undefined;
}

/**
 * The values `matrix.<key>` can take (keys compared case-insensitively, as GitHub reads them): the row's and those
 * `include` entries set, each with where it is written; undefined when an expression decides any of them.
 */
export function matrixValues(matrix: JobMatrix, yaml: YamlDoc, key: string): Node[] | undefined {
  const values: Node[] = [];
  const row = matrix.rows.find((candidate) => candidate.key.toLowerCase() === key.toLowerCase());
  if (row) {
    if (!Array.isArray(row.values)) return undefined;
    values.push(...row.values);
  }
  if (matrix.include.kind === 'expression') return undefined;
  if (matrix.include.kind === 'list') {
    for (const item of matrix.include.items) {
      const value = [...(entryFields(yaml, item) ?? [])].find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1].value;
      if (value !== undefined) values.push(value);
    }
  }
  return values.some((value) => isExpression(value)) ? undefined : values;
}

/** Nodes a matrix value may have, aliases counted each time they are followed, before it is too large to compare. */
const PLAIN_VALUE_NODES = 10_000;

/**
 * A matrix value as plain data (what GitHub compares), aliases followed; undefined when it is too large to compare
 * (nested anchors, `&b [*a, *a]`, double a value's size at each level: a few lines may stand for billions of nodes).
 */
export function plainValue(yaml: YamlDoc, node: Node | undefined): unknown {
  const budget = { left: PLAIN_VALUE_NODES };
  const value = plainValueWithin(yaml, node, 0, budget);
  return budget.left < 0 ? undefined : value;
}

function plainValueWithin(yaml: YamlDoc, node: Node | undefined, depth: number, budget: { left: number }): unknown {
  if (node === undefined || depth > 32 || --budget.left < 0) return null;
  if (isScalar(node)) return node.value ?? null;
  if (isSeq(node)) return seqItems(yaml, node).map((item) => plainValueWithin(yaml, item, depth + 1, budget));
  if (isMap(node)) {
    const object: Record<string, unknown> = {};
    for (const [key, field] of mapFields(yaml, node)) object[key] = plainValueWithin(yaml, field.value, depth + 1, budget);
    return object;
  }
  return null;
}
