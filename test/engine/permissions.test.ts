import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify } from '../../server/src/engine/core/classify';
import { effectivePermissions, forkOnlyJobs, onlyCalledByOtherWorkflows, triggers } from '../../server/src/engine/model/permissions';
import type { Workflow } from '../../server/src/engine/model/workflow';
import { parseYamlFile, type YamlDoc } from '../../server/src/engine/yaml/yamlFile';

function workflowOf(text: string): { workflow: Workflow; yaml: YamlDoc } {
  const file = parseYamlFile(text, '.github/workflows/ci.yml');
  const yaml = file.documents[0]!;
  const classified = classify(file, yaml);
  assert.equal(classified.type, 'workflow');
  return { workflow: (classified as { workflow: Workflow }).workflow, yaml };
}

const JOB = '    runs-on: ubuntu-latest\n    steps:\n      - run: make\n';

function levels(text: string, jobId: string, scopes: string[]): { source: string; levels: string[] } {
  const { workflow, yaml } = workflowOf(text);
  const job = workflow.jobs.find((candidate) => candidate.id === jobId)!;
  const effective = effectivePermissions(job, yaml);
  return { source: effective.source, levels: scopes.map((scope) => effective.level(scope)) };
}

describe('effectivePermissions', () => {
  it('uses the job level, replacing the workflow level entirely', () => {
    const text = `on: push\npermissions:\n  contents: write\n  issues: write\njobs:\n  a:\n    permissions:\n      pull-requests: write\n${JOB}`;
    assert.deepEqual(levels(text, 'a', ['pull-requests', 'contents', 'id-token']), { source: 'job', levels: ['write', 'none', 'none'] });
  });

  it('falls back to the workflow level', () => {
    const text = `on: push\npermissions:\n  contents: read\n  id-token: write\njobs:\n  a:\n${JOB}`;
    assert.deepEqual(levels(text, 'a', ['contents', 'id-token', 'packages']), { source: 'workflow', levels: ['read', 'write', 'none'] });
  });

  it('falls back to the repository default, which never includes id-token', () => {
    assert.deepEqual(levels(`on: push\njobs:\n  a:\n${JOB}`, 'a', ['contents', 'id-token']), { source: 'default', levels: ['default', 'none'] });
  });

  it('understands read-all, write-all, {} and an empty value', () => {
    const text = `on: push\npermissions: read-all\njobs:\n  r:\n${JOB}  w:\n    permissions: write-all\n${JOB}  e:\n    permissions: {}\n${JOB}  n:\n    permissions:\n${JOB}`;
    assert.deepEqual(levels(text, 'r', ['contents', 'id-token']).levels, ['read', 'none']);
    assert.deepEqual(levels(text, 'w', ['contents', 'id-token']).levels, ['write', 'write']);
    assert.deepEqual(levels(text, 'e', ['contents', 'id-token']).levels, ['none', 'none']);
    assert.deepEqual(levels(text, 'n', ['contents']).levels, ['none']);
  });

  it('says unknown for expressions and values GitHub would reject', () => {
    const text = `on: push\njobs:\n  a:\n    permissions: \${{ inputs.perms }}\n${JOB}  b:\n    permissions:\n      contents: admin\n${JOB}`;
    assert.deepEqual(levels(text, 'a', ['contents']).levels, ['unknown']);
    assert.deepEqual(levels(text, 'b', ['contents', 'issues']).levels, ['unknown', 'unknown']);
  });

  it('sees through anchors', () => {
    const text = `on: push\njobs:\n  a:\n    permissions: &p\n      id-token: write\n${JOB}  b:\n    permissions: *p\n${JOB}`;
    assert.deepEqual(levels(text, 'b', ['id-token']), { source: 'job', levels: ['write'] });
  });
});

describe('triggers', () => {
  it('reads the scalar, list and map forms of on:', () => {
    assert.deepEqual(triggers(workflowOf(`on: push\njobs:\n  a:\n${JOB}`).yaml, workflowOf(`on: push\njobs:\n  a:\n${JOB}`).workflow), ['push']);
    const list = workflowOf(`on: [push, pull_request_target]\njobs:\n  a:\n${JOB}`);
    assert.deepEqual(triggers(list.yaml, list.workflow), ['push', 'pull_request_target']);
    const called = workflowOf(`on:\n  workflow_call:\n    inputs: {}\njobs:\n  a:\n${JOB}`);
    assert.deepEqual(triggers(called.yaml, called.workflow), ['workflow_call']);
    assert.equal(onlyCalledByOtherWorkflows(called.yaml, called.workflow), true);
    assert.equal(onlyCalledByOtherWorkflows(list.yaml, list.workflow), false);
  });
});

describe('forkOnlyJobs', () => {
  const forkOnly = (text: string) => {
    const { workflow, yaml } = workflowOf(text);
    return [...forkOnlyJobs(workflow, yaml, text)].map((job) => job.id);
  };

  it('finds jobs whose condition admits only pull requests from forks, and the jobs that need them', () => {
    const text = `on: [push, pull_request]\njobs:\n  forks:\n    if: github.event.pull_request.head.repo.full_name != github.repository\n${JOB}  after:\n    needs: forks\n${JOB}  all:\n${JOB}`;
    // On push the pull request is null, which differs from the repository's name: the first job runs then.
    assert.deepEqual(forkOnly(text), []);
    assert.deepEqual(forkOnly(text.replace('on: [push, pull_request]', 'on: pull_request')), ['forks', 'after']);
  });

  it('does not count pull_request_target, whose fork runs get the repository token', () => {
    assert.deepEqual(forkOnly(`on: pull_request_target\njobs:\n  a:\n    if: github.event.pull_request.head.repo.fork\n${JOB}`), []);
    assert.deepEqual(forkOnly(`on: pull_request\njobs:\n  a:\n    if: github.event.pull_request.head.repo.fork\n${JOB}`), ['a']);
  });

  it('tries the names a condition compares with, since the file does not say which repository it is in', () => {
    const text = (name: string) => `on: pull_request\njobs:\n  a:\n    if: github.repository == '${name}' && github.event.pull_request.head.repo.full_name != github.repository\n${JOB}`;
    assert.deepEqual(forkOnly(text('example/project')), ['a']);
    const byName = `on: pull_request\njobs:\n  a:\n    if: github.event.pull_request.head.repo.full_name != 'example/project'\n${JOB}`;
    assert.deepEqual(forkOnly(byName), []);
  });
});
