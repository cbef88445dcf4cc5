import { BrowserMessageReader, BrowserMessageWriter, createConnection } from 'vscode-languageserver/browser';
import { init } from './lsp/languageServer';
import { nodeHost } from './nodeHost';

// The language server without its transport, bundled once as dist/serverCore.js for both places it runs: Node
// requires it from dist/server.js (which makes the stdio / IPC connection and passes the Node host), and VS Code for
// the web starts it as a web worker, where the bundle's last line calls `startInWorker` (esbuild.mjs). One copy of
// the engine in the .vsix instead of two.

export { init, nodeHost };

// The worker's global scope (the WebWorker library is not part of this project's types).
type WorkerScope = ConstructorParameters<typeof BrowserMessageReader>[0] & ConstructorParameters<typeof BrowserMessageWriter>[0];

/**
 * In a web worker there is no file system: no rule pages to link to (hovers carry the explanation), no lockfile
 * facts, no `.shipcheck.yaml` and no workspace scan; open documents are checked as they are.
 */
export function startInWorker(scope: WorkerScope): void {
  init(createConnection(new BrowserMessageReader(scope), new BrowserMessageWriter(scope)), {
    docsHref: () => undefined,
    filePath: (url) => decodeURIComponent(url.pathname),
    projectFacts: () => ({}),
  });
}
