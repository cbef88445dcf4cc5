import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { Span } from '../core/finding';
import type { YamlDoc, YamlFile } from './yamlFile';

/** Where a cursor is in a YAML document: the keys and indexes from the root down to it. */
export interface NodePath {
  doc: YamlDoc;
  /** Map keys (strings) and sequence indexes (numbers), outermost first. */
  path: (string | number)[];
  /** The nodes along the path (the collection each segment was taken from, then the last value). */
  nodes: Node[];
  /** When the cursor is on a mapping key: that key's span (hovers on keys explain the key). */
  keySpan?: Span;
}

function contains(range: readonly number[] | null | undefined, offset: number): boolean {
  return !!range && range[0]! <= offset && offset < range[2]!;
}

/** The path to the innermost node at `offset`, as written (aliases are not followed: the cursor is on text). */
export function nodePathAt(file: YamlFile, offset: number): NodePath | undefined {
  const doc = file.documents.find((candidate) => candidate.doc.range[0] <= offset && offset <= candidate.doc.range[2]);
  if (!doc) return undefined;
  const result: NodePath = { doc, path: [], nodes: [] };
  let node: unknown = doc.doc.contents;
  for (let depth = 0; depth < 200 && node; depth++) {
    if (isMap(node)) {
      result.nodes.push(node);
      const pair = node.items.find((item) => contains((item.key as Node | null)?.range, offset) || contains((item.value as Node | null)?.range, offset));
      if (!pair || !isScalar(pair.key)) return result;
      result.path.push(String(pair.key.value));
      const keyRange = pair.key.range;
      if (contains(keyRange, offset) && keyRange) {
        result.keySpan = { start: keyRange[0], end: keyRange[1] };
        return result;
      }
      node = pair.value;
    } else if (isSeq(node)) {
      result.nodes.push(node);
      const index = node.items.findIndex((item) => contains((item as Node | null)?.range, offset));
      if (index < 0) return result;
      result.path.push(index);
      node = node.items[index];
    } else {
      if (node && typeof node === 'object' && 'range' in node) result.nodes.push(node as Node);
      return result;
    }
  }
  return result;
}
