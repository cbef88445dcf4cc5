import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, it } from 'node:test';
import { editorSuite, type Requirement } from '../helpers/editorTools';

/**
 * A real Neovim, headless, as an LSP client of `shipcheck-language-server --stdio`: proves that an editor
 * other than VS Code gets the findings, the hover and the quick-fix, and that the README's Neovim setup works.
 * The Lua side (neovim/check.lua) writes what Neovim saw as JSON; the assertions are here.
 */

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SERVER = path.join(ROOT, 'dist', 'server.js');
const CHECK_LUA = path.join(ROOT, 'test', 'editors', 'neovim', 'check.lua');
const README = path.join(ROOT, 'README.md');
// Bound on each wait and request inside Neovim; a whole Neovim run is killed after RUN_LIMIT_MS.
const WAIT_MS = 15_000;
const RUN_LIMIT_MS = 60_000;

// Follows the other practices, so gha/npm-ci is the finding to look for.
const WORKFLOW = `name: ci
on: push
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: npm install
      - run: npm test
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.4.2
          readinessProbe:
            httpGet:
              path: /health
              port: 8080
          livenessProbe:
            httpGet:
              path: /health
              port: 8080
`;

const NEOVIM: Requirement = {
  what: 'Neovim 0.7 or later (nvim)',
  present: () => {
    const version = /^NVIM v(\d+)\.(\d+)/m.exec(spawnSync('nvim', ['--version'], { encoding: 'utf8', timeout: 10_000 }).stdout ?? '');
    return version !== null && (Number(version[1]) > 0 || Number(version[2]) >= 7);
  },
  install: 'apt-get install -y neovim',
};

/** What check.lua writes. */
interface NeovimReport {
  error?: string;
  /** shipcheck clients running at the end. */
  servers: number;
  files: { path: string; filetype: string; clients: string[]; diagnostics: SeenDiagnostic[] }[];
  applied?: { title: string; missing?: boolean; line?: string; rechecked?: boolean; diagnostic_gone?: boolean; remaining?: SeenDiagnostic[] };
}

interface SeenDiagnostic {
  code: string;
  source: string;
  lnum: number;
  col: number;
  end_lnum: number;
  end_col: number;
  message: string;
  hover: string | null;
  actions: string[];
}

interface CheckConfig {
  cmd: string[] | null;
  files: string[];
  apply: { file: string; title: string } | null;
}

editorSuite('Neovim as an LSP client', [NEOVIM], { timeout: 3 * RUN_LIMIT_MS }, () => {
  let repo: string;
  let workflow: string;
  let deployment: string;

  // A throwaway repository: .git and package-lock.json make it one where `npm ci` is the right advice.
  before(() => {
    assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run \`npm run build\` first`);
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-nvim-'));
    fs.mkdirSync(path.join(repo, '.git'));
    // The strict preset: the findings the checks below look for are from rules the recommended one leaves out.
    fs.writeFileSync(path.join(repo, '.shipcheck.yaml'), 'preset: strict\n');
    fs.writeFileSync(path.join(repo, 'package.json'), '{ "name": "demo", "private": true }\n');
    fs.writeFileSync(path.join(repo, 'package-lock.json'), '{ "name": "demo", "lockfileVersion": 3, "requires": true, "packages": {} }\n');
    workflow = write(repo, '.github/workflows/ci.yml', WORKFLOW);
    deployment = write(repo, 'k8s/deployment.yaml', DEPLOYMENT);
  });

  after(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('vim.lsp.start_client: findings at their ranges, hover, quick-fix that removes the finding', async () => {
    const report = await runNeovim(repo, [], { cmd: [process.execPath, SERVER, '--stdio'], files: [workflow, deployment], apply: { file: workflow, title: "Use 'npm ci'" } });

    const npmCi = expectFinding(report, workflow, 'gha/npm-ci');
    assert.deepEqual(rangeOf(npmCi), rangeIn(WORKFLOW, '      - run: npm install', 'npm install'));
    assert.match(npmCi.message, /'npm install' resolves versions afresh/);
    assert.ok(npmCi.hover?.includes('gha/npm-ci'), `hover names the rule: ${npmCi.hover}`);
    assert.ok(npmCi.hover?.includes(npmCi.message), 'hover repeats the finding');
    assert.ok(npmCi.hover?.includes('Why it matters'), 'hover explains the practice');
    assert.ok(npmCi.actions.includes("Use 'npm ci'"), `quick-fix offered: ${npmCi.actions.join(' | ')}`);

    const probes = expectFinding(report, deployment, 'k8s/probe-identical');
    assert.deepEqual(rangeOf(probes), rangeIn(DEPLOYMENT, '          livenessProbe:', 'livenessProbe'));
    assert.ok(probes.hover?.includes('k8s/probe-identical'), `hover names the rule: ${probes.hover}`);
    assert.ok(probes.actions.includes('Disable k8s/probe-identical for this line'), `actions: ${probes.actions.join(' | ')}`);

    // Applied through Neovim's own workspace-edit code; the server re-checks the changed buffer.
    assert.ok(report.applied && !report.applied.missing, `the quick-fix was found again to apply: ${JSON.stringify(report.applied)}`);
    assert.equal(report.applied.line, '      - run: npm ci');
    assert.equal(report.applied.rechecked, true, `no diagnostics for the edited version within ${WAIT_MS} ms`);
    assert.equal(report.applied.diagnostic_gone, true, `gha/npm-ci still reported after the fix: ${JSON.stringify(report.applied.remaining)}`);
  });

  it("the README's Neovim setup attaches shipcheck-language-server to YAML buffers", async () => {
    const bin = path.join(repo, 'bin');
    // What `npm install -g` puts on the PATH, pointing at this checkout's build.
    write(bin, 'shipcheck-language-server', `#!/bin/sh\nexec '${process.execPath}' '${SERVER}' "$@"\n`);
    fs.chmodSync(path.join(bin, 'shipcheck-language-server'), 0o755);
    const init = write(repo, 'init.lua', readmeNeovimSnippet());

    const report = await runNeovim(repo, ['-u', init], { cmd: null, files: [workflow, deployment], apply: null }, { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` });

    for (const file of report.files) {
      assert.equal(file.filetype, 'yaml', `${file.path} detected as YAML`);
      assert.deepEqual(file.clients, ['shipcheck'], `${file.path} has shipcheck attached`);
    }
    assert.equal(report.servers, 1, 'one server for the working directory, shared by both buffers');
    assert.deepEqual(rangeOf(expectFinding(report, workflow, 'gha/npm-ci')), rangeIn(WORKFLOW, '      - run: npm install', 'npm install'));
    expectFinding(report, deployment, 'k8s/probe-identical');
  });
});

function write(dir: string, relative: string, text: string): string {
  const file = path.join(dir, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** The README's Neovim 0.7 snippet: the first Lua block of "## Other editors" that starts a client. */
function readmeNeovimSnippet(): string {
  const readme = fs.readFileSync(README, 'utf8');
  const section = readme.slice(readme.indexOf('## Other editors'));
  const block = [...section.matchAll(/```lua\n([\s\S]*?)```/g)].map((match) => match[1]!).find((lua) => lua.includes('vim.lsp.start_client'));
  assert.ok(block, 'README.md has a Neovim snippet with vim.lsp.start_client under "## Other editors"');
  return block;
}

/**
 * Runs `nvim --headless --clean [...init] -S check.lua` in `cwd` and returns what check.lua reported. Neovim's
 * state (LSP log, swap and shada files) stays in the temp folder; a run that outlives RUN_LIMIT_MS is killed.
 */
async function runNeovim(cwd: string, initArgs: string[], config: CheckConfig, env: NodeJS.ProcessEnv = {}): Promise<NeovimReport> {
  const run = fs.mkdtempSync(path.join(cwd, '.nvim-run-'));
  const reportFile = path.join(run, 'report.json');
  const configFile = path.join(run, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify({ ...config, root: cwd, timeout_ms: WAIT_MS, report: reportFile }));
  const xdg = { XDG_CONFIG_HOME: path.join(run, 'config'), XDG_DATA_HOME: path.join(run, 'data'), XDG_STATE_HOME: path.join(run, 'state'), XDG_CACHE_HOME: path.join(run, 'cache') };
  const started = Date.now();
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; timedOut: boolean }>((resolve, reject) => {
    // Its own process group, so a hung run can be killed whole.
    const nvim = spawn('nvim', ['--headless', '--clean', '-n', ...initArgs, '-S', CHECK_LUA], {
      cwd,
      env: { ...process.env, ...xdg, ...env, SHIPCHECK_NVIM_CHECK: configFile },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let stderr = '';
    let timedOut = false;
    nvim.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-nvim.pid!, 'SIGKILL');
    }, RUN_LIMIT_MS);
    nvim.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    nvim.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, timedOut });
    });
  });
  const elapsed = Date.now() - started;
  const context = () => `nvim exited ${exit.code ?? exit.signal} after ${elapsed} ms${exit.timedOut ? ' (killed: too slow)' : ''}\nstderr: ${exit.stderr}\nLSP log: ${lspLog(xdg.XDG_CACHE_HOME, xdg.XDG_STATE_HOME)}`;
  assert.ok(fs.existsSync(reportFile), `check.lua wrote no report; ${context()}`);
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as NeovimReport;
  assert.equal(report.error, undefined, `check.lua failed: ${report.error}; ${context()}`);
  assert.equal(exit.code, 0, context());
  return report;
}

// Neovim 0.7 logs to the cache folder, later versions to the state folder: the tail helps when a run fails.
function lspLog(...dirs: string[]): string {
  const log = dirs.map((dir) => path.join(dir, 'nvim', 'lsp.log')).find((file) => fs.existsSync(file));
  return log ? fs.readFileSync(log, 'utf8').slice(-4000) : '(none)';
}

function expectFinding(report: NeovimReport, file: string, code: string): SeenDiagnostic {
  const seen = report.files.find((entry) => entry.path === file);
  assert.ok(seen, `${file} was not opened`);
  const found = seen.diagnostics.find((diagnostic) => diagnostic.code === code);
  assert.ok(found, `no ${code} in ${path.basename(file)} within ${WAIT_MS} ms; Neovim had: ${JSON.stringify(seen.diagnostics.map(({ code: c, lnum, col }) => ({ code: c, lnum, col })))}`);
  assert.equal(found.source, 'shipcheck');
  return found;
}

function rangeOf(diagnostic: SeenDiagnostic): [number, number, number, number] {
  return [diagnostic.lnum, diagnostic.col, diagnostic.end_lnum, diagnostic.end_col];
}

/** Zero-based [line, column, end line, end column] of `needle` on the line that starts with `line` (ASCII text: bytes = UTF-16 units). */
function rangeIn(text: string, line: string, needle: string): [number, number, number, number] {
  const lines = text.split('\n');
  const index = lines.findIndex((candidate) => candidate.startsWith(line));
  assert.ok(index >= 0, `no line starts with ${line}`);
  const column = lines[index]!.indexOf(needle);
  return [index, column, index, column + needle.length];
}
