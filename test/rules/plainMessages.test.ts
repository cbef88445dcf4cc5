import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../server/src/project/config';
import { RULES } from '../../server/src/rules';
import { fixturePreset, fixtureProject, lintPath, lintWith, ruleFixtures } from '../helpers/fixtures';

// Editors show diagnostic messages and quick-fix titles as plain text: a backtick there is printed as it is. Code is
// quoted with ' ' instead; Markdown belongs in hovers and docs only.
const MARKDOWN_CODE = /`/;

describe('diagnostic messages and fix titles are plain text', () => {
  it("every rule's messages, with placeholder arguments", () => {
    const offending: string[] = [];
    for (const rule of RULES) {
      for (const [id, format] of Object.entries(rule.messages)) {
        // A string stands in for each argument, whatever type the rule declares.
        const text = (format as (...args: string[]) => string)(...Array.from({ length: format.length }, (_, i) => `arg${i}`));
        if (MARKDOWN_CODE.test(text)) offending.push(`${rule.id} ${id}: ${text}`);
      }
    }
    assert.deepEqual(offending, []);
  });

  it('every message and fix title the fixtures produce, arguments filled in by the rules', () => {
    const offending: string[] = [];
    let titles = 0;
    for (const rule of RULES) {
      for (const fixture of ruleFixtures(rule.id)) {
        const result = lintWith([rule], fixture.text, lintPath(rule.id, fixture.name), fixtureProject(fixture.text), fixturePreset(rule, fixture.text));
        for (const finding of result.findings) {
          if (MARKDOWN_CODE.test(finding.message)) offending.push(`${rule.id} ${fixture.name} message: ${finding.message}`);
          if (!finding.fix) continue;
          titles++;
          if (MARKDOWN_CODE.test(finding.fix.title)) offending.push(`${rule.id} ${fixture.name} fix title: ${finding.fix.title}`);
        }
      }
    }
    assert.ok(titles > 0, 'the fixtures produced no fixes to check');
    assert.deepEqual(offending, []);
  });

  it('the problems a .shipcheck.yaml is reported with', () => {
    const configs = [
      '- a\n',
      'rules: [gha/npm-ci]\n',
      'rules:\n  gha/npm-ci: [warning]\n',
      'rules:\n  gha/npm-cl: off\n',
      'rules:\n  gha/npm-ci: { level: error, minutes: 20 }\n',
      'rules:\n  gha/job-timeout: { minute: 20 }\n',
      'preset: pedantic\n',
      'maxFileSize: big\n',
      'owner: https://github.com/acme\n',
      'ignore: test/**\n',
      'ignore:\n  - 3\n',
    ];
    const messages = configs.flatMap((text) => parseConfig(text, RULES).problems.map((problem) => problem.message));
    assert.equal(messages.length, configs.length, messages.join('\n'));
    assert.deepEqual(messages.filter((message) => MARKDOWN_CODE.test(message)), []);
  });
});
