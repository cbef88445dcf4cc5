// The language servers compared: shipcheck's own bundle and the peers installed under bench/node_modules.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './inputs.mjs';

const PEERS = join(ROOT, 'bench', 'node_modules');
// Node options for shipcheck's server process (SHIPCHECK_BENCH_NODE_ARGS="--max-semi-space-size=4", say), to measure
// it as a client that passes them would start it; none by default, as `shipcheck-language-server --stdio` runs.
const SHIPCHECK_NODE_ARGS = (process.env.SHIPCHECK_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

export const SERVERS = [
  {
    name: 'shipcheck',
    nodeArgs: SHIPCHECK_NODE_ARGS,
    bin: join(ROOT, 'dist', 'server.js'),
    args: ['--stdio'],
    handles: () => true,
    languageId: () => 'yaml',
    // Its diagnostics say which document version they are for (the peers' do not).
    versionedDiagnostics: true,
  },
  {
    name: 'yaml-language-server',
    package: 'yaml-language-server',
    bin: join(PEERS, 'yaml-language-server', 'bin', 'yaml-language-server'),
    args: ['--stdio'],
    handles: () => true,
    languageId: () => 'yaml',
  },
  {
    name: '@actions/languageserver',
    package: '@actions/languageserver',
    bin: join(PEERS, '@actions', 'languageserver', 'bin', 'actions-languageserver'),
    args: ['--stdio'],
    initializationOptions: {},
    handles: (input) => input.kind === 'workflow',
    languageId: () => 'github-actions-workflow',
  },
];

/** The servers that are there to run, and a note for each peer that is not. */
export function availableServers() {
  const notes = [];
  const servers = SERVERS.filter((server) => {
    if (existsSync(server.bin)) return true;
    notes.push(`${server.name}: not installed (${server.bin} missing), skipped`);
    return false;
  });
  return { servers, notes };
}

export function spawnArgs(server) {
  return { name: server.name, command: process.execPath, args: [...(server.nodeArgs ?? []), server.bin, ...server.args], initializationOptions: server.initializationOptions };
}

export function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(join(PEERS, name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}
