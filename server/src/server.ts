import * as path from 'node:path';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
// dist/serverCore.js beside this bundle at run time (esbuild.mjs leaves it out of dist/server.js).
import { init, nodeHost } from './serverCore';

// The transport comes from the command line: --stdio, --node-ipc, --socket=<port> or --pipe=<name>.
const connection = createConnection(ProposedFeatures.all);
// The bundle runs as dist/server.js, one level below the extension (or repository) root that holds docs/.
init(connection, nodeHost(path.resolve(__dirname, '..'), connection));
