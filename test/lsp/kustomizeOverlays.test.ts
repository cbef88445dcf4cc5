import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { rangeOf, type Session, startInFolder, stopSession, TIMEOUT_MS } from '../helpers/session';
import { tempWorkspace } from '../helpers/tempWorkspace';

const BASE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.4.2
          ports:
            - containerPort: 8080
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { cpu: 200m, memory: 128Mi }
`;
const PATCH = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          readinessProbe:
            httpGet: { path: /ready, port: 8080 }
          livenessProbe:
            httpGet: { path: /live, port: 8080 }
`;
const PROBE = 'k8s/probe-missing';

describe('a Kustomize base in the server, judged as its overlay deploys it', { timeout: 8 * TIMEOUT_MS }, () => {
  const { root, write } = tempWorkspace('shipcheck-overlays-');
  write('.shipcheck.yaml', 'preset: strict\n');
  const base = write('base/deployment.yaml', BASE);
  write('base/kustomization.yaml', 'resources:\n  - deployment.yaml\n');
  write('overlays/prod/kustomization.yaml', 'resources:\n  - ../../base\npatches:\n  - path: probes.yaml\n');
  const patch = write('overlays/prod/probes.yaml', PATCH);
  let session: Session;

  const probes = (diagnostics: Diagnostic[]): Diagnostic[] => diagnostics.filter((diagnostic) => diagnostic.code === PROBE);
  const until = (from: number, uri: string, test: (params: PublishDiagnosticsParams) => boolean) =>
    session.waitForDiagnostics(from, (params) => params.uri === uri && test(params));

  before(async () => {
    ({ session } = await startInFolder(root));
  }, { timeout: TIMEOUT_MS });

  after(async () => {
    await stopSession(session);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('reports the base when the overlay’s patch stops adding the readinessProbe, and takes it back, the base untouched', async () => {
    let from = session.published.length;
    await session.open(base, BASE);
    assert.equal(probes((await until(from, base, () => true)).diagnostics).length, 0, 'the overlay adds both probes');

    // The patch edited in the editor: the base (open, not edited) is checked again.
    from = session.published.length;
    await session.open(patch, PATCH);
    const readiness = 'readinessProbe:\n            httpGet: { path: /ready, port: 8080 }\n          ';
    await session.applyEdits(patch, [{ range: rangeOf(PATCH, readiness), newText: '' }]);
    const found = probes((await until(from, base, (params) => probes(params.diagnostics).length === 1)).diagnostics);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.range.start.line, 12, 'on the container’s name, in the base');

    from = session.published.length;
    const removed = PATCH.replace(readiness, '');
    await session.applyEdits(patch, [{ range: rangeOf(removed, 'livenessProbe:'), newText: readiness + 'livenessProbe:' }]);
    assert.equal(probes((await until(from, base, (params) => probes(params.diagnostics).length === 0)).diagnostics).length, 0);
  });
});
