// Where a full `npm run bench` writes what it measured.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * BENCHMARKS.md and bench/results.json are the record of a run over the corpus. Without it (a fresh clone) the tables
 * would cover test/ only and leave sections empty, so the report goes to bench/results.local.md (untracked) and the
 * record is left alone. Returns what was written, as a line to print.
 */
export function recordResults(results, markdown, { root, corpus }) {
  if (existsSync(corpus)) {
    writeFileSync(join(root, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
    writeFileSync(join(root, 'BENCHMARKS.md'), markdown);
    return 'Wrote BENCHMARKS.md and bench/results.json';
  }
  writeFileSync(join(root, 'bench', 'results.local.md'), markdown);
  return `No corpus at ${corpus}: wrote bench/results.local.md and left BENCHMARKS.md and bench/results.json alone.`;
}
