// The language servers compared: shipcheck's own bundle and the peers installed under bench/node_modules.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './inputs.mjs';

const PEERS = join(ROOT, 'bench', 'node_modules');
// Node options for shipcheck's server process (SHIPCHECK_BENCH_NODE_ARGS="--max-semi-space-size=4", say), to measure
// it as a client that passes them would start it; by default those `shipcheck-language-server` starts Node with.
const SHIPCHECK_NODE_ARGS = process.env.SHIPCHECK_BENCH_NODE_ARGS?.split(' ').filter(Boolean);

export const SERVERS = [
  {
    name: 'shipcheck',
    nodeArgs: SHIPCHECK_NODE_ARGS,
    bin: join(ROOT, 'dist', 'server.js'),
    // What its `#!/usr/bin/env -S NAME=value node --flag` line sets: run as the command runs.
    fromShebang: true,
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
  const shebang = server.fromShebang ? shebangSettings(server.bin) : { env: {}, nodeArgs: [] };
  const nodeArgs = server.nodeArgs ?? shebang.nodeArgs;
  const env = { ...process.env, ...shebang.env };
  return { name: server.name, command: process.execPath, args: [...nodeArgs, server.bin, ...server.args], env, initializationOptions: server.initializationOptions };
}

/** The environment and Node options a script's `#!/usr/bin/env -S NAME=value node --flag` line starts it with. */
function shebangSettings(bin) {
  const words = (/^#!\/usr\/bin\/env -S (.*)$/m.exec(readFileSync(bin, 'utf8').slice(0, 500))?.[1] ?? '').split(' ').filter(Boolean);
  const node = words.indexOf('node');
  const env = Object.fromEntries(words.slice(0, Math.max(node, 0)).map((word) => word.split('=')));
  return { env, nodeArgs: node < 0 ? [] : words.slice(node + 1) };
}

export function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(join(PEERS, name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}
