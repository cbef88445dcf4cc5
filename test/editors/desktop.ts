import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { ROOT } from '../helpers/fixtures';
import { ACTIONS_LANGUAGE_EXTENSION, bundleSuite, scratchWorkspace } from './vscode/harness';

// `npm run test:desktop`: the same in-editor assertions as the web and code-server suites, in desktop VS Code
// run by @vscode/test-electron. Desktop builds come from update.code.visualstudio.com, which this project's
// CI machines cannot reach, so this is not part of `npm test`: where the download fails it says so and stops
// without failing. SHIPCHECK_VSCODE_EXECUTABLE=/path/to/code uses an installed VS Code instead.

const VERSION = '1.91.1';

async function vscodeExecutable(): Promise<string | undefined> {
  const installed = process.env.SHIPCHECK_VSCODE_EXECUTABLE;
  if (installed) return installed;
  try {
    return await downloadAndUnzipVSCode({ version: VERSION, cachePath: join(ROOT, '.vscode-test') });
  } catch (error) {
    console.log(`desktop VS Code suite SKIPPED: VS Code ${VERSION} could not be downloaded (${error instanceof Error ? error.message : String(error)}).`);
    console.log('Set SHIPCHECK_VSCODE_EXECUTABLE to an installed VS Code to run it; `npm test` runs the same assertions in VS Code for the web and code-server.');
    return undefined;
  }
}

async function main(): Promise<number> {
  if (!existsSync(join(ROOT, 'dist', 'client.js'))) throw new Error('build the extension first (npm run build)');
  const executable = await vscodeExecutable();
  if (!executable) return 0;
  const workspace = scratchWorkspace();
  try {
    const suite = await bundleSuite('node', join(ROOT, 'out', 'editor-suites'));
    const userData = mkdtempSync(join(tmpdir(), 'shipcheck-desktop-'));
    const code = await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: [ROOT, ACTIONS_LANGUAGE_EXTENSION],
      extensionTestsPath: suite,
      launchArgs: [workspace.path, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', `--user-data-dir=${userData}`],
    });
    console.log(code === 0 ? 'desktop VS Code suite passed' : `desktop VS Code suite FAILED (exit ${code})`);
    return code;
  } finally {
    workspace.dispose();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
