import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type DocumentFilter, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

// `github-actions-workflow` is the id GitHub's Actions extension gives workflow files; plain YAML covers the rest.
const LANGUAGES = ['yaml', 'github-actions-workflow'];
const SCHEMES = ['file', 'untitled'];

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const outputChannel = vscode.window.createOutputChannel('shipcheck', { log: true });
  context.subscriptions.push(outputChannel);
  const documentSelector: DocumentFilter[] = LANGUAGES.flatMap((language) => SCHEMES.map((scheme) => ({ language, scheme })));
  const clientOptions: LanguageClientOptions = { documentSelector, outputChannel };

  const started = new LanguageClient('shipcheck', 'shipcheck', serverOptions, clientOptions);
  client = started;
  context.subscriptions.push(
    vscode.commands.registerCommand('shipcheck.restartServer', async () => {
      outputChannel.info('Restarting the language server on request.');
      await started.restart();
    }),
  );
  await started.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
