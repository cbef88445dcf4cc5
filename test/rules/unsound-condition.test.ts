import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import { ruleById } from '../../server/src/rules';

// What the fixtures cannot show: a bare switch is noted only without a comment beside or above it, and a fixture's
// `# expect:` comment is such a comment.
const workflow = `on: push
jobs:
  off:
    if: false
    runs-on: ubuntu-latest
    snapshot:
      image-name: my-image
      if: true
    steps:
      - run: echo a boolean
        if: true
      - run: echo in braces
        if: \${{ false }}
      - run: echo quoted in braces
        if: '\${{ true }}'
      - run: echo quoted
        if: 'false'
      - run: echo spaces around
        if: ' true '
      - run: echo negated
        if: '!true'
      - run: echo a number
        if: 1
      - run: echo in a block
        if: |
          false
      - run: echo reads the run
        if: false && github.event_name == 'push'
      - run: echo explained above
        # Off until the mirror is back.
        if: false
      - run: echo explained beside
        if: false # until the mirror is back
`;

const rule = ruleById('gha/unsound-condition')!;
const findings = (preset: 'strict' | 'recommended') =>
  lint(workflow, '.github/workflows/ci.yml', { rules: [rule], preset }).findings.map((finding) => {
    const line = workflow.slice(0, finding.span.start).split('\n').length;
    return { line, severity: finding.severity, message: finding.message };
  });

describe('gha/unsound-condition: bare switches', () => {
  it('notes each unexplained literal condition in strict, as info, with the outcome', () => {
    const found = findings('strict');
    assert.deepEqual(
      found.map((finding) => `${finding.line}:${finding.severity}`),
      ['4:info', '8:info', '11:info', '13:info', '15:info', '17:info', '19:info', '21:info', '23:info', '25:info'],
    );
    assert.match(found[0]!.message, /always false \('false'\): the job never runs/);
    assert.match(found[1]!.message, /always true \('true'\) and decides nothing/);
    assert.match(found[3]!.message, /always false \('false'\): the step never runs/);
    assert.match(found[7]!.message, /always false \('!true'\)/);
    assert.match(found[9]!.message, /always false \('false'\)/);
  });

  it('says nothing of them in recommended', () => {
    assert.deepEqual(findings('recommended'), []);
  });
});
