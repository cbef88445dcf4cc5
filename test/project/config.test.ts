import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { forgetProjectConfigs, projectConfig } from '../../server/src/project/config';

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
  });
});
