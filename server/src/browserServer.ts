import { BrowserMessageReader, BrowserMessageWriter, createConnection } from 'vscode-languageserver/browser';
import { init } from './lsp/languageServer';

// The worker's global scope (the WebWorker library is not part of this project's types).
declare const self: ConstructorParameters<typeof BrowserMessageReader>[0] & ConstructorParameters<typeof BrowserMessageWriter>[0];

// In a web worker there is no file system: no rule pages to link to (hovers carry the explanation), no
// lockfile facts, no `.shipcheck.yaml` and no workspace scan; open documents are checked as they are.
init(createConnection(new BrowserMessageReader(self), new BrowserMessageWriter(self)), {
  docsHref: () => undefined,
  filePath: (url) => decodeURIComponent(url.pathname),
  projectFacts: () => ({}),
});
