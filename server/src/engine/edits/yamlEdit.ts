import type { TextEdit } from '../core/finding';
import { isScalar, mapFields, type Node, type Scalar, type YamlDoc, type YamlFile, type YAMLMap, type YAMLSeq } from '../yaml/yamlFile';

/*
 * Text edits of YAML that keep what they do not touch: comments, quoting, line ends, the file's indentation.
 * A block to insert is written at column 0 with two-space nesting ("permissions:\n  contents: read") and is
 * re-indented to its place. New lines are inserted at a line start, never at a line end, so one fix can
 * remove an entry and insert right after it without its edits overlapping.
 */

type Ranged = { range?: [number, number, number] | null } | null | undefined;

/** Where a new map entry goes: right after the entry of key `after`, or on the line of key `before`. */
export type MapPlace = { after: Node } | { before: Node };

/** The column of an offset (a node's indentation when it starts its line). */
export function columnOf(file: YamlFile, offset: number): number {
  // From the line's start, not the file's line table: counting every line of a long file costs a keystroke's budget.
  return offset - (file.text.lastIndexOf('\n', offset - 1) + 1);
}

/** The file's indentation step: the smallest indentation of any line (2 when nothing is indented). */
export function indentUnit(file: YamlFile): string {
  if (file.indent !== undefined) return file.indent;
  let unit = 0;
  for (const match of file.text.matchAll(/^( +)\S/gm)) {
    const width = match[1]!.length;
    if (unit === 0 || width < unit) unit = width;
    if (unit <= 2) break;
  }
  return ' '.repeat(unit >= 2 && unit <= 8 ? unit : 2);
}

/**
 * Replaces a scalar's value, keeping its quoting style. A quoted value's edit covers only the text between its quotes:
 * the fix changes what must change, and an editor shows the quotes untouched.
 */
export function replaceScalar(node: Scalar, newValue: string): TextEdit | undefined {
  const range = node.range;
  if (!range) return undefined;
  switch (node.type) {
    case 'PLAIN':
      return { start: range[0], end: range[1], newText: newValue };
    case 'QUOTE_DOUBLE':
      return { start: range[0] + 1, end: range[1] - 1, newText: JSON.stringify(newValue).slice(1, -1) };
    case 'QUOTE_SINGLE':
      return { start: range[0] + 1, end: range[1] - 1, newText: newValue.replace(/'/g, "''") };
    default:
      return undefined;
  }
}

/**
 * Inserts `block` as entries of a non-empty block mapping, indented like its keys: by default after its last
 * entry and the comment lines indented under it, else at `place`. Undefined for flow mappings and odd layouts.
 */
export function insertMapEntry(file: YamlFile, map: YAMLMap, block: string, place?: MapPlace): TextEdit | undefined {
  if (map.flow || map.items.length === 0) return undefined;
  const firstKey = map.items[0]!.key;
  if (!isScalar(firstKey) || !firstKey.range || !startsLine(file, firstKey.range[0], true)) return undefined;
  const column = columnOf(file, firstKey.range[0]);
  if (place && 'before' in place) {
    const keyStart = (map.items.find((pair) => pair.key === place.before)?.key as Ranged)?.range?.[0];
    if (keyStart === undefined || !startsLine(file, keyStart, false)) return undefined;
    return insertLines(file, file.text.lastIndexOf('\n', keyStart - 1) + 1, column, block);
  }
  const pair = place ? map.items.find((item) => item.key === place.after) : map.items[map.items.length - 1];
  const end = ((pair?.value ?? pair?.key) as Ranged)?.range?.[1];
  if (end === undefined) return undefined;
  const lineStart = lineStartAfter(file, end);
  return insertLines(file, place ? lineStart : pastTrailingComments(file, lineStart, column), column, block);
}

/** Inserts `- item` after the last item of a non-empty block sequence (and the comments under it), at its dashes' column. */
export function appendToSeq(file: YamlFile, seq: YAMLSeq, item: string): TextEdit | undefined {
  if (seq.flow || seq.items.length === 0) return undefined;
  const first = (seq.items[0] as Ranged)?.range?.[0];
  const end = (seq.items[seq.items.length - 1] as Ranged)?.range?.[1];
  if (first === undefined || end === undefined) return undefined;
  const dash = dashBefore(file, first);
  if (dash === undefined) return undefined;
  const column = columnOf(file, dash);
  const [head, ...rest] = item.split('\n');
  return insertLines(file, pastTrailingComments(file, lineStartAfter(file, end), column), column, [`- ${head}`, ...rest.map((line) => `  ${line}`)].join('\n'));
}

/** Inserts `, entry` before the closing brace of a non-empty flow mapping on one line. */
export function appendToFlowMap(file: YamlFile, map: YAMLMap, entry: string): TextEdit | undefined {
  if (!map.flow || map.items.length === 0) return undefined;
  const last = map.items[map.items.length - 1]!;
  const end = ((last.value ?? last.key) as Ranged)?.range?.[1];
  const close = map.range?.[1];
  if (end === undefined || close === undefined || file.text.slice(end, close).trim() !== '}') return undefined;
  return { start: end, end, newText: `, ${entry}` };
}

/**
 * Replaces an empty value (`key: {}`, `key:`) with `block` nested under the key: the value is deleted and
 * the block inserted on the following lines, so a comment after the value stays on the key's line.
 */
export function replaceEmptyValue(file: YamlFile, key: Node, value: Node | null | undefined, block: string): TextEdit[] | undefined {
  const keyRange = key.range;
  if (!keyRange || !startsLine(file, keyRange[0], true)) return undefined;
  const colon = file.text.indexOf(':', keyRange[1]);
  if (colon < 0) return undefined;
  const valueEnd = value?.range?.[1] ?? colon + 1;
  const insertion = insertLines(file, lineStartAfter(file, Math.max(valueEnd, colon + 1)), columnOf(file, keyRange[0]) + indentUnit(file).length, block);
  if (!value?.range || value.range[0] === value.range[1]) return [insertion];
  return [{ start: colon + 1, end: value.range[1], newText: '' }, insertion];
}

/** Sets `key: <number>` in a mapping: replaces the scalar there (as a plain number), or adds the entry (block or flow). */
export function setMapNumber(file: YamlFile, yaml: YamlDoc, map: YAMLMap, key: string, value: number): TextEdit | undefined {
  const current = mapFields(yaml, map).get(key);
  if (current) {
    // A value merged in from elsewhere (`<<: *defaults`) or shared through an alias is not this map's to edit.
    const range = current.value?.range;
    if (!map.items.some((pair) => pair.key === current.key) || !isScalar(current.value) || !range) return undefined;
    return { start: range[0], end: range[1], newText: String(value) };
  }
  return map.flow ? appendToFlowMap(file, map, `${key}: ${value}`) : insertMapEntry(file, map, `${key}: ${value}`);
}

/**
 * Removes a block mapping's own `key: value` entry with its whole lines, keeping comments written on them.
 * Undefined for flow mappings, for a key that shares its line (`- key: v`), and for a key merged in from an anchor.
 */
export function removeMapEntry(file: YamlFile, map: YAMLMap, key: Node): TextEdit | undefined {
  const pair = map.items.find((item) => item.key === key);
  if (map.flow || !pair || !key.range) return undefined;
  const lineStart = file.text.lastIndexOf('\n', key.range[0] - 1) + 1;
  if (!startsLine(file, key.range[0], false)) return undefined;
  const valueEnd = (pair.value as Ranged)?.range?.[1] ?? key.range[1];
  return removeLinesKeepingComments(file, lineStart, lineStartAfter(file, valueEnd), key.range[0] - lineStart);
}

/** Removes one item of a block sequence with its lines, keeping comments; undefined when the item shares a line. */
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

/** Merges insertions at one offset into one edit, in the order given (an inner block, then an outer one after it). */
export function joinInsertions(edits: readonly TextEdit[]): TextEdit[] {
  const joined: TextEdit[] = [];
  const insertionAt = new Map<number, TextEdit>();
  for (const edit of edits) {
    const earlier = edit.start === edit.end ? insertionAt.get(edit.start) : undefined;
    if (earlier) {
      earlier.newText += edit.newText;
      continue;
    }
    const copy = { ...edit };
    if (edit.start === edit.end) insertionAt.set(edit.start, copy);
    joined.push(copy);
  }
  return joined;
}

/** `block` re-indented to `column` and the file's step, inserted as whole lines at the line start `at`. */
function insertLines(file: YamlFile, at: number, column: number, block: string): TextEdit {
  const unit = indentUnit(file);
  const body = block
    .split('\n')
    .map((line) => ' '.repeat(column) + unit.repeat(/^ */.exec(line)![0].length / 2) + line.trimStart())
    .join(file.eol);
  // At the end of a file without a final line break, the new lines need one before them.
  const needsBreak = at === file.text.length && at > 0 && file.text[at - 1] !== '\n';
  return { start: at, end: at, newText: needsBreak ? `${file.eol}${body}` : `${body}${file.eol}` };
}

/** The offset where the line after `end` starts (past a comment on the last line), or the end of the text. */
function lineStartAfter(file: YamlFile, end: number): number {
  if (end > 0 && file.text[end - 1] === '\n') return end;
  // A node whose range ends in the next line's indentation (seen after a key holding a lone surrogate) ends at that line's start.
  const lineStart = file.text.lastIndexOf('\n', end - 1) + 1;
  if (lineStart > 0 && /^[ \t]*$/.test(file.text.slice(lineStart, end))) return lineStart;
  const lineEnd = file.text.indexOf('\n', end);
  return lineEnd < 0 ? file.text.length : lineEnd + 1;
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
 * Deletes the lines from `lineStart` up to `end` (a line start), keeping any comment among them as a
 * comment line at `column`: a fix removes YAML, never what people wrote about it.
 */
function removeLinesKeepingComments(file: YamlFile, lineStart: number, end: number, column: number): TextEdit {
  const kept = file.text
    .slice(lineStart, end)
    .split('\n')
    .flatMap((line) => lineComment(line.replace(/\r$/, '')) ?? [])
    .map((comment) => ' '.repeat(column) + comment + file.eol);
  return { start: lineStart, end, newText: kept.join('') };
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

/** The comment of one line of YAML (`# …` after whitespace, outside quotes), if any. */
function lineComment(line: string): string | undefined {
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
