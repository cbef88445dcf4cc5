import { CodeActionKind, DidChangeWatchedFilesNotification, MarkupKind, TextDocuments, TextDocumentSyncKind, type Connection, type InitializeResult } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ProjectFacts } from '../engine/lint';
import type { ProjectConfig } from '../project/config';
import { FIX_ALL_KIND, findingCodeActions } from './codeActions';
import { DocumentLinter } from './diagnostics';
import { RULES } from '../rules';
import { SettingsCache } from './settings';
import { WorkspaceChecker } from './workspace';
import { hover } from './hover';

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
  /** Reading the workspace from disk, for findings in files that are not open; absent in the browser. */
  workspace?: WorkspaceFiles;
}

export interface WorkspaceFiles {
  /** The YAML files under a folder that shipcheck may check (node_modules and hidden folders skipped). */
  yamlFiles(folder: string): string[];
  readFile(filePath: string): string | undefined;
}

/** Wires documents, diagnostics, hover and code actions onto a connection and starts listening. */
export function init(connection: Connection, host: ServerHost): void {
  const documents = new TextDocuments(TextDocument);
  const logError = (what: string, error: unknown): void => {
    connection.console.error(`shipcheck: ${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  };
  // A handler that throws must cost one answer, not the server.
  const guarded = <T>(what: string, fallback: T, handler: () => T): T => {
    try {
      return handler();
    } catch (error) {
      logError(what, error);
      return fallback;
    }
  };
  let canPullSettings = false;
  let yamlExtensionActive = false;
  let hoverMarkdown = true;
  const settings = new SettingsCache(connection, () => canPullSettings);
  const linter = new DocumentLinter(connection, documents, host, settings, () => yamlExtensionActive, logError);

  const initializeResult: InitializeResult = {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
    },
    serverInfo: { name: 'shipcheck' },
  };

  let folders: string[] = [];
  let canWatchFiles = false;
  const workspace = host.workspace
    ? new WorkspaceChecker(connection, documents, host, host.workspace, linter, (folderUri) => filesExclude(folderUri), logError)
    : undefined;
  // VS Code's files.exclude, honoured when scanning the workspace (other clients have no such setting).
  const filesExclude = async (folderUri: string): Promise<string[]> => {
    if (!canPullSettings) return [];
    const raw: unknown = await connection.workspace.getConfiguration({ scopeUri: folderUri, section: 'files.exclude' });
    if (typeof raw !== 'object' || raw === null) return [];
    return Object.entries(raw as Record<string, unknown>).flatMap(([glob, on]) => (on === true ? [glob] : []));
  };

  connection.onInitialize((params) => {
    canPullSettings = params.capabilities.workspace?.configuration === true;
    canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    folders = params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
    yamlExtensionActive = readInitializationOptions(params.initializationOptions).yamlExtensionActive;
    // Clients that list hover formats without Markdown get plain text; those that say nothing get Markdown.
    const formats = params.capabilities.textDocument?.hover?.contentFormat;
    hoverMarkdown = !formats || formats.includes(MarkupKind.Markdown);
    return initializeResult;
  });

  documents.onDidOpen(({ document }) => guarded('scheduling a check', undefined, () => linter.schedule(document, 'open')));
  documents.onDidChangeContent(({ document }) => guarded('scheduling a check', undefined, () => linter.schedule(document, 'change')));
  documents.onDidSave(({ document }) => guarded('scheduling a check', undefined, () => linter.schedule(document, 'save')));
  connection.onDidChangeConfiguration(() =>
    guarded('reloading settings', undefined, () => {
      linter.settingsChanged();
      void workspace?.rescan();
    }),
  );
  documents.onDidClose(({ document }) =>
    guarded('closing a document', undefined, () => {
      linter.forget(document.uri);
      workspace?.closed(document.uri);
    }),
  );
  connection.onDidChangeWatchedFiles(({ changes }) => void workspace?.filesChanged(changes));
  // After the handshake: watch YAML and configuration files, then check the whole workspace (open files come first anyway).
  connection.onInitialized(() => {
    connection.console.info(`shipcheck: server ready with ${RULES.length} rules${workspace ? `, checking ${folders.length} workspace folder(s)` : ''}`);
    if (!workspace) return;
    if (canWatchFiles) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{yml,yaml}' }] });
    }
    void workspace.scan(folders);
  });

  connection.onHover((params) =>
    guarded('hover', null, () => {
      const document = documents.get(params.textDocument.uri);
      return document ? hover(document, linter.resultFor(document), params.position, host, hoverMarkdown) : null;
    }),
  );
  connection.onCodeAction((params) =>
    guarded('code actions', [], () => {
      const document = documents.get(params.textDocument.uri);
      return document ? findingCodeActions(document, linter.resultFor(document), params, () => linter.fixAllText(document)) : [];
    }),
  );

  documents.listen(connection);
  connection.listen();
}

/** What the VS Code client tells the server at start (other clients send nothing). */
function readInitializationOptions(options: unknown): { yamlExtensionActive: boolean } {
  const value = typeof options === 'object' && options !== null ? (options as Record<string, unknown>) : {};
  return { yamlExtensionActive: value.yamlExtensionActive === true };
}
