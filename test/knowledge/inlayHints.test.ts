import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseYamlFile } from '../../server/src/engine/yaml/yamlFile';
import { inlayHints } from '../../server/src/knowledge/inlayHints';

/** Each hint as `text before it on its line|label`, so a test reads where it sits and what it says. */
function hintsOf(text: string, path = 'x.yaml'): string[] {
  return inlayHints(parseYamlFile(text, path)).map(({ offset, label }) => `${text.slice(text.lastIndexOf('\n', offset - 1) + 1, offset)}|${label}`);
}

const WORKFLOW = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 20
    steps:
      - run: make test
  release:
    uses: ./.github/workflows/release.yml
`;

const pod = (container: string, kind = 'Deployment', extra = '') => `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: web
spec:
  selector:
    matchLabels: { app: web }${extra}
  template:
    spec:
      containers:
        - name: web
          image: web:1.0.0
${container}`;

describe('inlay hints', () => {
  it("shows GitHub's default timeout after a job's key, not on a job that sets one nor on a reusable-workflow call", () => {
    assert.deepEqual(hintsOf(WORKFLOW, '.github/workflows/ci.yml'), ['  build:|timeout-minutes: 360']);
  });

  it('shows no timeout in a composite action, whose steps run in the caller\'s job', () => {
    assert.deepEqual(hintsOf('runs:\n  using: composite\n  steps:\n    - run: make\n      shell: bash\n', 'action.yml'), []);
  });

  it("shows each probe's failure window with Kubernetes' defaults (period 10s, threshold 3)", () => {
    const hints = hintsOf(pod(`          readinessProbe:
            httpGet: { path: /ready, port: 8080 }
          livenessProbe:
            httpGet: { path: /live, port: 8080 }
            periodSeconds: 20
            failureThreshold: 5
          startupProbe:
            httpGet: { path: /live, port: 8080 }
            initialDelaySeconds: 10
            failureThreshold: 30
`));
    assert.deepEqual(hints, [
      '          startupProbe:|5m10s to start (10s + 30 × 10s)',
      '          readinessProbe:|unready after 30s (3 × 10s)',
      '          livenessProbe:|restarted after 1m40s (5 × 20s)',
    ]);
  });

  it('says when a readiness delay holds the pod back', () => {
    const hints = hintsOf(pod('          readinessProbe:\n            tcpSocket: { port: 8080 }\n            initialDelaySeconds: 45\n'));
    assert.deepEqual(hints, ['          readinessProbe:|ready after 45s at the soonest · unready after 30s (3 × 10s)']);
  });

  it('shows nothing for a probe whose numbers are templated, or in a patch that leaves them to its base', () => {
    assert.deepEqual(hintsOf(pod('          livenessProbe:\n            tcpSocket: { port: 8080 }\n            periodSeconds: ${PERIOD}\n')), []);
    const patch = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          livenessProbe:\n            periodSeconds: 5\n';
    assert.deepEqual(hintsOf(patch), []);
  });

  it("shows a Deployment's default rolling-update bounds that the strategy leaves out, and none once both are set", () => {
    assert.deepEqual(hintsOf(pod('', 'Deployment', '\n  strategy:\n    type: RollingUpdate')), ['  strategy:|maxSurge 25% · maxUnavailable 25%']);
    assert.deepEqual(hintsOf(pod('', 'Deployment', '\n  strategy:\n    rollingUpdate:\n      maxSurge: 1')), ['    rollingUpdate:|maxUnavailable 25%']);
    assert.deepEqual(hintsOf(pod('', 'Deployment', '\n  strategy:\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0')), []);
    assert.deepEqual(hintsOf(pod('', 'Deployment', '\n  strategy:\n    type: Recreate')), []);
    // No `strategy:` key: no place to put it, and nothing written to explain.
    assert.deepEqual(hintsOf(pod('')), []);
    assert.deepEqual(hintsOf(pod('', 'StatefulSet', '\n  updateStrategy:\n    type: RollingUpdate')), []);
  });
});
