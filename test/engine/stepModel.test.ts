import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify } from '../../server/src/engine/core/classify';
import { parseUses } from '../../server/src/engine/model/action';
import { parseImage } from '../../server/src/engine/model/image';
import { shellKind } from '../../server/src/engine/model/stepShell';
import type { Workflow } from '../../server/src/engine/model/workflow';
import { parseYamlFile } from '../../server/src/engine/yaml/yamlFile';

function workflowOf(text: string, path = '.github/workflows/ci.yml'): Workflow {
  const file = parseYamlFile(text, path);
  const classified = classify(file, file.documents[0]!);
  if (classified.type !== 'workflow') throw new Error('not a workflow');
  return classified.workflow;
}

/** The shell of the first step of each job: `name/kind/from`. */
function shells(text: string): string[] {
  return workflowOf(text).jobs.map((job) => {
    const shell = job.steps[0]!.shell;
    return `${shell.name}/${shell.kind}/${shell.from}`;
  });
}

describe('step.shell', () => {
  it('takes the step, then the job defaults, then the workflow defaults, then the runner OS', () => {
    const text = `on: push
defaults:
  run:
    shell: sh
jobs:
  step:
    runs-on: ubuntu-latest
    defaults: {run: {shell: pwsh}}
    steps: [{run: x, shell: cmd}]
  job:
    runs-on: ubuntu-latest
    defaults: {run: {shell: pwsh}}
    steps: [{run: x}]
  workflow:
    runs-on: windows-latest
    steps: [{run: x}]
`;
    assert.deepEqual(shells(text), ['cmd/cmd/step', 'pwsh/pwsh/job', 'sh/posix/workflow']);
  });

  it('defaults to bash on Linux and macOS runners and to pwsh on Windows ones', () => {
    const text = `on: push
jobs:
  linux: {runs-on: ubuntu-latest, steps: [{run: x}]}
  mac: {runs-on: macos-14, steps: [{run: x}]}
  windows: {runs-on: windows-2022, steps: [{run: x}]}
  labels: {runs-on: [self-hosted, windows, x64], steps: [{run: x}]}
  group: {runs-on: {group: big, labels: [windows-latest]}, steps: [{run: x}]}
`;
    assert.deepEqual(shells(text), ['bash/posix/runner', 'bash/posix/runner', 'pwsh/pwsh/runner', 'pwsh/pwsh/runner', 'pwsh/pwsh/runner']);
  });

  it('treats a runner only known at run time (a matrix value) as not Windows: bash', () => {
    const text = `on: push
jobs:
  matrix:
    strategy: {matrix: {os: [ubuntu-latest, windows-latest]}}
    runs-on: \${{ matrix.os }}
    steps: [{run: x}]
`;
    assert.deepEqual(shells(text), ['bash/posix/runner']);
  });

  it("gives a step on the runner's default that runs only on Windows the Windows default: pwsh", () => {
    const text = `on: push
jobs:
  matrix:
    strategy: {matrix: {os: [ubuntu-latest, windows-latest]}}
    runs-on: \${{ matrix.os }}
    steps:
      - {if: "runner.os == 'Windows'", run: x}
      - {if: "\${{ runner.os == 'windows' && matrix.os }}", run: x}
      - {if: "runner.os != 'Windows'", run: x}
      - {if: "runner.os == 'Windows' || inputs.all", run: x}
      - {if: "!(runner.os == 'Windows')", run: x}
      - {if: "runner.os == 'Windows'", shell: bash, run: x}
  defaults:
    runs-on: \${{ matrix.os }}
    defaults: {run: {shell: bash}}
    steps: [{if: "runner.os == 'Windows'", run: x}]
`;
    const all = workflowOf(text).jobs.flatMap((job) => job.steps.map((step) => `${step.shell.name}/${step.shell.from}`));
    assert.deepEqual(all, ['pwsh/runner', 'pwsh/runner', 'bash/runner', 'bash/runner', 'bash/runner', 'bash/step', 'bash/job']);
  });

  it("requires a composite action's steps to set their own shell (one without is checked as bash)", () => {
    const text = `runs:
  using: composite
  steps:
    - run: x
    - run: y
      shell: pwsh
`;
    const [missing, pwsh] = workflowOf(text, 'action.yml').jobs[0]!.steps;
    assert.deepEqual(missing!.shell, { name: 'bash', kind: 'posix', from: 'missing' });
    assert.deepEqual(pwsh!.shell, { name: 'pwsh', kind: 'pwsh', from: 'step' });
  });

  it('knows the kind of a shell through custom command lines and launchers', () => {
    assert.equal(shellKind('bash'), 'posix');
    assert.equal(shellKind('/bin/bash --noprofile --norc -eo pipefail {0}'), 'posix');
    assert.equal(shellKind('script -q -e -c "bash --noprofile --norc -eo pipefail {0}"'), 'posix');
    assert.equal(shellKind('xvfb-run bash {0}'), 'posix');
    assert.equal(shellKind('powershell -command ". \'{0}\'"'), 'pwsh');
    assert.equal(shellKind('pwsh'), 'pwsh');
    assert.equal(shellKind('cmd'), 'cmd');
    assert.equal(shellKind('python'), 'other');
    assert.equal(shellKind('perl {0}'), 'other');
    assert.equal(shellKind('${{ matrix.shell }}'), 'other');
  });
});

describe('step.action', () => {
  it('parses remote actions, with a path and without', () => {
    assert.deepEqual(parseUses('actions/checkout@v4', 'step'), { kind: 'remote', uses: 'actions/checkout@v4', local: false, name: 'actions/checkout', id: 'actions/checkout', owner: 'actions', repo: 'checkout', ref: 'v4' });
    assert.deepEqual(parseUses('github/codeql-action/init@abc123', 'step'), {
      kind: 'remote', uses: 'github/codeql-action/init@abc123', local: false, name: 'github/codeql-action/init', id: 'github/codeql-action/init', owner: 'github', repo: 'codeql-action', path: 'init', ref: 'abc123',
    });
    assert.equal(parseUses('Azure/webapps-deploy@v3', 'step')!.id, 'azure/webapps-deploy');
  });

  it('parses local and docker actions', () => {
    assert.deepEqual(parseUses('./.github/actions/setup', 'step'), { kind: 'local', uses: './.github/actions/setup', local: true, name: './.github/actions/setup', path: '.github/actions/setup' });
    assert.deepEqual(parseUses('docker://alpine:3.19', 'step'), { kind: 'docker', uses: 'docker://alpine:3.19', local: false, name: 'docker://alpine:3.19', image: { repository: 'alpine', tag: '3.19' } });
    assert.deepEqual(parseUses('docker://ghcr.io/o/tool@sha256:abc', 'step')!.image, { repository: 'ghcr.io/o/tool', digest: 'sha256:abc' });
  });

  it('parses reusable workflows (job-level `uses:`), remote and local', () => {
    assert.deepEqual(parseUses('org/shared/.github/workflows/deploy.yml@main', 'job'), {
      kind: 'reusable', uses: 'org/shared/.github/workflows/deploy.yml@main', local: false, name: 'org/shared/.github/workflows/deploy.yml', id: 'org/shared/.github/workflows/deploy.yml', owner: 'org', repo: 'shared', path: '.github/workflows/deploy.yml', ref: 'main',
    });
    assert.deepEqual(parseUses('./.github/workflows/build.yml', 'job'), { kind: 'reusable', uses: './.github/workflows/build.yml', local: true, name: './.github/workflows/build.yml', path: '.github/workflows/build.yml' });
    const workflow = workflowOf('on: push\njobs:\n  call:\n    uses: ./.github/workflows/build.yml\n  run:\n    runs-on: x\n    steps: [{uses: actions/checkout@v4}]\n');
    assert.equal(workflow.jobs[0]!.call?.path, '.github/workflows/build.yml');
    assert.equal(workflow.jobs[1]!.call, undefined);
    assert.equal(workflow.jobs[1]!.steps[0]!.action?.kind, 'remote');
  });

  it('keeps what it can of malformed references', () => {
    assert.deepEqual(parseUses('actions/checkout', 'step'), { kind: 'remote', uses: 'actions/checkout', local: false, name: 'actions/checkout', id: 'actions/checkout', owner: 'actions', repo: 'checkout' });
    assert.deepEqual(parseUses('checkout@', 'step'), { kind: 'remote', uses: 'checkout@', local: false, name: 'checkout', id: 'checkout', owner: 'checkout' });
    assert.deepEqual(parseUses('  actions/cache@v4  ', 'step')!.uses, 'actions/cache@v4');
    assert.equal(parseUses('   ', 'step'), undefined);
  });
});

describe('parseImage', () => {
  it('splits registry, repository, tag and digest', () => {
    assert.deepEqual(parseImage('nginx'), { repository: 'nginx' });
    assert.deepEqual(parseImage('nginx:1.27'), { repository: 'nginx', tag: '1.27' });
    assert.deepEqual(parseImage('registry:5000/team/app'), { repository: 'registry:5000/team/app' });
    assert.deepEqual(parseImage('registry:5000/team/app:1.2@sha256:abc'), { repository: 'registry:5000/team/app', tag: '1.2', digest: 'sha256:abc' });
  });
});
