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

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  { ...common, ...yamlAsModule, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', banner: { js: '#!/usr/bin/env node' } },
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
