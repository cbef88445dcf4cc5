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
    postMessage: (data: unknown) => posted.push(data),
    set onmessage(listener: (event: { data: unknown }) => void) {
      listeners.push(listener);
    },
    set onerror(_: unknown) {},
  };
  const scope = { self, console, setTimeout, clearTimeout, setInterval, clearInterval, queueMicrotask, TextEncoder, TextDecoder, URL, performance };
  runInNewContext(readFileSync(join(DIST, 'serverCore.js'), 'utf8'), scope, { filename: 'serverCore.js' });
  return { send: (data) => listeners.forEach((listener) => listener({ data })), posted };
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
    worker.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    const answer = await until(() => worker.posted.find((message) => (message as { id?: number }).id === 1) as { result?: { capabilities?: object } } | undefined, 'answer to initialize');
    assert.ok(answer.result?.capabilities, JSON.stringify(answer));
    worker.send({ jsonrpc: '2.0', method: 'initialized', params: {} });
    const text = 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm install\n';
    worker.send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///w/.github/workflows/ci.yml', languageId: 'yaml', version: 1, text } } });
    const published = await until(
      () => worker.posted.find((message) => (message as { method?: string }).method === 'textDocument/publishDiagnostics') as { params: { diagnostics: { code: string }[] } } | undefined,
      'diagnostics',
    );
    assert.ok(published.params.diagnostics.length > 0, 'the workflow has findings');
  });

  it('is what dist/server.js requires in Node, exporting init and the Node host', () => {
    const core = createRequire(join(DIST, 'server.js'))('./serverCore.js') as Record<string, unknown>;
    assert.deepEqual(Object.keys(core).sort(), ['init', 'nodeHost', 'startInWorker']);
    assert.match(readFileSync(join(DIST, 'server.js'), 'utf8'), /require\("\.\/serverCore\.js"\)/);
  });
});
