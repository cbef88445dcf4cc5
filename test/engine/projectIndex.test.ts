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
    assert.deepEqual(index.file('deploy/kustomization.yaml')!.kustomization, { resources: ['../k8s/web.yaml'], components: [], images: [] });
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

describe('images a build tool fills in', () => {
  const deployment = (image: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: { app: web }\n  template:\n    metadata:\n      labels: { app: web }\n    spec:\n      containers:\n        - name: web\n          image: ${image}\n`;
  const filled = (files: Record<string, string>, path: string) =>
    buildProjectIndex(Object.entries(files).map(([file, text]) => ({ path: file, text })))
      .imagesFilledIn(path)
      .map(({ name, tool, source }) => `${tool} ${source} ${name}`);
  const imageTag = (files: Record<string, string>, path: string) =>
    lint(files[path]!, path, { rules: RULES, index: buildProjectIndex(Object.entries(files).map(([file, text]) => ({ path: file, text }))) }).findings.filter(
      (finding) => finding.ruleId === 'k8s/image-tag',
    );

  it('reads kustomize images with newTag or digest, from the kustomization that lists the file and those built on it', () => {
    const files = {
      'base/web.yaml': deployment('web'),
      'base/kustomization.yaml': 'resources:\n  - web.yaml\nimages:\n  - name: web\n    newTag: 1.2.3\n  - name: only-renamed\n    newName: ghcr.io/acme/only-renamed\n',
      'overlays/prod/kustomization.yml': 'resources:\n  - ../../base\ncomponents:\n  - ../../components/pin\n',
      'components/pin/kustomization.yaml': 'kind: Component\nimages:\n  - name: ghcr.io/acme/sidecar\n    digest: sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945\n',
      'legacy/kustomization.yaml': 'bases:\n  - ../base/\nimages:\n  - name: legacy\n    newTag: v2\n',
      'other/web.yaml': deployment('web'),
    };
    assert.deepEqual(filled(files, 'base/web.yaml').sort(), [
      'kustomize base/kustomization.yaml web',
      'kustomize components/pin/kustomization.yaml ghcr.io/acme/sidecar',
      'kustomize legacy/kustomization.yaml legacy',
    ]);
    assert.deepEqual(filled(files, 'other/web.yaml'), [], 'no kustomization lists it');
  });

  it('reads Skaffold artifacts (profiles too) for files in the Skaffold file’s folder and below, not beside it', () => {
    const skaffold =
      'apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n    - image: emailservice\n      context: src/emailservice\nprofiles:\n  - name: gcb\n    build:\n      artifacts:\n        - image: loadgenerator\n---\napiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n    - image: frontend\n';
    const files = { 'shop/skaffold.yaml': skaffold, 'shop/k8s/email.yaml': deployment('emailservice'), 'shop-other/email.yaml': deployment('emailservice'), 'shop/skaffold-notes.yaml': 'build:\n  artifacts:\n    - image: notes\n' };
    assert.deepEqual(filled(files, 'shop/k8s/email.yaml'), ['skaffold shop/skaffold.yaml emailservice', 'skaffold shop/skaffold.yaml loadgenerator', 'skaffold shop/skaffold.yaml frontend']);
    assert.deepEqual(filled(files, 'shop-other/email.yaml'), []);
  });

  it('leaves an image k8s/image-tag would flag alone when a kustomization or Skaffold file deploying it sets the tag', () => {
    const kustomized = { 'k8s/web.yaml': deployment('ghcr.io/acme/web:latest'), 'k8s/kustomization.yaml': 'resources:\n  - web.yaml\nimages:\n  - name: ghcr.io/acme/web\n    newTag: sha-3f9c2e1\n' };
    assert.equal(imageTag(kustomized, 'k8s/web.yaml').length, 0);
    assert.equal(imageTag({ 'k8s/web.yaml': kustomized['k8s/web.yaml'] }, 'k8s/web.yaml').length, 1, 'without the kustomization');
    const renamed = { ...kustomized, 'k8s/kustomization.yaml': 'resources:\n  - web.yaml\nimages:\n  - name: ghcr.io/acme/web\n    newName: ghcr.io/acme/web2\n' };
    assert.equal(imageTag(renamed, 'k8s/web.yaml').length, 1, 'newName alone keeps the manifest’s tag');
    const moving = { ...kustomized, 'k8s/kustomization.yaml': 'resources:\n  - web.yaml\nimages:\n  - name: ghcr.io/acme/web\n    newTag: latest\n' };
    assert.equal(imageTag(moving, 'k8s/web.yaml').length, 0, 'the kustomization decides the tag, even `latest`: the manifest is not where to fix it');
    const skaffolded = { 'skaffold.yaml': 'apiVersion: skaffold/v2beta26\nkind: Config\nbuild:\n  artifacts:\n    - image: emailservice\n', 'k8s/email.yaml': deployment('emailservice') };
    assert.equal(imageTag(skaffolded, 'k8s/email.yaml').length, 0);
    assert.equal(imageTag({ ...skaffolded, 'k8s/email.yaml': deployment('busybox') }, 'k8s/email.yaml').length, 1, 'an image Skaffold does not build');
  });

  it('names the files a kustomization or Skaffold file decides for, to check again when it changes', () => {
    const index = buildProjectIndex([
      { path: 'base/web.yaml', text: deployment('web') },
      { path: 'base/kustomization.yaml', text: 'resources:\n  - web.yaml\n' },
      { path: 'overlay/kustomization.yaml', text: 'resources:\n  - ../base\ncomponents:\n  - ../pin\n' },
      { path: 'pin/kustomization.yaml', text: 'kind: Component\nresources:\n  - extra.yaml\n' },
      { path: 'pin/extra.yaml', text: deployment('extra') },
      { path: 'app/skaffold.yaml', text: 'apiVersion: skaffold/v3\nkind: Config\n' },
      { path: 'app/k8s/a.yaml', text: deployment('a') },
    ]);
    assert.deepEqual([...index.imagesFilledInBy('pin/kustomization.yaml')].sort(), ['base/web.yaml', 'pin/extra.yaml'], 'a component decides for what the overlay builds');
    assert.deepEqual([...index.imagesFilledInBy('base/kustomization.yaml')].sort(), ['base/web.yaml']);
    assert.deepEqual(index.imagesFilledInBy('app/skaffold.yaml'), ['app/k8s/a.yaml']);
    assert.deepEqual(index.imagesFilledInBy('base/web.yaml'), []);
  });
});
