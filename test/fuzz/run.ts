// `npm run fuzz [-- --runs N --seed S]`: the fuzz and fix-safety properties at scale, with a fresh seed,
// plus fix safety over ../shared/corpus when it is there. Not part of `npm test` (see fuzz.test.ts).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ROOT } from '../helpers/fixtures';
import { checkFixSafety } from '../helpers/fixSafety';
import { checkLint, checkMutated, mutatedSamples, pathological, projectSamples, type Sample } from '../helpers/fuzzInputs';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : Number(process.env[`FUZZ_${name.toUpperCase()}`] ?? fallback);
  return Number.isFinite(value) ? value : fallback;
}

const runs = option('runs', 200_000);
const seed = option('seed', Date.now() % 2 ** 31);
let failed = false;
const started = performance.now();

let slowest = { name: '', ms: 0, length: 0 };
for (const sample of pathological()) {
  const sampleStarted = performance.now();
  checkLint(sample.text, sample.path);
  const ms = performance.now() - sampleStarted;
  if (ms > slowest.ms) slowest = { name: sample.name, ms, length: sample.text.length };
}
console.log(`pathological files: ${pathological().length} passed; slowest: ${slowest.name} (${slowest.length} UTF-16 units) ${slowest.ms.toFixed(0)} ms`);

const samples = projectSamples();
let ran = 0;
const details = fc.check(
  fc.property(mutatedSamples(samples), (sample) => {
    ran++;
    if (ran % 10_000 === 0) console.log(`  … ${ran} cases (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    checkMutated(sample);
  }),
  { seed, numRuns: runs },
);
console.log(`mutation fuzzing: ${details.numRuns} cases run (seed ${seed})${details.failed ? ', FAILED' : ', all passed'}`);
if (details.failed) {
  failed = true;
  console.log(fc.defaultReportMessage(details));
}

let fixes = 0;
for (const sample of samples) fixes += checkFixSafety(sample);
console.log(`fix safety: ${fixes} fixes in ${samples.length} project fixtures checked`);

const corpus = join(ROOT, '..', 'shared', 'corpus');
if (existsSync(corpus)) {
  let files = 0;
  let corpusFixes = 0;
  const failures: string[] = [];
  for (const dir of ['workflows', 'k8s', 'helm-templates']) {
    for (const name of readdirSync(join(corpus, dir)).sort()) {
      if (!/\.ya?ml$/.test(name)) continue;
      // Corpus workflows are not under .github/workflows: lint them as if they were.
      const sample: Sample = { name: `${dir}/${name}`, path: dir === 'workflows' ? `.github/workflows/${name}` : name, text: readFileSync(join(corpus, dir, name), 'utf8') };
      files++;
      try {
        checkLint(sample.text, sample.path);
        corpusFixes += checkFixSafety(sample);
      } catch (error) {
        failures.push(`${sample.name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      }
    }
  }
  console.log(`corpus: ${files} files, ${corpusFixes} fixes checked, ${failures.length} failures`);
  for (const failure of failures.slice(0, 50)) console.log(`  ${failure}`);
  if (failures.length > 0) failed = true;
} else {
  console.log(`corpus: not found at ${corpus}, skipped`);
}

console.log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exit(failed ? 1 : 0);
