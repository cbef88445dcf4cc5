// The committed mapping tables (scripts/peers/mapping/*.tsv): for each peer check, the shipcheck rules that cover it,
// or `none` and why. Data, so that a reviewer reads the decision in one place and the scorer only follows it.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Compiled to out/scripts/peers/; the tables stay beside the sources.
export const ROOT = resolve(__dirname, '..', '..', '..');
export const MAPPING_DIR = join(ROOT, 'scripts', 'peers', 'mapping');

export interface Mapping {
  /**
   * The shipcheck rule ids that cover the check; the first is its main one. Empty when none does. `rule#messageId`
   * covers only that message of the rule.
   */
  rules: readonly string[];
  /** Why none does, or a caveat (a different threshold, a narrower scope). */
  note: string;
}

/** Peer check → mapping, in the table's order. */
export type MappingTable = ReadonlyMap<string, Mapping>;

// A rule id, optionally narrowed to one of its messages (`gha/syntax#expressionNotAllowed`): only those findings count.
const RULE_ID = /^(gha|k8s|shipcheck)\/[a-z0-9]+(-[a-z0-9]+)*(#[A-Za-z][A-Za-z0-9]*)?$/;

/** Reads a table: `#` comments, a header `<check>\trules\tnote`, then one row a check. */
export function parseMapping(text: string, source: string): { table: Map<string, Mapping>; errors: string[] } {
  const table = new Map<string, Mapping>();
  const errors: string[] = [];
  let header = false;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\r$/, '');
    const where = `${source}:${index + 1}`;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [check = '', rules = '', note = '', ...rest] = line.split('\t');
    if (!header) {
      header = true;
      if (rules !== 'rules' || note !== 'note') errors.push(`${where}: the header is <check>, rules, note (tab-separated)`);
      continue;
    }
    if (rest.length > 0) errors.push(`${where}: more than three columns`);
    if (check === '' || table.has(check)) {
      errors.push(`${where}: ${check === '' ? 'no check name' : `${check} is mapped twice`}`);
      continue;
    }
    const ids = rules === 'none' ? [] : rules.split(',').map((id) => id.trim());
    const bad = ids.filter((id) => !RULE_ID.test(id));
    if (rules === '' || bad.length > 0) errors.push(`${where}: rules is a comma-separated list of gha/…, k8s/… or shipcheck/… ids (each may end in #messageId), or none (got "${rules}")`);
    else if (ids.length === 0 && note.trim() === '') errors.push(`${where}: ${check} maps to none without a reason`);
    else table.set(check, { rules: ids, note: note.trim() });
  }
  if (!header) errors.push(`${source}: no header`);
  return { table, errors };
}

/** The committed table of a peer (`zizmor`, `actionlint`, `kube-linter`, `kube-score`, `polaris`); throws on errors. */
export function readMapping(name: string, dir = MAPPING_DIR): Map<string, Mapping> {
  const { table, errors } = parseMapping(readFileSync(join(dir, `${name}.tsv`), 'utf8'), `scripts/peers/mapping/${name}.tsv`);
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return table;
}

/** The mapping of a check, or none with the reason that the table does not name it (a check newer than the table). */
export function mappingOf(table: MappingTable, check: string): Mapping {
  return table.get(check) ?? { rules: [], note: 'not in the mapping table yet' };
}

/** Whether a finding is one that a check mapped to `rules` counts (its rule, or `rule#messageId` for its message). */
export function covers(rules: readonly string[], finding: { ruleId: string; messageId?: string | undefined }): boolean {
  return rules.includes(finding.ruleId) || (finding.messageId !== undefined && rules.includes(`${finding.ruleId}#${finding.messageId}`));
}
