import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import type { ProjectFacts } from '../../server/src/engine/core/rule';
import { ruleById } from '../../server/src/rules';

// What the fixtures cannot show: facts about the project that come from the adapter, not the text.
const rule = ruleById('gha/npm-ci')!;
const ids = (text: string, project: ProjectFacts = {}) => lint(text, '.github/workflows/ci.yml', { rules: [rule], project }).findings.map((f) => f.message.split("'")[1]);

const job = (steps: string) => `on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;

describe('gha/npm-ci and the project around the workflow', () => {
  const install = job('      - run: npm install\n');

  it('fires when the lockfile is known to exist or nothing is known', () => {
    assert.deepEqual(ids(install, { npmLockfile: true }), ['npm install']);
    assert.deepEqual(ids(install), ['npm install']);
  });

  it('stays silent when the repository has no lockfile (npm ci would fail)', () => {
    assert.deepEqual(ids(install, { npmLockfile: false }), []);
  });

  it("still fires without a lockfile on disk when setup-node's npm cache proves there is one", () => {
    const cached = job('      - uses: actions/setup-node@v4\n        with:\n          cache: npm\n      - run: npm install\n');
    assert.deepEqual(ids(cached, { npmLockfile: false }), ['npm install']);
  });

  it('leaves Yarn alone in workflows that use Yarn 2+ (immutable on CI by default)', () => {
    assert.deepEqual(ids(job('      - run: corepack enable\n      - run: yarn install\n')), []);
    assert.deepEqual(ids(job('      - run: yarn install\n')), ['yarn install']);
  });

  it('leaves Yarn alone in repositories that use Yarn 2+, and only Yarn: npm advice stays', () => {
    const both = job('      - run: yarn install\n      - run: npm install\n');
    assert.deepEqual(ids(both, { yarnBerry: true, npmLockfile: true }), ['npm install']);
    assert.deepEqual(ids(both, { yarnBerry: false, npmLockfile: true }), ['yarn install', 'npm install']);
  });
});
