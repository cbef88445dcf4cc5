import type { TextEdit } from './finding';
import type { YamlFile } from './yamlFile';
import { isScalar, type Scalar, type YAMLMap, type YAMLSeq } from './yamlFile';

/** Replaces a scalar's value, keeping its quoting style. Only for values that need no escaping. */
export function replaceScalar(node: Scalar, newValue: string): TextEdit | undefined {
  const range = node.range;
  if (!range) return undefined;
  let newText: string;
  switch (node.type) {
    case 'PLAIN':
      newText = newValue;
      break;
    case 'QUOTE_DOUBLE':
      newText = JSON.stringify(newValue);
      break;
    case 'QUOTE_SINGLE':
      newText = `'${newValue.replace(/'/g, "''")}'`;
      break;
    default:
      return undefined;
  }
  return { start: range[0], end: range[1], newText };
}

/** The column of a node's first character (its indentation when it starts a line). */
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

/** Where a new line goes after a node: past a comment on its last line, or right after a block scalar's final break. */
function lineEndAfter(file: YamlFile, offset: number): { at: number; lineBreakFirst: boolean } {
  const text = file.text;
  if (offset > 0 && text[offset - 1] === '\n') return { at: offset, lineBreakFirst: false };
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  else if (text[lineEnd - 1] === '\r') lineEnd--;
  return { at: lineEnd, lineBreakFirst: true };
}

function insertLines(file: YamlFile, after: number, indent: string, block: string): TextEdit {
  const unit = indentUnit(file);
  const lines = block.split('\n').map((line) => {
    const nesting = /^ */.exec(line)![0].length / 2;
    return indent + unit.repeat(nesting) + line.trimStart();
  });
  const { at, lineBreakFirst } = lineEndAfter(file, after);
  const body = lines.join(file.eol);
  return { start: at, end: at, newText: lineBreakFirst ? `${file.eol}${body}` : `${body}${file.eol}` };
}

/**
 * Adds `block` (YAML written at column 0, nested with two spaces, e.g. "permissions:\n  contents: read")
 * after the last entry of a block mapping, indented like its keys and re-indented to the file's step.
 * Flow mappings (`{ a: 1 }`) and empty ones are left alone: undefined.
 */
export function appendToMap(file: YamlFile, map: YAMLMap, block: string): TextEdit | undefined {
  if (map.flow || map.items.length === 0) return undefined;
  const firstKey = map.items[0]?.key;
  const last = map.items[map.items.length - 1];
  if (!isScalar(firstKey) || !firstKey.range || !last) return undefined;
  const lastNode = (last.value ?? last.key) as { range?: [number, number, number] } | null;
  const lastEnd = lastNode?.range?.[1];
  if (lastEnd === undefined) return undefined;
  return insertLines(file, lastEnd, ' '.repeat(columnOf(file, firstKey.range[0])), block);
}

/** Adds `key: value` as the last entry of a block mapping (see appendToMap). */
export function appendMapEntry(file: YamlFile, map: YAMLMap, key: string, value: string): TextEdit | undefined {
  return appendToMap(file, map, `${key}: ${value}`);
}

/** Adds `- item` (item written at column 0, nested with two spaces) after the last item of a block sequence. */
export function appendToSeq(file: YamlFile, seq: YAMLSeq, item: string): TextEdit | undefined {
  if (seq.flow || seq.items.length === 0) return undefined;
  const first = seq.items[0] as { range?: [number, number, number] } | null;
  const last = seq.items[seq.items.length - 1] as { range?: [number, number, number] } | null;
  const firstStart = first?.range?.[0];
  const lastEnd = last?.range?.[1];
  if (firstStart === undefined || lastEnd === undefined) return undefined;
  const lineStart = file.text.lastIndexOf('\n', firstStart - 1) + 1;
  const dash = file.text.lastIndexOf('-', firstStart - 1);
  if (dash < lineStart) return undefined;
  const indent = ' '.repeat(dash - lineStart);
  const [head, ...rest] = item.split('\n');
  const block = [`- ${head}`, ...rest.map((line) => `  ${line}`)].join('\n');
  return insertLines(file, lastEnd, indent, block);
}

/**
 * Deletes a `key: value` entry of a block mapping with its whole lines. Undefined when the key shares
 * its line with something else (`- key: v` opening a sequence item), which would need rewriting that line.
 */
export function removeMapEntry(file: YamlFile, map: YAMLMap, key: string): TextEdit | undefined {
  if (map.flow) return undefined;
  const pair = map.items.find((item) => isScalar(item.key) && item.key.value === key);
  const keyNode = pair?.key as Scalar | undefined;
  const valueNode = pair?.value as { range?: [number, number, number] } | null | undefined;
  if (!keyNode?.range) return undefined;
  const text = file.text;
  const lineStart = text.lastIndexOf('\n', keyNode.range[0] - 1) + 1;
  if (text.slice(lineStart, keyNode.range[0]).trim() !== '') return undefined;
  const valueEnd = valueNode?.range?.[1] ?? keyNode.range[1];
  const { at, lineBreakFirst } = lineEndAfter(file, valueEnd);
  const end = !lineBreakFirst ? at : text[at] === '\r' ? at + 2 : text[at] === '\n' ? at + 1 : at;
  return { start: lineStart, end, newText: '' };
}
