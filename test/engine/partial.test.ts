import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify } from '../../server/src/engine/core/classify';
import type { K8sObject } from '../../server/src/engine/model/k8s';
import { isControllerOwned } from '../../server/src/engine/model/k8s';
import { parseYamlFile } from '../../server/src/engine/yaml/yamlFile';

function objects(text: string): { object: K8sObject; owned: boolean }[] {
  const file = parseYamlFile(text);
  return file.documents.flatMap((yaml) => {
    const classified = classify(file, yaml);
    return classified.type === 'k8s' ? classified.objects.map((object) => ({ object, owned: isControllerOwned(yaml, object) })) : [];
  });
}

const deployment = (spec: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n${spec}`;
const template = `  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n`;

describe('partial objects (Kustomize patches)', () => {
  it('a whole Deployment is not partial', () => {
    assert.equal(objects(deployment(`  selector:\n    matchLabels: { app: web }\n${template}`))[0]!.object.partial, false);
  });

  it('an apps/v1 workload without a selector is a patch', () => {
    assert.equal(objects(deployment(template))[0]!.object.partial, true);
  });

  it('an old API version that defaulted the selector is whole', () => {
    const text = deployment(template).replace('apps/v1', 'extensions/v1beta1');
    assert.equal(objects(text)[0]!.object.partial, false);
  });

  it('a container without image is a patch, in any workload kind', () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: web\n      resources:\n        limits: { memory: 1Gi }\n';
    assert.equal(objects(pod)[0]!.object.partial, true);
    const init = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n      initContainers:\n        - name: setup\n      containers:\n        - name: run\n          image: busybox:1.36\n';
    assert.equal(objects(init)[0]!.object.partial, true);
  });

  it('strategic-merge directives mark a patch', () => {
    const text = deployment(`  selector:\n    matchLabels: { app: web }\n  template:\n    spec:\n      $setElementOrder/containers:\n        - name: web\n      containers:\n        - name: web\n          image: nginx:1.27\n`);
    assert.equal(objects(text)[0]!.object.partial, true);
    const deletion = deployment(`  selector:\n    matchLabels: { app: web }\n  template:\n    spec:\n      containers:\n        - name: sidecar\n          image: x:1\n          $patch: delete\n`);
    assert.equal(objects(deletion)[0]!.object.partial, true);
  });

  it('objects without a pod spec are never partial', () => {
    assert.equal(objects('apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports: [{ port: 80 }]\n')[0]!.object.partial, false);
    const workloadRef = 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: r\nspec:\n  workloadRef: { apiVersion: apps/v1, kind: Deployment, name: web }\n';
    assert.equal(objects(workloadRef)[0]!.object.partial, false);
  });
});

describe('controller-owned objects', () => {
  it('an object a controller created is owned; one merely referencing an owner is not', () => {
    const owned = 'apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web-1\n  ownerReferences:\n    - { apiVersion: apps/v1, kind: Deployment, name: web, uid: u, controller: true }\nspec: {}\n';
    assert.equal(objects(owned)[0]!.owned, true);
    assert.equal(objects(owned.replace('controller: true', 'controller: false'))[0]!.owned, false);
    assert.equal(objects(deployment(template))[0]!.owned, false);
  });
});
