import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { ruleDocPath } from './knowledge/ruleDocs';
import { init } from './lsp/languageServer';
import { discover } from './project/discover';
import { forgetProjectConfigs, projectConfig } from './project/configCache';
import { FACT_FILE_GLOBS, forgetProjectFacts, isFactFile, projectFacts } from './project/facts';
import { Shellcheck } from './project/shellcheckBinary';

// The bundle runs as dist/server.js, one level below the extension (or repository) root that holds docs/.
const root = path.resolve(__dirname, '..');

const docLinks = new Map<string, string>();

// Looked for once, when gha/shellcheck first has a script to check (null: not looked for yet).
let shellcheck: Shellcheck | undefined | null = null;

// The transport comes from the command line: --stdio, --node-ipc, --socket=<port> or --pipe=<name>.
const connection = createConnection(ProposedFeatures.all);
init(connection, {
  // Asked once per diagnostic on every keystroke: build each rule's link once.
  docsHref: (ruleId) => {
    let href = docLinks.get(ruleId);
    if (href === undefined) docLinks.set(ruleId, (href = pathToFileURL(path.join(root, ruleDocPath(ruleId))).href));
    return href;
  },
  filePath: (url) => fileURLToPath(url),
  shellcheck: () => {
    if (shellcheck === null) {
      shellcheck = Shellcheck.find();
      connection.console.info(shellcheck ? `shipcheck: gha/shellcheck runs shellcheck ${shellcheck.version}` : 'shipcheck: gha/shellcheck is off: no shellcheck binary on PATH (Debian and Ubuntu: apt-get install shellcheck)');
    }
    return shellcheck;
  },
  projectFacts,
  projectConfig,
  projectFiles: {
    globs: FACT_FILE_GLOBS,
    isFactFile,
    changed: () => {
      forgetProjectFacts();
      forgetProjectConfigs();
    },
  },
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
