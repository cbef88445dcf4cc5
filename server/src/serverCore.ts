import type { BrowserMessageReader, BrowserMessageWriter } from 'vscode-languageserver/browser';
import { init } from './lsp/languageServer';
import { nodeHost } from './nodeHost';

// The language server, bundled once as dist/serverCore.js for both places it runs: Node requires it from
// dist/server.js, which calls `startInNode`, and VS Code for the web starts it as a web worker, where the bundle's last
// line calls `startInWorker` (esbuild.mjs). One copy of the engine in the .vsix instead of two. Each transport is
// required inside its function (its package exports it to Node only, or to browsers only), so the connection and the
// handlers share one copy of vscode-languageserver: a `ResponseError` a handler returns is the class the connection
// tests for.

// The worker's global scope (the WebWorker library is not part of this project's types).
type WorkerScope = ConstructorParameters<typeof BrowserMessageReader>[0] & ConstructorParameters<typeof BrowserMessageWriter>[0];

/** In Node: the transport from the command line (--stdio, --node-ipc, --socket=<port> or --pipe=<name>), and the
 * file system under `root`, the folder holding docs/. */
export function startInNode(root: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createConnection, ProposedFeatures } = require('vscode-languageserver/node') as typeof import('vscode-languageserver/node');
  const connection = createConnection(ProposedFeatures.all);
  init(connection, nodeHost(root, connection));
}

/**
 * In a web worker there is no file system: no rule pages to link to (hovers carry the explanation), no lockfile
 * facts, no `.shipcheck.yaml` and no workspace scan; open documents are checked as they are.
 */
export function startInWorker(scope: WorkerScope): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { BrowserMessageReader, BrowserMessageWriter, createConnection } = require('vscode-languageserver/browser') as typeof import('vscode-languageserver/browser');
  init(createConnection(new BrowserMessageReader(scope), new BrowserMessageWriter(scope)), {
    docsHref: () => undefined,
    filePath: (url) => decodeURIComponent(url.pathname),
    projectFacts: () => ({}),
  });
}
