import { Scalar } from 'yaml';
import type { Span } from '../core/finding';
import { isMap, isScalar, isSeq, spanOf, type Node, type YamlDoc, type YAMLMap } from '../yaml/yamlFile';
import type { SchemaDefinition, SchemaDefinitions } from './types';

/** What a value does wrong against GitHub's schema; `at` is where to report it, `parent` the key whose value holds it. */
export type SchemaProblem =
  /**
   * A key the mapping does not take; `known` are the keys it takes (for "did you mean"), `mapping` its definition,
   * `keys` every key it has as written; `value` and `expressions` say what `fitsKey` needs to judge the value under
   * another key.
   */
  | { kind: 'unknown-key'; at: Span; key: string; known: readonly string[]; mapping: string; keys: ReadonlySet<string>; parent: string; value: Node; expressions: boolean }
  /** A key written twice (GitHub compares keys ignoring case). */
  | { kind: 'duplicate-key'; at: Span; key: string }
  /** A required key that is absent; `at` is the mapping's own key (or the mapping when it has none). */
  | { kind: 'missing-key'; at: Span; key: string; mapping: string; parent: string }
  /** A mapping that more than one definition could be and none is: `choices` are the keys that would decide. */
  | { kind: 'ambiguous'; at: Span; choices: readonly string[]; definition: string; parent: string }
  /** A mapping, sequence or scalar where something else is expected. */
  | { kind: 'type'; at: Span; expected: string; found: string; parent: string }
  /** A scalar that is none of the values allowed here. */
  | { kind: 'value'; at: Span; value: string; allowed: readonly string[]; expected: string; parent: string }
  /** `${{ }}` where GitHub evaluates no expressions. */
  | { kind: 'expression'; at: Span; parent: string };

export interface ValidateOptions {
  /** Whether expressions are allowed from the start (the definitions above `node` allow them). */
  expressions?: boolean;
  /** The key `node` is the value of, as problems name it. */
  parent?: string;
  /** Keys of a mapping not to judge (another rule's, or ones a closer check reports). */
  skip?: (key: string, mapping: string) => boolean;
  /** Definitions not to descend into (checked elsewhere: the jobs one by one, `on:` by gha/events). */
  stop?: (definition: string) => boolean;
}

/**
 * Checks `node` against the definition `name` of `schema` the way GitHub's template reader does (actions/runner's
 * TemplateReader, ported in @actions/workflow-parser): keys matched exactly, duplicates ignoring case, one-of
 * mappings decided by their keys, scalars converted to strings where a string is allowed, `${{ }}` accepted wherever
 * an enclosing definition allows expressions. Mappings with a merge key (`<<`) are not judged (their keys are elsewhere).
 */
export function validate(schema: SchemaDefinitions, yaml: YamlDoc, node: Node | undefined, name: string, at: Span, options: ValidateOptions = {}): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  if (node) new Walker(schema, yaml, problems, options.skip, options.stop).check(node, name, options.expressions ?? false, at, options.parent ?? '');
  return problems;
}

const EXPRESSION = '${{';

class Walker {
  constructor(
    private readonly schema: SchemaDefinitions,
    private readonly yaml: YamlDoc,
    private readonly problems: SchemaProblem[],
    private readonly skip: ((key: string, definition: string) => boolean) | undefined,
    private readonly stop: ((definition: string) => boolean) | undefined,
  ) {}

  /** What `leaves` answered for each name in this walk: a document's nodes ask about the same few names. */
  private readonly leavesOf = new Map<string, readonly [string, SchemaDefinition][]>();

  /** The non-one-of definitions `name` stands for. */
  private leaves(name: string): readonly [string, SchemaDefinition][] {
    let leaves = this.leavesOf.get(name);
    if (!leaves) this.leavesOf.set(name, (leaves = collectLeaves(this.schema, name, [], new Set())));
    return leaves;
  }


  private allowsExpressions(name: string): boolean {
    return this.schema[name]?.context !== undefined;
  }

  check(raw: Node, name: string, inherited: boolean, at: Span, parent: string): void {
    if (this.stop?.(name)) return;
    const node = this.yaml.resolve(raw);
    if (!node) return;
    const expressions = inherited || this.allowsExpressions(name);
    const leaves = this.leaves(name);
    if (leaves.length === 0 || name === 'any') return;
    if (isMap(node)) return this.mapping(node, name, leaves, expressions, at, parent);
    if (isSeq(node)) {
      const sequence = leaves.find(([, d]) => d.sequence !== undefined);
      if (!sequence) return void this.problems.push({ kind: 'type', at, expected: expectedOf(leaves), found: 'a sequence', parent });
      const itemExpressions = expressions || sequence[1].context !== undefined;
      for (const raw of node.items) {
        const item = this.yaml.resolve(raw);
        if (!item) continue;
        // An item has no key of its own: problems of the whole item point at its first key.
        const first = isMap(item) ? item.items[0]?.key : undefined;
        const itemSpan = isScalar(first) ? spanOf(first) : spanOf(item);
        // An empty item (a bare '-') points at the sequence's key.
        this.check(item, sequence[1].sequence!, itemExpressions, itemSpan.end > itemSpan.start ? itemSpan : at, parent);
      }
      return;
    }
    if (!isScalar(node)) return;
    // An empty value (`branches:`) has no text of its own: its problems point at the key.
    const scalarSpan = spanOf(node);
    const where = scalarSpan.end > scalarSpan.start ? scalarSpan : at;
    const value = node.value;
    if (typeof value === 'string' && value.includes(EXPRESSION)) {
      if (!expressions && !leaves.some(([, d]) => d.context)) this.problems.push({ kind: 'expression', at: where, parent });
      return;
    }
    if (value === null && leaves.some(([, d]) => d.null)) return;
    if (typeof value === 'boolean' && leaves.some(([, d]) => d.boolean)) return;
    if (typeof value === 'number' && leaves.some(([, d]) => d.number)) return;
    // Not a string: GitHub converts it to one (its source text; empty for null) and tries again.
    const text = typeof value === 'string' ? value : value === null || value === undefined ? '' : (node.source ?? String(value));
    if (leaves.some(([, d]) => stringMatches(d, text))) return;
    const scalarKinds = leaves.filter(([, d]) => d.string || d.allowedValues || d.boolean || d.number || d.null);
    if (scalarKinds.length === 0) {
      this.problems.push({ kind: 'type', at: where, expected: expectedOf(leaves), found: value === null ? 'nothing' : 'a scalar', parent });
      return;
    }
    const allowed = leaves.flatMap(([, d]) => d.allowedValues ?? (d.string?.constant !== undefined ? [d.string.constant] : []));
    this.problems.push({ kind: 'value', at: where, value: text, allowed, expected: expectedOf(leaves), parent });
  }

  private mapping(node: YAMLMap, name: string, leaves: readonly [string, SchemaDefinition][], expressions: boolean, at: Span, parent: string): void {
    const mappings = leaves.filter(([, d]) => d.mapping);
    if (mappings.length === 0) return void this.problems.push({ kind: 'type', at, expected: expectedOf(leaves), found: 'a mapping', parent });
    const pairs: { key: string; span: Span; value: Node | undefined }[] = [];
    let merged = false;
    let expressionKey = false;
    const seen = new Set<string>();
    // Every key as written, duplicates too: a "did you mean" rename to one of them would write a key twice.
    const written = new Set<string>();
    for (const pair of node.items) {
      const keyNode = pair.key;
      if (!isScalar(keyNode)) continue;
      const key = keyNode.value === null || keyNode.value === undefined ? '' : typeof keyNode.value === 'string' ? keyNode.value : (keyNode.source ?? String(keyNode.value));
      if (key === '<<' && keyNode.type === 'PLAIN') {
        merged = true;
        continue;
      }
      const span = spanOf(keyNode);
      if (key.includes(EXPRESSION)) {
        expressionKey = true;
        if (!expressions) this.problems.push({ kind: 'expression', at: span, parent });
        continue;
      }
      written.add(key);
      const upper = key.toUpperCase();
      if (key !== '' && seen.has(upper)) {
        this.problems.push({ kind: 'duplicate-key', at: span, key });
        continue;
      }
      seen.add(upper);
      pairs.push({ key, span, value: (pair.value ?? undefined) as Node | undefined });
    }
    const chosen = mappings.length === 1 ? mappings : choose(mappings, pairs.map((p) => p.key));
    const keys: ReadonlySet<string> = written;
    if (chosen.length > 1) {
      const known = new Set(chosen.flatMap(([, d]) => Object.keys(d.mapping!.properties)));
      const unknown = pairs.filter((p) => !known.has(p.key));
      for (const pair of unknown) this.unknown(pair, [...known], name, keys, parent, expressions);
      if (!merged && !expressionKey && unknown.length === 0) this.problems.push({ kind: 'ambiguous', at, choices: distinguishing(chosen), definition: name, parent });
      for (const pair of pairs) {
        const property = chosen.find(([, d]) => d.mapping!.properties[pair.key])?.[1].mapping!.properties[pair.key];
        // The same key in every candidate has the same type in GitHub's schema (name, id, if …).
        if (property && pair.value && chosen.every(([, d]) => d.mapping!.properties[pair.key]?.type === property.type)) this.check(pair.value, property.type, expressions, pair.span, pair.key);
      }
      return;
    }
    const [mappingName, definition] = chosen[0]!;
    const mapping = definition.mapping!;
    const inner = expressions || definition.context !== undefined;
    for (const pair of pairs) {
      const property = mapping.properties[pair.key];
      if (property) {
        this.check(pair.value ?? nullScalar(pair.span), property.type, inner, pair.span, pair.key);
        continue;
      }
      if (mapping.looseKey) {
        if (this.skip?.(pair.key, mappingName)) continue;
        if (pair.key === '' && this.schema[mapping.looseKey]?.string?.nonEmpty) this.problems.push({ kind: 'value', at: pair.span, value: '', allowed: [], expected: 'a non-empty key', parent });
        this.check(pair.value ?? nullScalar(pair.span), mapping.looseValue!, inner, pair.span, pair.key);
        continue;
      }
      this.unknown(pair, Object.keys(mapping.properties), mappingName, keys, parent, inner);
    }
    if (merged || expressionKey) return;
    for (const [key, property] of Object.entries(mapping.properties)) {
      if (property.required && !seen.has(key.toUpperCase())) this.problems.push({ kind: 'missing-key', at, key, mapping: mappingName, parent });
    }
  }

  private unknown(pair: { key: string; span: Span; value: Node | undefined }, known: readonly string[], mapping: string, keys: ReadonlySet<string>, parent: string, expressions: boolean): void {
    if (this.skip?.(pair.key, mapping)) return;
    this.problems.push({ kind: 'unknown-key', at: pair.span, key: pair.key, known, mapping, keys, parent, value: pair.value ?? nullScalar(pair.span), expressions });
  }
}

function collectLeaves(schema: SchemaDefinitions, name: string, out: [string, SchemaDefinition][], seen: Set<string>): [string, SchemaDefinition][] {
  if (seen.has(name)) return out;
  seen.add(name);
  const definition = schema[name];
  if (!definition) return out;
  if (definition.oneOf) for (const member of definition.oneOf) collectLeaves(schema, member, out, seen);
  else out.push([name, definition]);
  return out;
}

/**
 * Which mapping definition of those `name` stands for GitHub reads a mapping with these keys (in order) as, the way
 * `validate` decides it (the first key only some of them take narrows the choice); undefined when the keys leave more
 * than one.
 */
export function chosenMapping(schema: SchemaDefinitions, name: string, keys: readonly string[]): string | undefined {
  const mappings = collectLeaves(schema, name, [], new Set()).filter(([, d]) => d.mapping);
  const chosen = mappings.length === 1 ? mappings : choose(mappings, keys);
  return chosen.length === 1 ? chosen[0]![0] : undefined;
}

/** Whether an unknown key's value is one GitHub takes under `key` (one of the keys its mapping knows): a rename fits. */
export function fitsKey(schema: SchemaDefinitions, yaml: YamlDoc, problem: Extract<SchemaProblem, { kind: 'unknown-key' }>, key: string): boolean {
  const property = collectLeaves(schema, problem.mapping, [], new Set()).find(([, d]) => d.mapping?.properties[key])?.[1].mapping!.properties[key];
  if (!property) return false;
  const problems: SchemaProblem[] = [];
  new Walker(schema, yaml, problems, undefined, undefined).check(problem.value, property.type, problem.expressions, problem.at, key);
  return problems.length === 0;
}

/** A stand-in for the null GitHub reads from `key:` with no value, so the value's definition judges it. */
function nullScalar(at: Span): Node {
  const scalar = new Scalar(null);
  scalar.range = [at.end, at.end, at.end];
  return scalar;
}

function stringMatches(definition: SchemaDefinition, text: string): boolean {
  if (definition.allowedValues) return definition.allowedValues.includes(text);
  const string = definition.string;
  if (!string) return false;
  if (string.constant !== undefined) return string.ignoreCase ? string.constant.toUpperCase() === text.toUpperCase() : string.constant === text;
  return !string.nonEmpty || text !== '';
}

/**
 * Which of several mapping definitions a mapping is, as GitHub decides: each key in order keeps only the candidates that
 * know it (when some do); among those left, the first whose required keys are all there (a step with `run` then `uses`
 * is a `run` step with a `uses` too many).
 */
function choose(mappings: [string, SchemaDefinition][], keys: readonly string[]): [string, SchemaDefinition][] {
  let candidates = mappings;
  for (const key of keys) {
    const having = candidates.filter(([, d]) => d.mapping!.properties[key]);
    if (having.length > 0 && having.length < candidates.length) candidates = having;
  }
  if (candidates.length === 1) return candidates;
  const complete = candidates.filter(([, d]) => Object.entries(d.mapping!.properties).every(([key, p]) => !p.required || keys.includes(key)));
  return complete.length > 0 ? [complete[0]!] : candidates;
}

/** Keys only one of the candidates has and requires: what the mapping lacks to be one of them. */
function distinguishing(mappings: readonly [string, SchemaDefinition][]): string[] {
  return mappings.flatMap(([, d]) => Object.entries(d.mapping!.properties).filter(([, p]) => p.required).map(([key]) => key));
}

function expectedOf(leaves: readonly [string, SchemaDefinition][]): string {
  const kinds = new Set<string>();
  for (const [, d] of leaves) {
    if (d.mapping) kinds.add('a mapping');
    if (d.sequence) kinds.add('a sequence');
    if (d.string || d.allowedValues) kinds.add('a string');
    if (d.boolean) kinds.add('a boolean');
    if (d.number) kinds.add('a number');
  }
  const list = [...kinds];
  return list.length <= 1 ? (list[0] ?? 'nothing') : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
}
