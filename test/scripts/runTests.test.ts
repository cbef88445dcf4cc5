import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

// Compiled to out/test/scripts/; `npm test` is scripts/runTests.mjs over the compiled tests of the working directory.
const RUN_TESTS = join(__dirname, '../../../scripts/runTests.mjs');

describe('npm test (scripts/runTests.mjs)', () => {
  const project = mkdtempSync(join(tmpdir(), 'shipcheck-run-tests-'));
  after(() => rmSync(project, { recursive: true, force: true }));

  function runTests(tests: string, args: string[] = []): { status: number | null; lines: string[] } {
    mkdirSync(join(project, 'out/test'), { recursive: true });
    writeFileSync(join(project, 'out/test/sample.test.js'), `const { describe, it } = require('node:test');\n${tests}`);
    // Without this variable the inner runner would report to this one instead of printing.
    const env = { ...process.env, NODE_TEST_CONTEXT: undefined };
    const run = spawnSync(process.execPath, [RUN_TESTS, ...args], { cwd: project, encoding: 'utf8', env });
    return { status: run.status, lines: run.stdout.trimEnd().split('\n') };
  }

  it('runs only the tests in the files or folders named, passing other arguments to Node', () => {
    mkdirSync(join(project, 'out/test/rules'), { recursive: true });
    writeFileSync(join(project, 'out/test/rules/chosen.test.js'), "require('node:test').it('chosen', () => {});");
    try {
      const { status, lines } = runTests("require('node:test').it('elsewhere', () => { throw new Error('not chosen'); });", ['out/test/rules', '--test-concurrency=1']);
      assert.equal(status, 0, lines.join('\n'));
      assert.ok(lines.includes('# pass 1') && lines.includes('# fail 0'), lines.join('\n'));
    } finally {
      rmSync(join(project, 'out/test/rules'), { recursive: true, force: true });
    }
  });

  it('ends with one line naming every skipped suite and test with its reason, after node\'s own summary', () => {
    const { status, lines } = runTests(
      [
        "describe('editor suite', { skip: 'missing chromium' }, () => { it('never runs', () => {}); });",
        "describe('cli', () => { it('as nobody', (t) => t.skip('cannot switch user')); it('bare', { skip: true }, () => {}); it('runs', () => {}); });",
      ].join('\n'),
    );
    assert.equal(status, 0);
    assert.equal(lines.at(-1), '# skipped 3: editor suite — missing chromium; as nobody — cannot switch user; bare');
    assert.ok(lines.includes('# pass 1'), lines.join('\n'));
    assert.ok(lines.includes('# fail 0'));
  });

  it('says none were skipped, and keeps a failure\'s exit code', () => {
    const { status, lines } = runTests("describe('suite', () => { it('fails', () => { throw new Error('boom'); }); });");
    assert.equal(status, 1);
    assert.equal(lines.at(-1), '# skipped 0');
    assert.equal(lines.at(-2), '# failed 1: fails — boom');
    assert.ok(lines.includes('# fail 1'));
  });

  it("names a suite whose hook failed, which Node's summary counts as no failure though the run exits with 1", () => {
    const { status, lines } = runTests("const { after } = require('node:test');\ndescribe('cleans up', () => { it('passes', () => {}); after(() => { throw new Error('ENOTEMPTY: directory not empty'); }); });");
    assert.equal(status, 1);
    assert.ok(lines.includes('# fail 0'), lines.join('\n'));
    assert.equal(lines.at(-2), '# failed 1: cleans up — ENOTEMPTY: directory not empty');
    assert.equal(lines.at(-1), '# skipped 0');
  });
});
