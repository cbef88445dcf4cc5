import { isAlias, isScalar, visit, type Alias, type Node } from 'yaml';
import type { Span } from '../core/finding';
import type { YamlDoc } from './yamlFile';

/** What a document does with YAML anchors (`&name`), aliases (`*name`) and merge keys (`<<`), read from `yaml`'s nodes. */
export interface AnchorUse {
  /** Anchors no alias refers to (an alias names the latest anchor of its name before it); `at` is the `&name`. */
  unused: { name: string; at: Span }[];
  /** Aliases with no anchor of that name before them (YAML allows none after). */
  undefined: { name: string; at: Span }[];
  /** Aliases inside the node their anchor marks: the value would contain itself. */
  recursive: { name: string; at: Span }[];
  /** The `<<` keys of merge mappings. */
  merges: Span[];
}

/** Reads the anchors, aliases and merge keys of `yaml`; `text` is the file's text (it holds the `&name` of each anchor). */
export function anchorUse(yaml: YamlDoc, text: string): AnchorUse {
  const result: AnchorUse = { unused: [], undefined: [], recursive: [], merges: [] };
  const latest = new Map<string, Node>();
  const used = new Set<Node>();
  const anchored: Node[] = [];
  visit(yaml.doc, {
    Pair: (_key, pair) => {
      const key = pair.key;
      if (isScalar(key) && key.value === '<<' && key.type === 'PLAIN' && key.range) result.merges.push({ start: key.range[0], end: key.range[1] });
    },
    Node: (_key, node) => {
      if (isAlias(node)) return void aliasSeen(node);
      // The anchor is set before the node's children are visited: an alias inside it names this node.
      if (node.anchor) {
        latest.set(node.anchor, node as Node);
        anchored.push(node as Node);
      }
    },
  });
  for (const node of anchored) {
    if (used.has(node) || !node.range) continue;
    const at = anchorSpan(text, node.anchor!, node.range[0]);
    if (at) result.unused.push({ name: node.anchor!, at });
  }
  return result;

  function aliasSeen(alias: Alias): void {
    if (!alias.range) return;
    const at = { start: alias.range[0], end: alias.range[1] };
    const target = latest.get(alias.source);
    if (!target) return void result.undefined.push({ name: alias.source, at });
    used.add(target);
    const range = target.range;
    if (range && range[0] <= at.start && at.end <= range[2]) result.recursive.push({ name: alias.source, at });
  }
}

/** Where `&name` is written: before the node's own text (props are not part of its range), past any comment lines. */
function anchorSpan(text: string, name: string, nodeStart: number): Span | undefined {
  const token = `&${name}`;
  let from = nodeStart;
  while (from >= 0) {
    const at = text.lastIndexOf(token, from);
    if (at < 0) return undefined;
    const after = text[at + token.length];
    if (after === undefined || /[\s,\]}]/.test(after)) return { start: at, end: at + token.length };
    from = at - 1;
  }
  return undefined;
}
