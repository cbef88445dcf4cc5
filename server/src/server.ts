import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { ruleDocPath } from './knowledge/ruleDocs';
import { init } from './lsp/init';
import { projectFacts } from './project/facts';

// The bundle runs as dist/server.js, one level below the extension (or repository) root that holds docs/.
const root = path.resolve(__dirname, '..');

// createConnection reads the transport from the command line (--stdio, --node-ipc, --socket=<port>, --pipe=<name>).
init(createConnection(ProposedFeatures.all), {
  docsHref: (ruleId) => pathToFileURL(path.join(root, ruleDocPath(ruleId))).href,
  filePath: (url) => fileURLToPath(url),
  projectFacts,
});
