import type { TextEdit } from '../core/finding';
import type { Step } from '../model/workflow';
import { insertMapEntry } from './yamlEdit';
import { isMap, isScalar, type Node, type YamlFile, type YAMLMap } from '../yaml/yamlFile';

/** The value node a mapping holds directly under `key` (not through a merge key), or undefined. */
export function ownValue(map: YAMLMap, key: string): Node | null | undefined {
  const pair = map.items.find((item) => isScalar(item.key) && item.key.value === key);
  return pair ? (pair.value as Node | null) : undefined;
}

/**
 * Adds `key: value` inputs to a step's `with:`, merging into an existing block mapping or creating
 * `with:` when the step has none. Undefined when `with:` is there but cannot be edited in place
 * (a flow mapping, an alias, an empty value): better no fix than a duplicate key.
 */
export function addStepInputs(file: YamlFile, step: Step, entries: [string, string][]): TextEdit | undefined {
  if (entries.length === 0) return undefined;
  // A value may span lines (a `|` block); its lines nest under their key.
  const lines = (indent: string) => entries.map(([key, value]) => `${indent}${key}: ${value.split('\n').join(`\n${indent}`)}`);
  const existing = ownValue(step.node, 'with');
  if (existing === undefined) {
    if (step.fields.has('with')) return undefined; // `with:` comes from a merge key: editing it would change other steps
    return insertMapEntry(file, step.node, ['with:', ...lines('  ')].join('\n'));
  }
  if (!isMap(existing)) return undefined;
  return insertMapEntry(file, existing, lines('').join('\n'));
}

/** The span of a step's `uses:` value, where findings about the action point. */
export function usesNode(step: Step): Node | undefined {
  return step.fields.get('uses')?.value;
}
