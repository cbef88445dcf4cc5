import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { json, REPO, shipcheck, shipcheckWith } from '../helpers/cli';

const README = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');

describe('the GitHub Action and the project pipeline', () => {
  it("the README's ready-to-paste workflow passes shipcheck", () => {
    const block = /<!-- action-workflow:start -->\n```yaml\n([\s\S]*?)```\n<!-- action-workflow:end -->/.exec(README);
    assert.ok(block, 'README has the action workflow block');
    const run = shipcheckWith({ cwd: REPO, input: block[1] }, '--stdin', '--stdin-filename', '.github/workflows/shipcheck.yml', '--format', 'json', '--fail-on', 'warning');
    assert.equal(run.status, 0, run.stdout);
    assert.deepEqual(json(run).findings, []);
  });

  it('the repository passes shipcheck at warning and above (fixtures and examples are ignored by its .shipcheck.yaml)', () => {
    const run = shipcheck(REPO, '--fail-on', 'warning', '--format', 'json', '.', 'action.yml');
    assert.equal(run.status, 0, run.stdout);
    assert.deepEqual(json(run).findings.filter((finding) => finding.severity === 'error' || finding.severity === 'warning'), []);
  });

  it('action.yml is a composite action that annotates by default and can upload SARIF', () => {
    const action = parseDocument(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8')).toJS() as {
      inputs: Record<string, { default?: string }>;
      runs: { using: string; steps: { uses?: string; run?: string; if?: string }[] };
    };
    assert.equal(action.runs.using, 'composite');
    assert.equal(action.inputs.sarif?.default, 'false');
    const uses = action.runs.steps.flatMap((step) => (step.uses ? [step.uses] : []));
    assert.ok(uses.some((use) => use.startsWith('actions/setup-node@')));
    assert.ok(uses.some((use) => use.startsWith('github/codeql-action/upload-sarif@')));
    for (const use of uses) assert.match(use, /@[0-9a-f]{40}$/, `${use} is pinned to a commit`);
    const script = action.runs.steps.map((step) => step.run ?? '').join('\n');
    assert.match(script, /--format github/);
    assert.match(script, /--format sarif/);
    // Inputs reach the script through env, never spliced into it with ${{ }}.
    assert.doesNotMatch(script, /\$\{\{/);
  });

  it('builds from the runtime packages and esbuild at the version the lockfile pins, not the whole development tree', () => {
    const action = parseDocument(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8')).toJS() as { runs: { steps: { name?: string; run?: string }[] } };
    const build = action.runs.steps.find((step) => step.run?.includes('esbuild.mjs'))?.run;
    assert.ok(build, 'a step builds shipcheck');
    assert.match(build, /^npm ci --omit=dev /m);
    // The version is read from the lockfile as the step reads it, and is the one package.json pins.
    const expression = /esbuild_version=\$\(node -p "(.+)"\)/.exec(build)?.[1];
    assert.ok(expression, 'the step reads the version of esbuild from the lockfile');
    const read = spawnSync(process.execPath, ['-p', expression], { cwd: REPO, encoding: 'utf8' });
    assert.equal(read.status, 0, read.stderr);
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    assert.equal(read.stdout.trim(), manifest.devDependencies.esbuild);
    assert.match(build, /"esbuild@\$esbuild_version"/);
  });

  it("with summary: 'true', writes the Markdown report to the step summary, even after findings failed the check", () => {
    const action = parseDocument(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8')).toJS() as {
      inputs: Record<string, { default?: string }>;
      runs: { steps: { name?: string; run?: string; if?: string }[] };
    };
    assert.equal(action.inputs.summary?.default, 'false');
    const step = action.runs.steps.find((candidate) => candidate.run?.includes('GITHUB_STEP_SUMMARY'));
    assert.ok(step?.run, 'a step writes the step summary');
    assert.equal(step.if, "${{ !cancelled() && inputs.summary == 'true' }}");
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-summary-'));
    const summary = path.join(scratch, 'summary.md');
    try {
      const run = spawnSync('bash', ['-e', '-c', step.run], {
        cwd: REPO,
        encoding: 'utf8',
        env: { ...process.env, GITHUB_ACTION_PATH: REPO, GITHUB_STEP_SUMMARY: summary, PATHS: 'test/data/report', ARGS: '--no-ignore --preset strict', GITHUB_ACTION_REPOSITORY: '' },
      });
      assert.equal(run.status, 0, run.stderr);
      const text = fs.readFileSync(summary, 'utf8');
      assert.match(text, /^## shipcheck report/);
      assert.match(text, /```mermaid\nflowchart LR\n/);
      assert.match(text, /### By DORA capability/);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});
