// Cold start (process spawn → first diagnostics for an opened workflow), peak memory with the whole corpus open,
// and the size of what ships.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { benchInputs, ROOT, typingSpots } from './inputs.mjs';
import { percentile } from './latency.mjs';
import { LspServer, rssMiB } from './lsp.mjs';
import { availableServers, spawnArgs } from './servers.mjs';
import { CORPUS, yamlFiles } from './throughput.mjs';

// Each server is started this many times: a start takes 0.3-1 s, and on a shared machine single runs vary by 30 %.
const COLD_RUNS = 11;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function measureColdStart(log = console.log, names = undefined) {
  const { notes } = availableServers();
  const servers = availableServers().servers.filter((server) => !names || names.includes(server.name));
  const workspace = mkdtempSync(join(tmpdir(), 'shipcheck-cold-'));
  const input = benchInputs()[0];
  const rows = [];
  // Round-robin over the servers, so a slow spell of the machine falls on all of them alike rather than on one
  // server's runs; the median of each server's runs is its row.
  const times = new Map(servers.map((config) => [config, []]));
  for (let round = 0; round < COLD_RUNS; round++) {
    for (const [config, samples] of times) {
      let server;
      try {
        server = await LspServer.start({ ...spawnArgs(config), workspace });
        const { at } = await server.open(join(workspace, input.path), input.text, config.languageId(input));
        samples.push(at - server.started);
        await server.stop();
      } catch (error) {
        notes.push(`cold start of ${config.name}: ${error.message}`);
        times.delete(config);
        await server?.stop().catch(() => {});
      }
    }
  }
  for (const [config, samples] of times) {
    rows.push({ server: config.name, ms: median(samples) });
    log(`  ${config.name}: ${median(samples).toFixed(0)} ms to first diagnostics (median of ${samples.length})`);
  }
  return { rows, notes, input: input.name };
}

/** Opens every corpus file in one server (as if all were open editors) and reads its peak resident memory. */
// Long enough for a server that checks 20 files a second; past it the row is dropped with a note.
const ALL_OPEN_TIMEOUT_MS = 600_000;

export async function measureMemory(log = console.log, names = ['shipcheck', 'yaml-language-server']) {
  const notes = [];
  const rows = [];
  if (!existsSync(CORPUS)) return { rows, notes: [`no corpus at ${CORPUS}: memory skipped`] };
  const files = yamlFiles(CORPUS);
  const bytes = files.reduce((sum, path) => sum + statSync(path).size, 0);
  const { servers } = availableServers();
  for (const config of servers.filter((server) => names.includes(server.name))) {
    const workspace = mkdtempSync(join(tmpdir(), 'shipcheck-memory-'));
    let server;
    try {
      server = await LspServer.start({ ...spawnArgs(config), workspace });
      const idle = rssMiB(server.child.pid);
      const started = performance.now();
      // Workflows under .github/workflows, the rest where they are: the same classification the CLI gets.
      // Every file is opened at once, so the last is checked only after all the others: its wait is the whole run's.
      const opened = files.map((path) => server.open(workspacePath(workspace, path), readFileSync(path, 'utf8'), 'yaml', ALL_OPEN_TIMEOUT_MS));
      await Promise.all(opened);
      const row = { server: config.name, files: files.length, mib: bytes / 1024 / 1024, idleMiB: idle, rssMiB: rssMiB(server.child.pid), peakMiB: rssMiB(server.child.pid, 'VmHWM'), seconds: (performance.now() - started) / 1000 };
      rows.push(row);
      log(`  ${config.name}: peak ${row.peakMiB?.toFixed(0)} MiB (idle ${idle?.toFixed(0)} MiB) with ${files.length} files open, all checked in ${row.seconds.toFixed(1)} s (not a target)`);
    } catch (error) {
      notes.push(`memory of ${config.name}: ${error.message}`);
    } finally {
      await server?.stop();
      rmSync(workspace, { recursive: true, force: true });
    }
  }
  return { rows, notes };
}

/** Where a corpus file goes in a workspace: workflows under .github/workflows, the rest where they are. */
function workspacePath(workspace, path) {
  const name = relative(CORPUS, path).replaceAll('/', '__');
  return path.includes('/workflows/') ? join(workspace, '.github', 'workflows', name) : join(workspace, name);
}

const SCAN_TYPED = 'abcdefghijklmnopqrst';

/**
 * The corpus as files on disk in the workspace folder, none of them open: shipcheck checks them all at start
 * (its workspace scan) while one small workflow is open and typed in. Peak RSS once the scan has ended, the time
 * it took, and the keystroke latency in the open workflow while the scan was running.
 */
export async function measureWorkspaceScan(log = console.log) {
  const notes = [];
  if (!existsSync(CORPUS)) return { rows: [], notes: [`no corpus at ${CORPUS}: workspace scan skipped`] };
  const { servers } = availableServers();
  const config = servers.find((server) => server.name === 'shipcheck');
  const workspace = mkdtempSync(join(tmpdir(), 'shipcheck-scan-'));
  const files = yamlFiles(CORPUS);
  for (const path of files) {
    const target = workspacePath(workspace, path);
    mkdirSync(join(target, '..'), { recursive: true });
    copyFileSync(path, target);
  }
  const bytes = files.reduce((sum, path) => sum + statSync(path).size, 0);
  let server;
  const rows = [];
  try {
    server = await LspServer.start({ ...spawnArgs(config), workspace, workDoneProgress: true });
    const ended = server.progressEnded(1);
    // Typing while the scan runs: the open document's checks go before the files on disk.
    const input = benchInputs()[0];
    const opened = await server.open(join(workspace, input.path), input.text, 'yaml');
    let offset = typingSpots(input.text)[2];
    const samples = [];
    let scanning = true;
    void ended.then(() => (scanning = false), () => {});
    for (const char of SCAN_TYPED) {
      if (!scanning) break;
      samples.push(await server.type(opened.uri, offset++, char));
    }
    const at = await ended;
    const row = { server: config.name, files: files.length, mib: bytes / 1024 / 1024, seconds: (at - server.started) / 1000, peakMiB: rssMiB(server.child.pid, 'VmHWM'), rssMiB: rssMiB(server.child.pid), edits: samples.length, p50: samples.length ? percentile(samples, 50) : undefined, p95: samples.length ? percentile(samples, 95) : undefined };
    rows.push(row);
    log(`  ${config.name}: workspace scan of ${files.length} files in ${row.seconds.toFixed(1)} s, peak ${row.peakMiB?.toFixed(0)} MiB; typing meanwhile p50 ${row.p50?.toFixed(1)} ms, p95 ${row.p95?.toFixed(1)} ms over ${samples.length} edits`);
  } catch (error) {
    notes.push(`workspace scan of ${config?.name}: ${error.message}`);
  } finally {
    await server?.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
  return { rows, notes };
}

export function bundleSizes() {
  const sizeOf = (path) => (existsSync(path) ? statSync(path).size : undefined);
  const vsix = readdirSync(ROOT).filter((name) => name.endsWith('.vsix')).sort().pop();
  return [
    { what: 'dist/client.js', bytes: sizeOf(join(ROOT, 'dist', 'client.js')) },
    { what: 'dist/server.js', bytes: sizeOf(join(ROOT, 'dist', 'server.js')) },
    // The language server itself, for Node (behind dist/server.js) and VS Code for the web's worker.
    { what: 'dist/serverCore.js', bytes: sizeOf(join(ROOT, 'dist', 'serverCore.js')) },
    { what: 'dist/cli.js', bytes: sizeOf(join(ROOT, 'dist', 'cli.js')) },
    { what: vsix ?? '.vsix (not built)', bytes: vsix ? sizeOf(join(ROOT, vsix)) : undefined },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await measureColdStart());
  console.log(await measureMemory());
  console.log(await measureWorkspaceScan());
  console.log(bundleSizes());
}
