import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CodeAction,
  CodeActionKind,
  CodeActionRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  MessageType,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
  type Diagnostic,
  type InitializeResult,
  type LogMessageParams,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TIMEOUT_MS = 10_000;
const WORKSPACE = path.join(os.tmpdir(), 'shipcheck-lsp-test');

function uriOf(relative: string): string {
  return pathToFileURL(path.join(WORKSPACE, relative)).href;
}

const WORKFLOW = `name: ci
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
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

/** One server process and what it has sent us. */
class Session {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly logs: LogMessageParams[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly versions = new Map<string, number>();
  private readonly texts = new Map<string, string>();

  constructor(
    readonly server: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.published.push(params);
      for (const wake of this.waiters) wake();
    });
    connection.onNotification(LogMessageNotification.type, (params) => {
      this.logs.push(params);
    });
  }

  /** Resolves with the first publication at or after index `from` that matches, or fails after the timeout. */
  waitForDiagnostics(from: number, matches: (params: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.published.slice(from).find(matches);
        if (!found) return false;
        this.waiters.delete(wake);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const wake = (): void => void check();
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`no matching diagnostics within ${TIMEOUT_MS} ms; got ${JSON.stringify(this.published.slice(from).map(({ uri, version }) => ({ uri, version })))}`));
      }, TIMEOUT_MS);
      if (!check()) this.waiters.add(wake);
    });
  }

  async open(uri: string, text: string): Promise<Diagnostic[]> {
    const from = this.published.length;
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    return (await this.waitForDiagnostics(from, (params) => params.uri === uri && params.version === 1)).diagnostics;
  }

  /** Sends the edits as incremental changes, last one first so earlier ranges stay valid, and returns the next version's diagnostics. */
  async applyEdits(uri: string, edits: TextEdit[]): Promise<{ text: string; diagnostics: Diagnostic[] }> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    const before = TextDocument.create(uri, 'yaml', version - 1, this.text(uri));
    const text = TextDocument.applyEdits(before, edits);
    const backwards = [...edits].sort((a, b) => before.offsetAt(b.range.start) - before.offsetAt(a.range.start));
    const from = this.published.length;
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: backwards.map(({ range, newText }) => ({ range, text: newText })),
    });
    const { diagnostics } = await this.waitForDiagnostics(from, (params) => params.uri === uri && params.version === version);
    return { text, diagnostics };
  }

  text(uri: string): string {
    const text = this.texts.get(uri);
    assert.ok(text !== undefined, `${uri} is not open`);
    return text;
  }

  codeActions(uri: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
    return this.connection
      .sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })
      .then((actions) => (actions ?? []).filter((action): action is CodeAction => CodeAction.is(action)));
  }
}

function rangeOf(text: string, needle: string): { start: { line: number; character: number }; end: { line: number; character: number } } {
  const start = text.indexOf(needle);
  assert.ok(start >= 0, `${needle} not in text`);
  const document = TextDocument.create('untitled:x', 'yaml', 0, text);
  return { start: document.positionAt(start), end: document.positionAt(start + needle.length) };
}

function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => String(diagnostic.code)).sort();
}

function editsOf(action: CodeAction, uri: string): TextEdit[] {
  const edits = action.edit?.changes?.[uri];
  assert.ok(edits && edits.length > 0, `${action.title} has no edits for ${uri}`);
  return edits;
}

// Generous bounds so a hung server fails the run instead of stalling it.
describe('language server over stdio', { timeout: 6 * TIMEOUT_MS }, () => {
  let session: Session;
  let initialized: InitializeResult;

  before(async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    assert.equal(manifest.bin['shipcheck-language-server'], 'dist/server.js');
    const server = spawn(process.execPath, [path.join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const connection = createProtocolConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
    session = new Session(server, connection);
    connection.listen();
    initialized = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(WORKSPACE).href,
      capabilities: { textDocument: { publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true } } },
      workspaceFolders: null,
    });
    await connection.sendNotification(InitializedNotification.type, {});
  }, { timeout: TIMEOUT_MS });

  after(async () => {
    const { server, connection } = session;
    const exited = server.exitCode !== null ? Promise.resolve() : once(server, 'exit').then(() => undefined);
    try {
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      await Promise.race([exited, new Promise((_, reject) => setTimeout(() => reject(new Error('server did not exit')), TIMEOUT_MS).unref())]);
    } catch {
      server.kill();
    } finally {
      connection.dispose();
    }
  });

  it('declares incremental sync, hover and quick-fix code actions', () => {
    const { capabilities } = initialized;
    assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: TextDocumentSyncKind.Incremental });
    assert.equal(capabilities.hoverProvider, true);
    assert.deepEqual(capabilities.codeActionProvider, { codeActionKinds: [CodeActionKind.QuickFix, 'source.fixAll.shipcheck'] });
  });

  const ci = uriOf('.github/workflows/ci.yml');

  it('reports npm install in a workflow at its exact range, linked to the rule page', async () => {
    const diagnostics = await session.open(ci, WORKFLOW);
    assert.deepEqual(codes(diagnostics), ['gha/npm-ci']);
    const [diagnostic] = diagnostics;
    assert.deepEqual(diagnostic!.range, rangeOf(WORKFLOW, 'npm install'));
    assert.equal(diagnostic!.source, 'shipcheck');
    assert.equal(diagnostic!.code, 'gha/npm-ci');
    const href = diagnostic!.codeDescription?.href ?? '';
    assert.ok(href.startsWith('file:') && href.endsWith('docs/rules/gha/npm-ci.md'), href);
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

  it('offers a preferred quick-fix whose edit clears the finding in the next version', async () => {
    const [diagnostic] = (await session.waitForDiagnostics(0, (params) => params.uri === ci && params.version === 1)).diagnostics;
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
    const [diagnostic, ...others] = await session.open(uri, BLOCK_WORKFLOW);
    assert.deepEqual(others, []);
    assert.equal(diagnostic!.code, 'gha/npm-ci');
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
      ['Disable k8s/image-tag for this line', 'Disable k8s/image-tag for this file'],
    );
  });

  it('fixes every safe problem at once through source.fixAll.shipcheck, leaving suggestions alone', async () => {
    const uri = uriOf('.github/workflows/fixall.yml');
    const text = `${WORKFLOW}      - run: npm i --no-audit\n`;
    assert.equal((await session.open(uri, text)).length, 2);
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
    const [diagnostic] = await session.open(uri, WORKFLOW);
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

  it('publishes only the newest version after two quick changes', async () => {
    const uri = uriOf('.github/workflows/race.yml');
    await session.open(uri, WORKFLOW);
    const from = session.published.length;
    await session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: WORKFLOW.replace('npm install', 'npm ci') }] });
    await session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 3 }, contentChanges: [{ text: WORKFLOW }] });
    const latest = await session.waitForDiagnostics(from, (params) => params.uri === uri && params.version === 3);
    assert.deepEqual(codes(latest.diagnostics), ['gha/npm-ci']);
    // A request round trip lets any straggling publication for version 2 arrive before we look.
    await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } });
    const forUri = session.published.slice(from).filter((params) => params.uri === uri);
    assert.equal(forUri.at(-1)?.version, 3);
    const versions = forUri.map((params) => params.version ?? 0);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b), `published out of order: ${versions.join(', ')}`);
  });

  it('reports broken YAML once and keeps answering', async () => {
    const uri = uriOf('broken.yaml');
    const diagnostics = await session.open(uri, 'jobs:\n  build: [unclosed\n    steps: {\n');
    assert.deepEqual(codes(diagnostics), ['shipcheck/yaml-syntax']);
    assert.equal(diagnostics[0]!.codeDescription, undefined);
    assert.deepEqual(await session.codeActions(uri, diagnostics[0]!), []);
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: diagnostics[0]!.range.start });
    assert.ok(hover && typeof hover.contents === 'object' && 'value' in hover.contents, 'expected a hover for the syntax error');
    assert.match(hover.contents.value, /shipcheck\/yaml-syntax/);
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
