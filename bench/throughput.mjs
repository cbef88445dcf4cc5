// Engine throughput against the parse floor (yaml's parseAllDocuments alone), on the same files in one run.
// Usage: npm run build:test && node bench/throughput.mjs [--per-rule] [dir…]   (default: ../shared/corpus, else test/)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const { parseAllDocuments, LineCounter } = require('yaml');
const { lint } = require('../out/server/src/engine/lint.js');
const { RULES } = require('../out/server/src/rules/index.js');

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const corpus = join(root, '..', 'shared', 'corpus');
const args = process.argv.slice(2);
const perRuleWanted = args.includes('--per-rule');
const inputs = args.filter((arg) => arg !== '--per-rule');
const dirs = inputs.length > 0 ? inputs : [existsSync(corpus) ? corpus : join(root, 'test')];

function yamlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

const files = dirs.flatMap((dir) => (statSync(dir).isDirectory() ? yamlFiles(dir) : [dir])).map((path) => ({
  // Workflows from the corpus are not under .github/workflows: lint them as if they were.
  path: path.includes('/workflows/') && !path.includes('.github') ? `.github/workflows/${path.split('/').pop()}` : path,
  text: readFileSync(path, 'utf8'),
}));
const bytes = files.reduce((sum, file) => sum + Buffer.byteLength(file.text), 0);

function time(label, fn, rounds = 3) {
  fn(); // warm-up
  const samples = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { label, ms: samples[Math.floor(samples.length / 2)] };
}

const floor = time('yaml parseAllDocuments (floor)', () => {
  for (const file of files) parseAllDocuments(file.text, { lineCounter: new LineCounter() });
});
const full = time('shipcheck engine (all rules)', () => {
  for (const file of files) lint(file.text, file.path, { rules: RULES });
});
// One run per rule (each re-parses): slow with many rules, so only on request.
const perRule = perRuleWanted
  ? RULES.map((rule) => time(`  only ${rule.id}`, () => {
      for (const file of files) lint(file.text, file.path, { rules: [rule] });
    }, 1))
  : [];

const mb = bytes / 1024 / 1024;
console.log(`${files.length} files, ${mb.toFixed(1)} MiB`);
console.log('| what | median ms | files/s | MiB/s | × floor |');
console.log('|---|---:|---:|---:|---:|');
for (const row of [floor, full, ...perRule]) {
  console.log(`| ${row.label} | ${row.ms.toFixed(0)} | ${(files.length / (row.ms / 1000)).toFixed(0)} | ${(mb / (row.ms / 1000)).toFixed(1)} | ${(row.ms / floor.ms).toFixed(2)} |`);
}
