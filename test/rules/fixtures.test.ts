import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ENGINE_RULES, type Finding } from '../../server/src/engine/finding';
import { applyEdits } from '../../server/src/engine/fixes';
import { fixAll } from '../../server/src/engine/lint';
import { RULES } from '../../server/src/rules';
import { describeFindings, lintPath, lintWith, parseExpectations, ruleFixtures } from '../helpers/fixtures';

const ALL_KINDS = ['safe', 'suggestion'] as const;

function parsesCleanly(text: string): boolean {
  return parseAllDocuments(text).every((doc) => doc.errors.length === 0);
}

function countByRule(findings: Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const finding of findings) counts.set(finding.ruleId, (counts.get(finding.ruleId) ?? 0) + 1);
  return counts;
}

/** Comments of a file (YAML and shell alike), which fixes must keep. */
function comments(text: string): string[] {
  return text.split('\n').flatMap((line) => /(?:^|\s)(#.*)$/.exec(line)?.[1] ?? []);
}

for (const rule of RULES) {
  describe(`rule ${rule.id}`, () => {
    const fixtures = ruleFixtures(rule.id);

    it('has fixtures that must fire and fixtures that must not', () => {
      assert.ok(fixtures.some((f) => parseExpectations(f.text).some((e) => e.ruleId === rule.id)), 'no fixture expects a finding');
      assert.ok(fixtures.some((f) => /^good/.test(f.name) && parseExpectations(f.text).length === 0), 'no good*.yaml fixture without expectations');
    });

    for (const fixture of fixtures) {
      const path = lintPath(rule.id, fixture.name);

      it(`${fixture.name}: reports exactly the expected findings`, () => {
        const result = lintWith([rule], fixture.text, path);
        const engine = result.findings.filter((f) => f.ruleId.startsWith('shipcheck/'));
        assert.deepEqual(describeFindings(result, engine), [], 'fixture is broken or a rule crashed');
        const actual = result.findings
          .filter((f) => f.ruleId === rule.id)
          .map((f) => ({ line: result.file.lineCounter.linePos(f.span.start).line, ruleId: f.ruleId, severity: f.severity }));
        const expected = parseExpectations(fixture.text).filter((e) => e.ruleId === rule.id);
        const key = (e: { line: number; ruleId: string; severity?: string }) => `${e.line} ${e.ruleId}`;
        assert.deepEqual(actual.map(key).sort(), expected.map(key).sort(), `findings:\n${describeFindings(result, result.findings).join('\n')}`);
        for (const exp of expected) {
          const got = actual.find((a) => a.line === exp.line && (exp.severity === undefined || a.severity === exp.severity));
          assert.ok(got, `line ${exp.line}: expected severity ${exp.severity ?? rule.severity}, got ${actual.filter((a) => a.line === exp.line).map((a) => a.severity)}`);
          if (exp.severity === undefined) assert.equal(got.severity, rule.severity, `line ${exp.line}: default severity`);
        }
        for (const finding of result.findings) {
          assert.ok(finding.span.end > finding.span.start, `empty span for ${finding.message}`);
          assert.ok(finding.span.end <= fixture.text.length);
        }
      });

      it(`${fixture.name}: every fix re-parses, removes its finding, adds none and keeps comments`, () => {
        const before = lintWith(RULES, fixture.text, path);
        const beforeCounts = countByRule(before.findings);
        for (const finding of before.findings.filter((f) => f.ruleId === rule.id && f.fix)) {
          assert.equal(finding.fix!.kind, rule.fixable, 'fix kind matches the rule');
          const after = applyEdits(fixture.text, finding.fix!.edits);
          assert.ok(parsesCleanly(after), `fix "${finding.fix!.title}" broke the YAML:\n${after}`);
          const afterResult = lintWith(RULES, after, path);
          const afterCounts = countByRule(afterResult.findings);
          assert.ok((afterCounts.get(rule.id) ?? 0) < (beforeCounts.get(rule.id) ?? 0), `fix "${finding.fix!.title}" did not remove its finding`);
          for (const [id, count] of afterCounts) {
            if (id !== rule.id) assert.ok(count <= (beforeCounts.get(id) ?? 0), `fix "${finding.fix!.title}" added a ${id} finding`);
          }
          const lost = comments(fixture.text).filter((c) => !comments(after).includes(c));
          assert.deepEqual(lost, [], 'comments lost');
        }
      });

      if (fixture.fixed !== undefined) {
        it(`${fixture.name}: fixing everything gives the golden file, and fixing again changes nothing`, () => {
          const { text } = fixAll(fixture.text, path, { rules: [rule] }, ALL_KINDS);
          assert.equal(text, fixture.fixed);
          assert.ok(parsesCleanly(text));
          const unfixable = lintWith([rule], fixture.text, path).findings.filter((f) => f.ruleId === rule.id && !f.fix).length;
          assert.equal(lintWith([rule], text, path).findings.filter((f) => f.ruleId === rule.id).length, unfixable, 'only unfixable findings remain');
          assert.equal(fixAll(text, path, { rules: [rule] }, ALL_KINDS).text, text, 'not idempotent');
        });
      } else {
        it(`${fixture.name}: has a golden file if any finding has a fix`, () => {
          const fixable = lintWith([rule], fixture.text, path).findings.filter((f) => f.ruleId === rule.id && f.fix);
          assert.equal(fixable.length, 0, `add ${fixture.name.replace(/\.(ya?ml)$/, '.fixed.$1')}`);
        });
      }
    }
  });
}

describe('engine findings in fixtures', () => {
  it('no fixture trips the engine itself', () => {
    for (const rule of RULES) {
      for (const fixture of ruleFixtures(rule.id)) {
        const result = lintWith(RULES, fixture.text, lintPath(rule.id, fixture.name));
        const engine = result.findings.filter((f) => Object.values<string>(ENGINE_RULES).includes(f.ruleId));
        assert.deepEqual(describeFindings(result, engine), [], `${rule.id}/${fixture.name}`);
      }
    }
  });
});
