import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT } from '../helpers/fixtures';
import { editorSuite, type Requirement } from './tools';
import { ACTIONS_LANGUAGE_EXTENSION, bundleSuite, CHROMIUM, CHROMIUM_FLAGS, DEBIAN_CHROMIUM, DEPS, EDITOR_DEPS, freePort, RIPGREP, scratchWorkspace } from './vscode/harness';

// code-server (VS Code 1.99 served to a browser, with a Node extension host on the server): the closest
// thing to desktop VS Code that installs here. The extension's Node entry (dist/client.js) starts the
// language server as a child process over IPC, as on the desktop, and the shared assertions run in it.

const TIMEOUT_MS = 240_000;
const CODE_SERVER = join(DEPS, 'code-server');
const CODE_SERVER_BUILT: Requirement = {
  what: "code-server's native modules (rebuilt by the install script)",
  present: () => existsSync(join(CODE_SERVER, 'lib', 'vscode', 'node_modules', '@vscode', 'spdlog', 'build', 'Release')) && existsSync(join(DEPS, 'argon2', 'lib', 'binding')),
  install: 'npm run editors:install',
};

/** Starts code-server on loopback with throwaway state; resolves once it listens. */
function startCodeServer(port: number, state: string): Promise<{ child: ChildProcess; output: () => string }> {
  const home = join(state, 'home');
  mkdirSync(home, { recursive: true });
  const config = join(state, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const child = spawn(
    process.execPath,
    [
      join(CODE_SERVER, 'out', 'node', 'entry.js'),
      '--config', config,
      '--user-data-dir', join(state, 'user-data'),
      '--extensions-dir', join(state, 'extensions'),
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
    ],
    { env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share') }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${output}`)), 60_000);
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/HTTP server listening/.test(output)) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code}:\n${output}`));
    });
  });
}

/** The part of playwright-core (installed with the editors, not typed here) this test uses. */
interface PlaywrightCore {
  chromium: { launch(options: { executablePath: string; headless: boolean; args: string[] }): Promise<Browser> };
}
interface Browser {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}
interface Page {
  exposeFunction(name: string, callback: (...args: never[]) => unknown): Promise<void>;
  goto(url: string): Promise<unknown>;
}

function stop(child: ChildProcess | undefined): void {
  if (!child?.pid || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

editorSuite('code-server 4.99 (VS Code 1.99, Node extension host) in chromium', [EDITOR_DEPS, CODE_SERVER_BUILT, DEBIAN_CHROMIUM, RIPGREP], { timeout: TIMEOUT_MS }, () => {
  it("shows squiggles, hovers and quick-fixes from the extension's Node build, its server a child process", async () => {
    assert.ok(existsSync(join(ROOT, 'dist', 'client.js')) && existsSync(join(ROOT, 'dist', 'server.js')), 'build the extension first (npm run build)');
    const state = mkdtempSync(join(tmpdir(), 'shipcheck-code-server-'));
    const workspace = scratchWorkspace();
    let server: Awaited<ReturnType<typeof startCodeServer>> | undefined;
    const { chromium } = require(join(DEPS, 'playwright-core')) as PlaywrightCore;
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    try {
      const suite = await bundleSuite('node', join(ROOT, 'out', 'editor-suites'));
      const port = await freePort();
      // The stand-in for GitHub's Actions extension is installed the plain way: a folder in the extensions dir.
      cpSync(ACTIONS_LANGUAGE_EXTENSION, join(state, 'extensions', 'shipcheck-test.actions-language-0.0.1'), { recursive: true });
      server = await startCodeServer(port, state);
      const page = await browser.newPage();
      const log: string[] = [];
      const exitCode = new Promise<number>((resolve) => {
        void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
      });
      await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => log.push(`${type}: ${args.map(String).join(' ')}`));
      // What VS Code's own browser integration tests pass: the extension under development and its tests, on the remote.
      const remote = (path: string): string => `vscode-remote://127.0.0.1:${port}${path}`;
      const payload = [
        ['extensionDevelopmentPath', remote(ROOT)],
        ['extensionTestsPath', remote(suite)],
        ['skipWelcome', 'true'],
      ];
      await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace.path)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), TIMEOUT_MS - 60_000).unref());
      const code = await Promise.race([exitCode, timeout]);
      const report = `${log.join('\n').slice(-6000)}\n--- code-server ---\n${server.output().slice(-3000)}`;
      assert.notEqual(code, 'timeout', `the in-editor suite did not finish:\n${report}`);
      assert.equal(code, 0, `the in-editor suite failed:\n${report}`);
    } finally {
      await browser.close();
      stop(server?.child);
      workspace.dispose();
      rmSync(state, { recursive: true, force: true });
    }
  });
});
