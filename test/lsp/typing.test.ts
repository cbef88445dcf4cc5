import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, TextEdit } from 'vscode-languageserver-protocol/node';
import { type Session, startSession, stopSession, TIMEOUT_MS, uriOf } from '../helpers/session';

// Several documents, so the engine keeps the findings of those an edit leaves alone.
const POD = (name: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: a\n      image: nginx:latest\n`;
// No findings here: an edit in it leaves every finding the same object, those after it included.
const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n# first\n# second\ndata:\n  mode: fast\n';
const MANIFESTS = [POD('one'), CONFIG_MAP, POD('three'), POD('four')].join('---\n');

/** What a fresh server-side check of the text publishes, under a new name (so nothing is reused). */
let fresh = 0;
async function freshDiagnostics(session: Session, text: string): Promise<Diagnostic[]> {
  return session.open(uriOf(`k8s/fresh-${fresh++}.yaml`), text);
}

describe('diagnostics after keystrokes', { timeout: 12 * TIMEOUT_MS }, () => {
  let session: Session;
  before(async () => {
    ({ session } = await startSession());
  });
  after(() => stopSession(session));

  it('moves the findings after a same-length edit that joins two lines before them', async () => {
    const uri = uriOf('k8s/join.yaml');
    await session.open(uri, MANIFESTS);
    // The newline between the two comments becomes a space: no offset after it moves, every line after it does.
    const newline = MANIFESTS.indexOf('\n# second');
    const document = TextDocument.create(uri, 'yaml', 1, MANIFESTS);
    const range = { start: document.positionAt(newline), end: document.positionAt(newline + 1) };
    const { text, diagnostics } = await session.applyEdits(uri, [{ range, newText: ' ' }]);
    assert.ok(diagnostics.length >= 4);
    assert.deepEqual(diagnostics, await freshDiagnostics(session, text));
  });

  it('publishes what a fresh check does, after random edits anywhere in the file', async () => {
    const uri = uriOf('k8s/random.yaml');
    await session.open(uri, MANIFESTS);
    // A fixed seed: the same edits on every run.
    let seed = 7;
    const random = (below: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % below;
    };
    const inserts = ['x', '\n', '\n# note\n', '  ', ':', '---\n', 'image: redis:7\n'];
    for (let step = 0; step < 40; step++) {
      const before = session.text(uri);
      const document = TextDocument.create(uri, 'yaml', 0, before);
      const start = random(before.length + 1);
      const end = Math.min(before.length, start + random(3));
      const edit: TextEdit = { range: { start: document.positionAt(start), end: document.positionAt(end) }, newText: inserts[random(inserts.length)]! };
      const { text, diagnostics } = await session.applyEdits(uri, [edit]);
      assert.deepEqual(diagnostics, await freshDiagnostics(session, text), `after edit ${step}: ${JSON.stringify(edit)}`);
    }
  });
});
