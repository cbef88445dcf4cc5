import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { describeConfigProblem, parseConfig, withRuleSettings, type ConfigResult } from '../../server/src/config/config';
import { ignoreMatcher } from '../../server/src/config/ignore';
import { ConfigError, findConfigFile, loadConfig } from '../../server/src/config/load';

const KNOWN = new Set(['gha/npm-ci', 'gha/job-timeout', 'k8s/image-tag']);

function problem(text: string): string {
  const result: ConfigResult = parseConfig(text, KNOWN);
  assert.equal(result.ok, false, 'expected a problem');
  return result.ok ? '' : `${result.problem.line}:${result.problem.column} ${result.problem.message}`;
}

describe('parseConfig', () => {
  it('reads levels, options and ignore globs', () => {
    const result = parseConfig(
      `# ours
rules:
  gha/npm-ci: off
  k8s/image-tag: error
  gha/job-timeout:
    level: warning
    minutes: 20
    strict: true
ignore:
  - test/fixtures/**
  - "examples/"
`,
      KNOWN,
    );
    assert.deepEqual(result, {
      ok: true,
      config: {
        ruleSettings: { 'gha/npm-ci': 'off', 'k8s/image-tag': 'error', 'gha/job-timeout': 'warning' },
        ruleOptions: { 'gha/job-timeout': { minutes: 20, strict: true } },
        ignore: ['test/fixtures/**', 'examples/'],
      },
    });
  });

  it('takes an empty file, and options without a level', () => {
    assert.deepEqual(parseConfig('', KNOWN), { ok: true, config: { ruleSettings: {}, ruleOptions: {}, ignore: [] } });
    assert.deepEqual(parseConfig('# nothing yet\nrules:\nignore:\n', KNOWN), { ok: true, config: { ruleSettings: {}, ruleOptions: {}, ignore: [] } });
    const options = parseConfig('rules:\n  gha/job-timeout: { minutes: 30 }\n', KNOWN);
    assert.deepEqual(options.ok && options.config, { ruleSettings: {}, ruleOptions: { 'gha/job-timeout': { minutes: 30 } }, ignore: [] });
  });

  it('points at the first mistake, line and column', () => {
    assert.equal(problem('rules:\n  gha/npm-ci: loud\n'), "2:15 the level of gha/npm-ci must be one of off, hint, info, warning, error, not 'loud'");
    assert.equal(problem('rules:\n  npm-ci: off\n'), "2:3 unknown rule 'npm-ci' (did you mean gha/npm-ci?); `shipcheck --list-rules` lists them");
    assert.equal(problem('rulez:\n  gha/npm-ci: off\n'), "1:1 unknown setting 'rulez': expected one of rules, ignore, maxFileSize");
    assert.equal(problem('rules: [gha/npm-ci]\n'), '1:8 `rules` must map rule ids to a level (off, hint, info, warning, error) or to `{ level: …, <option>: … }`');
    assert.equal(problem('rules:\n  gha/job-timeout:\n    minutes: [1]\n'), '3:14 option \'minutes\' of gha/job-timeout must be a string, number or boolean');
    assert.equal(problem('rules:\n  gha/npm-ci:\n'), '2:14 the level of gha/npm-ci must be one of off, hint, info, warning, error, not empty');
    assert.equal(problem('rules:\n  gha/npm-ci: [warning]\n'), '2:15 gha/npm-ci needs a level (off, hint, info, warning, error) or a mapping such as `{ level: warning }`');
    assert.equal(problem('ignore: test/**\n'), '1:9 `ignore` must be a list of globs, such as `- test/fixtures/**`');
    assert.equal(problem('ignore:\n  - 3\n'), '2:5 each `ignore` entry must be a non-empty glob string');
    assert.match(problem('rules:\n  gha/npm-ci: off\n  gha/npm-ci: error\n'), /^3:3 not valid YAML: .*unique/i);
    assert.match(problem('rules: {\n'), /^\d+:\d+ not valid YAML: /);
    assert.equal(problem('- a\n'), '1:1 the configuration must be a mapping with `rules:` and/or `ignore:`');
    assert.equal(describeConfigProblem('.shipcheck.yaml', { line: 2, column: 15, message: 'bad' }), '.shipcheck.yaml:2:15: bad');
  });

  it('lets command-line settings win', () => {
    const result = parseConfig('rules:\n  gha/npm-ci: error\n  k8s/image-tag: off\n', KNOWN);
    assert.ok(result.ok);
    assert.deepEqual(withRuleSettings(result.config, { 'gha/npm-ci': 'info' }).ruleSettings, { 'gha/npm-ci': 'info', 'k8s/image-tag': 'off' });
  });
});

describe('ignoreMatcher', () => {
  it('matches globs, names at any depth, and everything under a matched directory', () => {
    const ignored = ignoreMatcher(['test/fixtures/**', 'examples/', '*.generated.yaml', './build']);
    for (const yes of ['test/fixtures/a/bad.yaml', 'examples/k8s/d.yaml', 'deploy/x.generated.yaml', 'build/out.yml', '.hidden/x.generated.yaml']) assert.ok(ignored(yes), yes);
    for (const no of ['test/ok/a.yaml', 'k8s/examples.yaml', 'src/examples-old/x.yaml', '../examples/x.yaml', '']) assert.ok(!ignored(no), no);
    assert.ok(!ignoreMatcher([])('anything.yaml'));
  });
});

describe('loadConfig', () => {
  it('finds .shipcheck.yaml by walking up, reports a malformed one with its path', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-config-'));
    try {
      fs.mkdirSync(path.join(root, 'a/b'), { recursive: true });
      assert.equal(findConfigFile(path.join(root, 'a/b')), undefined);
      fs.writeFileSync(path.join(root, '.shipcheck.yaml'), 'ignore: [dist/**]\n');
      assert.equal(findConfigFile(path.join(root, 'a/b')), path.join(root, '.shipcheck.yaml'));
      const loaded = loadConfig(path.join(root, 'a/b'), KNOWN);
      assert.deepEqual({ ...loaded }, { file: path.join(root, '.shipcheck.yaml'), baseDirectory: root, config: { ruleSettings: {}, ruleOptions: {}, ignore: ['dist/**'] } });
      fs.writeFileSync(path.join(root, 'a/.shipcheck.yml'), 'rules:\n  k8s/image-tag: loud\n');
      assert.throws(() => loadConfig(path.join(root, 'a/b'), KNOWN), (error: unknown) => error instanceof ConfigError && error.message.startsWith(`${path.join(root, 'a/.shipcheck.yml')}:2:18: `));
      assert.throws(() => loadConfig(root, KNOWN, path.join(root, 'missing.yaml')), /cannot read the configuration: no such file/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
