import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type DocumentFilter, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

// `github-actions-workflow` is the id GitHub's Actions extension gives workflow files; plain YAML covers the rest.
const LANGUAGES = ['yaml', 'github-actions-workflow'];
const SCHEMES = ['file', 'untitled'];
// The Red Hat YAML extension reports syntax errors itself; with `shipcheck.syntaxErrors: auto` we then stay quiet about them.
const YAML_EXTENSION = 'redhat.vscode-yaml';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const outputChannel = vscode.window.createOutputChannel('shipcheck', { log: true });
  context.subscriptions.push(outputChannel);
  const documentSelector: DocumentFilter[] = LANGUAGES.flatMap((language) => SCHEMES.map((scheme) => ({ language, scheme })));
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    outputChannel,
    initializationOptions: { yamlExtensionActive: vscode.extensions.getExtension(YAML_EXTENSION) !== undefined },
    // Tells the server when `shipcheck.*` settings change, so they apply without a restart.
    synchronize: { configurationSection: 'shipcheck' },
  };

  const started = new LanguageClient('shipcheck', 'shipcheck', serverOptions, clientOptions);
  client = started;
  const status = createStatusItem(context);
  context.subscriptions.push(
    vscode.commands.registerCommand('shipcheck.restartServer', async () => {
      outputChannel.info('Restarting the language server on request.');
      await started.restart();
    }),
    vscode.commands.registerCommand('shipcheck.fixAll', async () => {
      await vscode.commands.executeCommand('editor.action.sourceAction', { kind: 'source.fixAll.shipcheck', apply: 'first' });
    }),
  );
  outputChannel.info(`Starting the language server from ${module}.`);
  await started.start();
  outputChannel.info('Language server started.');
  status.update();
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

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
