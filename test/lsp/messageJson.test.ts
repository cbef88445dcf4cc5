import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { Message } from 'vscode-languageserver/node';
import { messageJson } from '../../server/src/lsp/messageJson';

const diagnostic = (line: number, message: string) => ({
  range: { start: { line, character: 2 }, end: { line, character: 9 } },
  severity: 2,
  code: 'gha/job-timeout',
  source: 'shipcheck',
  message,
  codeDescription: { href: 'file:///ext/docs/rules/gha/job-timeout.md' },
});

const publish = (uri: string, diagnostics: unknown[], version?: number): Message =>
  ({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: version === undefined ? { uri, diagnostics } : { uri, version, diagnostics } }) as Message;

describe('messageJson', () => {
  it('writes what JSON.stringify writes', () => {
    const messages: Message[] = [
      publish('file:///w/.github/workflows/ci.yml', [diagnostic(3, 'Job `build` has no "timeout-minutes"\n— ünïcode, \\ and \u0001'), diagnostic(9, 'second')], 7),
      publish('file:///w/empty.yml', [], 2),
      publish('file:///w/unversioned.yml', [diagnostic(1, 'x')]),
      // A URI that spells the placeholder the list is put in for.
      publish('\u0000diagnostics\u0000', [diagnostic(1, 'y')], 1),
      publish('file:///w/holes.yml', [diagnostic(1, 'a'), undefined, null, 3]),
      { jsonrpc: '2.0', id: 4, method: 'textDocument/hover', params: { textDocument: { uri: 'file:///w/a.yml' }, position: { line: 1, character: 2 } } } as Message,
      { jsonrpc: '2.0', id: 4, result: { contents: { kind: 'markdown', value: 'a "b"' } } } as Message,
      { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: 'not an object' } as Message,
      { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'shipcheck: configuration loaded' } } as Message,
    ];
    for (const message of messages) {
      assert.equal(messageJson(message), JSON.stringify(message));
      // And again, from what was kept of its diagnostics.
      assert.equal(messageJson(message), JSON.stringify(message));
    }
  });

  it('turns each diagnostic object into JSON once, however often it is published', () => {
    let stringified = 0;
    const counted = { ...diagnostic(5, 'counted'), toJSON: () => (stringified++, diagnostic(5, 'counted')) };
    const other = diagnostic(6, 'other');
    for (let version = 1; version <= 3; version++) {
      const json = messageJson(publish('file:///w/ci.yml', [counted, other], version));
      assert.deepEqual(JSON.parse(json), { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///w/ci.yml', version, diagnostics: [diagnostic(5, 'counted'), other] } });
    }
    assert.equal(stringified, 1);
  });
});
