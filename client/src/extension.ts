import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type ServerOptions } from 'vscode-languageclient/node';
import { activateClient } from './common';

let client: LanguageClient | undefined;

/**
 * Desktop VS Code (and code-server): the server runs as a Node child process over stdio, like in other editors, where
 * it writes its own messages (a publication's unchanged diagnostics are not turned into JSON again; see messageJson.ts).
 */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  // No heap flags: the server keeps its young generation small itself while it checks many files, and lets it grow
  // while the user types (a fixed small one tripled the collector's time per keystroke in large files).
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
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
