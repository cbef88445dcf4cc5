import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMap, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { applyEdits } from '../../server/src/engine/fixes';
import {
  appendToFlowMap,
  insertionEdits,
  lineComment,
  mapInsertion,
  removeSeqItem,
  replaceEmptyValue,
  seqInsertion,
  setMapNumber,
} from '../../server/src/engine/yamlBlockEdit';
import { parseYamlFile, type YamlFile } from '../../server/src/engine/yamlFile';

function at(file: YamlFile, ...path: (string | number)[]): unknown {
  let node: unknown = file.documents[0]!.doc.contents;
  for (const key of path) node = (node as YAMLMap).get(key, true);
  return node;
}

describe('yamlBlockEdit', () => {
  it('appends a nested block after a map, past comments that belong to it, in the file\'s indentation', () => {
    const text = 'a:\n    b: 1\n    # about b\nc: 2\n';
    const file = parseYamlFile(text);
    const map = at(file, 'a');
    assert.ok(isMap(map));
    const insertion = mapInsertion(file, map, 'd:\n  e: 3')!;
    assert.equal(applyEdits(text, insertionEdits(file, [insertion])), 'a:\n    b: 1\n    # about b\n    d:\n        e: 3\nc: 2\n');
  });

  it('merges insertions at one place in the order given, and starts a new line when the file has no final line break', () => {
    const text = 'a:\n  b:\n    c: 1';
    const file = parseYamlFile(text);
    const inner = mapInsertion(file, at(file, 'a', 'b') as YAMLMap, 'd: 2')!;
    const outer = mapInsertion(file, at(file, 'a') as YAMLMap, 'e: 3')!;
    assert.equal(inner.at, outer.at);
    assert.equal(applyEdits(text, insertionEdits(file, [inner, outer])), 'a:\n  b:\n    c: 1\n    d: 2\n  e: 3');
  });

  it('appends sequence items at the dashes\' column and removes an item keeping its comments', () => {
    const text = 'env:\n  - name: A\n    value: "1"  # first\n  - name: B\n    value: "2"\n';
    const file = parseYamlFile(text);
    const seq = at(file, 'env');
    assert.ok(isSeq(seq));
    assert.equal(applyEdits(text, insertionEdits(file, [seqInsertion(file, seq, 'name: C\nvalue: "3"')!])), `${text}  - name: C\n    value: "3"\n`);
    const first = (seq as YAMLSeq).items[0] as YAMLMap;
    assert.equal(applyEdits(text, [removeSeqItem(file, first)!]), 'env:\n  # first\n  - name: B\n    value: "2"\n');
  });

  it('appends to one-line flow maps and replaces empty values with a block', () => {
    const text = 'r:\n  limits: { memory: 1Gi }\n  requests: {} # later\n  other:\n';
    const file = parseYamlFile(text);
    const limits = at(file, 'r', 'limits') as YAMLMap;
    assert.equal(applyEdits(text, [appendToFlowMap(file, limits, 'cpu: 500m')!]), 'r:\n  limits: { memory: 1Gi, cpu: 500m }\n  requests: {} # later\n  other:\n');
    const r = at(file, 'r') as YAMLMap;
    const pair = r.items[1]!;
    const replaced = replaceEmptyValue(file, pair.key as never, pair.value as never, 'cpu: 250m')!;
    assert.equal(applyEdits(text, [replaced.edit!, ...insertionEdits(file, [replaced.insertion])]), 'r:\n  limits: { memory: 1Gi }\n  requests: # later\n    cpu: 250m\n  other:\n');
  });

  it('sets a number: replaces a quoted one with a plain number, or appends it', () => {
    const text = 'p:\n  failureThreshold: "2"\nq:\n  periodSeconds: 10\n';
    const file = parseYamlFile(text);
    const yaml = file.documents[0]!;
    assert.equal(applyEdits(text, [setMapNumber(file, yaml, at(file, 'p') as YAMLMap, 'failureThreshold', 5)!]), 'p:\n  failureThreshold: 5\nq:\n  periodSeconds: 10\n');
    assert.equal(applyEdits(text, [setMapNumber(file, yaml, at(file, 'q') as YAMLMap, 'failureThreshold', 5)!]), 'p:\n  failureThreshold: "2"\nq:\n  periodSeconds: 10\n  failureThreshold: 5\n');
  });

  it('finds comments outside quotes only', () => {
    assert.equal(lineComment('  key: value # note'), '# note');
    assert.equal(lineComment('  key: "a # b"'), undefined);
    assert.equal(lineComment("  key: 'it''s' # x"), '# x');
    assert.equal(lineComment('  url: http://x/#anchor'), undefined);
  });
});
