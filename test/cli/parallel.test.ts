import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { BRANCH_TAGGED_POD, DEPLOYMENT, json, shipcheck, workspace, WORKFLOW, type Run } from '../helpers/cli';

/** Enough files of every kind (findings, clean, broken, skipped, unrelated) for both threads to get several batches. */
function mixedFiles(): Record<string, string | Buffer> {
  const files: Record<string, string | Buffer> = {};
  for (let index = 0; index < 40; index++) {
    const name = String(index).padStart(2, '0');
    files[`.github/workflows/ci-${name}.yml`] = index % 3 === 0 ? WORKFLOW.replace('npm install', 'npm ci') : WORKFLOW.replace('name: ci', `name: ci-${name}`);
    files[`k8s/web-${name}.yaml`] = index % 2 === 0 ? DEPLOYMENT : BRANCH_TAGGED_POD;
  }
  files['.github/workflows/broken.yml'] = 'on: push\njobs:\n  test:\n    runs-on: [ubuntu-latest\n';
  files['chart/templates/deploy.yaml'] = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n';
  files['docker-compose.yml'] = 'services:\n  web:\n    image: nginx:latest\n';
  return files;
}

function same(serial: Run, parallel: Run, what: string): void {
  assert.equal(parallel.stdout, serial.stdout, `${what}: stdout`);
  assert.equal(parallel.stderr, serial.stderr, `${what}: stderr`);
  assert.equal(parallel.status, serial.status, `${what}: exit code`);
}

describe('checking in worker threads', () => {
  it('gives byte-identical output to checking in one thread, in every format', () => {
    const root = workspace(mixedFiles());
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const serial = shipcheck(root, '--jobs', '1', '--format', format);
      assert.match(serial.stdout, /npm-ci/, format);
      same(serial, shipcheck(root, '--jobs', '2', '--format', format), format);
    }
    same(shipcheck(root, '--jobs', '1', '--fix', '--dry-run'), shipcheck(root, '--jobs', '2', '--fix', '--dry-run'), '--fix --dry-run');
  });

  it('--fix writes the same files from worker threads as from one thread', () => {
    const serialRoot = workspace(mixedFiles());
    const parallelRoot = workspace(mixedFiles());
    const serial = shipcheck(serialRoot, '--jobs', '1', '--fix', '--format', 'json');
    const parallel = shipcheck(parallelRoot, '--jobs', '2', '--fix', '--format', 'json');
    same(serial, parallel, '--fix');
    assert.equal(json(serial).fixed, 26);
    const directory = '.github/workflows';
    const names = fs.readdirSync(path.join(serialRoot, directory));
    assert.deepEqual(fs.readdirSync(path.join(parallelRoot, directory)), names);
    for (const name of names) {
      assert.equal(fs.readFileSync(path.join(parallelRoot, directory, name), 'utf8'), fs.readFileSync(path.join(serialRoot, directory, name), 'utf8'), name);
    }
    assert.equal(fs.readFileSync(path.join(parallelRoot, directory, 'ci-01.yml'), 'utf8'), WORKFLOW.replace('name: ci', 'name: ci-01').replace('npm install', 'npm ci'));
  });
});
