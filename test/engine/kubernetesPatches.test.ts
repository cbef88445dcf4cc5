import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import { buildProjectIndex } from '../../server/src/engine/core/projectIndex';
import type { ProjectFacts } from '../../server/src/engine/core/rule';
import { RULES } from '../../server/src/rules';

// apps/v1 without a selector: the API server rejects it as written, so by default it reads as a Kustomize patch.
const FRAGMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:2.1.0
`;

// A template-less Rollout with neither selector nor workloadRef: a Rollout patch by its shape.
const ROLLOUT = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  strategy:
    canary:
      steps:
        - setWeight: 20
        - pause: {}
`;

function ruleIds(text: string, path: string, project: ProjectFacts, files: { path: string; text: string }[] = []): string[] {
  const index = files.length > 0 ? buildProjectIndex([{ path, text }, ...files]) : undefined;
  const findings = lint(text, path, { rules: RULES, preset: 'strict', project, ...(index ? { index } : {}) }).findings;
  return [...new Set(findings.map((finding) => finding.ruleId))].sort();
}

describe('kubernetes: { patches }', () => {
  it('auto (the default) leaves an object the API server would reject to its base; listed reads it whole', () => {
    const auto = ruleIds(FRAGMENT, 'k8s/web.yaml', {});
    assert.deepEqual(ruleIds(FRAGMENT, 'k8s/web.yaml', { kubernetesPatches: 'auto' }), auto);
    assert.ok(!auto.includes('k8s/resources'), auto.join());
    const whole = ruleIds(FRAGMENT, 'k8s/web.yaml', { kubernetesPatches: 'listed' });
    assert.ok(whole.includes('k8s/resources'), whole.join());
  });

  it('listed also reads a Rollout without selector or workloadRef whole', () => {
    assert.ok(!ruleIds(ROLLOUT, 'k8s/rollout.yaml', {}).includes('k8s/rollout-no-analysis'));
    assert.ok(ruleIds(ROLLOUT, 'k8s/rollout.yaml', { kubernetesPatches: 'listed' }).includes('k8s/rollout-no-analysis'));
  });

  it('listed still reads a file a kustomization lists as a patch as one', () => {
    const kustomization = { path: 'k8s/kustomization.yaml', text: 'resources:\n  - base.yaml\npatches:\n  - path: web.yaml\n' };
    const base = { path: 'k8s/base.yaml', text: FRAGMENT.replace('spec:\n  template:', 'spec:\n  selector:\n    matchLabels: { app: web }\n  template:\n    metadata:\n      labels: { app: web }') };
    assert.ok(!ruleIds(FRAGMENT, 'k8s/web.yaml', { kubernetesPatches: 'listed' }, [kustomization, base]).includes('k8s/resources'));
  });
});
