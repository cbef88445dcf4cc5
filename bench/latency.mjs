// Keystroke latency through each language server over stdio: didChange → publishDiagnostics for that version,
// one character at a time at the end, the middle and the start of each input.
// Usage: npm run build && node bench/latency.mjs [--only shipcheck] [--input 'Helm template']
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { benchInputs, imageTagSpot, typingSpots } from './inputs.mjs';
import { LspServer, rssMiB } from './lsp.mjs';
import { availableServers, spawnArgs } from './servers.mjs';

const TYPED = 'abcdefghijklmnopq'; // 17 characters at each of 3 places: 51 timed edits
const WARM_UP = 'abcdefghijklmnopqrst'; // 20 untimed edits first: every server is warmed up (JIT) as in an editor after a few seconds
const BUDGET_MS = 120_000; // a peer slower than this per input is stopped and reported with fewer edits
const BURST = 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwx'; // 50 changes sent at once
const BURSTS = 5;

export function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Toggles an image tag between its version and `latest`, 20 untimed edits then 51 timed ones: each changes the findings. */
async function toggleIn(server, input, workspace) {
  const opened = await server.open(join(workspace, input.path), input.text, input.languageId);
  const { offset, tag } = imageTagSpot(input.text);
  let current = tag;
  const toggle = () => {
    const next = current === 'latest' ? tag : 'latest';
    const edit = server.type(opened.uri, offset, next, current.length);
    current = next;
    return edit;
  };
  for (let i = 0; i < WARM_UP.length; i++) await toggle();
  const samples = [];
  for (let i = 0; i < TYPED.length * 3; i++) samples.push(await toggle());
  return { samples, stopped: false, uri: opened.uri };
}

async function typeInto(server, input, workspace) {
  if (input.toggle) return toggleIn(server, input, workspace);
  const path = join(workspace, input.path);
  const opened = await server.open(path, input.text, input.languageId);
  const samples = [];
  const spots = typingSpots(input.text).reverse(); // end first, so earlier offsets stay valid
  const started = performance.now();
  let offset = spots[0];
  for (const char of WARM_UP) await server.type(opened.uri, offset++, char);
  let stopped = false;
  for (const spot of spots) {
    offset = spot === spots[0] ? offset : spot;
    for (const char of TYPED) {
      if (performance.now() - started > BUDGET_MS) {
        stopped = true;
        break;
      }
      samples.push(await server.type(opened.uri, offset++, char));
    }
    if (stopped) break;
  }
  return { samples, stopped, uri: opened.uri };
}

/**
 * Bursts of changes sent without waiting, each at the middle typing spot (after the typing above): time until
 * the last version's diagnostics, and how many of the burst's earlier versions were published on the way. Only
 * servers that send the version with their diagnostics can be asked which version a publication is for.
 */
async function burstsInto(server, uri, text) {
  const runs = [];
  let offset = typingSpots(text)[1];
  for (let i = 0; i < BURSTS; i++) {
    runs.push(await server.burst(uri, offset, BURST));
    offset += BURST.length;
  }
  return runs;
}

/** `only`: a server's name; `input`: a part of the names of the inputs to type in (all when undefined). */
export async function measureLatency(log = console.log, only = undefined, input = undefined) {
  const available = availableServers();
  const notes = available.notes;
  const servers = available.servers.filter((server) => !only || server.name === only);
  const inputs = benchInputs().filter((candidate) => !input || candidate.name.includes(input));
  const workspace = mkdtempSync(join(tmpdir(), 'shipcheck-bench-'));
  // Files an input needs beside it on disk (a chart's values.yaml), there before any server starts.
  for (const { files = {} } of inputs) {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(workspace, path)), { recursive: true });
      writeFileSync(join(workspace, path), text);
    }
  }
  const rows = [];
  const bursts = [];
  for (const input of inputs) {
    const lines = input.text.split('\n').length;
    for (const config of servers) {
      if (!config.handles(input)) continue;
      let server;
      try {
        server = await LspServer.start({ ...spawnArgs(config), workspace });
        const { samples, stopped, uri } = await typeInto(server, { ...input, languageId: config.languageId(input) }, workspace);
        // The peak resident set so far: the file opened and typed in (undefined where /proc is not there).
        const row = { input: input.name, lines, server: config.name, edits: samples.length, p50: percentile(samples, 50), p95: percentile(samples, 95), max: Math.max(...samples), stopped, peakMiB: rssMiB(server.child.pid, 'VmHWM') };
        rows.push(row);
        log(`  ${input.name} · ${config.name}: p50 ${row.p50.toFixed(1)} ms, p95 ${row.p95.toFixed(1)} ms over ${row.edits} edits${stopped ? ' (stopped at the time budget)' : ''}`);
        if (config.versionedDiagnostics) {
          const runs = await burstsInto(server, uri, server.texts.get(uri));
          const times = runs.map((run) => run.ms);
          const burst = { input: input.name, lines, server: config.name, changes: BURST.length, bursts: runs.length, p50: percentile(times, 50), max: Math.max(...times), intermediate: runs.map((run) => run.intermediate) };
          bursts.push(burst);
          log(`  ${input.name} · ${config.name}: ${BURST.length} changes at once → last version's diagnostics in ${burst.p50.toFixed(1)} ms (median of ${runs.length}), intermediate versions published: ${burst.intermediate.join(', ')}`);
        }
      } catch (error) {
        notes.push(`${config.name} on ${input.name}: ${error.message}`);
        log(`  ${input.name} · ${config.name}: failed: ${error.message}`);
      } finally {
        await server?.stop();
      }
    }
  }
  return { rows, bursts, notes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // `--only shipcheck` one server; `--input Helm` the inputs whose name holds that text.
  const argument = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
  const { rows, bursts, notes } = await measureLatency(console.log, argument('--only'), argument('--input'));
  console.table(rows);
  console.table(bursts);
  for (const note of notes) console.log(note);
}
