import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  ConfigurationRequest,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { tempWorkspace } from '../helpers/tempWorkspace';
import { codes, type Session, startInFolder, stopSession, TIMEOUT_MS } from '../helpers/session';

const NPM_INSTALL = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm install\n';
const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: nginx:latest\n';

describe('workspace-wide findings and .shipcheck.yaml', { timeout: 8 * TIMEOUT_MS }, () => {
  const { root, write } = tempWorkspace('shipcheck-ws-');
  const workflow = write('.github/workflows/ci.yml', NPM_INSTALL);
  const pod = write('k8s/pod.yaml', POD);
  const compose = write('docker-compose.yml', 'services:\n  web:\n    image: nginx:latest\n');
  const vendored = write('node_modules/pkg/pod.yaml', POD);
  const ignored = write('generated/pod.yaml', POD);
  const excluded = write('build/pod.yaml', POD);
  const config = write('.shipcheck.yaml', 'preset: strict\nrules:\n  gha/npm-ci: error\nignore:\n  - generated/**\n');
  let session: Session;
  // The editor's settings: files.exclude hides build/, and shipcheck.rules may override the file.
  const editor: Record<string, unknown> = { 'files.exclude': { '**/build': true }, shipcheck: {} };

  const latest = (uri: string): PublishDiagnosticsParams | undefined => session.published.filter((params) => params.uri === uri).at(-1);
  const until = (from: number, uri: string, test: (params: PublishDiagnosticsParams) => boolean) =>
    session.waitForDiagnostics(from, (params) => params.uri === uri && test(params));

  before(async () => {
    ({ session } = await startInFolder(root, { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true } } }));
    session.connection.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) => editor[item.section ?? ''] ?? null));
  }, { timeout: TIMEOUT_MS });

  after(async () => {
    await stopSession(session);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('reports files nobody opened, with .shipcheck.yaml severities, and skips ignored, excluded and unrelated files', async () => {
    const published = await until(0, workflow, (params) => params.diagnostics.length > 0);
    const npm = published.diagnostics.find((diagnostic) => diagnostic.code === 'gha/npm-ci');
    assert.equal(npm?.severity, DiagnosticSeverity.Error, 'the file raises gha/npm-ci to error');
    assert.ok(codes((await until(0, pod, () => true)).diagnostics).includes('k8s/image-tag'));
    // One more file event round trip: by then the scan has finished.
    const from = session.published.length;
    write('k8s/late.yaml', POD);
    await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(path.join(root, 'k8s/late.yaml')).href, type: FileChangeType.Created }] });
    await until(from, pathToFileURL(path.join(root, 'k8s/late.yaml')).href, () => true);
    for (const silent of [compose, vendored, ignored, excluded, config]) {
      assert.deepEqual(latest(silent)?.diagnostics ?? [], [], `${silent} should have no findings`);
    }
  });

  it('clears a deleted file and re-checks a changed one', async () => {
    let from = session.published.length;
    fs.rmSync(new URL(pod));
    await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pod, type: FileChangeType.Deleted }] });
    assert.deepEqual((await until(from, pod, () => true)).diagnostics, []);
    from = session.published.length;
    write('.github/workflows/ci.yml', NPM_INSTALL.replace('npm install', 'npm ci'));
    await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: workflow, type: FileChangeType.Changed }] });
    assert.deepEqual(codes((await until(from, workflow, () => true)).diagnostics), []);
  });

  it('reloads .shipcheck.yaml when it changes, and editor settings win over it', async () => {
    write('.github/workflows/ci.yml', NPM_INSTALL);
    write('.shipcheck.yaml', 'preset: strict\nrules:\n  gha/npm-ci: info\n');
    editor.shipcheck = { rules: { 'gha/npm-ci': 'hint' } };
    const from = session.published.length;
    await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: config, type: FileChangeType.Changed }] });
    const republished = await until(from, workflow, (params) => params.diagnostics.some((diagnostic) => diagnostic.code === 'gha/npm-ci'));
    assert.equal(republished.diagnostics.find((diagnostic) => diagnostic.code === 'gha/npm-ci')?.severity, DiagnosticSeverity.Hint);
    assert.ok(codes((await until(from, ignored, () => true)).diagnostics).includes('k8s/image-tag'), 'generated/ is no longer ignored');
  });

  it('checks the files a .shipcheck.yaml with problems governs with its valid entries', async () => {
    write('.shipcheck.yaml', 'rules:\n  k8s/image-tag: error\n  gha/job-timeout: { level: info, minutes: twenty }\n');
    const from = session.published.length;
    await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: config, type: FileChangeType.Changed }] });
    const republished = await until(from, ignored, (params) => params.diagnostics.some((diagnostic) => diagnostic.code === 'k8s/image-tag'));
    assert.equal(republished.diagnostics.find((diagnostic) => diagnostic.code === 'k8s/image-tag')?.severity, DiagnosticSeverity.Error, 'the valid entry applies');
  });

  it('runs the preset of .shipcheck.yaml; shipcheck.preset wins over it only when the user chose one', async () => {
    // A build job: only the strict preset asks it for a timeout.
    const build = write('.github/workflows/build.yml', 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make build\n');
    const timeout = (params: PublishDiagnosticsParams): boolean => params.diagnostics.some((diagnostic) => diagnostic.code === 'gha/job-timeout');
    let from = session.published.length;
    await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: build, type: FileChangeType.Created }] });
    assert.ok(!timeout(await until(from, build, () => true)), 'recommended: no timeout asked of a build job');
    write('.shipcheck.yaml', 'preset: strict\n');
    editor.shipcheck = { preset: 'auto' };
    from = session.published.length;
    await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: config, type: FileChangeType.Changed }] });
    await until(from, build, timeout);
    editor.shipcheck = { preset: 'recommended' };
    from = session.published.length;
    await session.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await until(from, build, (params) => !timeout(params));
    editor.shipcheck = {};
    from = session.published.length;
    await session.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await until(from, build, timeout);
  });

  it('reports each problem of a .shipcheck.yaml in that file, at its key or value', async () => {
    const text = 'rules:\n  gha/npm-cl: error\n  gha/job-timeout: { level: info, minutes: twenty }\n  gha/artifact-retention:\n    day: 3\n';
    const diagnostics = await session.open(config, text);
    assert.deepEqual(
      diagnostics.map(({ code, range, message }) => `${code} ${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character} ${message}`),
      [
        "shipcheck/config 1:2-1:12 shipcheck configuration: unknown rule 'gha/npm-cl' (did you mean gha/npm-ci?); 'shipcheck --list-rules' lists them",
        "shipcheck/config 2:43-2:49 shipcheck configuration: option minutes of gha/job-timeout must be an integer, not 'twenty'",
        'shipcheck/config 4:4-4:7 shipcheck configuration: unknown option day for gha/artifact-retention; did you mean days?',
      ],
    );
  });
});
