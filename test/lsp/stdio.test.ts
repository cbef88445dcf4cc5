import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExitNotification, ShutdownRequest } from 'vscode-languageserver-protocol/node';
import { rangeOf, ROOT, Session, startSession, stopSession, TIMEOUT_MS, uriOf } from '../helpers/session';

// Over stdio (vscode-languageserver's stream reader and writer): messages much longer
// than a pipe's chunks, multi-byte characters across chunks, and exiting when the input ends.
describe('language server over stdio, large messages', { timeout: 6 * TIMEOUT_MS }, () => {
  let session: Session;

  before(async () => {
    ({ session } = await startSession());
  }, { timeout: TIMEOUT_MS });

  after(() => stopSession(session));

  it('reads a document of 700 KB with multi-byte characters everywhere, and places findings after them exactly', async () => {
    const comments = Array.from({ length: 6_000 }, (_, index) => `# ${index} é 检查 🚀 ${'ü'.repeat(index % 50)}\n`).join('');
    // One line across many of the pipe's chunks: a character cut in two there would move the finding along its line.
    const script = `echo ${'é检🚀'.repeat(30_000)} && npm install`;
    const text = `${comments}on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${script}\n`;
    assert.ok(Buffer.byteLength(text) > 700_000);
    const uri = uriOf('.github/workflows/large.yml');
    const diagnostics = (await session.open(uri, text)).filter((diagnostic) => diagnostic.code === 'gha/npm-ci');
    assert.deepEqual(
      diagnostics.map((diagnostic) => diagnostic.range),
      [rangeOf(text, 'npm install')],
    );
  });

  it('publishes diagnostics longer than a pipe holds, every one at its place', async () => {
    const steps = Array.from({ length: 1_500 }, (_, index) => `      - run: npm install # step ${index}\n`).join('');
    const text = `on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
    const uri = uriOf('.github/workflows/many.yml');
    const diagnostics = (await session.open(uri, text)).filter((diagnostic) => diagnostic.code === 'gha/npm-ci');
    assert.ok(JSON.stringify(diagnostics).length > 500_000);
    assert.equal(diagnostics.length, 1_500);
    diagnostics.forEach((diagnostic, index) => assert.deepEqual(diagnostic.range.start, { line: 5 + index, character: 13 }, `step ${index}`));
  });
});

describe('language server over stdio, ending', { timeout: 4 * TIMEOUT_MS }, () => {
  it('exits with 1 when its input ends without a shutdown request', async () => {
    const server = spawn(process.execPath, [path.join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'ignore', 'inherit'] });
    server.stdin.end();
    const [code] = (await once(server, 'exit')) as [number | null];
    assert.equal(code, 1);
  });

  it('exits with 0 when its input ends after a shutdown request', async () => {
    const { session } = await startSession();
    await session.connection.sendRequest(ShutdownRequest.type);
    const exited = once(session.server, 'exit');
    session.server.stdin!.end();
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0);
    session.connection.dispose();
  });

  it('exits with 0 on the exit notification after a shutdown request, its input still open', async () => {
    const { session } = await startSession();
    await session.connection.sendRequest(ShutdownRequest.type);
    const exited = once(session.server, 'exit');
    await session.connection.sendNotification(ExitNotification.type);
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0);
    session.connection.dispose();
  });
});
