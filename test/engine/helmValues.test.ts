import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Finding } from '../../server/src/engine/core/finding';
import { lint } from '../../server/src/engine/core/lint';
import type { Preset } from '../../server/src/engine/core/presets';
import { ProjectIndex } from '../../server/src/engine/core/projectIndex';
import { IncrementalLinter } from '../../server/src/engine/incremental/incremental';
import { RULES } from '../../server/src/rules';
import { expectationKey, findingsAsExpectations, FIXTURES, parseExpectations } from '../helpers/fixtures';

// A chart whose values.yaml marks with `# shown: rule@column` the values a template's finding is shown at.
const CHART = join(FIXTURES, 'helm', 'api');
const VALUES = join(CHART, 'values.yaml');
const TEMPLATE = join(CHART, 'templates', 'deployment.yaml');
const read = (path: string) => readFileSync(path, 'utf8');

function chartIndex(values: string | null = read(VALUES)): ProjectIndex {
  const index = new ProjectIndex();
  if (values !== null) index.setFile(VALUES, values);
  for (const name of readdirSync(join(CHART, 'templates'))) index.setFile(join(CHART, 'templates', name), read(join(CHART, 'templates', name)));
  return index;
}

function lintTemplate(preset: Preset, index = chartIndex()) {
  return lint(read(TEMPLATE), TEMPLATE, { rules: RULES, preset, index });
}

/** `line:column rule` (1-based) of each finding shown in values.yaml. */
const shown = (findings: readonly Finding[]) =>
  findings.flatMap((finding) => (finding.origin ? [`${finding.origin.start.line + 1}:${finding.origin.start.character + 1} ${finding.ruleId}`] : [])).sort();

/** What values.yaml's `# shown:` comments expect. */
function expectedShown(text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, at) => [...line.matchAll(/# shown: (\S+)@(\d+)/g)].map((match) => `${at + 1}:${match[2]} ${match[1]}`))
    .sort();
}

describe('Helm templates: findings on values the chart’s values.yaml writes', () => {
  it('finds in the template what its comments expect', () => {
    const result = lintTemplate('strict');
    assert.equal(result.skipped, undefined);
    const expected = parseExpectations(read(TEMPLATE)).map((e) => expectationKey({ severity: 'warning', ...e }));
    assert.deepEqual(findingsAsExpectations(result, result.findings).map(expectationKey).sort(), expected.sort());
  });

  it('gives a finding on a printed default the place values.yaml writes it, and no other finding a place', () => {
    const result = lintTemplate('strict');
    assert.deepEqual(shown(result.findings), expectedShown(read(VALUES)));
    const text = read(VALUES);
    for (const finding of result.findings.filter((f) => f.origin)) {
      assert.equal(finding.origin!.path, VALUES);
      // The span is the value's text: `latest`, `true`, `2`.
      assert.match(text.slice(finding.origin!.span.start, finding.origin!.span.end), /^(latest|true|2)$/, finding.ruleId);
      assert.equal(finding.fix, undefined, `${finding.ruleId}: a fix would edit the template's action, not the value`);
    }
    // The debug container's findings sit on the template's own text.
    assert.ok(result.findings.some((f) => f.ruleId === 'k8s/resources' && !f.origin));
  });

  it('keeps the finding where the template is when the chart has no values.yaml in the set', () => {
    assert.deepEqual(shown(lintTemplate('strict', chartIndex(null)).findings), []);
  });

  it('reads a plain scalar printing one default as the YAML it renders to (a boolean, a number)', () => {
    const off = read(VALUES).replace('privileged: true', 'privileged: false');
    assert.ok(!lintTemplate('strict', chartIndex(off)).findings.some((f) => f.ruleId === 'k8s/privileged'));
    assert.ok(lintTemplate('recommended').findings.some((f) => f.ruleId === 'k8s/privileged'));
  });

  it('reads the template again while typing when values.yaml changed', () => {
    const linter = new IncrementalLinter();
    const index = chartIndex();
    const options = { rules: RULES, preset: 'strict' as const, index };
    const text = read(TEMPLATE);
    assert.ok(shown(linter.lint(text, TEMPLATE, options).findings).includes('5:8 k8s/image-tag'));
    // Two lines more above the tag, and privileged switched off: the same template text.
    index.setFile(VALUES, `# a note\n# another\n${read(VALUES).replace('privileged: true', 'privileged: false')}`);
    const after = linter.lint(text, TEMPLATE, options).findings;
    assert.deepEqual(shown(after), shown(lint(text, TEMPLATE, options).findings));
    assert.ok(shown(after).includes('7:8 k8s/image-tag'));
    assert.ok(!after.some((f) => f.ruleId === 'k8s/privileged'));
  });
});
