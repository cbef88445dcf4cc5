import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { defaultThreads } from '../../server/src/cli/workers';
import { BRANCH_TAGGED_POD, DEPLOYMENT, json, onlyRules, shipcheck, workspace, WORKFLOW, type Run } from '../helpers/cli';

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

  it('checks the files one kustomization lists together in every thread: the Rollout meets its autoscaler in a sibling file', () => {
    const rollout = `apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\nspec:\n  replicas: 10\n  selector:\n    matchLabels: { app: web }\n  template:\n    metadata:\n      labels: { app: web }\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.0.0\n  strategy:\n    canary:\n      steps:\n        - setWeight: 10\n`;
    const hpa = `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef:\n    apiVersion: argoproj.io/v1alpha1\n    kind: Rollout\n    name: web\n  minReplicas: 3\n  maxReplicas: 20\n`;
    const files: Record<string, string | Buffer> = { ...mixedFiles(), '.shipcheck.yaml': onlyRules(['k8s/rollout-weight-granularity']) };
    for (const app of ['a', 'b', 'c']) {
      files[`${app}/rollout.yaml`] = rollout;
      files[`${app}/hpa.yaml`] = hpa;
    }
    // b's kustomization lists both files; c's lists the Rollout alone; a has none.
    files['b/kustomization.yaml'] = 'resources:\n  - rollout.yaml\n  - hpa.yaml\n';
    files['c/kustomization.yaml'] = 'resources:\n  - rollout.yaml\n';
    const root = workspace(files);
    const serial = shipcheck(root, '--jobs', '1', '--format', 'json');
    const reported = json(serial).findings.filter((finding) => finding.ruleId === 'k8s/rollout-weight-granularity').map((finding) => finding.file);
    assert.deepEqual(reported, ['b/rollout.yaml']);
    same(serial, shipcheck(root, '--jobs', '2', '--format', 'json'), 'kustomized files');
  });
});

describe('default threads', () => {
  // A checking thread keeps more than a core busy (V8 compiles and collects beside it): one core is left to that.
  it('is one per core but one, and at least one', () => {
    assert.deepEqual([1, 2, 4, 8].map(defaultThreads), [1, 1, 3, 7]);
  });
});
