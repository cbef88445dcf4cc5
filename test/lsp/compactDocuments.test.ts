import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { compactDocuments, type TextPacker } from '../../server/src/lsp/compactDocuments';
import { deflatePacker } from '../../server/src/lsp/deflatePacker';

/** The deflate packer, counting what it packs and unpacks (by document text), so a test can tell a text was packed. */
function countingPacker(): TextPacker & { packed: string[]; unpacked: number } {
  const counts = {
    packed: [] as string[],
    unpacked: 0,
    pack: (text: string) => {
      counts.packed.push(text);
      return deflatePacker.pack(text);
    },
    unpack: (packed: string) => {
      counts.unpacked++;
      return deflatePacker.unpack(packed);
    },
  };
  return counts;
}

/** Everything a reader can ask a document, to compare a compact document with a plain one. */
function readings(document: TextDocument): unknown {
  const text = document.getText();
  const offsets = [0, 1, Math.floor(text.length / 2), text.length - 1, text.length, text.length + 5];
  const lines = [...Array(document.lineCount + 1).keys()];
  return {
    version: document.version,
    text,
    lineCount: document.lineCount,
    positions: offsets.map((offset) => document.positionAt(offset)),
    offsets: lines.map((line) => document.offsetAt({ line, character: 3 })),
    lineRanges: lines.map((line) => document.getLineRange(line)),
    eols: lines.map((line) => document.getEOLCharacters(line)),
    slice: document.getText({ start: { line: 1, character: 2 }, end: { line: 2, character: 4 } }),
  };
}

// Two-byte characters (a string V8 keeps two bytes a char), an astral one, CRLF and a lone CR.
const TEXTS = {
  latin1: 'name: ci\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n',
  crlf: 'name: ci\r\non: push\r\njobs:\r\n  build:\r\n    steps: []\r\n',
  nonLatin1: '# Überprüfung — 检查 🚀\nname: "déploiement ✓"\non: push\r\njobs: {}\rend: true\n',
};

describe('compact document store', () => {
  it('gives back the same text, positions and lines once a document has been packed', () => {
    for (const [name, text] of Object.entries(TEXTS)) {
      const packer = countingPacker();
      const store = compactDocuments(packer, 1);
      const document = store.create(`file:///${name}.yml`, 'yaml', 3, text);
      // Opening another pushes the first out of the unpacked ones.
      store.create('file:///other.yml', 'yaml', 1, 'a: 1\n');
      assert.deepEqual(packer.packed, [text], name);
      assert.deepEqual(readings(document), readings(TextDocument.create(`file:///${name}.yml`, 'yaml', 3, text)), name);
      assert.equal(packer.unpacked, 1, `${name}: unpacked once, then read as it is`);
    }
  });

  it('applies incremental changes to a packed document as TextDocument.update does', () => {
    const packer = countingPacker();
    // None kept for being changed: every change lands on a packed text.
    const store = compactDocuments(packer, 1, 0);
    const text = TEXTS.nonLatin1;
    const document = store.create('file:///doc.yml', 'yaml', 1, text);
    const plain = TextDocument.create('file:///doc.yml', 'yaml', 1, text);
    const edits: TextDocumentContentChangeEvent[][] = [
      [{ range: { start: { line: 1, character: 7 }, end: { line: 1, character: 8 } }, text: 'ü' }],
      [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# 首\r\n' }],
      [{ range: { start: { line: 3, character: 0 }, end: { line: 5, character: 0 } }, text: '' }],
      [{ text: 'replaced: whole\n' }],
    ];
    let version = 1;
    for (const changes of edits) {
      // Another document in between: every change lands on a packed text.
      store.create(`file:///between${version}.yml`, 'yaml', 1, 'b: 2\n');
      version++;
      store.update(document, changes, version);
      TextDocument.update(plain, changes, version);
      assert.deepEqual(readings(document), readings(plain), `after version ${version}`);
    }
    assert.equal(packer.packed.filter((packed) => packed.startsWith('# ')).length, edits.length, 'the document was packed before each change');
  });

  it('keeps the documents read last unpacked, and packs the least recently read first', () => {
    const packer = countingPacker();
    const store = compactDocuments(packer, 2);
    const a = store.create('file:///a.yml', 'yaml', 1, 'a: 1\n');
    store.create('file:///b.yml', 'yaml', 1, 'b: 1\n');
    a.positionAt(2);
    store.create('file:///c.yml', 'yaml', 1, 'c: 1\n');
    assert.deepEqual(packer.packed, ['b: 1\n']);
    assert.equal(a.getText(), 'a: 1\n');
    assert.equal(packer.unpacked, 0);
  });

  it('packs a text once: read back and let go again it is not packed anew, after a change it is', () => {
    const packer = countingPacker();
    const store = compactDocuments(packer, 1, 0);
    const a = store.create('file:///a.yml', 'yaml', 1, 'a: 1\n');
    store.create('file:///b.yml', 'yaml', 1, 'b: 1\n');
    assert.equal(a.getText(), 'a: 1\n');
    store.create('file:///c.yml', 'yaml', 1, 'c: 1\n');
    assert.deepEqual(packer.packed, ['a: 1\n', 'b: 1\n']);
    store.update(a, [{ range: { start: { line: 0, character: 3 }, end: { line: 0, character: 4 } }, text: '2' }], 2);
    store.create('file:///d.yml', 'yaml', 1, 'd: 1\n');
    assert.deepEqual(packer.packed, ['a: 1\n', 'b: 1\n', 'c: 1\n', 'a: 2\n']);
    assert.equal(a.getText(), 'a: 2\n');
  });

  it('keeps the documents changed last unpacked while others are read, until others are changed', () => {
    const packer = countingPacker();
    const store = compactDocuments(packer, 1, 1);
    const typed = store.create('file:///typed.yml', 'yaml', 1, 'typed: 1\n');
    store.update(typed, [{ range: { start: { line: 0, character: 7 }, end: { line: 0, character: 8 } }, text: '2' }], 2);
    for (const name of ['a', 'b', 'c']) store.create(`file:///${name}.yml`, 'yaml', 1, `${name}: 1\n`);
    assert.deepEqual(packer.packed, ['a: 1\n', 'b: 1\n']);
    const other = store.create('file:///other.yml', 'yaml', 1, 'other: 1\n');
    store.update(other, [{ text: 'other: 2\n' }], 2);
    assert.deepEqual(packer.packed, ['a: 1\n', 'b: 1\n', 'c: 1\n', 'typed: 2\n']);
    assert.equal(typed.getText(), 'typed: 2\n');
  });

  it('forgets a closed document, so it is not packed later', () => {
    const packer = countingPacker();
    const store = compactDocuments(packer, 1);
    const closed = store.create('file:///closed.yml', 'yaml', 1, 'closed: 1\n');
    store.closed(closed);
    store.create('file:///next.yml', 'yaml', 1, 'next: 1\n');
    store.create('file:///last.yml', 'yaml', 1, 'last: 1\n');
    assert.deepEqual(packer.packed, ['next: 1\n']);
  });

  it('refuses to update a document it did not make', () => {
    const store = compactDocuments(deflatePacker);
    assert.throws(() => store.update(TextDocument.create('file:///x.yml', 'yaml', 1, 'x'), [{ text: 'y' }], 2), /not made by this document store/);
  });
});

describe('deflate packer', () => {
  it('packs smaller and gives back the very text, lone surrogates and empty text included', () => {
    const large = 'jobs:\n  build:\n    steps:\n      - run: echo "é 检查 🚀"\n'.repeat(200);
    for (const text of ['', 'a', large, 'before \uD83D after', 'trailing \uDE80', '\uDE80\uD83D swapped', ...Object.values(TEXTS)]) {
      assert.equal(deflatePacker.unpack(deflatePacker.pack(text)), text, JSON.stringify(text.slice(0, 20)));
    }
    assert.ok(deflatePacker.pack(large).length < large.length / 10);
  });

  it('gives back long texts, packed in pieces, with characters of every width across the pieces\' bounds', () => {
    const pairs = '🚀'.repeat(40_000);
    for (const text of [`a${pairs}`, pairs, `${'é检'.repeat(50_000)}\n${pairs}`, `${pairs}\uD83D lone`, 'jobs:\n'.repeat(100_000)]) {
      assert.equal(deflatePacker.unpack(deflatePacker.pack(text)), text, `${text.length} units from ${JSON.stringify(text.slice(0, 4))}`);
    }
    // Repetitive text, as manifests are: each piece finds its matches in the one before.
    const long = Array.from({ length: 20_000 }, (_, index) => `jobs:\n  build-${index % 97}:\n    steps:\n      - run: npm ci\n`).join('');
    assert.ok(deflatePacker.pack(long).length < 1.1 * deflateRawSync(Buffer.from(long)).length, 'compressed about as well as in one piece');
  });
});
