import * as vscode from 'vscode';
import type { BaseLanguageClient, DocumentFilter, LanguageClientOptions } from 'vscode-languageclient';
import { registerPipelineView } from './pipelineView';

// `github-actions-workflow` is the id GitHub's Actions extension gives workflow files; plain YAML covers the rest.
const LANGUAGES = ['yaml', 'github-actions-workflow'];
// `helm` is the id the Kubernetes extension gives chart files: its templates are checked, not `_helpers.tpl` or NOTES.txt.
const HELM_TEMPLATES = { language: 'helm', pattern: '**/*.{yaml,yml}' };
// The Red Hat YAML extension reports syntax errors itself, and GitHub's Actions extension checks workflows against
// GitHub's schema; with `shipcheck.syntaxErrors: auto` we then stay quiet about what they report.
const YAML_EXTENSION = 'redhat.vscode-yaml';
const ACTIONS_EXTENSION = 'github.vscode-github-actions';

/** How the desktop (Node) and the web entry differ: where documents live and how the server is started. */
export interface ClientFlavour {
  /** URI schemes of the documents to check (never `git:` or `output:`, which show copies of files). */
  schemes: string[];
  /** Where the server comes from, for the output channel. */
  serverLocation: string;
  create(options: LanguageClientOptions): BaseLanguageClient;
}

/** Starts the language client and everything around it (commands, status item) for either entry. */
export async function activateClient(context: vscode.ExtensionContext, flavour: ClientFlavour): Promise<BaseLanguageClient> {
  const outputChannel = vscode.window.createOutputChannel('shipcheck', { log: true });
  context.subscriptions.push(outputChannel);
  const documentSelector: DocumentFilter[] = [
    ...LANGUAGES.flatMap((language) => flavour.schemes.map((scheme) => ({ language, scheme }))),
    ...flavour.schemes.map((scheme) => ({ ...HELM_TEMPLATES, scheme })),
  ];
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    outputChannel,
    // VS Code shows a diagnostic's message in the hover, right above the extension's explanation.
    // workspaceTrusted: gha/shellcheck starts the shellcheck binary only in a trusted workspace (read at start).
    initializationOptions: {
      yamlExtensionActive: vscode.extensions.getExtension(YAML_EXTENSION) !== undefined,
      actionsExtensionActive: vscode.extensions.getExtension(ACTIONS_EXTENSION) !== undefined,
      diagnosticsInHover: true,
      workspaceTrusted: vscode.workspace.isTrusted,
    },
    // Tells the server when `shipcheck.*` settings change, so they apply without a restart.
    synchronize: { configurationSection: 'shipcheck' },
  };

  const client = flavour.create(clientOptions);
  const status = createStatusItem(context);
  context.subscriptions.push(
    vscode.commands.registerCommand('shipcheck.restartServer', async () => {
      outputChannel.info('Restarting the language server on request.');
      await client.stop();
      await client.start();
    }),
    vscode.commands.registerCommand('shipcheck.fixAll', async () => {
      await vscode.commands.executeCommand('editor.action.sourceAction', { kind: 'source.fixAll.shipcheck', apply: 'first' });
    }),
    // Run by the CodeLens above a canary's steps: the server's hover on that key has the whole timeline.
    vscode.commands.registerCommand('shipcheck.showTimeline', async (uri: string, position: { line: number; character: number }) => {
      const at = new vscode.Position(position.line, position.character);
      const editor = await vscode.window.showTextDocument(vscode.Uri.parse(uri), { selection: new vscode.Range(at, at) });
      editor.revealRange(new vscode.Range(at, at));
      await vscode.commands.executeCommand('editor.action.showHover');
    }),
  );
  registerPipelineView(context, client);
  outputChannel.info(`Starting the language server from ${flavour.serverLocation}.`);
  await client.start();
  outputChannel.info('Language server started.');
  status.update();
  return client;
}

/** A status-bar item on YAML files: shipcheck is on, and how many findings this file has; a click opens Problems. */
function createStatusItem(context: vscode.ExtensionContext): { update(): void } {
  const item = vscode.window.createStatusBarItem('shipcheck.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'shipcheck';
  item.command = 'workbench.actions.view.problems';
  const update = (): void => {
    const document = vscode.window.activeTextEditor?.document;
    if (!document || !LANGUAGES.includes(document.languageId)) {
      item.hide();
      return;
    }
    const findings = vscode.languages.getDiagnostics(document.uri).filter((diagnostic) => diagnostic.source === 'shipcheck').length;
    item.text = findings === 0 ? '$(check) shipcheck' : `$(warning) shipcheck: ${findings}`;
    item.tooltip = findings === 0 ? 'shipcheck found nothing in this file' : `shipcheck: ${findings} finding${findings === 1 ? '' : 's'} in this file — click to open Problems`;
    item.show();
  };
  context.subscriptions.push(item, vscode.window.onDidChangeActiveTextEditor(update), vscode.languages.onDidChangeDiagnostics(update));
  return { update };
}
