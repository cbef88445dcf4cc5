import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { ruleDocPath } from './knowledge/ruleDocs';
import { init } from './lsp/init';
import { discover } from './cli/discover';
import { projectConfig } from './project/config';
import { projectFacts } from './project/facts';

// While many files are checked at once (a workspace opened, its scan) V8 lets the heap grow to about four
// times what is live before a full collection; collecting sooner keeps the server near what it holds
// (bench: peak RSS with the corpus open 275-298 → about 165 MiB). A V8 flag, so set here, not on the command line,
// where Node refuses flags it does not know.
v8.setFlagsFromString('--heap-growing-percent=20');

// The bundle runs as dist/server.js, one level below the extension (or repository) root that holds docs/.
const root = path.resolve(__dirname, '..');

const docLinks = new Map<string, string>();

// createConnection reads the transport from the command line (--stdio, --node-ipc, --socket=<port>, --pipe=<name>).
init(createConnection(ProposedFeatures.all), {
  // Asked once per diagnostic on every keystroke: build each rule's link once.
  docsHref: (ruleId) => {
    let href = docLinks.get(ruleId);
    if (href === undefined) docLinks.set(ruleId, (href = pathToFileURL(path.join(root, ruleDocPath(ruleId))).href));
    return href;
  },
  filePath: (url) => fileURLToPath(url),
  projectFacts,
  projectConfig,
  workspace: {
    yamlFiles: (folder) => discover([folder]).targets.map((target) => target.path),
    readFile: (filePath) => {
      try {
        const text = fs.readFileSync(filePath, 'utf8');
        // Binary junk with a YAML name is not ours to report on.
        return text.includes('\u0000') ? undefined : text;
      } catch {
        return undefined;
      }
    },
  },
});
