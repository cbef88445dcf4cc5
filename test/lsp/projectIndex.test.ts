import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { DidChangeWatchedFilesNotification, FileChangeType, type Diagnostic, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { rangeOf, type Session, startInFolder, stopSession, TIMEOUT_MS } from '../helpers/session';
import { tempWorkspace } from '../helpers/tempWorkspace';

const ROLLOUT = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  replicas: 10
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0
  strategy:
    canary:
      steps:
        - setWeight: 10
`;
// With 3 pods at the least, 10% cannot be sent to the canary: the Rollout's file gets the finding.
const HPA = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: argoproj.io/v1alpha1
    kind: Rollout
    name: web
  minReplicas: 3
  maxReplicas: 20
`;
const GRANULARITY = 'k8s/rollout-weight-granularity';

describe('the project index in the server', { timeout: 8 * TIMEOUT_MS }, () => {
  const { root, write } = tempWorkspace('shipcheck-index-');
  const rollout = write('deploy/rollout.yaml', ROLLOUT);
  const hpa = write('deploy/hpa.yaml', HPA);
  write('deploy/kustomization.yaml', 'resources:\n  - rollout.yaml\n  - hpa.yaml\n');
  // Images whose tag a build tool sets: the tag in the manifest is not what runs.
  const SKAFFOLD = 'apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n    - image: emailservice\n';
  const email = write('shop/k8s/email.yaml', ROLLOUT.replace('ghcr.io/acme/web:1.0.0', 'emailservice'));
  const skaffold = write('shop/skaffold.yaml', SKAFFOLD.replace('emailservice', 'frontend'));
  const pinned = write('pinned/web.yaml', ROLLOUT.replace('1.0.0', 'latest'));
  write('pinned/kustomization.yaml', 'resources:\n  - web.yaml\n');
  // The same two files side by side, listed by no kustomization: not deployed together.
  const unlisted = write('loose/rollout.yaml', ROLLOUT);
  write('loose/hpa.yaml', HPA);
  let session: Session;

  const granular = (diagnostics: Diagnostic[]): number => diagnostics.filter((diagnostic) => diagnostic.code === GRANULARITY).length;
  const until = (from: number, uri: string, test: (params: PublishDiagnosticsParams) => boolean) =>
    session.waitForDiagnostics(from, (params) => params.uri === uri && test(params));

  before(async () => {
    ({ session } = await startInFolder(root));
  }, { timeout: TIMEOUT_MS });

  after(async () => {
    await stopSession(session);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('matches the autoscaler a kustomization lists with the Rollout, and not one merely in the same folder', async () => {
    assert.equal(granular((await until(0, rollout, () => true)).diagnostics), 1);
    assert.equal(granular((await until(0, unlisted, () => true)).diagnostics), 0);
    assert.equal(granular((await until(0, hpa, () => true)).diagnostics), 0, 'reported in the file holding the reference');
  });

  it('refreshes the Rollout’s file when the autoscaler changes: open in the editor, then on disk', async () => {
    // Edited in the editor: the Rollout's file (not open) is checked again with the editor's text of the autoscaler.
    let from = session.published.length;
    const hpaText = await session.open(hpa, HPA);
    assert.equal(granular(hpaText), 0);
    await session.applyEdits(hpa, [{ range: rangeOf(HPA, 'minReplicas: 3'), newText: 'minReplicas: 10' }]);
    assert.equal(granular((await until(from, rollout, (params) => granular(params.diagnostics) === 0)).diagnostics), 0);

    // The Rollout open too, the autoscaler changed back on disk and closed: the open Rollout is checked again.
    const opened = await session.open(rollout, ROLLOUT);
    assert.equal(granular(opened), 0, 'the editor’s autoscaler says 10 pods');
    from = session.published.length;
    write('deploy/hpa.yaml', HPA);
    await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: hpa, type: FileChangeType.Changed }] });
    await session.connection.sendNotification('textDocument/didClose', { textDocument: { uri: hpa } });
    assert.equal(granular((await until(from, rollout, (params) => granular(params.diagnostics) === 1)).diagnostics), 1);
  });

  it('refreshes a manifest’s image findings when the Skaffold file or the kustomization starts setting its tag', async () => {
    const tagged = (diagnostics: Diagnostic[]): number => diagnostics.filter((diagnostic) => diagnostic.code === 'k8s/image-tag').length;
    assert.equal(tagged((await until(0, email, () => true)).diagnostics), 1, 'Skaffold builds another image');
    assert.equal(tagged((await until(0, pinned, () => true)).diagnostics), 1, 'the kustomization sets no tag');
    // The Skaffold file edited in the editor: the manifest (not open) is checked again.
    let from = session.published.length;
    await session.open(skaffold, SKAFFOLD.replace('emailservice', 'frontend'));
    await session.applyEdits(skaffold, [{ range: rangeOf(SKAFFOLD.replace('emailservice', 'frontend'), 'frontend'), newText: 'emailservice' }]);
    assert.equal(tagged((await until(from, email, (params) => tagged(params.diagnostics) === 0)).diagnostics), 0);
    // The kustomization changed on disk.
    from = session.published.length;
    const kustomization = write('pinned/kustomization.yaml', 'resources:\n  - web.yaml\nimages:\n  - name: ghcr.io/acme/web\n    newTag: sha-3f9c2e1\n');
    await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: kustomization, type: FileChangeType.Changed }] });
    assert.equal(tagged((await until(from, pinned, (params) => tagged(params.diagnostics) === 0)).diagnostics), 0);
  });

  it('refreshes the listed files when the kustomization stops listing one', async () => {
    const from = session.published.length;
    const kustomization = write('deploy/kustomization.yaml', 'resources:\n  - rollout.yaml\n');
    await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: kustomization, type: FileChangeType.Changed }] });
    assert.equal(granular((await until(from, rollout, (params) => granular(params.diagnostics) === 0)).diagnostics), 0);
  });
});
