import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import { ruleById } from '../../server/src/rules';

// Not a fixture: every fixture's fixes are applied by the fix-safety test, and gha/action-runtime's upgrade of this
// v2 to v3 turns the binary cache on, which this rule then rightly reports.
const workflow = (ref: string) => `on:
  push:
    tags: ['v*']
permissions:
  contents: read
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/setup-buildx-action@${ref}
        with:
          version: latest
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/example/app:latest
`;

const findings = (text: string) => lint(text, '.github/workflows/image.yml', { rules: [ruleById('gha/cache-poisoning')!], preset: 'strict' }).findings;

describe('gha/cache-poisoning and setup-buildx', () => {
  it('reports a downloaded buildx from v3 on, which keeps its binary in the Actions cache, and not v2, which had none', () => {
    assert.equal(findings(workflow('v3')).length, 1);
    assert.equal(findings(workflow('v2')).length, 0);
  });
});
