import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import { WORKFLOW_SCHEMA } from '../../server/src/engine/schema/schemaData.generated';
import { ruleById } from '../../server/src/rules';

const rule = ruleById('gha/events')!;
const events = Object.keys(WORKFLOW_SCHEMA['on-mapping-strict']?.mapping?.properties ?? {});
const workflow = (on: string) => `on: ${on}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n`;

function unknownEvents(on: string): string[] {
  return lint(workflow(on), '.github/workflows/ci.yml', { rules: [rule], preset: 'strict' })
    .findings.filter((finding) => finding.messageId === 'unknownEvent')
    .map((finding) => finding.message);
}

describe('gha/events short forms', () => {
  it('knows every event of the mapping form', () => assert.ok(events.length > 30 && events.includes('repository_dispatch')));

  for (const event of events) {
    it(`takes '${event}' as a plain value and in a list`, () => {
      assert.deepEqual(unknownEvents(event), []);
      assert.deepEqual(unknownEvents(`[push, ${event}]`), []);
    });
  }

  it('still reports a misspelt event in the short forms', () => {
    assert.deepEqual(unknownEvents('repository-dispatch'), ["'repository-dispatch' is not an event GitHub triggers workflows on; did you mean 'repository_dispatch'?"]);
    assert.deepEqual(unknownEvents('[push, pull-request]'), ["'pull-request' is not an event GitHub triggers workflows on; did you mean 'pull_request'?"]);
  });
});
