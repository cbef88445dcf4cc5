import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/browser';
import { activateClient } from './common';

// The web worker global of the extension host (the DOM library is not part of this project's types).
declare const Worker: new (url: string) => ConstructorParameters<typeof LanguageClient>[2];

let client: LanguageClient | undefined;

/** VS Code for the web (vscode.dev, github.dev, code-server's web extension host): the server runs in a web worker. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverUri = vscode.Uri.joinPath(context.extensionUri, 'dist', 'serverCore.js');
  await activateClient(context, {
    // Web workspaces live on virtual file systems (vscode-vfs for github.dev, vscode-test-web in tests).
    schemes: ['file', 'untitled', 'vscode-vfs', 'vscode-test-web', 'vscode-remote'],
    serverLocation: serverUri.toString(),
    create: (clientOptions) => (client = new LanguageClient('shipcheck', 'shipcheck', new Worker(serverUri.toString(true)), clientOptions)),
  });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
