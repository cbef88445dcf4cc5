import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../helpers/fixtures';
import type { Requirement } from '../../helpers/editorTools';
import { ACTIONS_LANGUAGE_EXTENSION, CHROMIUM, CHROMIUM_FLAGS, DEPS } from './harness';

// code-server started on loopback with throwaway state, and Debian's chromium driven by playwright-core:
// used by the code-server suite and by `npm run screenshots`.

const CODE_SERVER = join(DEPS, 'code-server');
const ENTRY = join(CODE_SERVER, 'out', 'node', 'entry.js');
export const CODE_SERVER_BUILT: Requirement = {
  what: "code-server's native modules (rebuilt by the install script)",
  present: () => existsSync(join(CODE_SERVER, 'lib', 'vscode', 'node_modules', '@vscode', 'spdlog', 'build', 'Release')) && existsSync(join(DEPS, 'argon2', 'lib', 'binding')),
  install: 'npm run editors:install',
};

/** Packages the extension as users get it (`vsce package`, from the built dist/), into `outDir`. */
export function packageVsix(outDir: string): string {
  const vsix = join(outDir, 'shipcheck.vsix');
  const vsce = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const result = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', vsix], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`vsce package failed:\n${result.stdout}\n${result.stderr}`);
  return vsix;
}

/**
 * Starts code-server on loopback with throwaway state (HOME, user data, extensions, config), after
 * installing the given .vsix files with its own `--install-extension`; resolves once it listens.
 */
export function startCodeServer(port: number, state: string, vsixFiles: string[] = []): Promise<{ child: ChildProcess; output: () => string }> {
  // The stand-in for GitHub's Actions extension is installed the plain way: a folder in the extensions dir.
  cpSync(ACTIONS_LANGUAGE_EXTENSION, join(state, 'extensions', 'shipcheck-test.actions-language-0.0.1'), { recursive: true });
  const home = join(state, 'home');
  mkdirSync(home, { recursive: true });
  const config = join(state, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share') };
  const common = ['--config', config, '--user-data-dir', join(state, 'user-data'), '--extensions-dir', join(state, 'extensions')];
  for (const vsix of vsixFiles) {
    const installed = spawnSync(process.execPath, [ENTRY, ...common, '--install-extension', vsix], { env, encoding: 'utf8', timeout: 60_000 });
    if (installed.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed:\n${installed.stdout}\n${installed.stderr}`);
  }
  const child = spawn(
    process.execPath,
    [ENTRY, ...common, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override'],
    { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
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
export interface PlaywrightCore {
  chromium: { launch(options: { executablePath: string; headless: boolean; args: string[] }): Promise<Browser> };
}
export interface Browser {
  newPage(options?: { viewport?: { width: number; height: number }; deviceScaleFactor?: number }): Promise<Page>;
  close(): Promise<void>;
}
export interface Page {
  exposeFunction(name: string, callback: (...args: never[]) => unknown): Promise<void>;
  goto(url: string): Promise<unknown>;
  waitForSelector(selector: string, options?: { timeout?: number }): Promise<ElementHandle>;
  waitForTimeout(ms: number): Promise<void>;
  screenshot(options: { path: string }): Promise<unknown>;
  context(): { newCDPSession(page: Page): Promise<{ send(method: string, params?: object): Promise<unknown> }> };
  frames(): Frame[];
  keyboard: { press(key: string): Promise<void>; type(text: string): Promise<void> };
  mouse: { move(x: number, y: number): Promise<void>; click(x: number, y: number): Promise<void> };
}
export interface Frame {
  evaluate<T>(script: string): Promise<T>;
}
export interface ElementHandle {
  boundingBox(): Promise<{ x: number; y: number; width: number; height: number } | null>;
}

export function stop(child: ChildProcess | undefined): void {
  if (!child?.pid || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** Debian's chromium, headless, through the playwright-core installed with the editors. */
export function launchChromium(): Promise<Browser> {
  const { chromium } = require(join(DEPS, 'playwright-core')) as PlaywrightCore;
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}
