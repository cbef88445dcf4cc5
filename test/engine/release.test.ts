import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify } from '../../server/src/engine/core/classify';
import { isReleaseWorkflow } from '../../server/src/engine/model/release';
import { runsOnlyForReleases, workflowTriggers } from '../../server/src/engine/model/triggers';
import { parseYamlFile } from '../../server/src/engine/yaml/yamlFile';

const JOB = 'jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n';

/** Whether a workflow with this `on:` (and these jobs) is a release workflow, and whether it runs only for releases. */
function release(on: string, jobs = JOB): [boolean, boolean] {
  const file = parseYamlFile(`${on}\n${jobs}`, '.github/workflows/ci.yml');
  const yaml = file.documents[0]!;
  const classified = classify(file, yaml);
  assert.ok(classified.type === 'workflow');
  return [isReleaseWorkflow(classified.workflow, yaml), runsOnlyForReleases(workflowTriggers(classified.workflow, yaml))];
}

describe('release workflows', () => {
  it('run only for releases and tag pushes, in any form of on:', () => {
    assert.deepEqual(release('on: release'), [true, true]);
    assert.deepEqual(release('on: [release]'), [true, true]);
    assert.deepEqual(release("on:\n  push:\n    tags: ['v*']"), [true, true]);
    assert.deepEqual(release("on:\n  push:\n    tags-ignore: ['nightly-*']"), [true, true]);
    assert.deepEqual(release('on:\n  release:\n    types: [published]\n  workflow_dispatch:'), [true, false]);
  });

  it('are not those that also build branches, pull requests or for callers', () => {
    assert.deepEqual(release("on:\n  push:\n    branches: [main]\n    tags: ['v*']"), [false, false]);
    assert.deepEqual(release("on:\n  push:\n    paths: ['src/**']"), [false, false]);
    assert.deepEqual(release('on: [release, pull_request]'), [false, false]);
    assert.deepEqual(release('on:\n  workflow_call:\n  release:'), [false, false]);
    assert.deepEqual(release('on: ${{ fromJSON(x) }}'), [false, false]);
  });

  it('include one run only by hand that creates a GitHub release', () => {
    assert.deepEqual(release('on: workflow_dispatch'), [false, false]);
    assert.deepEqual(release('on: workflow_dispatch', `${JOB}      - run: gh release create v1 --notes x\n`), [true, false]);
    assert.deepEqual(release('on: workflow_dispatch', `${JOB}      - uses: softprops/action-gh-release@v2\n`), [true, false]);
    assert.deepEqual(release('on: workflow_dispatch', `${JOB}      - run: gh release view v1\n`), [false, false]);
    assert.deepEqual(release('on: [workflow_dispatch, push]', `${JOB}      - run: gh release create v1\n`), [false, false]);
  });
});
