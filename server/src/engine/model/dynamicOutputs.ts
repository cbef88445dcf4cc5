/**
 * Outputs that an action names after its inputs, so the action's metadata cannot list them:
 * - `tj-actions/changed-files` with `files_yaml:` sets `<group>_<output>` for each group and each of its usual outputs;
 * - `dorny/paths-filter` sets `<filter>`, `<filter>_count` and `<filter>_files` for each filter of `filters:`.
 * `dynamicOutputs` gives the names such a step adds to its declared outputs, `'unknown'` when they cannot be read from
 * the file (the groups or filters live in another file, or are computed), or undefined for any other action.
 */
import { parse } from 'yaml';
import type { Field } from '../yaml/yamlFile';
import { isScalar } from '../yaml/yamlFile';
import type { ActionRef } from './action';

/** The top-level keys of YAML text written inline in an input, or undefined when it is not a mapping of literal keys. */
function inlineKeys(field: Field | undefined): string[] | undefined {
  const node = field?.value;
  if (!isScalar(node) || typeof node.value !== 'string' || node.value.includes('${{')) return undefined;
  let parsed: unknown;
  try {
    parsed = parse(node.value, { maxAliasCount: 100 });
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  return Object.keys(parsed);
}

export function dynamicOutputs(action: ActionRef | undefined, inputs: ReadonlyMap<string, Field>, declared: readonly string[]): readonly string[] | 'unknown' | undefined {
  switch (action?.id) {
    case 'tj-actions/changed-files': {
      if (inputs.has('files_yaml_from_source_file')) return 'unknown';
      if (!inputs.has('files_yaml')) return undefined;
      const groups = inlineKeys(inputs.get('files_yaml'));
      return groups ? groups.flatMap((group) => declared.map((output) => `${group}_${output}`)) : 'unknown';
    }
    case 'dorny/paths-filter': {
      const filters = inlineKeys(inputs.get('filters'));
      return filters ? filters.flatMap((filter) => [filter, `${filter}_count`, `${filter}_files`]) : 'unknown';
    }
    default:
      return undefined;
  }
}
