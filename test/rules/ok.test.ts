import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from '../../server/src/rules';
import { describeFindings, lintWith, ROOT } from '../helpers/fixtures';

// Realistic files written the way shipcheck recommends: every rule together must stay silent on them.
const OK = join(ROOT, 'test', 'ok');

describe('test/ok: realistic files produce no findings', () => {
  const files = readdirSync(OK, { recursive: true, encoding: 'utf8' }).filter((name) => /\.ya?ml$/.test(name)).sort();

  it('has files to check', () => {
    assert.ok(files.length >= 3);
  });

  for (const name of files) {
    it(name, () => {
      const result = lintWith(RULES, readFileSync(join(OK, name), 'utf8'), name);
      assert.ok(result.kinds.some((kind) => kind !== 'other'), 'not recognised as a workflow or Kubernetes file');
      assert.deepEqual(describeFindings(result, result.findings), []);
    });
  }
});
