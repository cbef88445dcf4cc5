import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { BRANCH_TAGGED_POD, CLI, DEPLOYMENT, json, shipcheck, workspace, WORKFLOW, type Run } from '../helpers/cli';

const COMPOSE = `services:
  web:
    image: nginx:latest
`;

const BROKEN = `on: push
jobs:
  test:
    runs-on: [ubuntu-latest
    steps: []
`;

const HELM_TEMPLATE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    {{- include "chart.labels" . | nindent 4 }}
`;

function assertNoStackTrace(run: Run): void {
  assert.doesNotMatch(run.stdout + run.stderr, /\n\s+at .+[:(]/);
}

describe('output a person can read on a large run', () => {
  // Three rules: two warnings (npm-ci, image-tag :latest) and two info (image-tag on branch tags).
  const twoContainers = `${DEPLOYMENT}        - name: side\n          image: ghcr.io/acme/side:main\n`;
  const files = { '.github/workflows/ci.yml': WORKFLOW, 'deploy/web.yaml': twoContainers, 'deploy/side.yaml': BRANCH_TAGGED_POD, 'deploy/ok.yaml': DEPLOYMENT.replace(':latest', ':1.27.3') };

  it('ends with the files checked and the rules that found most', () => {
    const lines = shipcheck(workspace(files)).stdout.trimEnd().split('\n');
    assert.deepEqual(lines.slice(-2), ['✖ 4 problems (2 warnings, 2 info) in 3 of 4 files checked · 1 fixable with --fix', '  Most found: k8s/image-tag (3), gha/npm-ci (1)']);
  });

  it('--quiet shows errors only, says what it left out, and keeps the exit code', () => {
    const root = workspace(files);
    const quiet = shipcheck(root, '--quiet');
    assert.equal(quiet.status, 0);
    assert.equal(quiet.stdout, '✔ No problems shown in 4 files\n  2 warnings, 2 info not shown (--quiet)\n');
    assert.deepEqual(json(shipcheck(root, '-q', '--format', 'json')).findings, []);
    // The verdict counts every finding: failing on warnings still fails, and stderr says why nothing shown explains it.
    const failing = shipcheck(root, '--quiet', '--fail-on', 'warning');
    assert.equal(failing.status, 1);
    assert.match(failing.stderr, /failing \(--fail-on warning\) on findings not shown \(--quiet\)/);
    assert.match(shipcheck(root, '--quiet', '--min-severity', 'info').stderr, /--quiet is --min-severity error: give one of them/);
  });

  it('--min-severity leaves out less severe findings in every format', () => {
    const root = workspace(files);
    const text = shipcheck(root, '--min-severity', 'warning').stdout;
    assert.doesNotMatch(text, /\binfo\b.*k8s\/image-tag/);
    assert.match(text, /✖ 2 problems \(2 warnings\) in 2 of 4 files checked/);
    assert.match(text, /\n {2}2 info not shown \(--min-severity warning\)\n$/);
    assert.deepEqual(json(shipcheck(root, '--min-severity', 'warning', '--format', 'json')).findings.map((finding) => finding.severity), ['warning', 'warning']);
    const sarif = JSON.parse(shipcheck(root, '--min-severity', 'warning', '--format', 'sarif').stdout) as { runs: { results: unknown[] }[] };
    assert.equal(sarif.runs[0]!.results.length, 2);
    assert.equal(shipcheck(root, '--min-severity', 'hint', '--format', 'json').status, 0);
    assert.match(shipcheck(root, '--min-severity', 'loud').stderr, /--min-severity must be one of error, warning, info, hint, not 'loud'/);
  });

  it('--format compact prints one line a finding, as compilers do, then the summary', () => {
    const run = shipcheck(workspace(files), '--format', 'compact');
    assert.equal(run.status, 0);
    const lines = run.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.slice(0, 5), [
      ".github/workflows/ci.yml:9:14: warning: 'npm install' resolves versions afresh and may rewrite package-lock.json, so CI can build something other than what was reviewed. Use 'npm ci': it installs exactly the lockfile and fails when it is out of date. [gha/npm-ci]",
      lines[1]!,
      lines[2]!,
      lines[3]!,
      '',
    ]);
    assert.match(lines[1]!, /^deploy\/side\.yaml:8:14: info: Image .+ \[k8s\/image-tag\]$/);
    assert.match(lines[2]!, /^deploy\/web\.yaml:10:18: warning: Image .+ \[k8s\/image-tag\]$/);
    assert.match(lines[3]!, /^deploy\/web\.yaml:12:18: info: Image .+ \[k8s\/image-tag\]$/);
    assert.equal(lines[5], '✖ 4 problems (2 warnings, 2 info) in 3 of 4 files checked · 1 fixable with --fix');
  });

  it('indents SARIF for a terminal and writes it on one line to a pipe', { skip: process.platform !== 'linux' ? 'needs script(1) from util-linux to give the CLI a terminal' : false }, () => {
    const root = workspace(files);
    const piped = shipcheck(root, '--format', 'sarif').stdout;
    assert.equal(piped.trimEnd().split('\n').length, 1);
    // script(1) runs the CLI with a pseudo-terminal as its stdout and copies what it wrote.
    const command = [process.execPath, CLI, '--format', 'sarif'].map((word) => `'${word}'`).join(' ');
    const terminal = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: root, encoding: 'utf8' });
    assert.equal(terminal.status, 0, terminal.stderr);
    const text = terminal.stdout.replace(/\r\n/g, '\n');
    assert.match(text, /^\{\n {2}"\$schema"/);
    assert.deepEqual(JSON.parse(text), JSON.parse(piped));
  });
});

describe('text output', () => {
  it('groups findings under their file, aligns columns and ends with a summary', () => {
    const twoContainers = `${DEPLOYMENT}        - name: side\n          image: ghcr.io/acme/side:main\n`;
    const root = workspace({ '.github/workflows/ci.yml': WORKFLOW, 'deploy/web.yaml': twoContainers, 'deploy/side.yaml': BRANCH_TAGGED_POD });
    const run = shipcheck(root);
    assert.equal(run.status, 0);
    assert.equal(run.stderr, '');
    const lines = run.stdout.trimEnd().split('\n');
    assert.deepEqual(
      lines.filter((line) => line !== '' && !line.startsWith(' ')),
      ['.github/workflows/ci.yml', 'deploy/side.yaml', 'deploy/web.yaml', '✖ 4 problems (2 warnings, 2 info) in 3 of 3 files checked · 1 fixable with --fix'],
    );
    const linesAfter = (file: string, count: number): string[] => lines.slice(lines.indexOf(file) + 1, lines.indexOf(file) + 1 + count);
    assert.match(linesAfter('.github/workflows/ci.yml', 1)[0]!, /^ {2}9:14 {2}warning {2}'npm install' .+ {2}gha\/npm-ci$/);
    assert.match(linesAfter('deploy/side.yaml', 1)[0]!, /^ {2}8:14 {2}info {2}Image .+ {2}k8s\/image-tag$/);
    const [latest, latestSource, latestCarets, branch, branchSource, branchCarets] = linesAfter('deploy/web.yaml', 6);
    assert.match(latest!, /^ {2}10:18 {2}warning {2}Image 'nginx:latest' .+ {2}k8s\/image-tag$/);
    assert.match(branch!, /^ {2}12:18 {2}info {5}Image 'ghcr\.io\/acme\/side:main' .+ {2}k8s\/image-tag$/);
    // A code frame under each finding: the source line, then carets under exactly the span.
    assert.equal(latestSource, '    10 |           image: nginx:latest');
    assert.equal(latestCarets, '       |                  ^^^^^^^^^^^^');
    assert.equal(branchSource, '    12 |           image: ghcr.io/acme/side:main');
    assert.equal(branchCarets, `       |                  ${'^'.repeat('ghcr.io/acme/side:main'.length)}`);
  });

  it('says so when there is nothing to report', () => {
    const root = workspace({ '.github/workflows/ci.yml': WORKFLOW.replace('npm install', 'npm ci'), 'deploy/web.yaml': DEPLOYMENT.replace(':latest', ':1.27.3') });
    const run = shipcheck(root);
    assert.equal(run.status, 0);
    assert.equal(run.stdout, '✔ No problems in 2 files\n');
  });

  it('notes a Helm template as skipped, with the reason', () => {
    const root = workspace({ 'deploy/templated.yaml': HELM_TEMPLATE });
    const run = shipcheck(root);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^deploy\/templated\.yaml\n {2}skipped {2}.*template/m);
  });
});

describe('JSON output', () => {
  it('follows the contract: 1-based positions, exclusive end column, fixable kind or null', () => {
    const root = workspace({ '.github/workflows/ci.yml': WORKFLOW, 'deploy/web.yaml': DEPLOYMENT });
    const run = shipcheck(root, '--format', 'json');
    assert.equal(run.status, 0);
    const report = json(run);
    assert.deepEqual(report.skipped, []);
    assert.equal(report.findings.length, 2);
    const [npm, image] = report.findings;
    assert.deepEqual(
      { ...npm, message: undefined },
      {
        file: '.github/workflows/ci.yml',
        ruleId: 'gha/npm-ci',
        messageId: 'npmInstall',
        severity: 'warning',
        message: undefined,
        line: 9,
        column: 14,
        endLine: 9,
        endColumn: 25,
        fixable: 'safe',
        docs: 'docs/rules/gha/npm-ci.md',
      },
    );
    assert.match(npm!.message, /npm install/);
    const line9 = WORKFLOW.split('\n')[npm!.line - 1]!;
    assert.equal(line9.slice(npm!.column - 1, npm!.endColumn - 1), 'npm install');
    assert.deepEqual(
      { file: image!.file, ruleId: image!.ruleId, messageId: image!.messageId, severity: image!.severity, line: image!.line, column: image!.column, endLine: image!.endLine, endColumn: image!.endColumn, fixable: image!.fixable },
      { file: 'deploy/web.yaml', ruleId: 'k8s/image-tag', messageId: 'latest', severity: 'warning', line: 10, column: 18, endLine: 10, endColumn: 30, fixable: null },
    );
    assert.equal(typeof image!.message, 'string');
  });

  it('lists skipped files with their reason', () => {
    const root = workspace({ 'deploy/templated.yaml': HELM_TEMPLATE });
    const report = json(shipcheck(root, '--format', 'json'));
    assert.deepEqual(report.findings, []);
    assert.equal(report.skipped.length, 1);
    assert.equal(report.skipped[0]!.file, 'deploy/templated.yaml');
    assert.match(report.skipped[0]!.reason, /template/);
  });

  const manyManifests = (): string => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 300; index++) files[`deploy/web-${String(index).padStart(3, '0')}.yaml`] = DEPLOYMENT;
    return workspace(files);
  };

  it('stays valid JSON for a large report', () => {
    const run = shipcheck(manyManifests(), '--format', 'json');
    assert.equal(json(run).findings.length, 300);
    assert.equal(json(run).findings[0]!.file, 'deploy/web-000.yaml');
  });

  it('stays quiet when the reader stops early', async () => {
    const child = spawn(process.execPath, [CLI, '--format', 'json'], { cwd: manyManifests() });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [status] = (await once(child, 'close')) as [number | null];
    assert.equal(stderr, '');
    assert.equal(status, 0);
  });
});

describe('exit codes', () => {
  const root = workspace({ '.github/workflows/ci.yml': WORKFLOW, 'pods/side.yaml': BRANCH_TAGGED_POD, 'broken.yml': BROKEN });

  it('exits 0 below --fail-on (default error) and 1 at or above it', () => {
    assert.equal(shipcheck(root, '.github').status, 0);
    assert.equal(shipcheck(root, '--fail-on', 'warning', '.github').status, 1);
    assert.equal(shipcheck(root, '--fail-on=warning', 'pods').status, 0);
    assert.equal(shipcheck(root, '--fail-on', 'info', 'pods').status, 1);
    assert.equal(shipcheck(root, '--fail-on', 'hint', 'pods').status, 1);
    assert.equal(shipcheck(root, 'broken.yml').status, 1);
    assert.equal(shipcheck(root, '--fail-on', 'none', 'broken.yml').status, 0);
  });

  const usageErrors = [
    ['--frobnicate'],
    ['--format', 'xml'],
    ['--format'],
    ['--fail-on', 'sometimes'],
    ['--fix=yes'],
    ['--rule', 'gha/no-such-rule=off'],
    ['--rule', 'gha/npm-ci'],
    ['--rule', 'gha/npm-ci=loud'],
    ['--dry-run'],
    ['--stdin-filename', 'ci.yml'],
    ['--stdin', '--fix'],
    ['--stdin', 'ci.yml'],
  ];
  for (const args of usageErrors) {
    it(`exits 2 with one line on stderr for ${args.join(' ')}`, () => {
      const run = shipcheck(root, ...args);
      assert.equal(run.status, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^shipcheck: [^\n]+\n$/);
    });
  }

  it('exits 2 naming a path that does not exist', () => {
    const run = shipcheck(root, 'no-such-dir', '.github');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^shipcheck: no-such-dir: [^\n]+\n$/);
    assertNoStackTrace(run);
  });

  it('prints usage for --help and the version for --version', () => {
    const help = shipcheck(root, '--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: shipcheck/);
    assert.match(help.stdout, /--fail-on/);
    const version = shipcheck(root, '--version');
    assert.equal(version.status, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});

describe('discovery', () => {
  it('finds workflows and manifests, skips dependencies, hidden folders and unrelated YAML', () => {
    const root = workspace({
      '.github/workflows/ci.yml': WORKFLOW,
      'k8s/web.yaml': DEPLOYMENT,
      'node_modules/dep/.github/workflows/ci.yml': WORKFLOW,
      'node_modules/dep/deploy.yaml': DEPLOYMENT,
      '.cache/deploy.yaml': DEPLOYMENT,
      'docker-compose.yml': COMPOSE,
      'config/broken.yml': 'settings: [unclosed\n',
      'README.md': 'image: nginx:latest\n',
    });
    const run = shipcheck(root, '--format', 'json');
    assert.equal(run.stderr, '');
    assert.deepEqual(
      json(run).findings.map((finding) => `${finding.file} ${finding.ruleId}`),
      ['.github/workflows/ci.yml gha/npm-ci', 'k8s/web.yaml k8s/image-tag'],
    );
    assert.ok(shipcheck(root).stdout.split('\n').includes('✖ 2 problems (2 warnings) in 2 of 2 files checked · 1 fixable with --fix'));
  });

  it('counts only workflows and manifests among the files it found', () => {
    const root = workspace({
      'k8s/web.yaml': DEPLOYMENT.replace(':latest', ':1.27.3'),
      'docker-compose.yml': COMPOSE,
      '.golangci.yml': 'linters:\n  enable: [govet]\n',
      'chart/values.yaml': 'image:\n  tag: latest\n',
    });
    assert.equal(shipcheck(root).stdout, '✔ No problems in 1 file\n');
  });

  it('always checks files named on the command line, and keeps paths as given', () => {
    const root = workspace({ 'docker-compose.yml': COMPOSE, 'config/broken.yml': 'settings: [unclosed\n', 'k8s/web.yaml': DEPLOYMENT });
    assert.equal(shipcheck(root, 'docker-compose.yml').stdout, '✔ No problems in 1 file\n');
    const broken = json(shipcheck(root, '--format', 'json', 'config/broken.yml'));
    assert.deepEqual(broken.findings.map((finding) => finding.ruleId), ['shipcheck/yaml-syntax']);
    const relative = json(shipcheck(path.join(root, 'config'), '--format', 'json', '../k8s'));
    assert.deepEqual(relative.findings.map((finding) => finding.file), [path.join('..', 'k8s', 'web.yaml')]);
    const absolute = json(shipcheck(root, '--format', 'json', path.join(root, 'k8s')));
    assert.deepEqual(absolute.findings.map((finding) => finding.file), [path.join(root, 'k8s', 'web.yaml')]);
  });

  it('indexes the skaffold.yaml and kustomizations of a checked folder: images they fill in are not flagged', () => {
    const root = workspace({
      'skaffold.yaml': 'apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n    - image: web\n',
      'k8s/web.yaml': DEPLOYMENT.replace('nginx:latest', 'web'),
      'overlay/kustomization.yaml': 'resources:\n  - ../base\nimages:\n  - name: nginx\n    newTag: 1.27.3\n',
      'base/kustomization.yaml': 'resources:\n  - web.yaml\n',
      'base/web.yaml': DEPLOYMENT,
    });
    const tagged = (run: Run) => json(run).findings.filter((finding) => finding.ruleId === 'k8s/image-tag').map((finding) => finding.file);
    assert.deepEqual(tagged(shipcheck(root, '--format', 'json')), []);
    // A file named alone is checked alone: nothing tells it what the build tools do.
    assert.deepEqual(tagged(shipcheck(root, '--format', 'json', 'k8s/web.yaml', 'base/web.yaml')), ['base/web.yaml', 'k8s/web.yaml']);
  });

  it('reports a file once when it is reached twice', () => {
    const root = workspace({ 'k8s/web.yaml': DEPLOYMENT });
    assert.equal(json(shipcheck(root, '--format', 'json', 'k8s', 'k8s/web.yaml', '.')).findings.length, 1);
  });
});

describe('--fix', () => {
  it('applies safe fixes in place, keeping every other byte, and leaves unchanged files untouched', () => {
    const root = workspace({ '.github/workflows/ci.yml': WORKFLOW, 'k8s/web.yaml': DEPLOYMENT });
    const manifest = path.join(root, 'k8s/web.yaml');
    const longAgo = new Date('2001-02-03T04:05:06Z');
    fs.utimesSync(manifest, longAgo, longAgo);

    const run = shipcheck(root, '--fix');
    assert.equal(run.status, 0);
    assert.equal(fs.readFileSync(path.join(root, '.github/workflows/ci.yml'), 'utf8'), WORKFLOW.replace('npm install   # install deps', 'npm ci   # install deps'));
    assert.equal(fs.readFileSync(manifest, 'utf8'), DEPLOYMENT);
    assert.equal(fs.statSync(manifest).mtimeMs, longAgo.getTime());
    assert.deepEqual(fs.readdirSync(path.join(root, '.github/workflows')), ['ci.yml']);
    assert.match(run.stdout, /Fixed 1 problem in 1 file/);
    assert.doesNotMatch(run.stdout, /gha\/npm-ci/);
    assert.match(run.stdout, /k8s\/image-tag/);

    const again = json(shipcheck(root, '--fix', '--format', 'json'));
    assert.deepEqual(again.findings.map((finding) => finding.ruleId), ['k8s/image-tag']);
  });

  it('keeps CRLF line endings and a byte-order mark', () => {
    const original = `\uFEFF${WORKFLOW.replace(/\n/g, '\r\n')}`;
    const root = workspace({ '.github/workflows/ci.yml': original });
    shipcheck(root, '--fix');
    assert.equal(fs.readFileSync(path.join(root, '.github/workflows/ci.yml'), 'utf8'), original.replace('npm install', 'npm ci'));
  });
});

describe('bad input', () => {
  it('reports broken YAML as shipcheck/yaml-syntax with a position, without a stack trace', () => {
    const root = workspace({ '.github/workflows/broken.yml': BROKEN });
    const text = shipcheck(root);
    assert.equal(text.status, 1);
    assert.match(text.stdout, /^ {2}\d+:\d+ {2}error {2}.+ {2}shipcheck\/yaml-syntax$/m);
    assert.equal(text.stderr, '');
    assertNoStackTrace(text);
    const [finding] = json(shipcheck(root, '--format', 'json')).findings;
    assert.equal(finding!.ruleId, 'shipcheck/yaml-syntax');
    assert.equal(finding!.severity, 'error');
    assert.ok(finding!.line >= 4 && finding!.column >= 1, `position ${finding!.line}:${finding!.column}`);
  });

  it('skips a binary file named on the command line instead of crashing, and exits 2', () => {
    const root = workspace({ 'junk.yml': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0xff, 0xfe, 0x00, 0x0a]) });
    const text = shipcheck(root, 'junk.yml');
    assert.equal(text.status, 2);
    assert.equal(text.stderr, 'shipcheck: junk.yml: cannot be checked: binary file (it contains NUL bytes)\n');
    assert.match(text.stdout, /^junk\.yml\n {2}skipped {2}binary file/m);
    assertNoStackTrace(text);
    assert.deepEqual(json(shipcheck(root, '--format', 'json', 'junk.yml')).skipped.map((skip) => skip.file), ['junk.yml']);
  });
});

describe('adopting on an existing repository: --baseline', () => {
  it('reports only findings not in the baseline, matched by rule and line text, so lines moving keep them matched', () => {
    const root = workspace({ '.github/workflows/ci.yml': WORKFLOW, 'deploy/web.yaml': DEPLOYMENT });
    const written = shipcheck(root, '--baseline', 'shipcheck-baseline.json', '--update-baseline', '--fail-on', 'warning');
    assert.equal(written.status, 0, written.stderr);
    assert.match(written.stderr, /wrote 2 findings to the baseline shipcheck-baseline\.json/);
    const baseline = JSON.parse(fs.readFileSync(path.join(root, 'shipcheck-baseline.json'), 'utf8')) as { findings: { file: string; ruleId: string }[] };
    assert.deepEqual(baseline.findings.map((entry) => `${entry.file} ${entry.ruleId}`), ['.github/workflows/ci.yml gha/npm-ci', 'deploy/web.yaml k8s/image-tag']);
    // Lines added above move the old finding; a new finding on a new line is the only one reported.
    const workflow = path.join(root, '.github/workflows/ci.yml');
    fs.writeFileSync(workflow, `# moved down\n${fs.readFileSync(workflow, 'utf8')}      - run: npm i --no-audit\n`);
    const run = shipcheck(root, '--baseline', 'shipcheck-baseline.json', '--format', 'json', '--fail-on', 'warning');
    assert.equal(run.status, 1);
    assert.deepEqual(json(run).findings.map((finding) => `${finding.file}:${finding.line} ${finding.ruleId}`), ['.github/workflows/ci.yml:12 gha/npm-ci']);
    assert.match(run.stderr, /2 findings in the baseline shipcheck-baseline\.json not reported/);
    // Editing a baselined line brings its finding back.
    fs.writeFileSync(path.join(root, 'deploy/web.yaml'), DEPLOYMENT.replace('nginx:latest', 'nginx'));
    assert.ok(json(shipcheck(root, '--baseline', 'shipcheck-baseline.json', '--format', 'json')).findings.some((finding) => finding.ruleId === 'k8s/image-tag'));
  });

  it('says what is wrong with a missing or foreign baseline file, and that --update-baseline needs one named', () => {
    const root = workspace({ '.github/workflows/ci.yml': WORKFLOW, 'other.json': '{"findings": 3}' });
    const missing = shipcheck(root, '--baseline', 'nope.json');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read the baseline nope\.json: .*\(--update-baseline writes one\)/);
    assert.match(shipcheck(root, '--baseline', 'other.json').stderr, /other\.json is not a shipcheck baseline/);
    assert.match(shipcheck(root, '--update-baseline').stderr, /--update-baseline needs --baseline <file>/);
  });
});
