import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { presetSeverity } from '../../server/src/engine/core/presets';
import { parseYamlFile } from '../../server/src/engine/yaml/yamlFile';
import { findingsOf, shellcheckFindingsSync, shellcheckLevel, shellcheckNotes, shellScripts } from '../../server/src/project/shellcheck';
import { Shellcheck } from '../../server/src/project/shellcheckBinary';
import shellcheckRule from '../../server/src/rules/gha/shellcheck';
import { describeFindings, expectationKey, findingsAsExpectations, fixturePreset, lintPath, lintWith, parseExpectations, ruleFixtures } from '../helpers/fixtures';

// gha/shellcheck runs the shellcheck binary; `.ci/run` installs it (Debian's package), so in CI this suite runs.
const binary = Shellcheck.find();
const missing = binary ? false : 'shellcheck is not on PATH (apt-get install shellcheck)';

describe('gha/shellcheck without the binary (project/shellcheck.ts)', () => {
  it('blanks out ${{ }} with placeholders of the same length, keeping line breaks, and maps positions back to the file', () => {
    const text = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          echo ${{ github.sha }} ${{\n            inputs.x }}\n          X = 1\n';
    const [script] = shellScripts(parseYamlFile(text, '.github/workflows/a.yml'));
    assert.ok(script);
    assert.equal(script.shell, 'bash');
    assert.equal(script.text, 'echo _________________ ___\n_____________\nX = 1\n');
    const [finding] = findingsOf(script, [{ line: 3, column: 3, endLine: 3, endColumn: 4, level: 'error', code: 2283, message: 'Remove spaces around =.' }], 'warning', true);
    assert.ok(finding);
    assert.equal(text.slice(finding.span.start, finding.span.end), '=');
    assert.equal(finding.severity, 'error');
    assert.equal(finding.message, 'shellcheck SC2283: Remove spaces around =.');
  });

  it("keeps shellcheck's warnings and errors, its info notes one level lower only with notes (strict), never its style notes", () => {
    const [script] = shellScripts(parseYamlFile('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo $x\n', '.github/workflows/a.yml'));
    const notes = ['info', 'style'].map((level) => ({ line: 1, column: 6, endLine: 1, endColumn: 8, level: level as 'info' | 'style', code: 2086, message: 'Double quote.' }));
    assert.deepEqual(findingsOf(script!, notes, 'warning', false), []);
    assert.deepEqual(
      findingsOf(script!, notes, 'warning', true).map((finding) => [finding.messageId, finding.severity]),
      [['SC2086', 'info']],
    );
    // `rules: { gha/shellcheck: error }` raises every finding one level: the note is then a warning.
    assert.deepEqual(findingsOf(script!, notes, 'error', true).map((finding) => finding.severity), ['warning']);
    assert.equal(shellcheckNotes('strict'), true);
    assert.equal(shellcheckNotes('all'), true);
    assert.equal(shellcheckNotes('recommended'), false);
  });

  it('reads only bash, sh, dash and ksh scripts', () => {
    const text = 'on: push\njobs:\n  w:\n    runs-on: windows-latest\n    steps:\n      - run: echo 1\n      - run: echo 2\n        shell: bash\n      - run: echo 3\n        shell: zsh {0}\n      - run: echo 4\n        shell: /bin/sh -e {0}\n';
    assert.deepEqual(shellScripts(parseYamlFile(text, '.github/workflows/a.yml')).map((script) => [script.shell, script.text]), [['bash', 'echo 2'], ['sh', 'echo 4']]);
  });

  it("leaves out a step on the runner's default shell that runs only on Windows (PowerShell there)", () => {
    const text = "on: push\njobs:\n  m:\n    runs-on: ${{ matrix.os }}\n    steps:\n      - if: runner.os == 'Windows'\n        run: echo 1 >> $env:GITHUB_ENV\n      - if: runner.os != 'Windows'\n        run: echo 2\n      - if: runner.os == 'Windows'\n        shell: bash\n        run: echo 3\n      - if: runner.os == 'Windows' || inputs.all\n        run: echo 4\n";
    assert.deepEqual(shellScripts(parseYamlFile(text, '.github/workflows/a.yml')).map((script) => script.text), ['echo 2', 'echo 3', 'echo 4']);
  });

  it('is off in recommended and at its level in strict; `rules:` decides over both', () => {
    assert.equal(shellcheckLevel('recommended', {}), undefined);
    assert.equal(shellcheckLevel('strict', {}), presetSeverity(shellcheckRule, 'strict'));
    assert.equal(shellcheckLevel('strict', { 'gha/shellcheck': 'off' }), undefined);
    assert.equal(shellcheckLevel('recommended', { 'gha/shellcheck': 'error' }), 'error');
  });

  it('finds no binary when none is on PATH (the rule is then off)', () => {
    const path = process.env.PATH;
    process.env.PATH = '';
    try {
      assert.equal(Shellcheck.find(), undefined);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('gha/shellcheck with the shellcheck binary', { skip: missing }, () => {
  const level = presetSeverity(shellcheckRule, 'strict') as 'warning';
  for (const fixture of ruleFixtures(shellcheckRule.id)) {
    it(`${fixture.name}: reports exactly the expected findings`, () => {
      const preset = fixturePreset(shellcheckRule, fixture.text);
      const result = lintWith([shellcheckRule], fixture.text, lintPath(shellcheckRule.id, fixture.name), {}, preset);
      const findings = shellcheckFindingsSync(result.file, binary!, shellcheckLevel(preset, {}) ?? level, shellcheckNotes(preset));
      const actual = findingsAsExpectations(result, findings).map(expectationKey).sort();
      const expected = parseExpectations(fixture.text)
        .filter((expectation) => expectation.ruleId === shellcheckRule.id)
        .map((expectation) => expectationKey({ ...expectation, severity: expectation.severity ?? level }))
        .sort();
      assert.deepEqual(actual, expected, describeFindings(result, findings).join('\n'));
    });
  }

  it("the docs' bad example fires and the good one does not", () => {
    const check = (text: string) => shellcheckFindingsSync(parseYamlFile(text, '.github/workflows/example.yml'), binary!, level, true);
    assert.ok(check(shellcheckRule.docs.bad).length > 0);
    assert.deepEqual(check(shellcheckRule.docs.good), []);
  });

  it('honours shipcheck-disable comments like the engine', () => {
    const text = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          # shipcheck-disable-next-line gha/shellcheck\n          X = 1\n';
    assert.deepEqual(shellcheckFindingsSync(parseYamlFile(text, '.github/workflows/a.yml'), binary!, level, true), []);
  });
});
