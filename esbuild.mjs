// Bundles the VS Code client, the language server and the CLI into dist/.
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

// `yaml`'s ES module build (the one browsers get; the Node build is the same code as CommonJS, except that it warns
// through process.emitWarning). Bundled as CommonJS, every `isMap`/`isScalar` call the rules make goes through a
// getter esbuild puts on the module's exports; as a module, calls are direct.
const yamlAsModule = { alias: { yaml: './node_modules/yaml/browser/index.js' } };

// The language server's memory and thread settings (server/src/spawnSettings.json), fixed when it starts (never
// switched at run time): the first line of dist/server.js sets them, and the VS Code client passes the same.
// - V8 would let the old generation grow to several times what is live before a full collection, and the young one to
//   2 × 16 MiB: while a workspace is checked, growing the old generation by 20% at a time and keeping the young one
//   small holds the server near what it keeps. Without allocation-site pretenuring, what a keystroke builds stays in
//   the young generation, where it dies.
// - Without Sparkplug (V8's baseline compiler) the server keeps ~2-3 MiB less machine code and the workspace-scan peak
//   drops by about as much; hot code is optimised all the same. The price: code that is warm but not hot runs in the
//   interpreter, so a keystroke in a 200-line workflow takes ~0.3 ms more (p50 2.2 -> 2.5 ms, six interleaved runs
//   each); cold start does not change. `--flush-baseline-code` keeps that speed but saved less and less reliably.
// - Two malloc arenas rather than eight per core keep glibc from holding freed memory idle for each of V8's threads.
//   A fixed mmap threshold (64 KiB; glibc raises it as large blocks are freed) gives large blocks, such as a big
//   file's bytes, back to the system when freed, and a lower trim threshold returns the free top of the heap sooner:
//   together ~8 MiB less resident during a workspace scan.
// - One V8 worker thread rather than four: V8 compiles hot code and marks the heap on its workers while a check runs,
//   and on a two-core machine four of them plus the editor push the server's own thread off a core for a few
//   milliseconds at a time. That was most of the slow tail of keystrokes: p95 in a 200-line workflow 9-12 ms -> 3-4 ms,
//   in a 28 000-line manifest 26-35 -> 22 ms (three interleaved runs each); the scan's peak and cold start unchanged.
//   Electron in Node mode (VS Code desktop's extension host starts the server so) accepts the flag but builds V8's
//   threads from Chromium's pool: it counts where the server runs on Node (other editors, remote hosts, code-server).
// - No extra CA certificates: Node reads the file NODE_EXTRA_CA_CERTS names (corporate networks often set it) into
//   OpenSSL as it starts, ~45 ms for a 144-certificate bundle here. The server makes no network connections.
const SPAWN = JSON.parse(readFileSync(new URL('./server/src/spawnSettings.json', import.meta.url), 'utf8'));
const SERVER_NODE_ARGS = SPAWN.execArgv;
const SERVER_ENV = Object.entries(SPAWN.env).map(([name, value]) => `${name}=${value}`);

// The server is two files. dist/serverCore.js holds the engine, the rules, the LSP handlers and both transports once,
// for Node and the browser alike: an IIFE that `require` returns in Node (dist/server.js, a few lines, calls its
// `startInNode`) and that starts itself in a web worker (`startInWorker`). The Node build of it leaves Node's modules
// to `require`, which a web worker does not have: there they are empty objects, read only by the Node transport and
// the Node host (nodeHost.ts), never in a worker.
const CORE_GLOBAL = 'shipcheckServer';
const coreOutsideServer = {
  name: 'server-core-beside',
  setup(build) {
    build.onResolve({ filter: /^\.\/serverCore$/ }, () => ({ path: './serverCore.js', external: true }));
  },
};
const NODE_BUILTIN = new RegExp(`^(node:)?(${builtinModules.map((name) => name.replace(/[/]/g, '\\/')).join('|')})$`);
const nodeModulesWhereThereAreSome = {
  name: 'node-builtins-when-required',
  setup(build) {
    // Imports in the code become the guarded module below; the guarded module's own `require` is Node's.
    build.onResolve({ filter: NODE_BUILTIN }, (args) =>
      args.namespace === 'node-builtin' ? { path: args.path, external: true } : { path: args.path.replace(/^node:/, ''), namespace: 'node-builtin' },
    );
    // In Node the bundle is a CommonJS module with its `require`; a worker has no `process.versions.node` (and may
    // have some other `require`, such as an AMD loader's).
    build.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => ({
      contents: `module.exports = typeof process === 'object' && process.versions && process.versions.node ? require(${JSON.stringify(args.path)}) : {};`,
      loader: 'js',
    }));
  },
};

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  // `shipcheck-language-server` starts Node with the server's settings (the VS Code client passes the same).
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', plugins: [coreOutsideServer], banner: { js: `#!/usr/bin/env -S ${SERVER_ENV.join(' ')} node ${SERVER_NODE_ARGS.join(' ')}` } },
  {
    ...common,
    ...yamlAsModule,
    target: ['node20', 'es2022'],
    format: 'iife',
    globalName: CORE_GLOBAL,
    // vscode-languageserver/browser (the worker's transport) is exported under the 'browser' condition only.
    conditions: ['browser'],
    entryPoints: ['server/src/serverCore.ts'],
    outfile: 'dist/serverCore.js',
    plugins: [nodeModulesWhereThereAreSome],
    footer: { js: `if (typeof module === 'object' && module.exports) module.exports = ${CORE_GLOBAL}; else ${CORE_GLOBAL}.startInWorker(self);` },
  },
  { ...common, ...yamlAsModule, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // VS Code for the web: the extension runs in the browser's extension host, the server (dist/serverCore.js) in a web worker.
  { ...common, platform: 'browser', target: 'es2022', entryPoints: ['client/src/browser.ts'], outfile: 'dist/browserClient.js', external: ['vscode'] },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
