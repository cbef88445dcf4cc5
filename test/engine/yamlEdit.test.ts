import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMap, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { applyEdits } from '../../server/src/engine/core/fixes';
import {
  appendToFlowMap,
  appendToSeq,
  indentUnit,
  insertMapEntry,
  joinInsertions,
  removeMapEntry,
  removeSeqItem,
  replaceEmptyValue,
  replaceScalar,
  setMapNumber,
} from '../../server/src/engine/edits/yamlEdit';
import { parseYamlFile, type Node, type YamlFile } from '../../server/src/engine/yaml/yamlFile';

function at(file: YamlFile, ...path: (string | number)[]): unknown {
  let node: unknown = file.documents[0]!.doc.contents;
  for (const key of path) node = (node as YAMLMap).get(key, true);
  return node;
}

function mapAt(text: string, ...path: string[]): { file: YamlFile; map: YAMLMap } {
  const file = parseYamlFile(text);
  const map = at(file, ...path);
  assert.ok(isMap(map));
  return { file, map };
}

function keyOf(map: YAMLMap, key: string): Node {
  return map.items.find((item) => (item.key as { value?: unknown }).value === key)!.key as Node;
}

describe('insertMapEntry', () => {
  it('appends an entry after a trailing comment, with the keys\' indentation', () => {
    const text = 'job:\n  a: 1\n  b: 2   # note\nnext: 3\n';
    const { file, map } = mapAt(text, 'job');
    assert.equal(applyEdits(text, [insertMapEntry(file, map, 'c: 3')!]), 'job:\n  a: 1\n  b: 2   # note\n  c: 3\nnext: 3\n');
  });

  it('appends after a nested block and after a block scalar', () => {
    const nested = 'job:\n  a:\n    x: 1\nnext: 3\n';
    const n = mapAt(nested, 'job');
    assert.equal(applyEdits(nested, [insertMapEntry(n.file, n.map, 'b: 2')!]), 'job:\n  a:\n    x: 1\n  b: 2\nnext: 3\n');
    const block = 'job:\n  run: |\n    echo hi\nnext: 3\n';
    const b = mapAt(block, 'job');
    assert.equal(applyEdits(block, [insertMapEntry(b.file, b.map, 'b: 2')!]), 'job:\n  run: |\n    echo hi\n  b: 2\nnext: 3\n');
  });

  it('appends past the comment lines indented under the last entry, not past those of the parent', () => {
    const text = 'a:\n    b: 1\n    # about b\n# about c\nc: 2\n';
    const { file, map } = mapAt(text, 'a');
    assert.equal(applyEdits(text, [insertMapEntry(file, map, 'd:\n  e: 3')!]), 'a:\n    b: 1\n    # about b\n    d:\n        e: 3\n# about c\nc: 2\n');
  });

  it('re-indents nested blocks to the file\'s step and keeps CRLF', () => {
    const text = 'job:\r\n    a: 1\r\n';
    const { file, map } = mapAt(text, 'job');
    assert.equal(indentUnit(file), '    ');
    assert.equal(applyEdits(text, [insertMapEntry(file, map, 'permissions:\n  contents: read')!]), 'job:\r\n    a: 1\r\n    permissions:\r\n        contents: read\r\n');
  });

  it('inserts right after a given entry, or on the line of a given key', () => {
    const text = 'job:\n  a: 1 # one\n  # about b\n  b: 2\n';
    const { file, map } = mapAt(text, 'job');
    assert.equal(applyEdits(text, [insertMapEntry(file, map, 'x: 0', { after: keyOf(map, 'a') })!]), 'job:\n  a: 1 # one\n  x: 0\n  # about b\n  b: 2\n');
    assert.equal(applyEdits(text, [insertMapEntry(file, map, 'x: 0', { before: keyOf(map, 'b') })!]), 'job:\n  a: 1 # one\n  # about b\n  x: 0\n  b: 2\n');
  });

  it('starts a new line at the end of a file without a final line break', () => {
    const text = 'job:\n  a: 1';
    const { file, map } = mapAt(text, 'job');
    assert.equal(applyEdits(text, [insertMapEntry(file, map, 'b: 2')!]), 'job:\n  a: 1\n  b: 2');
  });

  it('leaves flow mappings and keys not of this map alone', () => {
    const { file, map } = mapAt('job: { a: 1 }\n', 'job');
    assert.equal(insertMapEntry(file, map, 'b: 2'), undefined);
    const other = mapAt('job:\n  a: 1\nnext:\n  b: 2\n');
    const job = at(other.file, 'job') as YAMLMap;
    assert.equal(insertMapEntry(other.file, job, 'x: 0', { before: keyOf(at(other.file, 'next') as YAMLMap, 'b') }), undefined);
  });
});

describe('joinInsertions', () => {
  it('merges insertions at one place in the order given, also without a final line break', () => {
    const text = 'a:\n  b:\n    c: 1';
    const file = parseYamlFile(text);
    const inner = insertMapEntry(file, at(file, 'a', 'b') as YAMLMap, 'd: 2')!;
    const outer = insertMapEntry(file, at(file, 'a') as YAMLMap, 'e: 3')!;
    assert.equal(inner.start, outer.start);
    const joined = joinInsertions([inner, outer]);
    assert.equal(joined.length, 1);
    assert.equal(applyEdits(text, joined), 'a:\n  b:\n    c: 1\n    d: 2\n  e: 3');
  });
});

describe('appendToSeq and removeSeqItem', () => {
  it('appends a sequence item at the dash column', () => {
    const text = 'steps:\n  - run: a\n  - run: b\n    name: x\nend: 1\n';
    const file = parseYamlFile(text);
    const seq = at(file, 'steps') as YAMLSeq;
    assert.ok(isSeq(seq));
    assert.equal(applyEdits(text, [appendToSeq(file, seq, 'run: c\nname: y')!]), 'steps:\n  - run: a\n  - run: b\n    name: x\n  - run: c\n    name: y\nend: 1\n');
  });

  it('appends items at the dashes\' column and removes an item keeping its comments', () => {
    const text = 'env:\n  - name: A\n    value: "1"  # first\n  - name: B\n    value: "2"\n';
    const file = parseYamlFile(text);
    const seq = at(file, 'env');
    assert.ok(isSeq(seq));
    assert.equal(applyEdits(text, [appendToSeq(file, seq, 'name: C\nvalue: "3"')!]), `${text}  - name: C\n    value: "3"\n`);
    const first = (seq as YAMLSeq).items[0] as YAMLMap;
    assert.equal(applyEdits(text, [removeSeqItem(file, first)!]), 'env:\n  # first\n  - name: B\n    value: "2"\n');
  });
});

describe('removeMapEntry', () => {
  it('removes an entry with its lines keeping their comments, but not one that opens a sequence item', () => {
    const text = 'job:\n  a: 1\n  b:\n    x: 1 # c\n  c: 3\n';
    const { file, map } = mapAt(text, 'job');
    assert.equal(applyEdits(text, [removeMapEntry(file, map, keyOf(map, 'b'))!]), 'job:\n  a: 1\n  # c\n  c: 3\n');
    const seqText = 'items:\n  - a: 1\n    b: 2\n';
    const seqFile = parseYamlFile(seqText);
    const item = (at(seqFile, 'items') as YAMLSeq).items[0] as YAMLMap;
    assert.equal(removeMapEntry(seqFile, item, keyOf(item, 'a')), undefined);
    assert.equal(applyEdits(seqText, [removeMapEntry(seqFile, item, keyOf(item, 'b'))!]), 'items:\n  - a: 1\n');
  });

  it('keeps comments at the key\'s indentation', () => {
    const text = 'canary:\n  steps: []\n  # about it\n  pre: # why\n    templates:\n      - name: x # inner\n  after: 1\n';
    const { file, map } = mapAt(text, 'canary');
    assert.equal(applyEdits(text, [removeMapEntry(file, map, keyOf(map, 'pre'))!]), 'canary:\n  steps: []\n  # about it\n  # why\n  # inner\n  after: 1\n');
  });

  it('removes a last line without a line break, and keeps CRLF', () => {
    const text = 'canary:\r\n  steps: []\r\n  auto: false # note\r\n  x: 1';
    const { file, map } = mapAt(text, 'canary');
    assert.equal(applyEdits(text, [removeMapEntry(file, map, keyOf(map, 'auto'))!]), 'canary:\r\n  steps: []\r\n  # note\r\n  x: 1');
    const last = 'canary:\n  steps: []\n  auto: false';
    const f = mapAt(last, 'canary');
    assert.equal(applyEdits(last, [removeMapEntry(f.file, f.map, keyOf(f.map, 'auto'))!]), 'canary:\n  steps: []\n');
  });

  it('keeps only comments outside quotes, and refuses flow maps', () => {
    const removed = (line: string) => {
      const text = `m:\n  a: 1\n  ${line}\n`;
      const { file, map } = mapAt(text, 'm');
      return applyEdits(text, [removeMapEntry(file, map, keyOf(map, 'key'))!]);
    };
    assert.equal(removed('key: value # note'), 'm:\n  a: 1\n  # note\n');
    assert.equal(removed('key: "a # b"'), 'm:\n  a: 1\n');
    assert.equal(removed("key: 'it''s' # x"), 'm:\n  a: 1\n  # x\n');
    assert.equal(removed('key: http://x/#anchor'), 'm:\n  a: 1\n');
    const flow = mapAt('canary: { steps: [], auto: false }\n', 'canary');
    assert.equal(removeMapEntry(flow.file, flow.map, keyOf(flow.map, 'auto')), undefined);
  });
});

describe('scalars, numbers and flow maps', () => {
  it('replaces scalars keeping their quotes', () => {
    const text = 'a: "x"\nb: \'y\'\nc: z\n';
    const file = parseYamlFile(text);
    const edits = ['a', 'b', 'c'].map((key) => replaceScalar(at(file, key) as never, 'new')!);
    assert.equal(applyEdits(text, edits), 'a: "new"\nb: \'new\'\nc: new\n');
  });

  it('replaces only the text between the quotes of a quoted value, escaped for its style', () => {
    const text = 'a: "/health"  # live\nb: \'/health\'\n';
    const file = parseYamlFile(text);
    const double = replaceScalar(at(file, 'a') as never, 'say "hi"\\')!;
    const single = replaceScalar(at(file, 'b') as never, "it's")!;
    assert.deepEqual([double.start, double.end, double.newText], [text.indexOf('/health'), text.indexOf('"  #'), 'say \\"hi\\"\\\\']);
    assert.deepEqual([single.start, single.end, single.newText], [text.lastIndexOf('/health'), text.lastIndexOf("'"), "it''s"]);
    assert.equal(applyEdits(text, [double, single]), 'a: "say \\"hi\\"\\\\"  # live\nb: \'it\'\'s\'\n');
    assert.deepEqual(parseYamlFile(applyEdits(text, [double, single])).documents[0]!.doc.toJS(), { a: 'say "hi"\\', b: "it's" });
  });

  it('appends to one-line flow maps and replaces empty values with a block', () => {
    const text = 'r:\n  limits: { memory: 1Gi }\n  requests: {} # later\n  other:\n';
    const file = parseYamlFile(text);
    const limits = at(file, 'r', 'limits') as YAMLMap;
    assert.equal(applyEdits(text, [appendToFlowMap(file, limits, 'cpu: 500m')!]), 'r:\n  limits: { memory: 1Gi, cpu: 500m }\n  requests: {} # later\n  other:\n');
    const r = at(file, 'r') as YAMLMap;
    const pair = r.items[1]!;
    const replaced = replaceEmptyValue(file, pair.key as never, pair.value as never, 'cpu: 250m')!;
    assert.equal(applyEdits(text, replaced), 'r:\n  limits: { memory: 1Gi }\n  requests: # later\n    cpu: 250m\n  other:\n');
  });

  it('sets a number: replaces a quoted one with a plain number, or appends it', () => {
    const text = 'p:\n  failureThreshold: "2"\nq:\n  periodSeconds: 10\n';
    const file = parseYamlFile(text);
    const yaml = file.documents[0]!;
    assert.equal(applyEdits(text, [setMapNumber(file, yaml, at(file, 'p') as YAMLMap, 'failureThreshold', 5)!]), 'p:\n  failureThreshold: 5\nq:\n  periodSeconds: 10\n');
    assert.equal(applyEdits(text, [setMapNumber(file, yaml, at(file, 'q') as YAMLMap, 'failureThreshold', 5)!]), 'p:\n  failureThreshold: "2"\nq:\n  periodSeconds: 10\n  failureThreshold: 5\n');
  });
});
