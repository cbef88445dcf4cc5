import {
  CodeActionKind,
  CodeLensRefreshRequest,
  DidChangeWatchedFilesNotification,
  LSPErrorCodes,
  MarkupKind,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerHost } from './host';
import { CheckQueue, IDLE_REQUEST, nextTurn } from './checkQueue';
import { FIX_ALL_KIND, findingCodeActions } from './codeActions';
import { DocumentLinter, type EditorExtensions } from './diagnostics';
import { RULES } from '../rules';
import { SettingsCache } from './settings';
import { WorkspaceIndex } from './projectIndex';
import { WorkspaceChecker } from './workspace';
import { hover } from './hover';
import { documentCodeLenses, documentInlayHints } from './editorHints';
import { expressionCompletionItems, expressionDefinitionLinks } from './expressions';
import { PIPELINE_REQUEST, type PipelineParams, type PipelineViewData } from './pipelineProtocol';
import { documentPipeline } from './pipelineView';

/** Wires documents, diagnostics, hover, definition and completion, code actions, inlay hints and code lenses onto a connection and starts listening. */
export function init(connection: Connection, host: ServerHost): void {
  const documents = new EditorDocuments(connection);
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
  let extensions: EditorExtensions = { yaml: false, actions: false };
  let hoverMarkdown = true;
  let editorShowsMessages = false;
  let workspaceTrusted = false;
  let canRefreshInlayHints = false;
  let canRefreshCodeLenses = false;
  const settings = new SettingsCache(connection, () => canPullSettings);
  // One queue for every check, so typing in one document is never stuck behind others or the workspace scan.
  const queue = new CheckQueue(logError);
  // The files checked together with a changed one are checked again: open ones by the linter, others from disk.
  const projectIndex = new WorkspaceIndex(host, (uris) => {
    for (const uri of uris) {
      const document = documents.get(uri);
      if (document) linter.recheck(document);
      else workspace?.recheck(uri);
    }
  });
  const linter = new DocumentLinter(connection, documents, host, settings, () => extensions, logError, queue, projectIndex.index, () => workspaceTrusted);
  connection.onRequest(IDLE_REQUEST, () => queue.whenIdle());

  const initializeResult: InitializeResult = {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      inlayHintProvider: true,
      codeLensProvider: { resolveProvider: false },
      definitionProvider: true,
      // "." after a context or name; "{" as "${{" is typed, for the contexts and functions (null outside an expression).
      completionProvider: { triggerCharacters: ['.', '{'] },
    },
    serverInfo: { name: 'shipcheck' },
  };

  let folders: string[] = [];
  let canWatchFiles = false;
  const workspace = host.workspace
    ? new WorkspaceChecker(connection, documents, host, host.workspace, linter, (folderUri) => filesExclude(folderUri), logError, queue, projectIndex)
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
    canRefreshInlayHints = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
    canRefreshCodeLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    folders = params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
    ({ extensions, diagnosticsInHover: editorShowsMessages, workspaceTrusted } = readInitializationOptions(params.initializationOptions));
    // Clients that list hover formats without Markdown get plain text; those that say nothing get Markdown.
    const formats = params.capabilities.textDocument?.hover?.contentFormat;
    hoverMarkdown = !formats || formats.includes(MarkupKind.Markdown);
    return initializeResult;
  });

  documents.onDidOpen(({ document }) => guarded('scheduling a check', undefined, () => linter.schedule(document, 'open')));
  documents.onDidChangeContent(({ document }) =>
    guarded('scheduling a check', undefined, () => {
      projectIndex.edited(document.uri, document.getText());
      if (documents.isEdit(document)) linter.schedule(document, 'change');
    }),
  );
  documents.onDidSave(({ document }) => guarded('scheduling a check', undefined, () => linter.schedule(document, 'save')));
  connection.onDidChangeConfiguration(() =>
    guarded('reloading settings', undefined, () => {
      linter.settingsChanged();
      void workspace?.rescan();
      // Hints and lenses depend on settings but not on findings: ask the editor for them again.
      if (canRefreshInlayHints) void connection.languages.inlayHint.refresh().catch((error: unknown) => logError('refreshing inlay hints', error));
      if (canRefreshCodeLenses) void connection.sendRequest(CodeLensRefreshRequest.type).catch((error: unknown) => logError('refreshing code lenses', error));
    }),
  );
  documents.onDidClose(({ document }) =>
    guarded('closing a document', undefined, () => {
      documents.closed(document);
      linter.forget(document.uri);
      projectIndex.closed(document.uri);
      workspace?.closed(document.uri);
    }),
  );
  connection.onDidChangeWatchedFiles(({ changes }) => {
    projectIndex.filesChanged(changes);
    void workspace?.filesChanged(changes);
  });
  // After the handshake: watch YAML and configuration files, then check the whole workspace (open files come first anyway).
  connection.onInitialized(() => {
    connection.console.info(`shipcheck: server ready with ${RULES.length} rules${workspace ? `, checking ${folders.length} workspace folder(s)` : ''}`);
    if (!workspace) return;
    if (canWatchFiles) {
      const projectFiles = (host.projectFiles?.globs ?? []).map((globPattern) => ({ globPattern }));
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{yml,yaml}' }, ...projectFiles] });
    }
    void workspace.scan(folders);
  });

  // A request that waited behind a long check and was cancelled meanwhile is answered as cancelled, without work.
  connection.onHover((params, token) => {
    if (token.isCancellationRequested) return cancelled();
    return guarded('hover', null, () => {
      const document = documents.get(params.textDocument.uri);
      return document ? hover(document, linter.resultFor(document), params.position, host, { markdown: hoverMarkdown, repeatMessage: !editorShowsMessages, index: projectIndex.index }) : null;
    });
  });
  // Inside `${{ }}`: where a name is declared, and the names that can be written at the cursor.
  connection.onDefinition((params, token) => {
    if (token.isCancellationRequested) return cancelled();
    return guarded('definition', null, () => {
      const document = documents.get(params.textDocument.uri);
      return document ? expressionDefinitionLinks(document, linter.resultFor(document).file, params.position, projectIndex.index) : null;
    });
  });
  connection.onCompletion((params, token) => {
    if (token.isCancellationRequested) return cancelled();
    return guarded('completion', null, () => {
      const document = documents.get(params.textDocument.uri);
      return document ? expressionCompletionItems(document, linter.resultFor(document, true).file, params.position, projectIndex.index) : null;
    });
  });
  // Settings pulled afresh, not the cache: after a settings change the editor asks again before any check has re-read them.
  connection.languages.inlayHint.on(async (params, token) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const { enable, inlayHints } = await settings.refresh(document.uri);
    if (token.isCancellationRequested) return cancelled();
    return enable && inlayHints ? guarded('inlay hints', [], () => documentInlayHints(document, linter.resultFor(document), params.range)) : [];
  });
  connection.onCodeLens(async (params, token) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const { enable, codeLens } = await settings.refresh(document.uri);
    if (token.isCancellationRequested) return cancelled();
    return enable && codeLens ? guarded('code lenses', [], () => documentCodeLenses(document, linter.resultFor(document))) : [];
  });
  // The pipeline view (client/src/pipelineView.ts): null for a document the server does not have open.
  connection.onRequest(PIPELINE_REQUEST, (params: PipelineParams, token): PipelineViewData | null | ResponseError<void> => {
    if (token.isCancellationRequested) return cancelled();
    const document = documents.get(params.uri);
    return document ? guarded('pipeline view', null, () => documentPipeline(document, linter.resultFor(document))) : null;
  });
  connection.onCodeAction(async (params, token) => {
    if (token.isCancellationRequested) return cancelled();
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const { version } = document;
    const result = guarded('code actions', undefined, () => linter.resultFor(document));
    if (!result) return [];
    // Building the actions can mean linting again (fix-all): first read what came in while checking.
    await new Promise<void>((resolve) => nextTurn(resolve));
    if (token.isCancellationRequested) return cancelled();
    // Node handles the next message after this resumes; a browser worker may have applied changes meanwhile.
    if (document.version !== version) return new ResponseError(LSPErrorCodes.ContentModified, 'the document changed while code actions were computed');
    return guarded('code actions', [], () => findingCodeActions(document, result, params, () => linter.fixAllText(document)));
  });

  documents.listen(connection);
  connection.listen();
}

function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
}

/**
 * The open documents. A change whose version is not newer than the document's is ignored (and logged once per
 * document): its ranges refer to a text the server never had, and applying it would corrupt the document and
 * publish findings for a version older than the one the editor shows.
 */
class EditorDocuments extends TextDocuments<TextDocument> {
  // The document whose content event (which fires on open too) is not an edit: just opened, or a change ignored.
  private notAnEdit: TextDocument | undefined;
  private readonly warned = new Set<string>();

  constructor(connection: Connection) {
    super({
      create: TextDocument.create,
      update: (document: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextDocument => {
        if (version > document.version) return TextDocument.update(document, changes, version);
        this.notAnEdit = document;
        if (!this.warned.has(document.uri)) {
          this.warned.add(document.uri);
          connection.console.warn(`shipcheck: ignored a change to ${document.uri} with version ${version}, not newer than ${document.version} (the client sent changes out of order)`);
        }
        return document;
      },
    });
    this.onDidOpen(({ document }) => {
      this.notAnEdit = document;
    });
  }

  /** Whether the content event that just fired is an edit to apply and check (not an open, not an ignored change). */
  isEdit(document: TextDocument): boolean {
    const edit = this.notAnEdit !== document;
    this.notAnEdit = undefined;
    return edit;
  }

  closed(document: TextDocument): void {
    this.warned.delete(document.uri);
  }
}

/**
 * What the VS Code client tells the server at start (other clients send nothing): whether the Red Hat YAML
 * extension reports syntax errors, and whether the editor already shows a diagnostic's message in the hover
 * (VS Code does, right above ours), so the finding's hover need not say it again.
 */
/** `workspaceTrusted`: the client says the workspace is trusted (VS Code's workspace trust); only then may gha/shellcheck start processes. */
function readInitializationOptions(options: unknown): { extensions: EditorExtensions; diagnosticsInHover: boolean; workspaceTrusted: boolean } {
  const value = typeof options === 'object' && options !== null ? (options as Record<string, unknown>) : {};
  return {
    extensions: { yaml: value.yamlExtensionActive === true, actions: value.actionsExtensionActive === true },
    diagnosticsInHover: value.diagnosticsInHover === true,
    workspaceTrusted: value.workspaceTrusted === true,
  };
}
