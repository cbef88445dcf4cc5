import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from '../../server/src/engine/core/fixes';
import { lint } from '../../server/src/engine/core/lint';
import resources from '../../server/src/rules/k8s/resources';

const pod = (container: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: ghcr.io/acme/app:1.0.0\n${container}`;

describe('k8s/resources', () => {
  it('inserts the configured defaults', () => {
    const text = pod('      resources:\n        limits:\n          memory: 1Gi\n');
    const result = lint(text, 'pod.yaml', { rules: [resources], ruleOptions: { 'k8s/resources': { requestsCpu: '100m', limitsCpu: '2' } } });
    const finding = result.findings.find((f) => f.ruleId === 'k8s/resources')!;
    assert.match(finding.message, /requests\.cpu, limits\.cpu/);
    assert.equal(applyEdits(text, finding.fix!.edits), pod('      resources:\n        limits:\n          memory: 1Gi\n          cpu: 2\n        requests:\n          cpu: 100m\n'));
  });

  it('reports but does not edit a resources block shared through an anchor', () => {
    const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: x:1\n      resources: &small\n        requests: { cpu: 10m, memory: 16Mi }\n    - name: b\n      image: x:1\n      resources: *small\n`;
    const findings = lint(text, 'pod.yaml', { rules: [resources], preset: 'strict' }).findings.filter((f) => f.ruleId === 'k8s/resources');
    // A memory-limit and a CPU-limit note for each container (the CPU-limit note in strict only).
    assert.equal(findings.length, 4);
    assert.ok(findings.every((f) => f.fix === undefined));
  });

  it('with requests set, reports each missing limit as a note of its own, with a fix of its own', () => {
    const text = pod('      resources:\n        requests: { cpu: 100m, memory: 90Mi }\n');
    const findings = lint(text, 'pod.yaml', { rules: [resources], preset: 'strict' }).findings;
    assert.deepEqual(findings.map((f) => [f.severity, f.fix?.title]), [['info', 'Add limits.cpu'], ['info', 'Add limits.memory']]);
    assert.match(findings[0]!.message, /has no CPU limit/);
    assert.match(findings[1]!.message, /has requests but no memory limit: .* so this is only a note\.$/);
    // The recommended preset (where configuration turns the rule on) leaves the CPU limit alone.
    const recommended = lint(text, 'pod.yaml', { rules: [resources], preset: 'recommended', ruleSettings: { 'k8s/resources': 'info' } });
    assert.deepEqual(recommended.findings.map((f) => f.fix?.title), ['Add limits.memory']);
  });

  it('names the other resources a container sets instead of saying it sets none', () => {
    const text = pod('      resources:\n        limits:\n          nvidia.com/gpu: 8\n');
    const [finding, ...rest] = lint(text, 'pod.yaml', { rules: [resources] }).findings;
    assert.equal(rest.length, 0);
    assert.equal(finding!.severity, 'warning');
    assert.match(finding!.message, /sets 'nvidia\.com\/gpu' but no cpu or memory requests or limits: /);
    assert.doesNotMatch(finding!.message, /no resource requests or limits/);
  });

  it('leaves templated resources alone', () => {
    assert.equal(lint(pod('      resources: "${RESOURCES}"\n'), 'pod.yaml', { rules: [resources] }).findings.length, 0);
  });
});
