import type { ProjectFacts } from '../engine/core/rule';
import type { ProjectConfig } from '../project/configCache';
import type { ShellcheckBinary } from '../project/shellcheck';

/** What differs between the Node and the browser server. */
export interface ServerHost {
  /** The link a diagnostic's rule id points to, or undefined when this transport has no pages to show. */
  docsHref(ruleId: string): string | undefined;
  /** The local path of a `file:` URI, which classification matches against (`.github/workflows/…`). */
  filePath(url: URL): string;
  /** What the file system says about the project around a file (lockfiles…); `{}` where there is none to ask. */
  projectFacts(filePath: string): ProjectFacts;
  /** The `.shipcheck.yaml` governing a file; absent where there is no file system (the browser). */
  projectConfig?(filePath: string): ProjectConfig;
  /**
   * Files besides YAML that `projectFacts` reads (lockfiles, package.json, .yarnrc.yml, .git/config): `globs` are
   * watched with the YAML files, `isFactFile` tells which changed paths matter, and `changed` forgets what
   * `projectFacts` and `projectConfig` read from disk, called when one of these or a configuration file changes.
   */
  projectFiles?: { globs: readonly string[]; isFactFile(filePath: string): boolean; changed(): void };
  /**
   * The `shellcheck` binary gha/shellcheck runs, or undefined when it is not on PATH (said once in the output channel);
   * absent in the browser, which starts no processes.
   */
  shellcheck?(): ShellcheckBinary | undefined;
  /** Reading the workspace from disk, for findings in files that are not open; absent in the browser. */
  workspace?: WorkspaceFiles;
}

export interface WorkspaceFiles {
  /** The YAML files under a folder that shipcheck may check (node_modules and hidden folders skipped). */
  yamlFiles(folder: string): string[];
  readFile: (filePath: string) => string | undefined;
}
