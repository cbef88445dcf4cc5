// Bundles the VS Code client, the language server and the CLI into dist/.
import * as esbuild from 'esbuild';

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

// The language server's memory settings, fixed when it starts (never switched at run time). V8 would let the old
// generation grow to several times what is live before a full collection, and the young one to 2 × 16 MiB: while a
// workspace is checked, growing the old generation by 20% at a time and keeping the young one small holds the server
// near what it keeps (workspace scan peak ~100 MiB instead of ~165). Without allocation-site pretenuring, what a
// keystroke builds stays in the young generation, where it dies. Two malloc arenas rather than eight per core keep
// glibc from holding freed memory idle for each of V8's threads.
const SERVER_NODE_ARGS = ['--heap-growing-percent=20', '--max-semi-space-size=2', '--no-allocation-site-pretenuring'];
const SERVER_ENV = ['MALLOC_ARENA_MAX=2'];

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  // `shipcheck-language-server` starts Node with the server's memory settings (the VS Code client passes the same).
  { ...common, ...yamlAsModule, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', banner: { js: `#!/usr/bin/env -S ${SERVER_ENV.join(' ')} node ${SERVER_NODE_ARGS.join(' ')}` } },
  { ...common, ...yamlAsModule, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // VS Code for the web: the extension runs in the browser's extension host, the server in a web worker.
  { ...common, platform: 'browser', target: 'es2022', entryPoints: ['client/src/browser.ts'], outfile: 'dist/browserClient.js', external: ['vscode'] },
  { ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: ['server/src/browserServer.ts'], outfile: 'dist/browserServer.js' },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
