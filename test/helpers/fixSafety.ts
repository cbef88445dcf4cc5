import { strict as assert } from 'node:assert';
import type { Finding, TextEdit } from '../../server/src/engine/core/finding';
import { applyEdits, combineFixes } from '../../server/src/engine/core/fixes';
import { fixAll, lint } from '../../server/src/engine/core/lint';
import { RULES } from '../../server/src/rules';
import { parses, type Sample } from './fuzzInputs';

const KINDS = ['safe', 'suggestion'] as const;

/**
 * Comments of a file (YAML and shell alike), which fixes must keep. Found by a `#` after a space, so text in a
 * script's strings and here-documents counts too; there a fix may move a `${{ }}` expression into a variable
 * (`#${{ inputs.pr }}` → `#$PR`, or `$env:PR` in PowerShell), so both read as one placeholder.
 */
function comments(text: string): string[] {
  return text
    .split(/\r?\n/)
    .flatMap((line) => /(?:^|\s)(#.*)$/.exec(line)?.[1] ?? [])
    .map((comment) => comment.replace(/\$\{\{.*?\}\}|\$\{[A-Za-z_]\w*\}|\$(?:env:)?[A-Za-z_]\w*/g, '\u2026'));
}

/**
 * Fixes that make text readable to other rules, which then report what was there all along, not something the fix
 * added: fix's rule → the rules it may reveal findings of, and why.
 */
const REVEALS: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map([
  // `inputs.massage` → `inputs.message`: the corrected name can name text a user types, pasted into a script.
  ['gha/expression', new Map([['gha/script-injection', 'a corrected property name can name untrusted text']])],
  // `::set-output name=v::…` → `echo "v=…" >> "$GITHUB_OUTPUT"`: the output's source is now followed to its readers.
  ['gha/deprecated-commands', new Map([['gha/script-injection', 'an output written to $GITHUB_OUTPUT is traced to where it is read']])],
]);

function loudCounts(findings: readonly Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { ruleId, severity } of findings) {
    if (severity === 'error' || severity === 'warning') counts.set(ruleId, (counts.get(ruleId) ?? 0) + 1);
  }
  return counts;
}

function count(findings: readonly Finding[], ruleId: string): number {
  return findings.filter((finding) => finding.ruleId === ruleId).length;
}

/** Every byte between, before and after the edits is where it was, in order. */
function assertOnlyEditsChanged(before: string, after: string, edits: readonly TextEdit[], what: string): void {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let from = 0;
  let at = 0;
  for (const edit of sorted) {
    const kept = before.slice(from, edit.start);
    assert.equal(after.slice(at, at + kept.length), kept, `${what}: text before offset ${edit.start} changed`);
    at += kept.length;
    assert.equal(after.slice(at, at + edit.newText.length), edit.newText, `${what}: edit at ${edit.start} not applied as given`);
    at += edit.newText.length;
    from = edit.end;
  }
  assert.equal(after.slice(at), before.slice(from), `${what}: text after the last edit changed`);
}

/**
 * No two edits overlap. Insertions at one offset are fine within one fix (LSP applies them in array
 * order) but not across the fixes fix-all combines, whose order would be arbitrary.
 */
function assertDisjoint(edits: readonly TextEdit[], what: string, fixOf: (edit: TextEdit) => unknown = () => 0): void {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    const [prev, next] = [sorted[i - 1]!, sorted[i]!];
    const clash = prev.end > next.start || (prev.start === next.start && fixOf(prev) !== fixOf(next));
    assert.ok(!clash, `${what}: edits ${prev.start}-${prev.end} and ${next.start}-${next.end} overlap`);
  }
}

/**
 * Checks every fix and suggestion of a file one by one, then fix-all: what must hold is listed in the
 * issue (parses, removes its finding, adds no error/warning of another rule, touches nothing outside its
 * edits, keeps comments, idempotent, fix-all edits disjoint). Returns how many fixes it checked.
 */
export function checkFixSafety(sample: Sample): number {
  const { text, path } = sample;
  const before = lint(text, path, { rules: RULES, preset: 'all' }).findings;
  const parsedBefore = parses(text);
  const beforeLoud = loudCounts(before);
  const seen = new Set<readonly TextEdit[]>();
  let checked = 0;
  for (const finding of before) {
    const fix = finding.fix;
    if (!fix || seen.has(fix.edits)) continue;
    seen.add(fix.edits);
    checked++;
    const what = `${sample.name}: ${finding.ruleId} fix "${fix.title}"`;
    assertDisjoint(fix.edits, what);
    const after = applyEdits(text, fix.edits);
    assertOnlyEditsChanged(text, after, fix.edits, what);
    if (parsedBefore) assert.ok(parses(after), `${what} broke the YAML`);
    const afterFindings = lint(after, path, { rules: RULES, preset: 'all' }).findings;
    assert.ok(count(afterFindings, finding.ruleId) < count(before, finding.ruleId), `${what} did not remove its finding`);
    for (const [ruleId, n] of loudCounts(afterFindings)) {
      if (ruleId === finding.ruleId || REVEALS.get(finding.ruleId)?.has(ruleId)) continue;
      assert.ok(n <= (beforeLoud.get(ruleId) ?? 0), `${what} added a ${ruleId} finding`);
    }
    const lost = comments(text).filter((comment) => !comments(after).includes(comment));
    assert.deepEqual(lost, [], `${what} lost comments`);
  }

  const combined = combineFixes(before, KINDS);
  const owner = new Map<TextEdit, unknown>(before.flatMap((finding) => (finding.fix ? finding.fix.edits.map((edit) => [edit, finding.fix!.edits] as const) : [])));
  assertDisjoint(combined.edits, `${sample.name}: fix-all`, (edit) => owner.get(edit));
  const fixed = fixAll(text, path, { rules: RULES, preset: 'all' }, KINDS).text;
  if (parsedBefore) assert.ok(parses(fixed), `${sample.name}: fix-all broke the YAML`);
  const lost = comments(text).filter((comment) => !comments(fixed).includes(comment));
  assert.deepEqual(lost, [], `${sample.name}: fix-all lost comments`);
  assert.equal(fixAll(fixed, path, { rules: RULES, preset: 'all' }, KINDS).text, fixed, `${sample.name}: fix-all is not idempotent`);
  return checked;
}
