import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ENGINE_RULES, type Finding } from '../../server/src/engine/core/finding';
import { applyEdits } from '../../server/src/engine/core/fixes';
import { fixAll } from '../../server/src/engine/core/lint';
import { presetSeverity } from '../../server/src/engine/core/presets';
import { RULES } from '../../server/src/rules';
import { describeFindings, expectationKey, findingsAsExpectations, fixturePreset, fixtureProject, lintPath, lintWith, parseExpectations, ruleFixtures } from '../helpers/fixtures';

const ALL_KINDS = ['safe', 'suggestion'] as const;

function parsesCleanly(text: string): boolean {
  return parseAllDocuments(text).every((doc) => doc.errors.length === 0);
}

function countByRule(findings: Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const finding of findings) counts.set(finding.ruleId, (counts.get(finding.ruleId) ?? 0) + 1);
  return counts;
}

/** `line:column …` keys in file order (numerically, so 9:4 comes before 10:1). */
function byPosition(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** Comments of a file (YAML and shell alike), which fixes must keep. */
function comments(text: string): string[] {
  return text.split('\n').flatMap((line) => /(?:^|\s)(#.*)$/.exec(line)?.[1] ?? []);
}

// A rule run by the adapters (gha/shellcheck) has its fixtures checked by its adapter's test (test/project/shellcheck.test.ts).
for (const rule of RULES.filter((candidate) => candidate.runsIn !== 'adapters')) {
  describe(`rule ${rule.id}`, () => {
    const fixtures = ruleFixtures(rule.id);

    it('has fixtures that must fire and fixtures that must not', () => {
      assert.ok(fixtures.some((f) => parseExpectations(f.text).some((e) => e.ruleId === rule.id)), 'no fixture expects a finding');
      assert.ok(fixtures.some((f) => /^good/.test(f.name) && parseExpectations(f.text).length === 0), 'no good*.yaml fixture without expectations');
    });

    for (const fixture of fixtures) {
      const path = lintPath(rule.id, fixture.name);
      const project = fixtureProject(fixture.text);
      const preset = fixturePreset(rule, fixture.text);

      it(`${fixture.name}: reports exactly the expected findings (preset ${preset})`, () => {
        const result = lintWith([rule], fixture.text, path, project, preset);
        const engine = result.findings.filter((f) => f.ruleId.startsWith('shipcheck/'));
        assert.deepEqual(describeFindings(result, engine), [], 'fixture is broken or a rule crashed');
        const level = presetSeverity(rule, preset);
        // A rule off in the fixture's preset does not run: the fixture would show nothing.
        if (level === 'off') assert.fail(`${rule.id} is off in preset ${preset}: name one it is on in (a line \`# preset: strict\`)`);
        const actual = findingsAsExpectations(result, result.findings.filter((f) => f.ruleId === rule.id)).map(expectationKey).sort(byPosition);
        const expected = parseExpectations(fixture.text)
          .filter((e) => e.ruleId === rule.id)
          .map((e) => expectationKey({ ...e, severity: e.severity ?? level }))
          .sort(byPosition);
        // Both sides as `line:column rule:severity`, so a mismatch reads as a diff of expected against actual.
        assert.deepEqual(actual, expected, `expected (# expect: comments) vs actual findings; all findings:\n${describeFindings(result, result.findings).join('\n')}`);
        for (const finding of result.findings) {
          assert.ok(finding.span.end > finding.span.start, `empty span for ${finding.message}`);
          assert.ok(finding.span.end <= fixture.text.length);
          // A squiggle that runs on to the next line covers a line break it says nothing about.
          assert.ok(!/[\r\n]/.test(fixture.text[finding.span.end - 1]!), `span of ${finding.ruleId} ends with a line break`);
        }
      });

      it(`${fixture.name}: every fix re-parses, removes its finding, adds none and keeps comments`, () => {
        const before = lintWith(RULES, fixture.text, path, project, preset);
        const beforeCounts = countByRule(before.findings);
        for (const finding of before.findings.filter((f) => f.ruleId === rule.id && f.fix)) {
          assert.equal(finding.fix!.kind, rule.fixable, 'fix kind matches the rule');
          const after = applyEdits(fixture.text, finding.fix!.edits);
          assert.ok(parsesCleanly(after), `fix "${finding.fix!.title}" broke the YAML:\n${after}`);
          const afterResult = lintWith(RULES, after, path, project, preset);
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
          const { text } = fixAll(fixture.text, path, { rules: [rule], project, preset }, ALL_KINDS);
          assert.equal(text, fixture.fixed);
          assert.ok(parsesCleanly(text));
          const unfixable = lintWith([rule], fixture.text, path, project, preset).findings.filter((f) => f.ruleId === rule.id && !f.fix).length;
          assert.equal(lintWith([rule], text, path, project, preset).findings.filter((f) => f.ruleId === rule.id).length, unfixable, 'only unfixable findings remain');
          assert.equal(fixAll(text, path, { rules: [rule], project, preset }, ALL_KINDS).text, text, 'not idempotent');
        });
      } else {
        it(`${fixture.name}: has a golden file if any finding has a fix`, () => {
          const fixable = lintWith([rule], fixture.text, path, project, preset).findings.filter((f) => f.ruleId === rule.id && f.fix);
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
        const result = lintWith(RULES, fixture.text, lintPath(rule.id, fixture.name), fixtureProject(fixture.text), 'all');
        const engine = result.findings.filter((f) => Object.values<string>(ENGINE_RULES).includes(f.ruleId));
        assert.deepEqual(describeFindings(result, engine), [], `${rule.id}/${fixture.name}`);
      }
    }
  });
});
