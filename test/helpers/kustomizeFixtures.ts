import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { it } from 'node:test';
import type { Severity } from '../../server/src/engine/core/finding';
import { lint, type LintResult } from '../../server/src/engine/core/lint';
import { buildProjectIndex } from '../../server/src/engine/core/projectIndex';
import { presetSeverity } from '../../server/src/engine/core/presets';
import { RULES } from '../../server/src/rules';
import { expectationKey, findingsAsExpectations, parseExpectations } from './fixtures';

export interface FixtureFile {
  path: string;
  text: string;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * The Kustomize fixture apps under `test/fixtures/kustomize/<folder>` (bases and overlays), checked together at the
 * strict preset with the `judged` rules only: `lintInSet` lints one of them with a set of files (all by default), and
 * `itReportsTheExpectedFindings` adds one test per file that is not a kustomization, against its `# expect:` comments.
 */
export function kustomizeFixtures(folder: string, judged: readonly string[]) {
  const root = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'kustomize', folder);
  const files: FixtureFile[] = filesUnder(root).map((path) => ({ path: relative(root, path).replace(/\\/g, '/'), text: readFileSync(path, 'utf8') }));
  const rules = RULES.filter((rule) => judged.includes(rule.id));
  const lintInSet = (path: string, set: FixtureFile[] = files): LintResult => {
    const text = set.find((file) => file.path === path)!.text;
    return lint(text, path, { rules, preset: 'strict', index: buildProjectIndex(set) });
  };
  const itReportsTheExpectedFindings = (): void => {
    for (const file of files.filter((candidate) => !/kustomization\.yaml$/.test(candidate.path))) {
      it(`${file.path}: reports exactly the expected findings`, () => {
        const result = lintInSet(file.path);
        const actual = findingsAsExpectations(result, result.findings).map(expectationKey).sort();
        const expected = parseExpectations(file.text)
          .map((e) => expectationKey({ ...e, severity: e.severity ?? (presetSeverity(rules.find((rule) => rule.id === e.ruleId)!, 'strict') as Severity) }))
          .sort();
        assert.deepEqual(actual, expected);
      });
    }
  };
  return { files, lintInSet, itReportsTheExpectedFindings };
}
