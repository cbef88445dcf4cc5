import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import { buildProjectIndex } from '../../server/src/engine/core/projectIndex';
import { RULES } from '../../server/src/rules';

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
});
