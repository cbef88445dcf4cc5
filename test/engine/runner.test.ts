import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { namedForTests } from '../../server/src/engine/model/jobKind';
import { runnerLabels, runsOnSelfHosted, shardedMatrix } from '../../server/src/engine/model/runner';
import { buildWorkflow, type Job } from '../../server/src/engine/model/workflow';
import { parseYamlFile } from '../../server/src/engine/yaml/yamlFile';

/** The one job of `jobs: { j: <body> }`, its body indented by four spaces. */
function job(body: string): Job {
  const text = `on: push\njobs:\n  j:\n${body.replace(/^/gm, '    ')}\n`;
  const yaml = parseYamlFile(text, '.github/workflows/ci.yml').documents[0]!;
  return buildWorkflow(yaml, yaml.doc.contents as never, text, 'workflow').jobs[0]!;
}

describe('runner facts of a job', () => {
  it('reads runs-on labels as a label, a list or a { group, labels } map, leaving expressions out', () => {
    assert.deepEqual(runnerLabels(job('runs-on: ubuntu-latest')), ['ubuntu-latest']);
    assert.deepEqual(runnerLabels(job('runs-on: [self-hosted, linux, "${{ matrix.arch }}"]')), ['self-hosted', 'linux']);
    assert.deepEqual(runnerLabels(job('runs-on:\n  group: big\n  labels: [Self-Hosted]')), ['Self-Hosted']);
    assert.deepEqual(runnerLabels(job('runs-on: ${{ matrix.os }}')), []);
  });

  it('knows a self-hosted runner by its label', () => {
    assert.ok(runsOnSelfHosted(job('runs-on: [self-hosted, gpu]')));
    assert.ok(runsOnSelfHosted(job('runs-on:\n  labels: self-hosted')));
    assert.ok(!runsOnSelfHosted(job('runs-on:\n  group: larger-runners')));
    assert.ok(!runsOnSelfHosted(job('runs-on: ubuntu-latest')));
  });

  it('knows a shard of a split run by its matrix keys, include entries too', () => {
    assert.ok(shardedMatrix(job('strategy:\n  matrix:\n    shardIndex: [1, 2]\n    shardTotal: [2]')));
    assert.ok(shardedMatrix(job('strategy:\n  matrix:\n    include:\n      - { os: linux, chunk: 1 }\n      - { os: linux, chunk: 2 }')));
    assert.ok(shardedMatrix(job('strategy:\n  matrix:\n    total-shards: [4]')));
    assert.ok(!shardedMatrix(job('strategy:\n  matrix:\n    node: [20, 22]\n    os: [ubuntu-latest, windows-latest]')));
    assert.ok(!shardedMatrix(job('strategy:\n  matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}')));
    assert.ok(!shardedMatrix(job('strategy:\n  matrix:\n    exclude:\n      - shard: 1')));
  });

  it('reads a job named for tests, but not one named only for CI or for reporting on tests', () => {
    for (const name of ['unit-tests', 'linux_test_elevated_ci', 'e2e', 'Integration suite']) assert.ok(namedForTests(job(`name: ${name}`)), name);
    for (const name of ['helm-chart-ci', 'CI / Success', 'upload-test-results', 'E2E tests - composite result', 'Approve ok-to-test', 'build']) assert.ok(!namedForTests(job(`name: ${name}`)), name);
  });
});
