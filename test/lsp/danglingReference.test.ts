import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { rangeOf, type Session, startInFolder, stopSession, TIMEOUT_MS } from '../helpers/session';
import { tempWorkspace } from '../helpers/tempWorkspace';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api, tier: web }
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:3.2.0
          ports:
            - name: http
              containerPort: 8080
`;
const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: api
    tier: web
  ports:
    - port: 80
      targetPort: http
`;
const DANGLING = 'k8s/dangling-reference';

describe('a cross-file finding in the server', { timeout: 8 * TIMEOUT_MS }, () => {
  const { root, write } = tempWorkspace('shipcheck-dangling-');
  write('.shipcheck.yaml', 'preset: strict\n');
  const deployment = write('deploy/deployment.yaml', DEPLOYMENT);
  const service = write('deploy/service.yaml', SERVICE);
  write('deploy/kustomization.yaml', 'resources:\n  - deployment.yaml\n  - service.yaml\n');
  let session: Session;

  const dangling = (diagnostics: Diagnostic[]): number => diagnostics.filter((diagnostic) => diagnostic.code === DANGLING).length;
  const until = (from: number, uri: string, test: (params: PublishDiagnosticsParams) => boolean) =>
    session.waitForDiagnostics(from, (params) => params.uri === uri && test(params));

  before(async () => {
    ({ session } = await startInFolder(root));
  }, { timeout: TIMEOUT_MS });

  after(async () => {
    await stopSession(session);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("reports the Service's selector when the Deployment's labels change, and takes it back, the Service file untouched", async () => {
    assert.equal(dangling((await until(0, service, () => true)).diagnostics), 0, 'the Service selects the Deployment’s pods');

    // The pod template's label renamed in the editor: the Service's file (never opened) is checked again.
    let from = session.published.length;
    await session.open(deployment, DEPLOYMENT);
    await session.applyEdits(deployment, [{ range: rangeOf(DEPLOYMENT, 'tier: web'), newText: 'tier: frontend' }]);
    const broken = (await until(from, service, (params) => dangling(params.diagnostics) === 1)).diagnostics.filter((diagnostic) => diagnostic.code === DANGLING);
    assert.equal(broken.length, 1);
    assert.equal(broken[0]!.range.start.line, 5, 'on the selector key, in the Service’s file');
    assert.match(typeof broken[0]!.message === 'string' ? broken[0]!.message : broken[0]!.message.value, /'tier: web'/);

    // Renamed back: the finding goes.
    from = session.published.length;
    await session.applyEdits(deployment, [{ range: rangeOf(DEPLOYMENT.replace('tier: web', 'tier: frontend'), 'tier: frontend'), newText: 'tier: web' }]);
    assert.equal(dangling((await until(from, service, (params) => dangling(params.diagnostics) === 0)).diagnostics), 0);
  });
});
