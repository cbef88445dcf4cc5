import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DidChangeWatchedFilesNotification, FileChangeType, RegistrationRequest, type Registration } from 'vscode-languageserver-protocol/node';
import { codes, type Session, startSession, stopSession, TIMEOUT_MS } from '../helpers/session';
import { PROTOCOL_TESTS } from '../helpers/tempWorkspace';

const NPM_INSTALL = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm install\n';

// The server keeps what it read about the project between keystrokes; a watched-file event makes it read again.
describe('lockfiles and .shipcheck.yaml read again when the client says they changed', { timeout: 6 * TIMEOUT_MS }, () => {
  // Under the protocol tests' folder, whose configuration runs the strict preset (test/helpers/session.ts).
  const root = fs.mkdtempSync(path.join(PROTOCOL_TESTS, 'project-'));
  fs.mkdirSync(path.join(root, '.git'));
  const workflowPath = path.join(root, '.github', 'workflows', 'ci.yml');
  const workflow = pathToFileURL(workflowPath).href;
  let session: Session;
  const registrations: Registration[] = [];

  before(async () => {
    ({ session } = await startSession({
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'project' }],
      capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } }, textDocument: { publishDiagnostics: { versionSupport: true } } },
    }));
    session.connection.onRequest(RegistrationRequest.type, (params) => void registrations.push(...params.registrations));
  });
  after(async () => {
    await stopSession(session);
    fs.rmSync(root, { recursive: true, force: true });
  });

  // A keystroke (a comment line at the top) and the codes of its diagnostics.
  const typeAndWait = async (): Promise<string[]> => {
    const { diagnostics } = await session.applyEdits(workflow, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '# typed\n' }]);
    return codes(diagnostics);
  };

  it('watches the lockfiles, and a new lockfile changes the next check', async () => {
    // A repository without a lockfile: `npm install` is the only way to install, nothing to report.
    assert.deepEqual(codes(await session.open(workflow, NPM_INSTALL)), []);
    assert.deepEqual(await typeAndWait(), [], 'still no lockfile');
    const watched = registrations.flatMap((registration) => (registration.registerOptions as { watchers?: { globPattern: string }[] } | undefined)?.watchers ?? []);
    assert.ok(watched.some((watcher) => watcher.globPattern.includes('package-lock.json')), JSON.stringify(watched));

    fs.writeFileSync(path.join(root, 'package-lock.json'), '{}');
    // Before the event, the server may still use what it read: the event is what makes the next check see the file.
    const from = session.published.length;
    await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(path.join(root, 'package-lock.json')).href, type: FileChangeType.Created }] });
    const republished = await session.waitForDiagnostics(from, (params) => params.uri === workflow);
    assert.deepEqual(codes(republished.diagnostics), ['gha/npm-ci']);
    assert.deepEqual(await typeAndWait(), ['gha/npm-ci']);
  });

  it('watches what tells Yarn 2+, and a new .yarnrc.yml silences the Yarn 1 advice', async () => {
    const yarnWorkflow = pathToFileURL(path.join(root, '.github', 'workflows', 'yarn.yml')).href;
    assert.deepEqual(codes(await session.open(yarnWorkflow, NPM_INSTALL.replace('npm install', 'yarn install'))), ['gha/npm-ci']);
    const watched = registrations.flatMap((registration) => (registration.registerOptions as { watchers?: { globPattern: string }[] } | undefined)?.watchers ?? []);
    for (const name of ['.yarnrc.yml', 'package.json', '.yarn/releases/*', '.git/config']) assert.ok(watched.some((watcher) => watcher.globPattern === `**/${name}`), name);

    fs.writeFileSync(path.join(root, '.yarnrc.yml'), 'nodeLinker: node-modules\n');
    const from = session.published.length;
    await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(path.join(root, '.yarnrc.yml')).href, type: FileChangeType.Created }] });
    const republished = await session.waitForDiagnostics(from, (params) => params.uri === yarnWorkflow);
    assert.deepEqual(codes(republished.diagnostics), []);
  });

  it('a new .shipcheck.yaml changes the next check', async () => {
    fs.writeFileSync(path.join(root, '.shipcheck.yaml'), 'rules:\n  gha/npm-ci: off\n');
    const from = session.published.length;
    await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(path.join(root, '.shipcheck.yaml')).href, type: FileChangeType.Created }] });
    const republished = await session.waitForDiagnostics(from, (params) => params.uri === workflow);
    assert.deepEqual(codes(republished.diagnostics), []);
    assert.deepEqual(await typeAndWait(), []);
  });
});
