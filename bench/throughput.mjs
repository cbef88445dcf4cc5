// Engine throughput against the parse floor (yaml's parseAllDocuments alone), on the same files in one run,
// and each rule's own share (its hooks timed inside one full run).
// Usage: npm run build:test && node bench/throughput.mjs [dir…]   (default: ../shared/corpus, else test/)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './inputs.mjs';

const require = createRequire(import.meta.url);
const { parseAllDocuments, LineCounter } = require('yaml');
const { lint } = require('../out/server/src/engine/core/lint.js');
const { RULES } = require('../out/server/src/rules/index.js');

export const CORPUS = join(ROOT, '..', 'shared', 'corpus');

export function yamlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : yamlFiles(path);
      return /\.ya?ml$/.test(entry.name) ? [path] : [];
    });
}

export function corpusFiles(dirs) {
  return dirs.flatMap((dir) => (statSync(dir).isDirectory() ? yamlFiles(dir) : [dir])).map((path) => ({
    // Workflows from the corpus are not under .github/workflows: lint them as if they were.
    path: path.includes('/workflows/') && !path.includes('.github') ? `.github/workflows/${path.split('/').pop()}` : path,
    text: readFileSync(path, 'utf8'),
  }));
}

function time(fn, rounds = 3) {
  fn(); // warm-up
  const samples = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/** The rules with every hook wrapped in a timer, and the milliseconds spent per rule. */
function timedRules() {
  const spent = new Map(RULES.map((rule) => [rule.id, 0]));
  const rules = RULES.map((rule) => ({
    ...rule,
    visit: Object.fromEntries(
      Object.entries(rule.visit).map(([name, hook]) => [
        name,
        (node, ctx) => {
          const start = performance.now();
          try {
            hook(node, ctx);
          } finally {
            spent.set(rule.id, spent.get(rule.id) + performance.now() - start);
          }
        },
      ]),
    ),
  }));
  return { rules, spent };
}

export function measureThroughput(dirs = [existsSync(CORPUS) ? CORPUS : join(ROOT, 'test')]) {
  const files = corpusFiles(dirs);
  const bytes = files.reduce((sum, file) => sum + Buffer.byteLength(file.text), 0);
  const floor = time(() => {
    for (const file of files) parseAllDocuments(file.text, { lineCounter: new LineCounter() });
  });
  const full = time(() => {
    for (const file of files) lint(file.text, file.path, { rules: RULES });
  });
  const { rules, spent } = timedRules();
  for (const file of files) lint(file.text, file.path, { rules });
  const perRule = [...spent].map(([id, ms]) => ({ id, ms })).sort((a, b) => b.ms - a.ms);
  return { dirs, files: files.length, mib: bytes / 1024 / 1024, floorMs: floor, engineMs: full, ratio: full / floor, perRule };
}

export function throughputTable(result) {
  const rate = (ms) => `${(result.files / (ms / 1000)).toFixed(0)} | ${(result.mib / (ms / 1000)).toFixed(2)}`;
  return [
    `${result.files} files, ${result.mib.toFixed(1)} MiB`,
    '',
    '| what | median ms | files/s | MiB/s | × floor |',
    '|---|---:|---:|---:|---:|',
    `| \`yaml\` parseAllDocuments (floor) | ${result.floorMs.toFixed(0)} | ${rate(result.floorMs)} | 1.00 |`,
    `| shipcheck engine (all ${RULES.length} rules) | ${result.engineMs.toFixed(0)} | ${rate(result.engineMs)} | ${result.ratio.toFixed(2)} |`,
    '',
    'Costliest rules (time inside their hooks during one full run, as a share of the floor):',
    '',
    '| rule | ms | × floor |',
    '|---|---:|---:|',
    ...result.perRule.slice(0, 10).map((row) => `| ${row.id} | ${row.ms.toFixed(0)} | ${(row.ms / result.floorMs).toFixed(3)} |`),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dirs = process.argv.slice(2);
  console.log(throughputTable(measureThroughput(dirs.length > 0 ? dirs : undefined)));
}
