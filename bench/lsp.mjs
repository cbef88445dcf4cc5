// A minimal LSP client for benchmarks: starts a server over stdio, answers its requests, and times
// didChange → publishDiagnostics for the version sent.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const protocol = require('vscode-languageserver-protocol/node');

/** Settings a server may pull: yaml-language-server's with validation on and the schema store off. */
const SETTINGS = {
  yaml: { validate: true, hover: false, completion: false, format: { enable: false }, schemaStore: { enable: false }, kubernetesCRDStore: { enable: false }, schemas: {} },
  shipcheck: {},
};

export class LspServer {
  /** Starts `command args` and completes the initialize handshake for a workspace folder. */
  static async start({ name, command, args, env, workspace, initializationOptions, workDoneProgress = false }) {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    const connection = protocol.createProtocolConnection(new protocol.StreamMessageReader(child.stdout), new protocol.StreamMessageWriter(child.stdin));
    const server = new LspServer(name, child, connection, started, () => stderr);
    connection.listen();
    const rootUri = pathToFileURL(workspace).href;
    await server.withTimeout(
      connection.sendRequest(protocol.InitializeRequest.type, {
        processId: process.pid,
        rootUri,
        workspaceFolders: [{ uri: rootUri, name: 'bench' }],
        capabilities: {
          workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
          textDocument: { publishDiagnostics: { versionSupport: true }, synchronization: { didSave: true } },
          // Only where a benchmark waits for a server's progress (the workspace scan's end).
          ...(workDoneProgress ? { window: { workDoneProgress: true } } : {}),
        },
        initializationOptions,
      }),
      30_000,
      'initialize',
    );
    await connection.sendNotification(protocol.InitializedNotification.type, {});
    await connection.sendNotification(protocol.DidChangeConfigurationNotification.type, { settings: SETTINGS });
    return server;
  }

  constructor(name, child, connection, started, stderr) {
    this.name = name;
    this.child = child;
    this.connection = connection;
    this.started = started;
    this.stderr = stderr;
    this.waiters = new Set();
    this.versions = new Map();
    this.texts = new Map();
    // Every publication with its arrival time (for bursts: which versions were published), and finished progress.
    this.publications = [];
    this.progressEnds = 0;
    this.progressWaiters = new Set();
    this.exited = false;
    child.on('exit', () => {
      this.exited = true;
      for (const waiter of this.waiters) waiter.fail(new Error(`${name} exited: ${stderr().trim().split('\n').slice(-3).join(' | ')}`));
    });
    connection.onRequest(protocol.ConfigurationRequest.type, (params) => params.items.map((item) => (item.section ? (SETTINGS[item.section] ?? null) : null)));
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('client/unregisterCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('workspace/workspaceFolders', () => []);
    connection.onUnhandledProgress(({ value }) => {
      if (value?.kind !== 'end') return;
      this.progressEnds++;
      for (const wake of [...this.progressWaiters]) wake();
    });
    connection.onNotification(protocol.PublishDiagnosticsNotification.type, (params) => {
      const at = performance.now();
      this.publications.push({ uri: params.uri, version: params.version, at });
      for (const waiter of [...this.waiters]) if (waiter.matches(params)) waiter.done(at, params);
    });
    connection.onNotification(() => {});
  }

  withTimeout(promise, ms, what) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no answer to ${what} within ${ms} ms`)), ms);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** The next publication for `uri` (for `version` when the server sends versions), with its arrival time. */
  nextDiagnostics(uri, version, ms = 60_000) {
    return new Promise((resolve, reject) => {
      const waiter = {
        matches: (params) => params.uri === uri && (params.version === undefined || params.version === null || params.version === version),
        done: (at, params) => {
          this.waiters.delete(waiter);
          clearTimeout(timer);
          resolve({ at, params });
        },
        fail: (error) => {
          this.waiters.delete(waiter);
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => waiter.fail(new Error(`${this.name}: no diagnostics for ${uri} v${version} within ${ms} ms`)), ms);
      this.waiters.add(waiter);
    });
  }

  /** Opens a document and resolves when its first diagnostics arrive (within `ms`). */
  async open(path, text, languageId, ms = 60_000) {
    const uri = pathToFileURL(path).href;
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    const published = this.nextDiagnostics(uri, 1, ms);
    await this.connection.sendNotification(protocol.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    return { uri, ...(await published) };
  }

  /** Inserts `insert` at `offset` (an incremental change) and resolves with the milliseconds until its diagnostics. */
  /** Inserts `insert` at `offset` (in place of the `removed` characters there) and resolves with the ms until that version's diagnostics. */
  async type(uri, offset, insert, removed = 0) {
    const text = this.texts.get(uri);
    const version = this.versions.get(uri) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, text.slice(0, offset) + insert + text.slice(offset + removed));
    const position = positionAt(text, offset);
    const end = positionAt(text, offset + removed);
    const published = this.nextDiagnostics(uri, version);
    const sent = performance.now();
    await this.connection.sendNotification(protocol.DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: position, end }, text: insert }],
    });
    const { at } = await published;
    return at - sent;
  }

  /**
   * Inserts `chars` at `offset` one character a change, all sent without waiting (a paste typed out, a macro, an
   * editor's burst), and resolves when the last version's diagnostics arrive: the milliseconds from the first
   * change, and how many earlier versions of the burst were published (and so checked) on the way.
   */
  async burst(uri, offset, chars) {
    const first = this.versions.get(uri) + 1;
    const last = first + chars.length - 1;
    const published = this.nextDiagnostics(uri, last);
    const from = this.publications.length;
    const sent = performance.now();
    let text = this.texts.get(uri);
    const writes = [];
    for (const [index, char] of [...chars].entries()) {
      const position = positionAt(text, offset + index);
      text = text.slice(0, offset + index) + char + text.slice(offset + index);
      writes.push(this.connection.sendNotification(protocol.DidChangeTextDocumentNotification.type, { textDocument: { uri, version: first + index }, contentChanges: [{ range: { start: position, end: position }, text: char }] }));
    }
    this.versions.set(uri, last);
    this.texts.set(uri, text);
    await Promise.all(writes);
    const { at } = await published;
    const intermediate = this.publications.slice(from).filter((entry) => entry.uri === uri && entry.version >= first && entry.version < last).length;
    return { ms: at - sent, intermediate };
  }

  /** Resolves when the server has ended `count` progress reports in all (a workspace scan reports one). */
  progressEnded(count = 1, ms = 600_000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.progressWaiters.delete(wake);
        reject(new Error(`${this.name}: no end of progress within ${ms} ms`));
      }, ms);
      const wake = () => {
        if (this.progressEnds < count) return;
        this.progressWaiters.delete(wake);
        clearTimeout(timer);
        resolve(performance.now());
      };
      this.progressWaiters.add(wake);
      wake();
    });
  }

  async stop() {
    if (this.exited) return;
    try {
      await this.withTimeout(this.connection.sendRequest(protocol.ShutdownRequest.type), 5000, 'shutdown');
      await this.connection.sendNotification(protocol.ExitNotification.type);
    } catch {
      // A server that does not shut down cleanly is killed below.
    }
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve();
      }, 2000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.connection.dispose();
  }
}

function positionAt(text, offset) {
  let line = 0;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at >= 0 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, character: offset - lineStart };
}

/** Resident set size of a process in MiB (Linux /proc), or undefined elsewhere. */
export function rssMiB(pid, field = 'VmRSS') {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
