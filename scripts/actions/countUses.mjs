// Counts the actions the corpus's workflows use most, by `owner/repo[/path]` and major version, to choose which
// action.yml files `generate.mjs` turns into the table. Usage: node scripts/actions/countUses.mjs [corpus] [top]
// A ref `v4`, `v4.1.2` or `4` counts as major 4; a commit SHA counts by the version in its trailing comment
// (`@<sha> # v4.1.2`), else as `sha`. Local actions, reusable workflows and docker:// are left out.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const corpus = process.argv[2] ?? join(import.meta.dirname, '../../../shared/corpus');
const top = Number(process.argv[3] ?? 150);
const folder = join(corpus, 'workflows');
const USES = /^\s*(?:-\s+)?uses:\s*['"]?([A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+)@([A-Za-z0-9_./-]+)['"]?\s*(?:#\s*(.*))?$/;

export function majorOf(ref, comment) {
  if (/^[0-9a-f]{40}$/i.test(ref)) {
    const version = /\bv?(\d+)(?:\.\d+)*\b/.exec(comment ?? '');
    return version ? `v${version[1]}` : 'sha';
  }
  const version = /^v?(\d+)(?:\.\d+)*$/.exec(ref);
  return version ? `v${version[1]}` : ref;
}

const counts = new Map();
for (const name of readdirSync(folder)) {
  for (const line of readFileSync(join(folder, name), 'utf8').split('\n')) {
    const match = USES.exec(line);
    if (!match || match[1].includes('.github/workflows/')) continue;
    const key = `${match[1].toLowerCase()}@${majorOf(match[2], match[3])}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
}
const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
for (const [key, count] of sorted.slice(0, top)) console.log(`${count}\t${key}`);
