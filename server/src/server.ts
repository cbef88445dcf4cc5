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

// V8 flags, set here rather than on the command line, where Node refuses flags it does not know; both are read
// as the heap grows, so they apply from now on. The young generation stays at its first size (about what the VS Code
// client's --max-semi-space-size=4 allows) instead of growing to 2 × 16 MiB, held even when idle.
v8.setFlagsFromString('--semi-space-growth-factor=1');

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
  // While many files are checked at once (a workspace opened, its scan) V8 lets the heap grow to several times
  // what is live before a full collection; collecting at 20% growth keeps the server near what it holds. Only
  // then: while typing, the default growth keeps full collections (and their pauses) rare.
  bulkChecking: (active) => v8.setFlagsFromString(`--heap-growing-percent=${active ? 20 : 0}`),
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
