import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type ServerOptions } from 'vscode-languageclient/node';
import { activateClient } from './common';
import spawnSettings from '../../server/src/spawnSettings.json';

let client: LanguageClient | undefined;

/** Desktop VS Code (and code-server): the server runs as a Node child process over stdio, as in other editors. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  // The settings `shipcheck-language-server` starts Node with (its first line; see esbuild.mjs), fixed at spawn.
  const { execArgv, env } = spawnSettings;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio, options: { env, execArgv } },
    debug: { module, transport: TransportKind.stdio, options: { env, execArgv: [...execArgv, '--nolazy', '--inspect=6009'] } },
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
