import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import {
  CodeAction,
  CodeActionKind,
  CodeActionRequest,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  type Diagnostic,
  HoverRequest,
  MessageType,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver-protocol/node';
import { codes, editsOf, rangeOf, Session, startSession, stopSession, TIMEOUT_MS, uriOf } from '../helpers/session';

// Follows every other practice, so that gha/npm-ci is the only finding and fix-all has one thing to fix.
const WORKFLOW = `name: ci
on: push
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: npm install
      - run: npm test
`;

// CRLF line endings and a block script: the suppression comment must go inside the script with the file's line ending.
const BLOCK_WORKFLOW = ['on: push', 'jobs:', '  build:', '    runs-on: ubuntu-latest', '    steps:', '      - name: Build', '        run: |', '          echo "building"', '          npm install', '          npm run build', ''].join('\r\n');

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:latest
          readinessProbe:
            httpGet:
              path: /health
              port: 8080
          livenessProbe:
            httpGet:
              path: /health
              port: 8080
`;

// Generous bounds so a hung server fails the run instead of stalling it.
describe('language server over stdio', { timeout: 6 * TIMEOUT_MS }, () => {
  let session: Session;
  let initialized: InitializeResult;

  before(async () => {
    ({ session, initialized } = await startSession());
  }, { timeout: TIMEOUT_MS });

  after(() => stopSession(session));

  it('declares incremental sync, hover, quick-fix code actions, inlay hints, code lenses, definition and completion', () => {
    const { capabilities } = initialized;
    assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } });
    assert.equal(capabilities.hoverProvider, true);
    assert.deepEqual(capabilities.codeActionProvider, { codeActionKinds: [CodeActionKind.QuickFix, 'source.fixAll.shipcheck'] });
    assert.equal(capabilities.inlayHintProvider, true);
    assert.deepEqual(capabilities.codeLensProvider, { resolveProvider: false });
    assert.equal(capabilities.definitionProvider, true);
    assert.deepEqual(capabilities.completionProvider, { triggerCharacters: ['.', '{'] });
  });

  const ci = uriOf('.github/workflows/ci.yml');

  it('reports npm install in a workflow at its exact range, linked to the rule page', async () => {
    const diagnostics = await session.open(ci, WORKFLOW);
    assert.deepEqual(codes(diagnostics), ['gha/npm-ci']);
    const diagnostic = diagnostics.find((candidate) => candidate.code === 'gha/npm-ci');
    assert.deepEqual(diagnostic!.range, rangeOf(WORKFLOW, 'npm install'));
    assert.equal(diagnostic!.source, 'shipcheck');
    assert.equal(diagnostic!.code, 'gha/npm-ci');
    const href = diagnostic!.codeDescription?.href ?? '';
    assert.ok(href.startsWith('file:') && href.endsWith('docs/rules/gha/npm-ci.md'), href);
  });

  it('reports an empty workflow file, and one with no jobs: once typed (GitHub reads every file in .github/workflows)', async () => {
    const uri = uriOf('.github/workflows/new.yml');
    const syntax = (diagnostics: Diagnostic[]) => diagnostics.filter((diagnostic) => diagnostic.code === 'gha/syntax');
    const empty = syntax(await session.open(uri, ''));
    assert.deepEqual(empty.map((diagnostic) => diagnostic.range), [{ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }]);
    assert.match(String(empty[0]!.message), /workflow file is empty/);
    const { diagnostics } = await session.applyEdits(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'on: push\n' }]);
    assert.deepEqual(syntax(diagnostics).map((diagnostic) => String(diagnostic.message)), ["'jobs' is required and missing"]);
  });

  it('explains the finding on hover', async () => {
    const range = rangeOf(WORKFLOW, 'npm install');
    const hover = await session.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: ci },
      position: { line: range.start.line, character: range.start.character + 4 },
    });
    assert.ok(hover && typeof hover.contents === 'object' && 'kind' in hover.contents, 'expected markdown hover');
    assert.equal(hover.contents.kind, 'markdown');
    assert.match(hover.contents.value, /gha\/npm-ci/);
    assert.match(hover.contents.value, /npm ci/);
    assert.deepEqual(hover.range, range);
  });

  it('starts the hover with the finding\'s message (editors other than VS Code do not show it there)', async () => {
    const message = String((await session.waitForDiagnostics(0, (params) => params.uri === ci)).diagnostics.find((candidate) => candidate.code === 'gha/npm-ci')!.message);
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: ci }, position: rangeOf(WORKFLOW, 'npm install').start });
    assert.ok(hover && typeof hover.contents === 'object' && 'kind' in hover.contents, 'expected markdown hover');
    assert.ok(hover.contents.value.includes(message), 'the message is in the hover');
  });

  it('offers a preferred quick-fix whose edit clears the finding in the next version', async () => {
    const diagnostic = (await session.waitForDiagnostics(0, (params) => params.uri === ci && params.version === 1)).diagnostics.find((candidate) => candidate.code === 'gha/npm-ci');
    const actions = await session.codeActions(ci, diagnostic!);
    const fix = actions.find((action) => action.isPreferred);
    assert.ok(fix, `no preferred action among ${actions.map((action) => action.title).join(', ')}`);
    assert.equal(fix.kind, CodeActionKind.QuickFix);
    assert.deepEqual(fix.diagnostics, [diagnostic]);
    const { text, diagnostics } = await session.applyEdits(ci, editsOf(fix, ci));
    assert.equal(text, WORKFLOW.replace('run: npm install', 'run: npm ci'));
    assert.deepEqual(codes(diagnostics), []);
  });

  it('disables a rule for one line inside a run script, keeping CRLF line endings', async () => {
    const uri = uriOf('.github/workflows/build.yml');
    const diagnostic = (await session.open(uri, BLOCK_WORKFLOW)).find((candidate) => candidate.code === 'gha/npm-ci');
    assert.ok(diagnostic, 'no gha/npm-ci diagnostic');
    const actions = await session.codeActions(uri, diagnostic!);
    const disable = actions.find((action) => action.title === 'Disable gha/npm-ci for this line');
    assert.ok(disable, `no disable action among ${actions.map((action) => action.title).join(', ')}`);
    assert.notEqual(disable.isPreferred, true);
    const { text, diagnostics } = await session.applyEdits(uri, editsOf(disable, uri));
    assert.equal(text, BLOCK_WORKFLOW.replace('          npm install', '          # shipcheck-disable-next-line gha/npm-ci\r\n          npm install'));
    assert.deepEqual(codes(diagnostics), []);
  });

  it('reports identical probes and a latest image tag, offering the probe change only as a suggestion', async () => {
    const uri = uriOf('k8s/deployment.yaml');
    const diagnostics = await session.open(uri, DEPLOYMENT);
    assert.deepEqual(codes(diagnostics), ['k8s/image-tag', 'k8s/probe-identical']);
    const probes = diagnostics.find((diagnostic) => diagnostic.code === 'k8s/probe-identical')!;
    const actions = await session.codeActions(uri, probes);
    assert.ok(actions.some((action) => action.edit && !action.isPreferred && action.title !== 'Disable k8s/probe-identical for this line'), 'expected a suggested fix');
    assert.ok(actions.every((action) => !action.isPreferred));
    const image = diagnostics.find((diagnostic) => diagnostic.code === 'k8s/image-tag')!;
    assert.deepEqual(
      (await session.codeActions(uri, image)).map((action) => action.title),
      ['Disable k8s/image-tag for this line', 'Disable k8s/image-tag for this file', 'Ignore k8s/image-tag for this object'],
    );
  });

  it('fixes every safe problem at once through source.fixAll.shipcheck, leaving suggestions alone', async () => {
    const uri = uriOf('.github/workflows/fixall.yml');
    const text = `${WORKFLOW}      - run: npm i --no-audit\n`;
    assert.deepEqual(codes(await session.open(uri, text)), ['gha/npm-ci', 'gha/npm-ci']);
    const actions = await session.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    const fixAll = (actions ?? []).filter((action): action is CodeAction => CodeAction.is(action));
    assert.deepEqual(fixAll.map((action) => action.kind), ['source.fixAll.shipcheck']);
    const result = await session.applyEdits(uri, editsOf(fixAll[0]!, uri));
    assert.equal(result.text, text.replace('npm install', 'npm ci').replace('npm i --no-audit', 'npm ci --no-audit'));
    assert.deepEqual(codes(result.diagnostics), []);
    // Suggestions (probe changes) are not part of fix-all, and plain quick-fix requests never get it.
    const k8s = uriOf('k8s/fixall.yaml');
    await session.open(k8s, DEPLOYMENT);
    const none = await session.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: k8s },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.shipcheck'] },
    });
    assert.deepEqual(none, []);
  });

  it('disables a rule for the whole file, and explains on hover what the comment hides', async () => {
    const uri = uriOf('.github/workflows/file-off.yml');
    const diagnostic = (await session.open(uri, WORKFLOW)).find((candidate) => candidate.code === 'gha/npm-ci');
    const actions = await session.codeActions(uri, diagnostic!);
    const disable = actions.find((action) => action.title === 'Disable gha/npm-ci for this file');
    assert.ok(disable, `no file-level disable among ${actions.map((action) => action.title).join(', ')}`);
    const { text, diagnostics } = await session.applyEdits(uri, editsOf(disable, uri));
    assert.equal(text, `# shipcheck-disable gha/npm-ci\n${WORKFLOW}`);
    assert.deepEqual(codes(diagnostics), []);
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 5 } });
    assert.ok(hover && typeof hover.contents === 'object' && 'value' in hover.contents, 'expected a hover on the comment');
    assert.match(hover.contents.value, /hides one finding in this file/);
    assert.match(hover.contents.value, /gha\/npm-ci/);
  });

  it("honours a peer's ignore comment, and explains on hover which shipcheck rule it stands for", async () => {
    const uri = uriOf('.github/workflows/zizmor-ignore.yml');
    const text = 'on: issues\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: | # zizmor: ignore[template-injection] echoed only\n          echo "${{ github.event.issue.title }}"\n';
    const diagnostics = await session.open(uri, text);
    assert.ok(!diagnostics.some((diagnostic) => diagnostic.code === 'gha/script-injection'), 'the comment hides the injection finding');
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 6, character: 20 } });
    assert.ok(hover && typeof hover.contents === 'object' && 'value' in hover.contents, 'expected a hover on the comment');
    assert.match(hover.contents.value, /hides one finding \(zizmor's `template-injection` corresponds to shipcheck's `gha\/script-injection`\)/);
    assert.match(hover.contents.value, /Reason given: echoed only/);
  });

  it('publishes only the newest version after two quick changes', async () => {
    const uri = uriOf('.github/workflows/race.yml');
    await session.open(uri, WORKFLOW);
    const from = session.published.length;
    await session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: WORKFLOW.replace('npm install', 'npm ci') }] });
    await session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 3 }, contentChanges: [{ text: WORKFLOW }] });
    const latest = await session.waitForDiagnostics(from, (params) => params.uri === uri && params.version === 3);
    assert.deepEqual(codes(latest.diagnostics), ['gha/npm-ci']);
    // Any straggling publication for version 2 has arrived once the server is idle.
    await session.idle();
    const forUri = session.published.slice(from).filter((params) => params.uri === uri);
    assert.equal(forUri.at(-1)?.version, 3);
    const versions = forUri.map((params) => params.version ?? 0);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b), `published out of order: ${versions.join(', ')}`);
  });

  it('reports broken YAML once, linked to its page, and keeps answering', async () => {
    const uri = uriOf('broken.yaml');
    const diagnostics = await session.open(uri, 'jobs:\n  build: [unclosed\n    steps: {\n');
    assert.deepEqual(codes(diagnostics), ['shipcheck/yaml-syntax']);
    const href = diagnostics[0]!.codeDescription?.href ?? '';
    assert.ok(href.startsWith('file:') && href.endsWith('docs/rules/shipcheck/yaml-syntax.md'), href);
    assert.deepEqual(await session.codeActions(uri, diagnostics[0]!), []);
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: diagnostics[0]!.range.start });
    assert.ok(hover && typeof hover.contents === 'object' && 'value' in hover.contents, 'expected a hover for the syntax error');
    assert.match(hover.contents.value, /\*\*shipcheck · shipcheck\/yaml-syntax\*\*/);
    assert.ok(hover.contents.value.includes(String(diagnostics[0]!.message)), 'the parser\'s message');
    assert.match(hover.contents.value, /\*\*Fix\.\*\* Correct the syntax at the reported position/);
    assert.ok(hover.contents.value.includes(`[Rule page: shipcheck/yaml-syntax](${href})`), 'links the page');
  });

  it('clears diagnostics when a document closes', async () => {
    const from = session.published.length;
    await session.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: ci } });
    const cleared = await session.waitForDiagnostics(from, (params) => params.uri === ci);
    assert.deepEqual(cleared.diagnostics, []);
  });

  it('never published an older version after a newer one, and logged no errors', () => {
    const newest = new Map<string, number>();
    for (const { uri, version } of session.published) {
      if (version === undefined) continue;
      assert.ok(version >= (newest.get(uri) ?? 0), `${uri}: version ${version} published after ${newest.get(uri)}`);
      newest.set(uri, version);
    }
    assert.deepEqual(session.logs.filter((log) => log.type === MessageType.Error), []);
  });
});

describe('language server for VS Code, which shows diagnostic messages in its hover', { timeout: 2 * TIMEOUT_MS }, () => {
  let session: Session;
  before(async () => {
    ({ session } = await startSession({ initializationOptions: { diagnosticsInHover: true } }));
  }, { timeout: TIMEOUT_MS });
  after(() => stopSession(session));

  it('explains the finding without repeating its message', async () => {
    const ci = uriOf('.github/workflows/ci.yml');
    const diagnostic = (await session.open(ci, WORKFLOW)).find((candidate) => candidate.code === 'gha/npm-ci');
    assert.ok(diagnostic && typeof diagnostic.message === 'string', 'gha/npm-ci reported');
    const { message } = diagnostic;
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri: ci }, position: rangeOf(WORKFLOW, 'npm install').start });
    assert.ok(hover && typeof hover.contents === 'object' && 'kind' in hover.contents, 'expected markdown hover');
    assert.match(hover.contents.value, /\*\*shipcheck · gha\/npm-ci\*\*/);
    assert.match(hover.contents.value, /Why it matters/);
    assert.ok(!hover.contents.value.includes(message), 'the message is not repeated');
  });
});
