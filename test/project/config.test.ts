import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { forgetProjectConfigs, projectConfig } from '../../server/src/project/configCache';

describe('projectConfig', () => {
  const base = mkdtempSync(join(tmpdir(), 'shipcheck-config-'));
  after(() => rmSync(base, { recursive: true, force: true }));
  const workflow = join(base, '.github', 'workflows', 'ci.yml');
  mkdirSync(join(workflow, '..'), { recursive: true });

  it('keeps what it found until told a configuration file changed, then reads the new one', () => {
    assert.equal(projectConfig(workflow).file, undefined);
    writeFileSync(join(base, '.shipcheck.yaml'), 'rules:\n  gha/npm-ci: off\n');
    assert.equal(projectConfig(workflow).file, undefined, 'a keystroke does not look at the disk');
    forgetProjectConfigs();
    assert.equal(projectConfig(workflow).file, join(base, '.shipcheck.yaml'));
    assert.deepEqual(projectConfig(workflow).config.ruleSettings, { 'gha/npm-ci': 'off' });
    assert.deepEqual(projectConfig(workflow).problems, []);
  });

  it('keeps the valid entries of a file with problems, and the problems for the editor to show', () => {
    // A different size from the first file's: seen as changed even when written within the same clock tick.
    writeFileSync(join(base, '.shipcheck.yaml'), 'rules:\n  gha/npm-ci: error\n  gha/job-timeout: { minute: 20, minutes: 45 }\nignore: [dist/**]\n');
    forgetProjectConfigs();
    const loaded = projectConfig(workflow);
    assert.deepEqual(loaded.config, { ruleSettings: { 'gha/npm-ci': 'error' }, ruleOptions: { 'gha/job-timeout': { minutes: 45 } }, ignore: ['dist/**'] });
    assert.deepEqual(loaded.problems.map((problem) => `${problem.line}:${problem.column} ${problem.message}`), ['3:22 unknown option minute for gha/job-timeout; did you mean minutes?']);
    assert.ok(loaded.isIgnored(join(base, 'dist', 'x.yaml')));
  });
});
