import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { CLI, DEPLOYMENT, json, onlyRules, shipcheck, shipcheckWith, TESTED_RULES, workspace, WORKFLOW } from '../helpers/cli';

const BINARY = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0xff, 0xfe, 0x00, 0x0a]);
const LATIN1 = Buffer.from('on: push\nname: caf\xe9\n', 'latin1');
/** Over 1 KiB: too large for `--max-file-size 1`. */
const LONG_WORKFLOW = `${WORKFLOW}${'# padding to make the file longer than one KiB\n'.repeat(30)}`;

describe('large files', () => {
  it('prints every finding of a file with thousands of them (no spread into one call)', () => {
    let text = 'on: push\njobs:\n';
    for (let index = 0; index < 5000; index++) text += `  job${index}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm install\n`;
    const root = workspace({ '.github/workflows/big.yml': text });
    // A tenth of the default stack makes a spread of 15 000 lines overflow as one of 150 000 does by default.
    const run = spawnSync(process.execPath, ['--stack-size=100', CLI, '.github/workflows/big.yml'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(run.stderr, '');
    assert.equal(run.status, 0);
    assert.equal(run.stdout.split('\n').at(-2), '✖ 5000 problems (5000 warnings) in 1 of 1 file checked · 5000 fixable with --fix');
  });
});

describe('files that cannot be checked', () => {
  it('a named binary, non-UTF-8 or too large file exits 2 and says why', () => {
    const root = workspace({ 'junk.yml': BINARY, 'latin1.yml': LATIN1, '.github/workflows/long.yml': LONG_WORKFLOW, 'k8s/web.yaml': DEPLOYMENT });
    const cases: [string[], RegExp][] = [
      [['junk.yml'], /^shipcheck: junk\.yml: cannot be checked: binary file/m],
      [['latin1.yml'], /^shipcheck: latin1\.yml: cannot be checked: not UTF-8 text/m],
      [['--max-file-size', '1', '.github/workflows/long.yml'], /^shipcheck: \.github\/workflows\/long\.yml: cannot be checked: over the 1 KiB limit \(--max-file-size\)/m],
    ];
    for (const [args, reason] of cases) {
      const run = shipcheck(root, ...args, 'k8s/web.yaml');
      assert.equal(run.status, 2, args.join(' '));
      assert.match(run.stderr, reason);
    }
    assert.equal(shipcheck(root, '--max-file-size', '2', '.github/workflows/long.yml').status, 0);
  });

  it('binary or non-UTF-8 standard input is skipped as such a file is, and exits 2', () => {
    const root = workspace({});
    const cases: [Buffer, RegExp][] = [
      [BINARY, /^shipcheck: a\.yaml: cannot be checked: binary file \(it contains NUL bytes\)$/m],
      [LATIN1, /^shipcheck: a\.yaml: cannot be checked: not UTF-8 text$/m],
    ];
    for (const [input, reason] of cases) {
      const run = shipcheckWith({ cwd: root, input }, '--stdin', '--stdin-filename', 'a.yaml');
      assert.equal(run.status, 2, reason.source);
      assert.match(run.stderr, reason);
      assert.match(run.stdout, /^a\.yaml\n {2}skipped {2}/m);
    }
  });

  it('the too-large finding names the flag and the configuration key, and its level can be set', () => {
    const root = workspace({ '.github/workflows/long.yml': LONG_WORKFLOW });
    const [finding] = json(shipcheck(root, '--format', 'json', '--max-file-size', '1')).findings;
    assert.equal(finding!.ruleId, 'shipcheck/too-large');
    assert.equal(finding!.severity, 'info');
    assert.match(finding!.message, /over the 1 KiB limit \(--max-file-size or maxFileSize in \.shipcheck\.yaml\)\.$/);
    assert.doesNotMatch(finding!.message, /shipcheck\.maxFileSize/);
    const raised = json(shipcheck(root, '--format', 'json', '--max-file-size', '1', '--rule', 'shipcheck/too-large=error'));
    assert.equal(raised.findings[0]!.severity, 'error');

    const configured = workspace({ '.github/workflows/long.yml': LONG_WORKFLOW, '.shipcheck.yaml': onlyRules(TESTED_RULES, 'maxFileSize: 1\n') });
    assert.deepEqual(json(shipcheck(configured, '--format', 'json')).findings.map((found) => found.ruleId), ['shipcheck/too-large']);
    assert.deepEqual(json(shipcheck(configured, '--format', 'json', '--max-file-size', '2')).findings.map((found) => found.ruleId), ['gha/npm-ci']);
    const malformed = workspace({ '.shipcheck.yaml': 'maxFileSize: big\n' });
    assert.equal(shipcheck(malformed).status, 2);
    assert.match(shipcheck(malformed).stderr, /:1:14: 'maxFileSize' must be a whole number of KiB/);
  });

  it('found in a directory: a warning and exit 2, unless --skip-unreadable', () => {
    const root = workspace({ '.github/workflows/junk.yml': BINARY, '.github/workflows/ci.yml': WORKFLOW.replace('npm install', 'npm ci') });
    const run = shipcheck(root);
    assert.equal(run.status, 2);
    assert.equal(run.stderr, 'shipcheck: warning: .github/workflows/junk.yml: not checked: binary file (it contains NUL bytes) (--skip-unreadable passes over such files)\n');
    const skipping = shipcheck(root, '--skip-unreadable');
    assert.equal(skipping.status, 0);
    assert.equal(skipping.stderr, '');
  });
});

describe('ignored files named on the command line', () => {
  it('are not checked, with a warning that says how to check them, and exit 0', () => {
    const root = workspace({ 'examples/ci.yml': WORKFLOW, '.shipcheck.yaml': onlyRules(TESTED_RULES, 'ignore:\n  - examples/**\n') });
    const run = shipcheck(root, '--fail-on', 'warning', 'examples/ci.yml');
    assert.equal(run.status, 0);
    assert.equal(run.stderr, 'shipcheck: warning: examples/ci.yml: not checked: ignored by .shipcheck.yaml (--no-ignore checks it)\n');
    assert.doesNotMatch(run.stdout, /npm-ci/);
    assert.equal(shipcheck(root, '--fail-on', 'warning', '--no-ignore', 'examples/ci.yml').status, 1);
    const help = shipcheck(root, '--help').stdout;
    assert.doesNotMatch(help, /always checked/);
    assert.match(help, /named file that is ignored is listed as skipped, with a warning/);
  });
});

describe('a missing path', () => {
  it('prints only the error', () => {
    const root = workspace({});
    const run = shipcheck(root, 'no-such-file.yml');
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, 'shipcheck: no-such-file.yml: no such file or directory\n');
  });
});
