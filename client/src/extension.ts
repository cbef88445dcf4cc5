import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type ServerOptions } from 'vscode-languageclient/node';
import { activateClient } from './common';

let client: LanguageClient | undefined;

/** Desktop VS Code (and code-server): the server runs as a Node child process over IPC. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  // A smaller young generation: less garbage held between collections while the workspace is checked.
  const execArgv = ['--max-semi-space-size=4'];
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...execArgv, '--nolazy', '--inspect=6009'] } },
  };
  await activateClient(context, {
    schemes: ['file', 'untitled'],
    serverLocation: module,
    create: (clientOptions) => (client = new LanguageClient('shipcheck', 'shipcheck', serverOptions, clientOptions)),
  });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
