import { BRANDING_COLORS, BRANDING_ICONS } from '../../knowledge/actionBranding';
import { isMap, mapFields, scalarToString, type Field, type Node, type YamlDoc } from '../yaml/yamlFile';

/**
 * What an action's metadata file gets wrong by GitHub's metadata syntax without stopping the runner: no `description`
 * (the syntax lists it as required; the runner's action schema does not), or a `branding.icon` / `branding.color`
 * outside the documented lists (the Marketplace's badge; the runner does not read `branding`).
 */
export type MetadataProblem = { kind: 'description' } | { kind: 'icon' | 'color'; value: string; node: Node };

/** The problems of an action.yml's top-level fields; a value with a `${{ }}` or no text is left alone. */
export function metadataProblemsOf(yaml: YamlDoc, fields: ReadonlyMap<string, Field>): MetadataProblem[] {
  const problems: MetadataProblem[] = [];
  if (!fields.has('description')) problems.push({ kind: 'description' });
  const branding = fields.get('branding')?.value;
  if (!isMap(branding)) return problems;
  const given = mapFields(yaml, branding);
  for (const [kind, allowed] of [['icon', BRANDING_ICONS], ['color', BRANDING_COLORS]] as const) {
    const node = given.get(kind)?.value;
    const value = scalarToString(node)?.trim();
    if (node && value && !value.includes('${{') && !allowed.has(value)) problems.push({ kind, value, node });
  }
  return problems;
}
