import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import { PROTOCOL_TESTS } from './tempWorkspace';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CodeAction,
  CodeActionRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ClientCapabilities,
  type InitializeParams,
  type InitializeResult,
  type LogMessageParams,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { IDLE_REQUEST } from '../../server/src/lsp/checkQueue';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const TIMEOUT_MS = 10_000;
// Under the protocol tests' folder, whose configuration runs the strict preset.
export const WORKSPACE = path.join(PROTOCOL_TESTS, 'workspace');

export function uriOf(relative: string): string {
  return pathToFileURL(path.join(WORKSPACE, relative)).href;
}

/** One server process and what it has sent us. */
export class Session {
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

  /**
   * Resolves once the server has nothing left to check (its queue empty, no settings being read to queue more): every
   * publication it was going to make has arrived by then. How a test shows that nothing more is published.
   */
  async idle(): Promise<void> {
    await this.connection.sendRequest(IDLE_REQUEST);
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

export function rangeOf(text: string, needle: string): { start: { line: number; character: number }; end: { line: number; character: number } } {
  const start = text.indexOf(needle);
  assert.ok(start >= 0, `${needle} not in text`);
  const document = TextDocument.create('untitled:x', 'yaml', 0, text);
  return { start: document.positionAt(start), end: document.positionAt(start + needle.length) };
}

// The rules these tests are about: other rules may also fire on the sample files as the catalog grows.
const OF_INTEREST = new Set(['gha/npm-ci', 'k8s/image-tag', 'k8s/probe-identical', 'shipcheck/yaml-syntax', 'shipcheck/unused-suppression']);

export function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => String(diagnostic.code)).filter((code) => OF_INTEREST.has(code)).sort();
}

export function editsOf(action: CodeAction, uri: string): TextEdit[] {
  const edits = action.edit?.changes?.[uri];
  assert.ok(edits && edits.length > 0, `${action.title} has no edits for ${uri}`);
  return edits;
}


/**
 * Starts `shipcheck-language-server --stdio` (the package's bin, unless another server script is given) and
 * initializes it with the given client capabilities.
 */
export async function startSession(init: Partial<InitializeParams> = {}, script?: string): Promise<{ session: Session; initialized: InitializeResult }> {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  assert.equal(manifest.bin['shipcheck-language-server'], 'dist/server.js');
  const server = spawn(process.execPath, [script ?? path.join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  const session = new Session(server, connection);
  connection.listen();
  const initialized = await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(WORKSPACE).href,
    capabilities: { textDocument: { publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true } } },
    workspaceFolders: null,
    ...init,
  });
  await connection.sendNotification(InitializedNotification.type, {});
  return { session, initialized };
}

/** Shuts the server down politely, killing it if it does not exit in time. */
export async function stopSession(session: Session): Promise<void> {
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
}

/** A server opened on the folder `root`, its one workspace folder, for a client with `capabilities`. */
export function startInFolder(
  root: string,
  capabilities: ClientCapabilities = { textDocument: { publishDiagnostics: { versionSupport: true } } },
): Promise<{ session: Session; initialized: InitializeResult }> {
  const uri = pathToFileURL(root).href;
  return startSession({ rootUri: uri, workspaceFolders: [{ uri, name: 'ws' }], capabilities });
}
