import type { TextEdit } from './finding';
import { isScalar, type Scalar, type YamlFile, type YAMLMap } from './yamlFile';

/**
 * Deletes a `key: value` entry of a block mapping with its whole lines, keeping every comment written
 * on those lines (a trailing `# note`, comments inside a nested value) as comment lines at the key's
 * indentation. Undefined for flow mappings, for a key that shares its line with something else
 * (`- key: v`), and for a key that is not this mapping's own (merged in from an anchor).
 */
export function removeFieldKeepingComments(file: YamlFile, map: YAMLMap, key: Scalar): TextEdit | undefined {
  if (map.flow || !isScalar(key) || !key.range) return undefined;
  const pair = map.items.find((item) => item.key === key);
  if (!pair) return undefined;
  const text = file.text;
  const lineStart = text.lastIndexOf('\n', key.range[0] - 1) + 1;
  const indent = text.slice(lineStart, key.range[0]);
  if (indent.trim() !== '') return undefined;
  const valueEnd = (pair.value as { range?: [number, number, number] } | null)?.range?.[1] ?? key.range[1];
  let end: number;
  if (valueEnd > lineStart && text[valueEnd - 1] === '\n') {
    end = valueEnd;
  } else {
    const lineBreak = text.indexOf('\n', valueEnd);
    end = lineBreak < 0 ? text.length : lineBreak + 1;
  }
  const kept = text
    .slice(lineStart, end)
    .split('\n')
    .flatMap((line) => lineComment(line.replace(/\r$/, '')) ?? []);
  const lineBreak = text.slice(0, end).endsWith('\n') ? file.eol : '';
  const newText = kept.map((comment, index) => `${indent}${comment}${index < kept.length - 1 ? file.eol : lineBreak}`).join('');
  return { start: lineStart, end, newText };
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
