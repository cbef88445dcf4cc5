import type { TextEdit } from './finding';
import { appendMapEntry, columnOf, indentUnit } from './yamlEdit';
import { isScalar, mapFields, type Node, type Scalar, type YamlDoc, type YamlFile, type YAMLMap, type YAMLSeq } from './yamlFile';

/**
 * Lines to insert at the start of a line (`at`), written at column 0 with two-space nesting in `block` and
 * re-indented to `column` and the file's step. Insertions at line starts (not line ends) can sit right
 * after a removed block without overlapping it, which lets one fix delete an entry and append elsewhere.
 */
export interface LineInsertion {
  at: number;
  lines: string[];
}

type Ranged = { range?: [number, number, number] | null } | null | undefined;

/** The offset where the line after `end` starts (past a comment on the last line), or the end of the text. */
export function lineStartAfter(file: YamlFile, end: number): number {
  if (end > 0 && file.text[end - 1] === '\n') return end;
  const lineEnd = file.text.indexOf('\n', end);
  return lineEnd < 0 ? file.text.length : lineEnd + 1;
}

export function indentBlock(file: YamlFile, column: number, block: string): string[] {
  const unit = indentUnit(file);
  return block.split('\n').map((line) => ' '.repeat(column) + unit.repeat(/^ */.exec(line)![0].length / 2) + line.trimStart());
}

/** A block entry after the last entry of a non-empty block mapping, indented like its keys. */
export function mapInsertion(file: YamlFile, map: YAMLMap, block: string): LineInsertion | undefined {
  if (map.flow || map.items.length === 0) return undefined;
  const firstKey = map.items[0]?.key;
  const last = map.items[map.items.length - 1]!;
  const end = ((last.value ?? last.key) as Ranged)?.range?.[1];
  if (!isScalar(firstKey) || !firstKey.range || end === undefined || !startsLine(file, firstKey.range[0], true)) return undefined;
  const column = columnOf(file, firstKey.range[0]);
  return { at: pastTrailingComments(file, lineStartAfter(file, end), column), lines: indentBlock(file, column, block) };
}

/** `- item` after the last item of a non-empty block sequence, at its dashes' column. */
export function seqInsertion(file: YamlFile, seq: YAMLSeq, item: string): LineInsertion | undefined {
  if (seq.flow || seq.items.length === 0) return undefined;
  const first = (seq.items[0] as Ranged)?.range?.[0];
  const end = (seq.items[seq.items.length - 1] as Ranged)?.range?.[1];
  if (first === undefined || end === undefined) return undefined;
  const dash = dashBefore(file, first);
  if (dash === undefined) return undefined;
  const [head, ...rest] = item.split('\n');
  return { at: pastTrailingComments(file, lineStartAfter(file, end), columnOf(file, dash)), lines: indentBlock(file, columnOf(file, dash), [`- ${head}`, ...rest.map((line) => `  ${line}`)].join('\n')) };
}

/** Comment lines indented at least to `column` right after a block still belong to it: insert after them. */
function pastTrailingComments(file: YamlFile, at: number, column: number): number {
  for (;;) {
    const match = /^( *)#[^\n]*(\n|$)/.exec(file.text.slice(at, at + 1000));
    if (!match || match[1]!.length < column || match[2] === '') return at;
    at += match[0].length;
  }
}

/**
 * Turns insertions into edits: insertions at the same offset become one edit, in the order given
 * (so an inner block can be followed by an outer one), and a file without a final line break gets one.
 */
export function insertionEdits(file: YamlFile, insertions: readonly LineInsertion[]): TextEdit[] {
  const byOffset = new Map<number, string[]>();
  for (const insertion of insertions) byOffset.set(insertion.at, [...(byOffset.get(insertion.at) ?? []), ...insertion.lines]);
  return [...byOffset].map(([at, lines]) => {
    const body = lines.join(file.eol);
    const needsBreak = at === file.text.length && at > 0 && file.text[at - 1] !== '\n';
    return { start: at, end: at, newText: needsBreak ? `${file.eol}${body}` : `${body}${file.eol}` };
  });
}

/** `, key: value` before the closing brace of a non-empty flow mapping on one line. */
export function appendToFlowMap(file: YamlFile, map: YAMLMap, entry: string): TextEdit | undefined {
  if (!map.flow || map.items.length === 0) return undefined;
  const last = map.items[map.items.length - 1]!;
  const end = ((last.value ?? last.key) as Ranged)?.range?.[1];
  const close = map.range?.[1];
  if (end === undefined || close === undefined || file.text.slice(end, close).trim() !== '}') return undefined;
  return { start: end, end, newText: `, ${entry}` };
}

/**
 * Replaces an empty value (`key: {}`, `key:`) with a nested block under the key: the value is deleted
 * and the block inserted on the following lines, so a comment after the value stays on the key's line.
 */
export function replaceEmptyValue(file: YamlFile, key: Node, value: Node | null | undefined, block: string): { edit?: TextEdit; insertion: LineInsertion } | undefined {
  const keyRange = key.range;
  if (!keyRange || !startsLine(file, keyRange[0], true)) return undefined;
  const colon = file.text.indexOf(':', keyRange[1]);
  if (colon < 0) return undefined;
  const valueEnd = value?.range?.[1] ?? colon + 1;
  const lines = indentBlock(file, columnOf(file, keyRange[0]) + indentUnit(file).length, block);
  const insertion = { at: lineStartAfter(file, Math.max(valueEnd, colon + 1)), lines };
  if (!value?.range || value.range[0] === value.range[1]) return { insertion };
  return { edit: { start: colon + 1, end: value.range[1], newText: '' }, insertion };
}

/**
 * Deletes the lines from `lineStart` up to `end` (a line start), keeping any comment among them as a
 * comment line at `column`: a fix removes YAML, never what people wrote about it.
 */
export function removeLinesKeepingComments(file: YamlFile, lineStart: number, end: number, column: number): TextEdit {
  const kept = file.text
    .slice(lineStart, end)
    .split('\n')
    .flatMap((line) => lineComment(line.replace(/\r$/, '')) ?? [])
    .map((comment) => ' '.repeat(column) + comment + file.eol);
  return { start: lineStart, end, newText: kept.join('') };
}

/**
 * Deletes a `key: value` entry of a block mapping with its whole lines, keeping comments written on them.
 * Undefined for flow mappings, for a key that shares its line (`- key: v`), and for a key merged in from an anchor.
 */
export function removeFieldKeepingComments(file: YamlFile, map: YAMLMap, key: Scalar): TextEdit | undefined {
  const pair = map.items.find((item) => item.key === key);
  if (map.flow || !pair || !key.range) return undefined;
  const lineStart = file.text.lastIndexOf('\n', key.range[0] - 1) + 1;
  if (file.text.slice(lineStart, key.range[0]).trim() !== '') return undefined;
  const valueEnd = (pair.value as Ranged)?.range?.[1] ?? key.range[1];
  return removeLinesKeepingComments(file, lineStart, lineStartAfter(file, valueEnd), key.range[0] - lineStart);
}

/** Removes one item of a block sequence with its lines (comments kept); undefined when the item shares a line. */
export function removeSeqItem(file: YamlFile, item: Node): TextEdit | undefined {
  const range = item.range;
  if (!range) return undefined;
  const dash = dashBefore(file, range[0]);
  if (dash === undefined) return undefined;
  const lineStart = file.text.lastIndexOf('\n', dash - 1) + 1;
  const end = lineStartAfter(file, range[1]);
  const next = file.text.slice(range[1], end).trim();
  if (next !== '' && !next.startsWith('#')) return undefined;
  return removeLinesKeepingComments(file, lineStart, end, dash - lineStart);
}

/** Whether only blanks (and, when `dashOk`, sequence dashes) precede the offset on its line. */
function startsLine(file: YamlFile, offset: number, dashOk: boolean): boolean {
  const lineStart = file.text.lastIndexOf('\n', offset - 1) + 1;
  const before = file.text.slice(lineStart, offset);
  return dashOk ? /^[ -]*$/.test(before) && !/--/.test(before) : /^ *$/.test(before);
}

/** The `-` that opens the item starting at `offset`, when it is the first thing on its line. */
function dashBefore(file: YamlFile, offset: number): number | undefined {
  const lineStart = file.text.lastIndexOf('\n', offset - 1) + 1;
  const before = file.text.slice(lineStart, offset);
  const match = /^( *)- +$/.exec(before);
  return match ? lineStart + match[1]!.length : undefined;
}

/** Sets `key: <number>` in a mapping: replaces the scalar that is there (as a plain number), or appends the entry (block or flow). */
export function setMapNumber(file: YamlFile, yaml: YamlDoc, map: YAMLMap, key: string, value: number): TextEdit | undefined {
  const current = mapFields(yaml, map).get(key);
  if (current) {
    // A value merged in from elsewhere (`<<: *defaults`) or shared through an alias is not this map's to edit.
    const range = current.value?.range;
    if (!map.items.some((pair) => pair.key === current.key) || !isScalar(current.value) || !range) return undefined;
    return { start: range[0], end: range[1], newText: String(value) };
  }
  return map.flow ? appendToFlowMap(file, map, `${key}: ${value}`) : appendMapEntry(file, map, key, String(value));
}

/** The comment of one line of YAML (`# …` after whitespace, outside quotes), if any. */
export function lineComment(line: string): string | undefined {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    const before = i === 0 ? ' ' : line[i - 1]!;
    if (quote) {
      if (quote === '"' && c === '\\') i++;
      else if (c === quote) {
        if (quote === "'" && line[i + 1] === "'") i++;
        else quote = undefined;
      }
      continue;
    }
    // A quote only opens a scalar where a token starts (not inside `don't`).
    if ((c === '"' || c === "'") && /[\s:[{,-]/.test(before)) quote = c;
    else if (c === '#' && /\s/.test(before)) return line.slice(i).trimEnd();
  }
  return undefined;
}
