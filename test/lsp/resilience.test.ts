import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  CancellationTokenSource,
  CodeActionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DiagnosticSeverity,
  ExitNotification,
  HoverRequest,
  LSPErrorCodes,
  MessageType,
  ResponseError,
  ShutdownRequest,
  type Diagnostic,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { lint } from '../../server/src/engine/core/lint';
import { projectFacts } from '../../server/src/project/facts';
import { RULES } from '../../server/src/rules';
import { rangeOf, Session, startSession, stopSession, TIMEOUT_MS, uriOf } from '../helpers/session';
import { FORCED_FAILURE, THROWING_RULE } from '../helpers/throwingRuleServer';

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
    // A check waits while changes to its document keep arriving (up to 50 ms): the burst costs a few checks, not 5 000.
    assert.ok(ours.length < 100, `${ours.length} publications for 5 000 changes: changes are not coalesced`);
    await assertResponsive(session, uri);
    // Nothing older arrives after the latest one: everything the server was going to publish has arrived once it is idle.
    await session.idle();
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

  it('out-of-order versions: a change older than the document is ignored and logged once, never published', async () => {
    const uri = uriOf('.github/workflows/order.yml');
    await session.open(uri, WORKFLOW.replace('npm install', 'npm ci'));
    const from = session.published.length;
    const logsFrom = session.logs.length;
    const change = (version: number, contentChanges: TextDocumentContentChangeEvent[]) =>
      session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
    // Version 5 brings npm install back; 3 and 5 again arrive late, with texts that would hide it.
    await change(5, [{ text: WORKFLOW }]);
    await change(3, [{ text: WORKFLOW.replace('npm install', 'npm ci') }]);
    await change(5, [{ range: rangeOf(WORKFLOW, 'npm install'), text: 'npm ci' }]);
    // Version 6 edits version 5's text: its range is only right if nothing older was applied in between.
    const edit = { range: rangeOf(WORKFLOW, 'runs-on: ubuntu-latest'), text: 'runs-on: ubuntu-24.04' };
    await change(6, [edit]);
    const published = await session.waitForDiagnostics(from, (params) => params.uri === uri && params.version === 6);
    const expected = WORKFLOW.replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-24.04');
    const npm = published.diagnostics.find((d) => d.code === 'gha/npm-ci');
    assert.ok(npm, 'the text of version 5 plus the edit of version 6 was checked');
    assert.deepEqual(npm.range, rangeOf(expected, 'npm install'));
    const versions = session.published.slice(from).filter((params) => params.uri === uri).map((params) => params.version);
    assert.ok(!versions.includes(3), `versions published: ${versions.join(', ')}`);
    const warnings = session.logs.slice(logsFrom).filter((log) => log.type === MessageType.Warning && log.message.includes(uri));
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(warnings[0]!.message, /version 3, not newer than 5/);
    await assertResponsive(session, uri);
  });

  it('answers a request cancelled while it waited behind a long check as cancelled (-32800), and goes on', async () => {
    const uri = uriOf('.github/workflows/busy.yml');
    const big = bigWorkflow(1_500);
    await session.open(uri, big);
    const from = session.published.length;
    // The server checks version 2 (hundreds of ms) while the requests and their cancellations arrive behind it.
    void session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: big.replace('j0:', 'k0:') }] });
    const outcomes = await within(
      Promise.all(
        Array.from({ length: 5 }, (_, line) => {
          const source = new CancellationTokenSource();
          const request = session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 3 + line, character: 6 } }, source.token);
          source.cancel();
          return request.then(
            () => 'answered',
            (error: unknown) => (error instanceof ResponseError ? `error ${error.code}` : `failed: ${String(error)}`),
          );
        }),
      ),
      'cancelled hovers',
    );
    // Each is answered (it ran before its cancellation was read) or cancelled; at least one waited and was cancelled.
    for (const outcome of outcomes) assert.match(outcome, new RegExp(`^(answered|error ${LSPErrorCodes.RequestCancelled})$`));
    assert.ok(outcomes.includes(`error ${LSPErrorCodes.RequestCancelled}`), outcomes.join(', '));
    await session.waitForDiagnostics(from, (params) => params.uri === uri && params.version === 2);
    const answer = await within(session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } }), 'hover after cancellations');
    assert.ok(answer, 'the hover on `on:` explains it');
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
    // Each cancelled request is either answered or rejected as cancelled; none may hang or kill the server, and
    // the server does look at the cancellations (the first is read with its request at the latest).
    const outcomes = await within(Promise.all(cancelled), 'cancelled requests', 6 * TIMEOUT_MS);
    for (const outcome of outcomes) assert.match(outcome, /answered|cancel/i);
    assert.ok(outcomes.some((outcome) => /cancel/i.test(outcome)), outcomes.join(', '));
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
    // A moment for the check to start, so it is running (or queued) when shutdown arrives.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const exited = once(own.server, 'exit');
    await within(own.connection.sendRequest(ShutdownRequest.type), 'shutdown', 3 * TIMEOUT_MS);
    await own.connection.sendNotification(ExitNotification.type);
    const [code] = (await within(exited, 'exit after shutdown')) as [number | null];
    assert.equal(code, 0);
    own.connection.dispose();
  });
});

describe('a rule that throws, over the protocol', { timeout: 6 * TIMEOUT_MS }, () => {
  // test/helpers/throwingRuleServer.ts: the real server with every hook of THROWING_RULE replaced by one that throws.
  const script = path.join(__dirname, '..', 'helpers', 'throwingRuleServer.js');
  const text = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm install\n';
  let session: Session;

  before(async () => {
    ({ session } = await startSession({}, script));
  });

  after(() => stopSession(session));

  /** What the unbroken engine finds in the file, without the broken rule: what the other rules must still report. */
  function othersFindings(uri: string, source: string): string[] {
    const filePath = fileURLToPath(uri);
    const all = lint(source, filePath, { rules: RULES, project: projectFacts(filePath) }).findings.map((finding) => finding.ruleId);
    assert.ok(all.includes(THROWING_RULE), `${THROWING_RULE} fires on the sample, so its failure is exercised`);
    const others = all.filter((id) => id !== THROWING_RULE);
    assert.ok(others.length > 0, 'other rules fire on the sample too');
    return others.sort();
  }

  it('the other rules still publish, the failure is an internal-error finding, and the log says so once', async () => {
    const first = uriOf('.github/workflows/broken-rule.yml');
    const second = uriOf('.github/workflows/broken-rule-too.yml');
    const check = (diagnostics: Diagnostic[], uri: string, source: string): void => {
      const ids = diagnostics.map((diagnostic) => String(diagnostic.code));
      assert.deepEqual(ids.filter((id) => id !== 'shipcheck/internal-error').sort(), othersFindings(uri, source));
      const internal = diagnostics.filter((diagnostic) => diagnostic.code === 'shipcheck/internal-error');
      assert.equal(internal.length, 1, JSON.stringify(diagnostics));
      assert.match(String(internal[0]!.message), new RegExp(`${THROWING_RULE}.*${FORCED_FAILURE}`));
    };
    check(await session.open(first, text), first, text);
    // Typing on: every version is checked again and the rule fails again.
    let current = text;
    for (const name of ['a', 'b', 'c']) {
      const { text: next, diagnostics } = await session.applyEdits(first, [{ range: rangeOf(current, 'runs-on'), newText: `${name}: 1\n    runs-on` }]);
      current = next;
      check(diagnostics, first, current);
    }
    check(await session.open(second, text), second, text);
    await assertResponsive(session, first);
    const errors = session.logs.filter((log) => log.type === MessageType.Error);
    assert.equal(errors.length, 1, JSON.stringify(errors.map((log) => log.message)));
    assert.match(errors[0]!.message, new RegExp(`${THROWING_RULE}.*${FORCED_FAILURE}`));
  });
});
