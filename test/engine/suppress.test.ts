import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import { ruleById } from '../../server/src/rules';

// A fixed set of rules, so these engine tests do not change meaning as the catalog grows.
const RULES = ['gha/npm-ci', 'k8s/image-tag', 'k8s/probe-identical'].map((id) => ruleById(id)!);

const WORKFLOW = '.github/workflows/ci.yml';
const job = (steps: string) => `on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
// Rule findings only: unused-suppression hints are tested on their own below.
const count = (text: string) => lint(text, WORKFLOW, { rules: RULES }).findings.filter((f) => !f.ruleId.startsWith('shipcheck/')).length;

describe('suppression comments', () => {
  it('disable-next-line hides the named rule on the next line only', () => {
    const text = job('      # shipcheck-disable-next-line gha/npm-ci -- refreshing the lockfile on purpose\n      - run: npm install\n      - run: npm install\n');
    assert.equal(count(text), 1);
  });

  it('works as a shell comment inside a run: script', () => {
    const text = job('      - run: |\n          # shipcheck-disable-next-line gha/npm-ci\n          npm install\n          npm install\n');
    assert.equal(count(text), 1);
  });

  it('accepts several ids, and ignores other ids and message text', () => {
    assert.equal(count(job('      # shipcheck-disable-next-line k8s/image-tag, gha/npm-ci\n      - run: npm install\n')), 0);
    assert.equal(count(job('      # shipcheck-disable-next-line k8s/image-tag\n      - run: npm install\n')), 1);
    assert.equal(count(job('      # shipcheck-disable-next-line npm install\n      - run: npm install\n')), 1);
  });

  it('disable without next-line covers the whole file', () => {
    assert.equal(count(`# shipcheck-disable gha/npm-ci\n${job('      - run: npm install\n      - run: npm i\n')}`), 0);
  });

  it('is not fooled by the words inside a string', () => {
    assert.equal(count(job('      - run: echo "#shipcheck-disable gha/npm-ci" && npm install\n')), 1);
  });
});

describe('unused suppressions', () => {
  const findings = (text: string, ruleSettings = {}) => lint(text, WORKFLOW, { rules: RULES, ruleSettings }).findings;

  it('reports a directive that hides nothing as a hint on the comment', () => {
    const text = job('      # shipcheck-disable-next-line gha/npm-ci -- stale\n      - run: npm ci\n');
    const [hint] = findings(text);
    assert.equal(hint?.ruleId, 'shipcheck/unused-suppression');
    assert.equal(hint?.severity, 'hint');
    assert.equal(text.slice(hint!.span.start, hint!.span.end), '# shipcheck-disable-next-line gha/npm-ci -- stale');
  });

  it('reports unknown rule ids, but not rules switched off in configuration', () => {
    const text = job('      # shipcheck-disable-next-line gha/npm-cl\n      - run: npm ci\n');
    assert.match(findings(text)[0]?.message ?? '', /Unknown rule id gha\/npm-cl/);
    const off = job('      # shipcheck-disable-next-line gha/npm-ci\n      - run: npm install\n');
    assert.deepEqual(findings(off, { 'gha/npm-ci': 'off' }), []);
  });

  it('says nothing about a directive that is used', () => {
    assert.deepEqual(findings(job('      # shipcheck-disable-next-line gha/npm-ci\n      - run: npm install\n')), []);
  });
});
