import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { DidChangeWatchedFilesNotification, FileChangeType, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { tempWorkspace } from '../helpers/tempWorkspace';
import { type Session, startInFolder, stopSession, TIMEOUT_MS } from '../helpers/session';

const WORKFLOW = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm install\n';

describe('the problems of a .shipcheck.yaml nobody opened', { timeout: 4 * TIMEOUT_MS }, () => {
  const { root, write } = tempWorkspace('shipcheck-config-');
  const workflow = write('.github/workflows/ci.yml', WORKFLOW);
  const config = write('.shipcheck.yaml', 'preset: strct\nrules: {k8s/image-tagg: off}\n');
  let session: Session;

  const latest = (uri: string): PublishDiagnosticsParams | undefined => session.published.filter((params) => params.uri === uri).at(-1);
  const shown = (uri: string): string[] =>
    (latest(uri)?.diagnostics ?? []).map(({ code, range, message }) => `${code} ${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character} ${message}`);

  before(async () => {
    ({ session } = await startInFolder(root));
  }, { timeout: TIMEOUT_MS });

  after(async () => {
    await stopSession(session);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('are published in it once the workspace is checked, as the log says', async () => {
    await session.waitForDiagnostics(0, (params) => params.uri === workflow);
    await session.idle();
    assert.ok(session.logs.some(({ message }) => /\.shipcheck\.yaml has 2 problem\(s\), shown in it/.test(message)), 'the log names the problems');
    assert.deepEqual(shown(config), [
      "shipcheck/config 0:8-0:13 shipcheck configuration: 'preset' must be one of recommended, strict, all, not 'strct'",
      "shipcheck/config 1:8-1:22 shipcheck configuration: unknown rule 'k8s/image-tagg' (did you mean k8s/image-tag?); 'shipcheck --list-rules' lists them",
    ]);
  });

  it('are cleared once the file is fixed', async () => {
    write('.shipcheck.yaml', 'preset: strict\nrules: {k8s/image-tag: off}\n');
    const from = session.published.length;
    await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: config, type: FileChangeType.Changed }] });
    await session.waitForDiagnostics(from, (params) => params.uri === workflow);
    await session.idle();
    assert.deepEqual(shown(config), []);
    assert.ok(session.published.slice(from).some((params) => params.uri === config), 'an empty list replaces the problems');
  });
});
