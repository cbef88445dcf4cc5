import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { forgetProjectFacts, projectFacts } from '../../server/src/project/facts';

describe('projectFacts', () => {
  const base = mkdtempSync(join(tmpdir(), 'shipcheck-facts-'));
  after(() => rmSync(base, { recursive: true, force: true }));

  function repo(name: string, files: string[]): string {
    const root = join(base, name);
    mkdirSync(join(root, '.git'), { recursive: true });
    mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
    for (const file of files) {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), '{}');
    }
    return join(root, '.github', 'workflows', 'ci.yml');
  }

  it('finds a lockfile at the root or in a package folder', () => {
    assert.deepEqual(projectFacts(repo('root', ['package-lock.json'])), { npmLockfile: true, lockfiles: ['package-lock.json'] });
    assert.deepEqual(projectFacts(repo('nested', ['packages/web/npm-shrinkwrap.json'])), { npmLockfile: true, lockfiles: ['packages/web/npm-shrinkwrap.json'] });
  });

  it('knows when there is none, and ignores node_modules', () => {
    assert.deepEqual(projectFacts(repo('none', ['package.json', 'node_modules/x/package-lock.json'])), { npmLockfile: false, lockfiles: [] });
  });

  it('knows nothing outside a repository', () => {
    assert.deepEqual(projectFacts(join(base, 'loose', 'ci.yml')), {});
    assert.deepEqual(projectFacts(''), {});
  });

  it('keeps what it read until told a lockfile changed', () => {
    const workflow = repo('later', []);
    assert.deepEqual(projectFacts(workflow), { npmLockfile: false, lockfiles: [] });
    writeFileSync(join(base, 'later', 'package-lock.json'), '{}');
    assert.deepEqual(projectFacts(workflow), { npmLockfile: false, lockfiles: [] }, 'a keystroke does not look at the disk');
    forgetProjectFacts();
    assert.deepEqual(projectFacts(workflow), { npmLockfile: true, lockfiles: ['package-lock.json'] });
  });

  it('lists the npm, Yarn and pnpm lockfiles four folders deep', () => {
    const files = ['yarn.lock', 'web/pnpm-lock.yaml', 'a/b/c/d/package-lock.json'];
    const ignored = ['requirements.txt', 'node_modules/x/yarn.lock', '.cache/yarn.lock', 'a/b/c/d/e/package-lock.json'];
    assert.deepEqual(projectFacts(repo('listed', [...files, ...ignored])).lockfiles, [...files].sort());
  });
});
