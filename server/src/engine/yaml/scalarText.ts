import type { Scalar } from 'yaml';
import type { Span } from '../core/finding';

/**
 * A string scalar's value together with a map back to the file, so a rule can point at (and edit)
 * one word inside a multi-line `run:` script.
 */
export interface ScalarText {
  value: string;
  /** Source offset of `value[index]`, or undefined where the value cannot be mapped (escapes we do not follow). */
  sourceOffset(index: number): number | undefined;
  /** Source span of `value.slice(start, end)` when it stands in the file verbatim; else undefined. */
  sourceSpan(start: number, end: number): Span | undefined;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/', '0': '\0', ' ': ' ', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v',
};

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/**
 * Aligns the value with the scalar's source text. Non-space characters of the value appear in the
 * source in order; what lies between them is indentation, line folding, quotes, or escapes.
 * Block headers (`|`, `>-`, `|2`) and the opening quote are skipped first.
 */
export function scalarText(text: string, node: Scalar): ScalarText | undefined {
  if (typeof node.value !== 'string' || !node.range) return undefined;
  const value = node.value;
  const [from, to] = node.range;
  let pos = from;
  const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
  if (block) {
    const headerEnd = text.indexOf('\n', from);
    pos = headerEnd < 0 || headerEnd >= to ? to : headerEnd + 1;
  } else if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') {
    pos = from + 1;
  }
  const map = new Array<number | undefined>(value.length);
  const doubleQuoted = node.type === 'QUOTE_DOUBLE';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    // Escaped line breaks in double quotes join lines and stand for nothing in the value.
    while (doubleQuoted && text[pos] === '\\' && (text[pos + 1] === '\n' || text[pos + 1] === '\r')) {
      pos += 2;
      while (pos < to && isSpace(text[pos]!)) pos++;
    }
    if (doubleQuoted && text[pos] === '\\') {
      const escaped = text[pos + 1];
      if (escaped === undefined || SIMPLE_ESCAPES[escaped] !== ch) return undefined;
      map[i] = pos;
      pos += 2;
      continue;
    }
    if (isSpace(ch)) {
      // A blank of the value matches the next blank of the source (folding turns a line break into a space).
      if (pos >= to) continue;
      if (!isSpace(text[pos]!)) return undefined;
      map[i] = pos++;
      continue;
    }
    while (pos < to && isSpace(text[pos]!)) pos++;
    if (pos >= to || text[pos] !== ch) return undefined;
    map[i] = pos;
    // A quote inside single quotes is written twice.
    pos += node.type === 'QUOTE_SINGLE' && ch === "'" ? 2 : 1;
  }

  const sourceOffset = (index: number): number | undefined => map[index];
  return {
    value,
    sourceOffset,
    sourceSpan(start, end) {
      if (end <= start) return undefined;
      const first = map[start];
      const last = map[end - 1];
      if (first === undefined || last === undefined) return undefined;
      const span = { start: first, end: last + 1 };
      return text.slice(span.start, span.end) === value.slice(start, end) ? span : undefined;
    },
  };
}
