import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from '../../helpers/fixtures';
import { command, file, type Requirement } from '../../helpers/editorTools';

// Shared by the VS Code suites (web workbench, code-server, desktop): the editors' own packages, Debian's
// chromium, the in-editor test bundle and a scratch copy of the fixture workspace.

export const DEPS = join(ROOT, 'test', 'editors', 'deps', 'node_modules');
const SUITE = join(ROOT, 'test', 'editors', 'vscode', 'suite');
/** Debian's chromium binary (/usr/bin/chromium is a shell wrapper around it). */
export const CHROMIUM = '/usr/lib/chromium/chromium';
/** A stand-in for GitHub's Actions extension: it only contributes the `github-actions-workflow` language id. */
export const ACTIONS_LANGUAGE_EXTENSION = join(ROOT, 'test', 'editors', 'vscode', 'actions-language');

export const EDITOR_DEPS: Requirement = {
  what: "the editors' npm packages (test/editors/deps)",
  present: file(join(DEPS, '.package-lock.json')),
  install: 'npm run editors:install',
};
export const DEBIAN_CHROMIUM: Requirement = { what: "Debian's chromium", present: file(CHROMIUM), install: 'apt-get install -y chromium' };
export const RIPGREP: Requirement = { what: "Debian's ripgrep", present: command('rg'), install: 'apt-get install -y ripgrep' };

/** Flags for a headless chromium on a machine without network (see the machine notes: no background connections). */
export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** Bundles the in-editor suite for a browser or a Node extension host; returns the bundle's path. */
/** A TCP port that was free a moment ago, for a server the test starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Runs a command to its end, killed after the timeout or as soon as its output matches `fatal` (a tool that
 * logs an unhandled rejection and then waits forever); resolves with its exit code and output.
 */
export function runToEnd(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number; fatal?: RegExp }): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const kill = (why: string): void => {
      output += `\n[killed: ${why}]`;
      child.kill('SIGKILL');
    };
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (options.fatal?.test(output) && !child.killed) kill(`output matched ${options.fatal}`);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => kill(`still running after ${options.timeoutMs} ms`), options.timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export async function bundleSuite(flavour: 'web' | 'node', outDir: string): Promise<string> {
  const outfile = join(outDir, `suite-${flavour}.js`);
  await build({
    entryPoints: [join(SUITE, `${flavour}.ts`)],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: flavour === 'web' ? 'browser' : 'node',
    target: flavour === 'web' ? 'es2022' : 'node20',
    external: ['vscode'],
    nodePaths: [DEPS],
    logLevel: 'error',
    // mocha's Node build requires optional reporters and watchers at run time; none is used here.
    ...(flavour === 'node' ? { external: ['vscode', 'fsevents', 'chokidar'] } : {}),
  });
  return outfile;
}

/** A scratch copy of the fixture workspace (quick-fixes edit it), removed by the returned function. */
export function scratchWorkspace(): { path: string; dispose(): void } {
  const parent = mkdtempSync(join(tmpdir(), 'shipcheck-editor-'));
  const path = join(parent, 'workspace');
  cpSync(join(ROOT, 'test', 'editors', 'vscode', 'workspace'), path, { recursive: true });
  return { path, dispose: () => rmSync(parent, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }) };
}

/**
 * Playwright looks for its own browser builds under PLAYWRIGHT_BROWSERS_PATH; this makes a folder whose
 * expected executables are links to Debian's chromium (nothing is downloaded), for every playwright-core
 * among the editors' packages (test-web's playwright may bring its own), and returns it.
 */
export function playwrightBrowsers(): string {
  const root = join(ROOT, '.playwright-browsers');
  const cores = [join(DEPS, 'playwright-core'), join(DEPS, 'playwright', 'node_modules', 'playwright-core')].filter((core) => existsSync(join(core, 'browsers.json')));
  const links = cores.flatMap((core) => {
    const { browsers } = JSON.parse(readFileSync(join(core, 'browsers.json'), 'utf8')) as { browsers: { name: string; revision: string }[] };
    const revision = (name: string): string => browsers.find((browser) => browser.name === name)?.revision ?? '0';
    return [
      join(root, `chromium-${revision('chromium')}`, 'chrome-linux64', 'chrome'),
      join(root, `chromium_headless_shell-${revision('chromium-headless-shell')}`, 'chrome-headless-shell-linux64', 'chrome-headless-shell'),
    ];
  });
  for (const link of links) {
    if (existsSync(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(CHROMIUM, link);
    writeFileSync(join(dirname(dirname(link)), 'INSTALLATION_COMPLETE'), '');
  }
  return root;
}
