import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify } from '../../server/src/engine/core/classify';
import { applyEdits } from '../../server/src/engine/core/fixes';
import type { Workflow } from '../../server/src/engine/model/workflow';
import { addStepInputs } from '../../server/src/engine/edits/workflowEdit';
import { parseYamlFile, type YamlFile } from '../../server/src/engine/yaml/yamlFile';

function workflowOf(text: string): { file: YamlFile; workflow: Workflow } {
  const file = parseYamlFile(text, '.github/workflows/ci.yml');
  const classified = classify(file, file.documents[0]!);
  assert.equal(classified.type, 'workflow');
  return { file, workflow: (classified as { workflow: Workflow }).workflow };
}

describe('addStepInputs', () => {
  it('merges into an existing `with:`, keeping comments and indentation', () => {
    const text = 'on: push\njobs:\n    t:\n        runs-on: x\n        steps:\n            - uses: a/b@v1\n              with:\n                  k: v # note\n';
    const { file, workflow } = workflowOf(text);
    const edit = addStepInputs(file, workflow.jobs[0]!.steps[0]!, [['cache', "'npm'"]]);
    assert.equal(applyEdits(text, [edit!]), text.replace('# note\n', "# note\n                  cache: 'npm'\n"));
  });

  it('creates `with:` when the step has none, and nests multi-line values', () => {
    const text = 'on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - uses: a/b@v1\n      - run: echo\n';
    const { file, workflow } = workflowOf(text);
    const edit = addStepInputs(file, workflow.jobs[0]!.steps[0]!, [['tags', '|\n  one\n  two']]);
    assert.equal(applyEdits(text, [edit!]), text.replace('a/b@v1\n', 'a/b@v1\n        with:\n          tags: |\n            one\n            two\n'));
  });

  it('gives up on a flow-style `with:` rather than duplicating the key', () => {
    const text = 'on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - uses: a/b@v1\n        with: { k: v }\n';
    const { file, workflow } = workflowOf(text);
    assert.equal(addStepInputs(file, workflow.jobs[0]!.steps[0]!, [['cache', 'npm']]), undefined);
  });
});
