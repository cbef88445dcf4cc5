import type { Finding, FixKind, TextEdit } from './finding';

/** Applies non-overlapping edits (offsets into `text`); throws on overlap, which is a bug in a rule. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.start < cursor || edit.end < edit.start || edit.end > text.length) {
      throw new Error(`overlapping or out-of-range edit at ${edit.start}-${edit.end}`);
    }
    out += text.slice(cursor, edit.start) + edit.newText;
    cursor = edit.end;
  }
  return out + text.slice(cursor);
}

/**
 * The edits of every fix of the given kinds that can be applied together: a fix whose edits overlap
 * an earlier one is left for the next pass (the caller re-lints and repeats).
 */
export function combineFixes(findings: readonly Finding[], kinds: readonly FixKind[]): { edits: TextEdit[]; applied: number } {
  const taken: TextEdit[] = [];
  let applied = 0;
  for (const finding of findings) {
    const fix = finding.fix;
    if (!fix || !kinds.includes(fix.kind)) continue;
    const clashes = fix.edits.some((edit) => taken.some((other) => overlaps(edit, other)));
    if (clashes) continue;
    for (const edit of fix.edits) taken.push(edit);
    applied++;
  }
  return { edits: taken, applied };
}

// Two insertions at the same offset clash too: their order would be arbitrary.
function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.start === b.start) return true;
  return a.start < b.end && b.start < a.end;
}
