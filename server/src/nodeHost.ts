import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Connection } from 'vscode-languageserver';
import type { ServerHost } from './lsp/host';
import { ruleDocPath } from './knowledge/ruleDocs';
import { discover } from './project/discover';
import { forgetProjectConfigs, projectConfig } from './project/configCache';
import { FACT_FILE_GLOBS, forgetProjectFacts, isFactFile, projectFacts } from './project/facts';
import { Shellcheck } from './project/shellcheckBinary';

/** What the Node server reads from disk: rule pages under `root` (the folder holding docs/), the project, shellcheck. */
export function nodeHost(root: string, connection: Connection): ServerHost {
  const docLinks = new Map<string, string>();
  // Looked for once, when gha/shellcheck first has a script to check (null: not looked for yet).
  let shellcheck: Shellcheck | undefined | null = null;
  return {
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
  };
}
