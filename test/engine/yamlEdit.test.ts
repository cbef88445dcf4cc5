import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMap, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { applyEdits } from '../../server/src/engine/fixes';
import { appendMapEntry, appendToMap, appendToSeq, indentUnit, removeMapEntry, replaceScalar } from '../../server/src/engine/yamlEdit';
import { parseYamlFile, type YamlFile } from '../../server/src/engine/yamlFile';

function at(file: YamlFile, ...path: string[]): unknown {
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

describe('yamlEdit', () => {
  it('appends an entry after a trailing comment, with the keys\' indentation', () => {
    const text = 'job:\n  a: 1\n  b: 2   # note\nnext: 3\n';
    const { file, map } = mapAt(text, 'job');
    assert.equal(applyEdits(text, [appendMapEntry(file, map, 'c', '3')!]), 'job:\n  a: 1\n  b: 2   # note\n  c: 3\nnext: 3\n');
  });

  it('appends after a nested block and after a block scalar', () => {
    const nested = 'job:\n  a:\n    x: 1\nnext: 3\n';
    const n = mapAt(nested, 'job');
    assert.equal(applyEdits(nested, [appendMapEntry(n.file, n.map, 'b', '2')!]), 'job:\n  a:\n    x: 1\n  b: 2\nnext: 3\n');
    const block = 'job:\n  run: |\n    echo hi\nnext: 3\n';
    const b = mapAt(block, 'job');
    assert.equal(applyEdits(block, [appendMapEntry(b.file, b.map, 'b', '2')!]), 'job:\n  run: |\n    echo hi\n  b: 2\nnext: 3\n');
  });

  it('re-indents nested blocks to the file\'s step and keeps CRLF', () => {
    const text = 'job:\r\n    a: 1\r\n';
    const { file, map } = mapAt(text, 'job');
    assert.equal(indentUnit(file), '    ');
    assert.equal(applyEdits(text, [appendToMap(file, map, 'permissions:\n  contents: read')!]), 'job:\r\n    a: 1\r\n    permissions:\r\n        contents: read\r\n');
  });

  it('leaves flow mappings alone', () => {
    const { file, map } = mapAt('job: { a: 1 }\n', 'job');
    assert.equal(appendMapEntry(file, map, 'b', '2'), undefined);
  });

  it('appends a sequence item at the dash column', () => {
    const text = 'steps:\n  - run: a\n  - run: b\n    name: x\nend: 1\n';
    const file = parseYamlFile(text);
    const seq = at(file, 'steps') as YAMLSeq;
    assert.ok(isSeq(seq));
    assert.equal(applyEdits(text, [appendToSeq(file, seq, 'run: c\nname: y')!]), 'steps:\n  - run: a\n  - run: b\n    name: x\n  - run: c\n    name: y\nend: 1\n');
  });

  it('removes an entry with its lines, but not one that opens a sequence item', () => {
    const text = 'job:\n  a: 1\n  b:\n    x: 1 # c\n  c: 3\n';
    const { file, map } = mapAt(text, 'job');
    assert.equal(applyEdits(text, [removeMapEntry(file, map, 'b')!]), 'job:\n  a: 1\n  c: 3\n');
    const seqText = 'items:\n  - a: 1\n    b: 2\n';
    const seqFile = parseYamlFile(seqText);
    const item = (at(seqFile, 'items') as YAMLSeq).items[0] as YAMLMap;
    assert.equal(removeMapEntry(seqFile, item, 'a'), undefined);
    assert.equal(applyEdits(seqText, [removeMapEntry(seqFile, item, 'b')!]), 'items:\n  - a: 1\n');
  });

  it('replaces scalars keeping their quotes', () => {
    const text = 'a: "x"\nb: \'y\'\nc: z\n';
    const file = parseYamlFile(text);
    const edits = ['a', 'b', 'c'].map((key) => replaceScalar(at(file, key) as never, 'new')!);
    assert.equal(applyEdits(text, edits), 'a: "new"\nb: \'new\'\nc: new\n');
  });
});
