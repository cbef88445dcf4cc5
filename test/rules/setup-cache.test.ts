import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import type { ProjectFacts } from '../../server/src/engine/core/rule';
import { ruleById } from '../../server/src/rules';

// What the fixtures cannot show: whether the lockfile the cache keys on is in the repository (a fact from the adapter).
const rule = ruleById('gha/setup-cache')!;
const managers = (text: string, project: ProjectFacts = {}) =>
  lint(text, '.github/workflows/ci.yml', { rules: [rule], project }).findings.map((f) => /cache: '(\w+)'/.exec(f.message)?.[1]);

const job = (setup: string, steps: string) => `on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${setup}\n${steps}`;

describe('gha/setup-cache and the files of the repository', () => {
  const npmCi = job('actions/setup-node@v4', '      - run: npm ci\n');

  it('fires as before when nothing is known about the repository', () => {
    assert.deepEqual(managers(npmCi), ['npm']);
  });

  it('fires when the lockfile setup-node looks for is at the root', () => {
    assert.deepEqual(managers(npmCi, { lockfiles: ['package-lock.json'] }), ['npm']);
    assert.deepEqual(managers(npmCi, { lockfiles: ['npm-shrinkwrap.json'] }), ['npm']);
  });

  it('stays silent when the repository has no lockfile where setup-node would look', () => {
    assert.deepEqual(managers(npmCi, { lockfiles: [] }), []);
    assert.deepEqual(managers(npmCi, { lockfiles: ['web/package-lock.json'] }), []);
    const yarn = job('actions/setup-node@v4', '      - run: yarn install\n        working-directory: vendor/html-eslint\n');
    assert.deepEqual(managers(yarn, { lockfiles: ['yarn.lock'] }), []);
  });

  it("looks in the install's directory, where the fix points cache-dependency-path", () => {
    const inWeb = job('actions/setup-node@v4', '      - run: npm ci\n        working-directory: web\n');
    assert.deepEqual(managers(inWeb, { lockfiles: ['web/package-lock.json'] }), ['npm']);
    assert.deepEqual(managers(inWeb, { lockfiles: ['package-lock.json'] }), []);
  });

  it('looks at the root when the directory is only known at run time', () => {
    const computed = job('actions/setup-node@v4', "      - run: |\n          cd './${{ env.APP_PATH }}'\n          npm ci\n");
    assert.deepEqual(managers(computed, { lockfiles: ['script/package-lock.json'] }), []);
    assert.deepEqual(managers(computed, { lockfiles: ['package-lock.json'] }), ['npm']);
  });

  it('cannot tell about lockfiles deeper than the adapters look, and then fires', () => {
    const deep = job('actions/setup-node@v4', '      - run: npm ci\n        working-directory: a/b/c/d/e\n');
    assert.deepEqual(managers(deep, { lockfiles: [] }), ['npm']);
  });

  it('leaves pip to what the text says: requirement files are not among the facts', () => {
    const pip = job('actions/setup-python@v5', '      - run: pip install -r requirements/dev.txt\n');
    assert.deepEqual(managers(pip, { lockfiles: [] }), ['pip']);
  });

  it('trusts a cache-dependency-path the workflow already names', () => {
    const named = job('actions/setup-node@v4\n        with:\n          cache-dependency-path: app/package-lock.json', '      - run: npm ci\n');
    assert.deepEqual(managers(named, { lockfiles: [] }), ['npm']);
  });
});
