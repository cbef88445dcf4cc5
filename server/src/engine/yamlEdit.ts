import type { TextEdit } from './finding';
import type { YamlFile } from './yamlFile';
import { isScalar, type Scalar, type YAMLMap } from './yamlFile';

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
  return file.lineCounter.linePos(offset).col - 1;
}

/**
 * Adds `key: value` as the last entry of a block mapping, indented like its other keys, after any
 * comment on the last line. Flow mappings (`{ a: 1 }`) are left alone: undefined.
 */
export function appendMapEntry(file: YamlFile, map: YAMLMap, key: string, value: string): TextEdit | undefined {
  if (map.flow || map.items.length === 0) return undefined;
  const firstKey = map.items[0]?.key;
  const last = map.items[map.items.length - 1];
  if (!isScalar(firstKey) || !firstKey.range || !last) return undefined;
  const lastNode = (last.value ?? last.key) as { range?: [number, number, number] } | null;
  const lastEnd = lastNode?.range?.[1];
  if (lastEnd === undefined) return undefined;
  const indent = ' '.repeat(columnOf(file, firstKey.range[0]));
  const text = file.text;
  // Block scalars end after their final line break; anything else ends mid-line, before a possible comment.
  if (lastEnd > 0 && text[lastEnd - 1] === '\n') {
    return { start: lastEnd, end: lastEnd, newText: `${indent}${key}: ${value}${file.eol}` };
  }
  let lineEnd = text.indexOf('\n', lastEnd);
  if (lineEnd < 0) lineEnd = text.length;
  else if (text[lineEnd - 1] === '\r') lineEnd--;
  return { start: lineEnd, end: lineEnd, newText: `${file.eol}${indent}${key}: ${value}` };
}
