import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT } from '../helpers/fixtures';
import { editorSuite } from '../helpers/editorTools';
import { CODE_SERVER_BUILT, launchChromium, packageVsix, startCodeServer, stop, type Page } from './vscode/codeServer';
import { ACTIONS_LANGUAGE_EXTENSION, bundleSuite, DEBIAN_CHROMIUM, EDITOR_DEPS, freePort, RIPGREP, scratchWorkspace } from './vscode/harness';

// code-server (VS Code 1.99 served to a browser, with a Node extension host on the server): the closest
// thing to desktop VS Code that installs here. The extension's Node entry (dist/client.js) starts the
// language server as a child process over stdio, as on the desktop, and the shared assertions run in it.

const TIMEOUT_MS = 240_000;

/** The jobs of the graph some frame of the page draws (sorted), once one does; [] if none within 30 s. */
async function graphJobs(page: Page): Promise<string[]> {
  const read = "[...document.querySelectorAll('svg g.node[data-job]')].map((node) => node.getAttribute('data-job'))";
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await page.waitForTimeout(250)) {
    for (const frame of page.frames()) {
      const jobs = await frame.evaluate<string[]>(read).catch(() => []);
      if (jobs.length > 0) return [...jobs].sort();
    }
  }
  return [];
}

editorSuite('code-server 4.99 (VS Code 1.99, Node extension host) in chromium', [EDITOR_DEPS, CODE_SERVER_BUILT, DEBIAN_CHROMIUM, RIPGREP], { timeout: TIMEOUT_MS }, () => {
  it("installed from its .vsix: squiggles, hovers and quick-fixes from the Node build, its server a child process", async () => {
    assert.ok(existsSync(join(ROOT, 'dist', 'client.js')) && existsSync(join(ROOT, 'dist', 'server.js')), 'build the extension first (npm run build)');
    const state = mkdtempSync(join(tmpdir(), 'shipcheck-code-server-'));
    const workspace = scratchWorkspace();
    let server: Awaited<ReturnType<typeof startCodeServer>> | undefined;
    const browser = await launchChromium();
    try {
      const suite = await bundleSuite('node', join(ROOT, 'out', 'editor-suites'));
      const port = await freePort();
      // Installed from the .vsix, as a user would: proves the package is complete and activates.
      server = await startCodeServer(port, state, [packageVsix(state)]);
      const page = await browser.newPage();
      const log: string[] = [];
      const exitCode = new Promise<number>((resolve) => {
        void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
      });
      await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => log.push(`${type}: ${args.map(String).join(' ')}`));
      // What VS Code's own browser integration tests pass: the extension under development and its tests, on the remote.
      const remote = (path: string): string => `vscode-remote://127.0.0.1:${port}${path}`;
      // Tests run only with an extension under development: the language stand-in is that one, so shipcheck
      // itself is the installed .vsix.
      const payload = [
        ['extensionDevelopmentPath', remote(ACTIONS_LANGUAGE_EXTENSION)],
        ['extensionTestsPath', remote(suite)],
        ['skipWelcome', 'true'],
      ];
      await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace.path)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), TIMEOUT_MS - 60_000).unref());
      const code = await Promise.race([exitCode, timeout]);
      const report = `${log.join('\n').slice(-6000)}\n--- code-server ---\n${server.output().slice(-3000)}`;
      assert.notEqual(code, 'timeout', `the in-editor suite did not finish:\n${report}`);
      assert.equal(code, 0, `the in-editor suite failed:\n${report}`);
      // The suite's last test opened the pipeline view: its webview (nested frames of the page) draws the job graph.
      assert.deepEqual(await graphJobs(page), ['deploy', 'lint', 'test'], 'the jobs drawn in the pipeline view');
    } finally {
      await browser.close();
      stop(server?.child);
      workspace.dispose();
      rmSync(state, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    }
  });
});
