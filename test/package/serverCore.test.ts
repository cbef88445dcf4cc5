import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import { createRequire } from 'node:module';

// Compiled to out/test/package/; reads the bundles `npm test` builds into dist/.
const DIST = join(__dirname, '../../../dist');

/**
 * dist/serverCore.js as VS Code for the web runs it: a web worker's scope, with no `require`, `module` or `process`,
 * where messages come and go through `self`. Answers what the server posted back.
 */
function startInWorkerScope(): { send(message: object): void; posted: unknown[] } {
  const listeners: ((event: { data: unknown }) => void)[] = [];
  const posted: unknown[] = [];
  const self = {
    addEventListener: (type: string, listener: (event: { data: unknown }) => void) => type === 'message' && listeners.push(listener),
    removeEventListener: () => undefined,
    postMessage: (data: unknown) => {
      posted.push(data);
      // The editor's settings: the strict preset, as the editor suites' workspace sets it.
      const request = data as { id?: number; method?: string; params?: { items: unknown[] } };
      if (request.method === 'workspace/configuration') send({ jsonrpc: '2.0', id: request.id, result: request.params!.items.map(() => ({ preset: 'strict' })) });
    },
    set onmessage(listener: (event: { data: unknown }) => void) {
      listeners.push(listener);
    },
    set onerror(_: unknown) {},
  };
  const send = (data: object): void => listeners.forEach((listener) => listener({ data }));
  // What a worker's global scope has besides `self` (and no `require`, `module` or `process`).
  const scope = { self, console, setTimeout, clearTimeout, setInterval, clearInterval, queueMicrotask, structuredClone, TextEncoder, TextDecoder, URL, performance };
  runInNewContext(readFileSync(join(DIST, 'serverCore.js'), 'utf8'), scope, { filename: 'serverCore.js' });
  return { send, posted };
}

async function until<T>(find: () => T | undefined, what: string): Promise<T> {
  for (let waited = 0; waited < 10_000; waited += 20) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no ${what} within 10 s`);
}

describe('dist/serverCore.js, the server both bundles share', () => {
  it("starts by itself in a web worker's scope, without Node, and answers initialize and a document's diagnostics", async () => {
    const worker = startInWorkerScope();
    worker.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: { workspace: { configuration: true } } } });
    const answer = await until(() => worker.posted.find((message) => (message as { id?: number }).id === 1) as { result?: { capabilities?: object } } | undefined, 'answer to initialize');
    assert.ok(answer.result?.capabilities, JSON.stringify(answer));
    worker.send({ jsonrpc: '2.0', method: 'initialized', params: {} });
    const text = 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    timeout-minutes: 10\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm install\n';
    worker.send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///w/.github/workflows/ci.yml', languageId: 'yaml', version: 1, text } } });
    const published = await until(
      () => worker.posted.find((message) => (message as { method?: string }).method === 'textDocument/publishDiagnostics') as { params: { diagnostics: { code: string }[] } } | undefined,
      'diagnostics',
    );
    // gha/npm-ci (and gha/unpinned-action's hint on a first-party tag) are in the strict preset only: the settings the
    // worker asked for were applied.
    assert.deepEqual(Array.from(published.params.diagnostics, (diagnostic) => diagnostic.code).sort(), ['gha/checkout-credentials', 'gha/npm-ci', 'gha/permissions', 'gha/unpinned-action']);
  });

  it('is what dist/server.js requires in Node, and starts it there', () => {
    const core = createRequire(join(DIST, 'server.js'))('./serverCore.js') as Record<string, unknown>;
    assert.deepEqual(Object.keys(core).sort(), ['startInNode', 'startInWorker']);
    const server = readFileSync(join(DIST, 'server.js'), 'utf8');
    assert.match(server, /require\("\.\/serverCore\.js"\)/);
    // The transport is the core's: one copy of vscode-languageserver, so the classes the handlers return are the ones
    // the connection knows (a cancelled request's ResponseError was sent back as a result with two copies).
    assert.ok(server.length < 10_000, `dist/server.js holds only the start (${server.length} bytes)`);
  });
});
