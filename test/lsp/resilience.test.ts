import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import {
  CancellationTokenSource,
  CodeActionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DiagnosticSeverity,
  ExitNotification,
  HoverRequest,
  MessageType,
  ShutdownRequest,
} from 'vscode-languageserver-protocol/node';
import { Session, startSession, stopSession, TIMEOUT_MS, uriOf } from './session';

const WORKFLOW = `on: push
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - run: npm install
`;

/** A workflow of many jobs that takes the engine a noticeable while (hundreds of ms) to check. */
function bigWorkflow(jobs: number): string {
  return `on: push\njobs:\n${Array.from({ length: jobs }, (_, i) => `  j${i}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm install\n      - run: echo "\${{ github.event.issue.title }}"\n`).join('')}`;
}

function within<T>(promise: Promise<T>, what: string, ms = TIMEOUT_MS): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms).unref())]);
}

/** The server answers a request at all: the cheapest proof it is alive and its queue is not stuck. */
async function assertResponsive(session: Session, uri: string): Promise<void> {
  await within(session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } }), 'hover');
}

describe('language server resilience', { timeout: 12 * TIMEOUT_MS }, () => {
  let session: Session;

  before(async () => {
    ({ session } = await startSession());
  });

  after(() => stopSession(session));

  it('a 10 MB document gets one informational "too large" diagnostic (shipcheck.maxFileSize) and no check', async () => {
    const uri = uriOf('.github/workflows/huge.yml');
    const text = `on: push\njobs:\n${'  # padding padding padding padding padding padding padding padding padding\n'.repeat(140_000)}`;
    assert.ok(text.length > 10_000_000);
    const diagnostics = await session.open(uri, text);
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics.map((d) => d.code)));
    assert.equal(diagnostics[0]!.code, 'shipcheck/too-large');
    assert.equal(diagnostics[0]!.severity, DiagnosticSeverity.Information);
    assert.match(String(diagnostics[0]!.message), /4096 KiB/);
    await assertResponsive(session, uri);
  });

  it('5 000 rapid changes: only the latest version is published last, and the server stays responsive', async () => {
    const uri = uriOf('.github/workflows/rapid.yml');
    await session.open(uri, WORKFLOW);
    const from = session.published.length;
    const last = 5_001;
    for (let version = 2; version <= last; version++) {
      // Every intermediate version has npm ci; only the last has npm install again.
      const text = version === last ? WORKFLOW : WORKFLOW.replace('npm install', `npm ci # ${version}`);
      void session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
    }
    const final = await session.waitForDiagnostics(from, (params) => params.uri === uri && params.version === last);
    assert.ok(final.diagnostics.some((d) => d.code === 'gha/npm-ci'), 'the latest text was checked');
    const ours = session.published.slice(from).filter((params) => params.uri === uri);
    const versions = ours.map((params) => params.version ?? 0);
    assert.deepEqual([...versions].sort((a, b) => a - b), versions, 'versions published out of order');
    // Under load the 15 ms debounce fires between some notifications; most must still be coalesced.
    assert.ok(ours.length < 500, `${ours.length} publications for 5 000 changes: keystrokes are not coalesced`);
    await assertResponsive(session, uri);
    // Proving a negative: nothing older arrives after the latest one.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(session.published.filter((params) => params.uri === uri).at(-1)?.version, last);
  });

  it('ignores changes for a document that was never opened', async () => {
    const uri = uriOf('.github/workflows/never-opened.yml');
    const from = session.published.length;
    await session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 7 }, contentChanges: [{ text: WORKFLOW }] });
    await session.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 8 },
      contentChanges: [{ range: { start: { line: 99, character: 0 }, end: { line: 100, character: 5 } }, text: 'x' }],
    });
    await assertResponsive(session, uriOf('.github/workflows/rapid.yml'));
    assert.deepEqual(session.published.slice(from).filter((params) => params.uri === uri), []);
  });

  it('out-of-order versions: what is published matches the text last received', async () => {
    const uri = uriOf('.github/workflows/order.yml');
    await session.open(uri, WORKFLOW.replace('npm install', 'npm ci'));
    const from = session.published.length;
    await session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 5 }, contentChanges: [{ text: WORKFLOW.replace('npm install', 'npm ci') }] });
    await session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 3 }, contentChanges: [{ text: WORKFLOW }] });
    const published = await session.waitForDiagnostics(from, (params) => params.uri === uri && params.version === 3);
    assert.ok(published.diagnostics.some((d) => d.code === 'gha/npm-ci'));
    await assertResponsive(session, uri);
  });

  it('answers hover and code actions at invalid UTF-16 positions without failing', async () => {
    const uri = uriOf('.github/workflows/surrogates.yml');
    const text = WORKFLOW.replace('on: push', 'name: "😀😀 ci"\non: push');
    await session.open(uri, text);
    const positions = [
      { line: 0, character: 8 }, // between the two halves of a surrogate pair
      { line: 0, character: 10_000 },
      { line: 10_000, character: 3 },
      { line: 2 ** 31 - 1, character: 2 ** 31 - 1 },
    ];
    for (const position of positions) {
      await within(session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }), `hover at ${JSON.stringify(position)}`);
      const range = { start: position, end: { line: position.line + 1, character: 0 } };
      const diagnostic = { range, message: 'x', source: 'shipcheck', code: 'gha/npm-ci', data: { ruleId: 'gha/npm-ci', fixable: 'safe' } };
      const actions = await within(
        session.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics: [diagnostic], only: ['quickfix', 'source.fixAll.shipcheck'] } }),
        `code actions at ${JSON.stringify(position)}`,
      );
      assert.ok(Array.isArray(actions));
    }
    // A reversed range and a request for a document that is not open.
    const reversed = { start: { line: 5, character: 0 }, end: { line: 1, character: 0 } };
    await within(session.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: reversed, context: { diagnostics: [] } }), 'reversed range');
    assert.equal(await within(session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uriOf('nope.yaml') }, position: { line: 0, character: 0 } }), 'hover unopened'), null);
  });

  it('survives cancelled fix-all requests on a large file and answers the next one', async () => {
    const uri = uriOf('.github/workflows/big.yml');
    await session.open(uri, bigWorkflow(1_500));
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const params = { textDocument: { uri }, range, context: { diagnostics: [], only: ['source.fixAll.shipcheck'] } };
    const cancelled = Array.from({ length: 3 }, () => {
      const source = new CancellationTokenSource();
      const request = session.connection.sendRequest(CodeActionRequest.type, params, source.token).then(
        () => 'answered',
        (error: unknown) => `failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      source.cancel();
      return request;
    });
    // Each cancelled request is either answered or rejected as cancelled; none may hang or kill the server.
    for (const outcome of await within(Promise.all(cancelled), 'cancelled requests', 6 * TIMEOUT_MS)) assert.match(outcome, /answered|cancel/i);
    const actions = await within(session.connection.sendRequest(CodeActionRequest.type, params), 'fix-all after cancellations', 6 * TIMEOUT_MS);
    assert.equal(actions?.length, 1);
  });

  it('logged no errors through all of the above', () => {
    const errors = session.logs.filter((log) => log.type === MessageType.Error).map((log) => log.message.split('\n')[0]);
    assert.deepEqual(errors, []);
  });

  it('shuts down cleanly in the middle of a check', async () => {
    const { session: own } = await startSession();
    const uri = uriOf('.github/workflows/shutdown.yml');
    await own.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text: bigWorkflow(4_000) } });
    // Let the debounce fire so the check is running (or queued) when shutdown arrives.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const exited = once(own.server, 'exit');
    await within(own.connection.sendRequest(ShutdownRequest.type), 'shutdown', 3 * TIMEOUT_MS);
    await own.connection.sendNotification(ExitNotification.type);
    const [code] = (await within(exited, 'exit after shutdown')) as [number | null];
    assert.equal(code, 0);
    own.connection.dispose();
  });
});
