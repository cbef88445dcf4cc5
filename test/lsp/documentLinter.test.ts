import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { Connection, TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { IncrementalLinter } from '../../server/src/engine/incremental/incremental';
import { RULES } from '../../server/src/rules';
import { CheckQueue, type Urgency } from '../../server/src/lsp/checkQueue';
import { DocumentLinter } from '../../server/src/lsp/diagnostics';
import type { ServerHost } from '../../server/src/lsp/host';
import { SettingsCache } from '../../server/src/lsp/settings';
import { liveMiB } from '../helpers/heap';


const DEPLOYMENT = (index: number): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${index}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: nginx:latest\n          env:\n${Array.from({ length: 20 }, (_, name) => `            - name: V${name}\n              value: "${name}"\n`).join('')}`;
const MANIFESTS = (file: number): string => Array.from({ length: 300 }, (_, index) => DEPLOYMENT(file * 1000 + index)).join('---\n');

describe('document linter', () => {
  it('keeps the parse of one document opened without an edit, not of every one opened lately', () => {
    const connection = { sendDiagnostics: () => Promise.resolve(), console: { info() {}, error() {}, warn() {}, log() {} } } as unknown as Connection;
    const host: ServerHost = { docsHref: () => undefined, filePath: (url) => url.pathname, projectFacts: () => ({}) };
    const open = new Map<string, TextDocument>();
    const documents = { get: (uri: string) => open.get(uri), all: () => [...open.values()] } as unknown as TextDocuments<TextDocument>;
    const linter = new DocumentLinter(connection, documents, host, new SettingsCache(connection, () => false), () => ({ yaml: false, actions: false }), () => {}, new CheckQueue(() => {}));

    // What one such document's parse and findings take, kept by a linter of its own.
    const before = liveMiB();
    const one = new IncrementalLinter();
    one.lint(MANIFESTS(99), '/w/one.yaml', { rules: RULES, preset: 'recommended' });
    const parse = liveMiB() - before;
    assert.ok(parse > 3, `the parse of a 300-document file held only ${parse.toFixed(1)} MiB: the test no longer shows anything`);

    const start = liveMiB();
    for (let file = 0; file < 6; file++) {
      const document = TextDocument.create(`file:///w/manifests-${file}.yaml`, 'yaml', 1, MANIFESTS(file));
      open.set(document.uri, document);
      assert.ok(linter.resultFor(document).kinds.includes('k8s'), 'checked as Kubernetes manifests');
    }
    const kept = liveMiB() - start;
    assert.ok(kept < 1.6 * parse, `six documents opened keep ${kept.toFixed(1)} MiB, ${(kept / parse).toFixed(1)} parses`);
    assert.ok(one);
  });
  // A file opened in a workspace of many open files asks to check every open file again: while their settings are
  // being asked, those requests must not pile up (one wait a document), or opening thousands of files runs out of memory.
  it('waits once for a document\'s settings however often it is scheduled meanwhile, at the highest urgency asked', async () => {
    const answers: (() => void)[] = [];
    const connection = {
      sendDiagnostics: () => Promise.resolve(),
      console: { info() {}, error() {}, warn() {}, log() {} },
      workspace: { getConfiguration: (items: unknown[]) => new Promise((resolve) => answers.push(() => resolve(items.map(() => ({}))))) },
    } as unknown as Connection;
    const host: ServerHost = { docsHref: () => undefined, filePath: (url) => url.pathname, projectFacts: () => ({}) };
    const document = TextDocument.create('file:///w/ci.yaml', 'yaml', 1, 'on: push\n');
    const documents = { get: (uri: string) => (uri === document.uri ? document : undefined), all: () => [document] } as unknown as TextDocuments<TextDocument>;
    class CountingQueue extends CheckQueue {
      tracked = 0;
      added: Urgency[] = [];
      override track<T>(work: Promise<T>): Promise<T> {
        this.tracked++;
        return super.track(work);
      }
      override add(_key: string, urgency: Urgency): void {
        this.added.push(urgency);
      }
    }
    const queue = new CountingQueue(() => {});
    const linter = new DocumentLinter(connection, documents, host, new SettingsCache(connection, () => true), () => ({ yaml: false, actions: false }), () => {}, queue);
    linter.schedule(document, 'open');
    for (let again = 0; again < 1000; again++) linter.recheck(document);
    linter.schedule(document, 'change');
    linter.recheck(document);
    assert.equal(queue.tracked, 1, 'one wait for the settings');
    assert.equal(answers.length, 1, 'asked once');
    answers[0]!();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(queue.added, ['typing'], 'one check, as urgent as the edit');
    linter.recheck(document);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(queue.added, ['typing', 'open'], 'scheduled again once the settings are known');
  });
});
