// Cold start (process spawn → first diagnostics for an opened workflow), peak memory with the whole corpus open,
// and the size of what ships.
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { benchInputs, ROOT } from './inputs.mjs';
import { LspServer, rssMiB } from './lsp.mjs';
import { availableServers, spawnArgs } from './servers.mjs';
import { CORPUS, yamlFiles } from './throughput.mjs';

const COLD_RUNS = 5;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function measureColdStart(log = console.log) {
  const { servers, notes } = availableServers();
  const workspace = mkdtempSync(join(tmpdir(), 'shipcheck-cold-'));
  const input = benchInputs()[0];
  const rows = [];
  for (const config of servers) {
    const times = [];
    try {
      for (let i = 0; i < COLD_RUNS; i++) {
        const server = await LspServer.start({ ...spawnArgs(config), workspace });
        const { at } = await server.open(join(workspace, input.path), input.text, config.languageId(input));
        times.push(at - server.started);
        await server.stop();
      }
      rows.push({ server: config.name, ms: median(times) });
      log(`  ${config.name}: ${median(times).toFixed(0)} ms to first diagnostics`);
    } catch (error) {
      notes.push(`cold start of ${config.name}: ${error.message}`);
    }
  }
  return { rows, notes, input: input.name };
}

/** Opens every corpus file in one server (as if all were open editors) and reads its peak resident memory. */
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
      const opened = files.map((path) => {
        const name = relative(CORPUS, path).replaceAll('/', '__');
        const target = path.includes('/workflows/') ? join(workspace, '.github', 'workflows', name) : join(workspace, name);
        return server.open(target, readFileSync(path, 'utf8'), 'yaml');
      });
      await Promise.all(opened);
      const row = { server: config.name, files: files.length, mib: bytes / 1024 / 1024, idleMiB: idle, rssMiB: rssMiB(server.child.pid), peakMiB: rssMiB(server.child.pid, 'VmHWM'), seconds: (performance.now() - started) / 1000 };
      rows.push(row);
      log(`  ${config.name}: peak ${row.peakMiB?.toFixed(0)} MiB (idle ${idle?.toFixed(0)} MiB) with ${files.length} files open, all checked in ${row.seconds.toFixed(1)} s`);
    } catch (error) {
      notes.push(`memory of ${config.name}: ${error.message}`);
    } finally {
      await server?.stop();
    }
  }
  return { rows, notes };
}

export function bundleSizes() {
  const sizeOf = (path) => (existsSync(path) ? statSync(path).size : undefined);
  const vsix = readdirSync(ROOT).filter((name) => name.endsWith('.vsix')).sort().pop();
  return [
    { what: 'dist/client.js', bytes: sizeOf(join(ROOT, 'dist', 'client.js')) },
    { what: 'dist/server.js', bytes: sizeOf(join(ROOT, 'dist', 'server.js')) },
    { what: 'dist/cli.js', bytes: sizeOf(join(ROOT, 'dist', 'cli.js')) },
    { what: vsix ?? '.vsix (not built)', bytes: vsix ? sizeOf(join(ROOT, vsix)) : undefined },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await measureColdStart());
  console.log(await measureMemory());
  console.log(bundleSizes());
}
