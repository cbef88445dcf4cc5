import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import { buildProjectIndex, ProjectIndex } from '../../server/src/engine/core/projectIndex';
import { RULES } from '../../server/src/rules';
import { assertLinear } from '../helpers/complexity';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: { app: web, tier: front }
spec: {}
`;

describe('ProjectIndex', () => {
  it('lists each file: objects by kind, namespace, name and labels; workflows; kustomizations', () => {
    const index = buildProjectIndex([
      { path: 'k8s/web.yaml', text: `${DEPLOYMENT}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n` },
      { path: '.github/workflows/reusable.yml', text: 'on:\n  workflow_call: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n' },
      { path: '.github/workflows/ci.yml', text: 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n' },
      { path: 'deploy/kustomization.yaml', text: 'resources:\n  - ../k8s/web.yaml\n' },
    ]);
    const objects = index.file('k8s/web.yaml')!.objects.map(({ kind, name, namespace, labels }) => ({ kind, name, namespace, labels: { ...labels } }));
    assert.deepEqual(objects, [
      { kind: 'Deployment', name: 'web', namespace: 'shop', labels: { app: 'web', tier: 'front' } },
      { kind: 'Service', name: 'web', namespace: undefined, labels: {} },
    ]);
    assert.deepEqual(index.file('.github/workflows/reusable.yml')!.workflow, { kind: 'workflow', reusable: true });
    assert.deepEqual(index.file('.github/workflows/ci.yml')!.workflow, { kind: 'workflow', reusable: false });
    assert.deepEqual(index.file('deploy/kustomization.yaml')!.kustomization, { resources: ['../k8s/web.yaml'] });
    assert.equal(index.file('missing.yaml'), undefined);
  });

  it('follows file events: a changed text is read again, a removed file is gone', () => {
    const index = buildProjectIndex([{ path: 'k8s/web.yaml', text: DEPLOYMENT }]);
    assert.equal(index.file('k8s/web.yaml')!.objects[0]!.name, 'web');
    index.setFile('k8s/web.yaml', DEPLOYMENT.replace('name: web', 'name: api'));
    assert.equal(index.file('k8s/web.yaml')!.objects[0]!.name, 'api');
    index.removeFile('k8s/web.yaml');
    assert.equal(index.size, 0);
  });
});

describe('ctx.index', () => {
  const rollout = (namespace: string) =>
    `apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\n  namespace: ${namespace}\nspec:\n  replicas: 10\n  selector:\n    matchLabels: { app: web }\n  template:\n    metadata:\n      labels: { app: web }\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.0.0\n  strategy:\n    canary:\n      steps:\n        - setWeight: 10\n`;
  const hpa = (namespace: string) =>
    `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n  namespace: ${namespace}\nspec:\n  scaleTargetRef:\n    apiVersion: argoproj.io/v1alpha1\n    kind: Rollout\n    name: web\n  minReplicas: 3\n  maxReplicas: 20\n`;
  const granularity = (text: string) => lint(text, 'k8s/web.yaml', { rules: RULES }).findings.filter((finding) => finding.ruleId === 'k8s/rollout-weight-granularity');

  it('matches an autoscaler to a Rollout of the same namespace only', () => {
    assert.equal(granularity(`${rollout('shop')}---\n${hpa('shop')}`).length, 1, 'minReplicas 3 cannot make 10%');
    assert.equal(granularity(`${rollout('shop')}---\n${hpa('other')}`).length, 0, 'another namespace’s autoscaler is not this Rollout’s');
  });

  const inIndex = (files: Record<string, string>, path: string) =>
    lint(files[path]!, path, { rules: RULES, index: buildProjectIndex(Object.entries(files).map(([file, text]) => ({ path: file, text }))) }).findings.filter(
      (finding) => finding.ruleId === 'k8s/rollout-weight-granularity',
    );

  it('matches an autoscaler in a sibling file that one kustomization lists with the Rollout', () => {
    const files = { 'deploy/rollout.yaml': rollout('shop'), 'deploy/hpa.yaml': hpa('shop'), 'deploy/kustomization.yaml': 'resources:\n  - rollout.yaml\n  - ./hpa.yaml\n' };
    assert.equal(inIndex(files, 'deploy/rollout.yaml').length, 1, 'the listed autoscaler’s minReplicas 3 cannot make 10%');
    assert.equal(inIndex(files, 'deploy/hpa.yaml').length, 0, 'reported in the Rollout’s file, not the autoscaler’s');
    // Listed from another folder, spelled with `..`.
    const across = { 'base/rollout.yaml': rollout('shop'), 'scaling/hpa.yaml': hpa('shop'), 'overlay/kustomization.yml': 'resources:\n  - ../base/rollout.yaml\n  - ../scaling/hpa.yaml\n' };
    assert.equal(inIndex(across, 'base/rollout.yaml').length, 1);
  });

  it('does not match objects of unrelated files in the same folder', () => {
    const unlisted = { 'deploy/rollout.yaml': rollout('shop'), 'deploy/hpa.yaml': hpa('shop') };
    assert.equal(inIndex(unlisted, 'deploy/rollout.yaml').length, 0, 'no kustomization: each file alone');
    const other = { ...unlisted, 'deploy/kustomization.yaml': 'resources:\n  - rollout.yaml\n' };
    assert.equal(inIndex(other, 'deploy/rollout.yaml').length, 0, 'the autoscaler is not listed with the Rollout');
  });

  it('lists the files a kustomization lists together, again after it changes', () => {
    const index = buildProjectIndex([
      { path: 'a/kustomization.yaml', text: 'resources:\n  - x.yaml\n  - y.yaml\n  - missing.yaml\n' },
      { path: 'a/x.yaml', text: DEPLOYMENT },
      { path: 'a/y.yaml', text: DEPLOYMENT },
      { path: 'a/z.yaml', text: DEPLOYMENT },
    ]);
    assert.deepEqual(index.listedWith('a/x.yaml'), ['a/y.yaml']);
    assert.deepEqual(index.listedWith('a/z.yaml'), []);
    index.setFile('a/kustomization.yaml', 'resources:\n  - x.yaml\n  - z.yaml\n');
    assert.deepEqual(index.listedWith('a/x.yaml'), ['a/z.yaml']);
    index.removeFile('a/z.yaml');
    assert.deepEqual(index.listedWith('a/x.yaml'), []);
  });

  // Opening a whole workspace sends one didOpen a file, and each check asks who is kustomized with it: a file that no
  // kustomization lists must not make the index work the groups out again (10 000 files took minutes).
  it('adds files that no kustomization lists in linear time, asked who is kustomized with each', () => {
    const kustomization = 'resources:\n  - rollout.yaml\n  - hpa.yaml\n';
    assertLinear(
      'adding files and asking listedWith after each',
      (size) => Array.from({ length: size }, (_, n) => `apps/app-${n}/deployment.yaml`),
      (paths) => {
        const index = new ProjectIndex();
        index.setFile('base/kustomization.yaml', kustomization);
        index.setFile('base/rollout.yaml', 'kind: Rollout\n');
        for (const path of paths) {
          index.setFile(path, DEPLOYMENT);
          assert.equal(index.listedWith(path).length, 0);
        }
        assert.deepEqual(index.listedWith('base/rollout.yaml'), []);
        index.setFile('base/hpa.yaml', 'kind: HorizontalPodAutoscaler\n');
        assert.deepEqual(index.listedWith('base/rollout.yaml'), ['base/hpa.yaml'], 'a listed file that arrives later is grouped');
      },
      200,
    );
  });
});
