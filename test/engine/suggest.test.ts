import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closest, nameDistance, suggestRenames } from '../../server/src/engine/languages/suggest';

describe('suggest', () => {
  it('counts words put in another order as near', () => {
    assert.equal(nameDistance('issue-exclude-created-before', 'exclude-issue-created-before'), 0);
    assert.equal(nameDistance('node_version', 'Node-Version'), 0);
    assert.equal(nameDistance('fetch-depht', 'fetch-depth'), 2);
    assert.equal(closest('issue-exclude-created-before', ['exclude-pr-created-before', 'exclude-issue-created-before']), 'exclude-issue-created-before');
  });

  it('never suggests one name for two keys that fix-all would both rename', () => {
    const declared = ['node-version', 'node-version-file', 'cache'];
    assert.deepEqual([...suggestRenames(['node-versio', 'node-vrsion'], declared, ['node-versio', 'node-vrsion'])], [
      ['node-versio', { suggestion: 'node-version', fixable: false }],
      ['node-vrsion', { suggestion: 'node-version', fixable: false }],
    ]);
    assert.deepEqual([...suggestRenames(['node_version', 'node-versio'], declared, ['node_version', 'node-versio'])], [
      ['node_version', { suggestion: 'node-version', fixable: true }],
      ['node-versio', { fixable: false }],
    ]);
    assert.deepEqual([...suggestRenames(['node_version'], declared, ['Node-Version', 'node_version'])], [['node_version', { fixable: false }]]);
  });
});
