import type { Message } from 'vscode-languageserver/node';

/**
 * The JSON of each diagnostic object sent, kept while the object is: the server sends the very same object again for
 * a finding that did not change (see `DocumentLinter.diagnosticsFor`), and LSP's push model sends every diagnostic
 * of a document on every keystroke — 450 of them, 235 kB, on the 3 000-line bench workflow.
 */
const diagnosticJson = new WeakMap<object, string>();

/**
 * A message as JSON, the same text `JSON.stringify` gives: a `textDocument/publishDiagnostics` notification is put
 * together from its diagnostics' kept JSON, any other message is stringified as it is.
 */
export function messageJson(message: Message): string {
  const { method, params } = message as { method?: unknown; params?: unknown };
  const diagnostics = method === 'textDocument/publishDiagnostics' && typeof params === 'object' && params !== null ? (params as { diagnostics?: unknown }).diagnostics : undefined;
  if (!Array.isArray(diagnostics) || diagnostics.length === 0) return JSON.stringify(message);
  // The message with a placeholder for the list: the property order, and so the text, stays JSON.stringify's own.
  const marker = '\u0000diagnostics\u0000';
  const frame = JSON.stringify({ ...message, params: { ...(params as object), diagnostics: marker } });
  // The list is the last property, so its placeholder is the last one (a URI could spell one too).
  const at = frame.lastIndexOf(JSON.stringify(marker));
  let list = '[';
  for (let index = 0; index < diagnostics.length; index++) {
    const diagnostic = diagnostics[index] as unknown;
    let json = typeof diagnostic === 'object' && diagnostic !== null ? diagnosticJson.get(diagnostic) : undefined;
    if (json === undefined) {
      json = JSON.stringify(diagnostic) ?? 'null';
      if (typeof diagnostic === 'object' && diagnostic !== null) diagnosticJson.set(diagnostic, json);
    }
    list += index === 0 ? json : `,${json}`;
  }
  return `${frame.slice(0, at)}${list}]${frame.slice(at + JSON.stringify(marker).length)}`;
}
