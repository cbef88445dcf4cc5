import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { checkFile, type CheckSettings } from '../../server/src/cli/check';
import { sarifLinks, type PackageManifest } from '../../server/src/cli/sarif';
import { ENGINE_RULES } from '../../server/src/engine/core/finding';
import { engineRuleDoc } from '../../server/src/knowledge/engineRules';
import { engineRuleDocMarkdown, ruleDocMarkdown } from '../../server/src/knowledge/ruleDocs';
import { RULES } from '../../server/src/rules/index';
import { CLI, DEPLOYMENT, json, onlyRules, REPO, shipcheck, shipcheckWith, TESTED_RULES, workspace, WORKFLOW } from '../helpers/cli';

const SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO, 'test/data/sarif-schema-2.1.0.json'), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateSarif = ajv.compile(SCHEMA);

function assertValidSarif(text: string): Sarif.Log {
  const log = JSON.parse(text) as Sarif.Log;
  const valid = validateSarif(log);
  assert.ok(valid, `SARIF does not match the 2.1.0 schema: ${JSON.stringify(validateSarif.errors?.slice(0, 5), null, 2)}`);
  return log;
}

const fixture = (...parts: string[]): string => fs.readFileSync(path.join(REPO, 'test/fixtures', ...parts), 'utf8');

/** The environment without SHIPCHECK_DOCS_URL (or with the given one), so the runner's own cannot leak in. */
function docsEnv(docsUrl?: string): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.SHIPCHECK_DOCS_URL;
  return docsUrl === undefined ? env : { ...env, SHIPCHECK_DOCS_URL: docsUrl };
}

const sarif = (root: string, env: NodeJS.ProcessEnv, ...args: string[]) => shipcheckWith({ cwd: root, env }, '--format', 'sarif', ...args);

const MANIFEST = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as PackageManifest;

describe('--format sarif', () => {
  it('is valid SARIF 2.1.0 with every rule described and results pointing at them', () => {
    const root = workspace({ '.github/workflows/ci.yml': WORKFLOW, 'deploy/web app.yaml': DEPLOYMENT, 'deploy/templated.yaml': 'metadata:\n  labels:\n    {{- include "chart.labels" . | nindent 4 }}\n' });
    const run = sarif(root, docsEnv(), '.', 'deploy/templated.yaml');
    assert.equal(run.status, 0, run.stderr);
    const log = assertValidSarif(run.stdout);
    const [sarifRun] = log.runs;
    const rules = sarifRun!.tool.driver.rules!;
    // package.json, read when the CLI was built, decides the links; it names no public repository today.
    const { docsBaseUrl, informationUri } = sarifLinks({}, MANIFEST);
    assert.equal(sarifRun!.tool.driver.informationUri, informationUri);
    for (const rule of RULES) {
      const descriptor = rules.find((candidate) => candidate.id === rule.id);
      assert.ok(descriptor, `${rule.id} is described`);
      assert.equal(descriptor.shortDescription?.text, rule.docs.summary);
      assert.equal(descriptor.fullDescription?.text, rule.docs.rationale);
      assert.equal(descriptor.help?.markdown, ruleDocMarkdown(rule));
      assert.equal(descriptor.helpUri, docsBaseUrl === undefined ? undefined : `${docsBaseUrl}${rule.id}.md`);
      // The workspace's configuration runs the strict preset (onlyRules): every rule on, at its strict level.
      assert.equal(descriptor.defaultConfiguration?.level, { error: 'error', warning: 'warning', info: 'note', hint: 'note', off: 'none' }[rule.presets.strict], rule.id);
      assert.equal(descriptor.defaultConfiguration?.enabled, undefined, `${rule.id} is enabled in strict`);
    }
    const strict = assertValidSarif(shipcheck(root, '--format', 'sarif', '--preset', 'strict', '.').stdout).runs[0]!.tool.driver.rules!;
    for (const rule of RULES) {
      const descriptor = strict.find((candidate) => candidate.id === rule.id)!;
      assert.deepEqual(descriptor.defaultConfiguration, { level: { error: 'error', warning: 'warning', info: 'note', hint: 'note', off: 'none' }[rule.presets.strict] }, `${rule.id} in strict`);
    }
    assert.doesNotMatch(run.stdout, /"(helpUri|informationUri)":"file:/);
    const results = sarifRun!.results!;
    assert.deepEqual(results.map((result) => [result.ruleId, result.level, result.locations![0]!.physicalLocation!.artifactLocation!.uri]), [
      ['gha/npm-ci', 'warning', '.github/workflows/ci.yml'],
      ['k8s/image-tag', 'warning', 'deploy/web%20app.yaml'],
    ]);
    for (const result of results) assert.equal(rules[result.ruleIndex!]!.id, result.ruleId);
    const [npm, image] = results;
    assert.deepEqual(npm!.locations![0]!.physicalLocation!.region, { startLine: 9, startColumn: 14, endLine: 9, endColumn: 25 });
    // A safe fix travels with its result; the image tag has none.
    assert.deepEqual(npm!.fixes![0]!.artifactChanges[0]!.replacements[0], {
      deletedRegion: { startLine: 9, startColumn: 18, endLine: 9, endColumn: 25 },
      insertedContent: { text: 'ci' },
    });
    assert.equal(image!.fixes, undefined);
    assert.equal(sarifRun!.columnKind, 'utf16CodeUnits');
    assert.match(JSON.stringify(sarifRun!.invocations![0]!.toolExecutionNotifications), /deploy\/templated\.yaml/);
  });

  it("describes shipcheck's own findings with their pages, and links every page under an https SHIPCHECK_DOCS_URL", () => {
    const root = workspace({ '.github/workflows/ci.yml': WORKFLOW });
    const log = assertValidSarif(sarif(root, docsEnv('https://docs.example.test/shipcheck/rules')).stdout);
    const { driver } = log.runs[0]!.tool;
    const described = new Map(driver.rules!.map((descriptor) => [descriptor.id, descriptor]));
    for (const id of [ENGINE_RULES.syntax, ENGINE_RULES.internal, ENGINE_RULES.tooLarge, ENGINE_RULES.unusedSuppression]) {
      const doc = engineRuleDoc(id)!;
      const descriptor = described.get(id);
      assert.ok(descriptor, `${id} is described`);
      assert.equal(descriptor.shortDescription?.text, doc.summary);
      assert.equal(descriptor.help?.markdown, engineRuleDocMarkdown(doc));
      assert.equal(descriptor.help?.text, `${doc.rationale}\n\nFix: ${doc.fix}`);
      assert.equal(descriptor.helpUri, `https://docs.example.test/shipcheck/rules/${id}.md`);
      assert.ok(fs.existsSync(path.join(REPO, 'docs/rules', `${id}.md`)), `${id} has a page`);
    }
    assert.equal(described.get('gha/npm-ci')?.helpUri, 'https://docs.example.test/shipcheck/rules/gha/npm-ci.md');
  });

  it('never links a file: URL: a SHIPCHECK_DOCS_URL that is not https is set aside with a warning', () => {
    const root = workspace({ '.github/workflows/ci.yml': WORKFLOW });
    const run = sarif(root, docsEnv('file:///opt/shipcheck/docs/rules/'));
    const log = assertValidSarif(run.stdout);
    const { docsBaseUrl } = sarifLinks({}, MANIFEST);
    for (const descriptor of log.runs[0]!.tool.driver.rules!) assert.equal(descriptor.helpUri, docsBaseUrl === undefined ? undefined : `${docsBaseUrl}${descriptor.id}.md`);
    assert.doesNotMatch(run.stdout, /"(helpUri|informationUri)":"file:/);
    assert.match(run.stderr, /warning: SHIPCHECK_DOCS_URL is not an https:\/\/ URL/);
  });

  it('gives each result a fingerprint that survives lines moving and changes with the line', () => {
    const fingerprints = (text: string): string[] => {
      const log = assertValidSarif(sarif(workspace({ '.github/workflows/ci.yml': text }), docsEnv()).stdout);
      return log.runs[0]!.results!.filter((result) => result.ruleId === 'gha/npm-ci').map((result) => result.partialFingerprints!.primaryLocationLineHash!);
    };
    const [original] = fingerprints(WORKFLOW);
    assert.match(original!, /^[0-9a-f]{16}:1$/);
    const moved = WORKFLOW.replace('      - uses: actions/checkout@v4\n', '      - uses: actions/checkout@v4\n      - run: echo one\n      - run: echo two\n');
    assert.deepEqual(fingerprints(moved), [original], 'lines inserted above');
    assert.deepEqual(fingerprints(WORKFLOW.replace('- run: npm install   # install deps', '- run:   npm install # install deps')), [original], 'only whitespace changed');
    const [edited] = fingerprints(WORKFLOW.replace('npm install   # install deps', 'npm install --no-audit   # install deps'));
    assert.notEqual(edited, original, 'the line itself changed');
    const twice = fingerprints(WORKFLOW.replace('      - run: npm test\n', '      - run: npm install   # install deps\n      - run: npm test\n'));
    assert.deepEqual(twice, [original, original!.replace(/:1$/, ':2')], 'identical lines are told apart by their occurrence');
  });

  it('stays valid for a syntax error, an empty run and every fixture in the repository', () => {
    const broken = workspace({ '.github/workflows/ci.yml': 'on: push\njobs: [\n' });
    const brokenLog = assertValidSarif(shipcheck(broken, '--format', 'sarif').stdout);
    const syntax = brokenLog.runs[0]!.results![0]!;
    assert.equal(syntax.ruleId, 'shipcheck/yaml-syntax');
    assert.equal(brokenLog.runs[0]!.tool.driver.rules![syntax.ruleIndex!]!.id, 'shipcheck/yaml-syntax');
    assert.equal(assertValidSarif(shipcheck(workspace({ 'k8s/ok.yaml': DEPLOYMENT.replace(':latest', ':1.27.3') }), '--format', 'sarif').stdout).runs[0]!.results!.length, 0);
    // Strict: the recommended preset leaves test data and examples alone.
    const all = shipcheck(REPO, '--format', 'sarif', '--no-ignore', '--preset', 'strict', '--fail-on', 'none', 'test/fixtures', 'examples');
    assert.equal(all.status, 0, all.stderr);
    assert.ok(assertValidSarif(all.stdout).runs[0]!.results!.length > 10);
  });
});

describe('SARIF links', () => {
  const base = 'https://github.com/acme/shipcheck/blob/HEAD/docs/rules/';

  it('come from a GitHub repository package.json declares, in any form npm accepts', () => {
    for (const repository of ['acme/shipcheck', 'github:acme/shipcheck', 'https://github.com/acme/shipcheck', 'git+https://github.com/acme/shipcheck.git', 'git@github.com:acme/shipcheck.git', { type: 'git', url: 'git+ssh://git@github.com/acme/shipcheck.git' }]) {
      assert.deepEqual(sarifLinks({}, { repository }), { docsBaseUrl: base, informationUri: 'https://github.com/acme/shipcheck' }, JSON.stringify(repository));
    }
    assert.deepEqual(sarifLinks({}, { repository: { type: 'git', url: 'https://github.com/acme/tools.git', directory: 'packages/shipcheck/' } }).docsBaseUrl, 'https://github.com/acme/tools/blob/HEAD/packages/shipcheck/docs/rules/');
  });

  it('use a homepage as the tool\'s page, and for rule pages only when it is the GitHub repository', () => {
    assert.deepEqual(sarifLinks({}, { homepage: 'https://github.com/acme/shipcheck#readme' }), { docsBaseUrl: base, informationUri: 'https://github.com/acme/shipcheck#readme' });
    assert.deepEqual(sarifLinks({}, { homepage: 'https://shipcheck.example.test/' }), { informationUri: 'https://shipcheck.example.test/' });
    assert.deepEqual(sarifLinks({}, { homepage: 'https://shipcheck.example.test/', repository: 'github:acme/shipcheck' }), { docsBaseUrl: base, informationUri: 'https://shipcheck.example.test/' });
  });

  it('are left out when nothing public is known: no guessing at other hosts, no file: URLs', () => {
    assert.deepEqual(sarifLinks({}, {}), {});
    assert.deepEqual(sarifLinks({}, { repository: 'gitlab:acme/shipcheck', homepage: 'http://shipcheck.example.test/' }), {});
    assert.deepEqual(sarifLinks({ SHIPCHECK_DOCS_URL: 'file:///opt/shipcheck/docs/rules/' }, {}), { warning: "SHIPCHECK_DOCS_URL is not an https:// URL ('file:///opt/shipcheck/docs/rules/'); rule links are left out" });
  });

  it('prefer SHIPCHECK_DOCS_URL, given a trailing slash', () => {
    assert.deepEqual(sarifLinks({ SHIPCHECK_DOCS_URL: 'https://github.example.test/acme/shipcheck/blob/v1.2.0/docs/rules' }, { repository: 'github:acme/shipcheck' }), {
      docsBaseUrl: 'https://github.example.test/acme/shipcheck/blob/v1.2.0/docs/rules/',
      informationUri: 'https://github.com/acme/shipcheck',
    });
    assert.equal(sarifLinks({ SHIPCHECK_DOCS_URL: 'http://docs.example.test/' }, { repository: 'github:acme/shipcheck' }).docsBaseUrl, base);
  });
});

/** Parses `::name k=v,k=v::message` back, undoing GitHub's escaping. */
function parseCommand(line: string): { name: string; properties: Record<string, string>; message: string } {
  const match = /^::(\w+) ([^:]*)::(.*)$/.exec(line);
  assert.ok(match, `not a workflow command: ${line}`);
  const unescape = (text: string): string => text.replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  const properties: Record<string, string> = {};
  for (const pair of match[2]!.split(',')) {
    const at = pair.indexOf('=');
    properties[pair.slice(0, at)] = unescape(pair.slice(at + 1));
  }
  return { name: match[1]!, properties, message: unescape(match[3]!) };
}

describe('--format github', () => {
  it('prints one workflow command a finding, which parses back to the finding', () => {
    const pod = DEPLOYMENT.replace('nginx:latest', 'ghcr.io/acme/web:main');
    const root = workspace({ '.github/workflows/ci.yml': WORKFLOW, 'k8s/a,b:c%.yaml': pod });
    const run = shipcheck(root, '--format', 'github');
    assert.equal(run.status, 0, run.stderr);
    const commands = run.stdout.trimEnd().split('\n').map(parseCommand);
    const findings = json(shipcheck(root, '--format', 'json')).findings;
    assert.equal(commands.length, findings.length);
    commands.forEach((command, index) => {
      const finding = findings[index]!;
      assert.equal(command.name, finding.severity === 'error' ? 'error' : finding.severity === 'warning' ? 'warning' : 'notice');
      assert.deepEqual(command.properties, {
        file: finding.file,
        line: String(finding.line),
        col: String(finding.column),
        endLine: String(finding.endLine),
        endColumn: String(finding.endColumn - 1),
        title: finding.ruleId,
      });
      assert.equal(command.message, finding.message);
    });
    assert.deepEqual(commands.map((command) => command.properties.file), ['.github/workflows/ci.yml', 'k8s/a,b:c%.yaml']);
    assert.equal(commands[1]!.name, 'notice');
    assert.match(run.stdout, /file=k8s\/a%2Cb%3Ac%25\.yaml,/);
  });

  it('escapes line breaks in messages', () => {
    const broken = workspace({ '.github/workflows/ci.yml': 'on: push\njobs:\n  a: [\n' });
    const [line] = shipcheck(broken, '--format', 'github').stdout.trimEnd().split('\n');
    assert.ok(!line!.includes('\r'));
    assert.equal(parseCommand(line!).name, 'error');
  });
});

describe('text colours', () => {
  const root = workspace({ 'k8s/web.yaml': DEPLOYMENT });
  it('are off when not writing to a terminal, and with NO_COLOR', () => {
    assert.doesNotMatch(shipcheck(root).stdout, /\u001b\[/);
    assert.doesNotMatch(shipcheckWith({ cwd: root, env: { ...process.env, FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout, /\u001b\[/);
  });
  it('are on with FORCE_COLOR', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '1' };
    delete env.NO_COLOR;
    assert.match(shipcheckWith({ cwd: root, env }).stdout, /\u001b\[33mwarning/);
  });
});

describe('fixing fixture copies', () => {
  it('--fix turns the npm-ci fixture into its golden file', () => {
    const root = workspace({ '.shipcheck.yaml': onlyRules(['gha/npm-ci']), '.github/workflows/bad.yml': fixture('gha/npm-ci/bad.yaml') });
    const run = shipcheck(root, '--fix');
    assert.match(run.stdout, /Fixed \d+ problems? in 1 file/);
    assert.equal(fs.readFileSync(path.join(root, '.github/workflows/bad.yml'), 'utf8'), fixture('gha/npm-ci/bad.fixed.yaml'));
  });

  it('--fix leaves suggestions alone; --fix-suggestions applies them', () => {
    const only = onlyRules(['k8s/probe-identical']);
    const root = workspace({ '.shipcheck.yaml': only, 'k8s/bad.yaml': fixture('k8s/probe-identical/bad.yaml') });
    const file = path.join(root, 'k8s/bad.yaml');
    const fix = shipcheck(root, '--fix');
    assert.match(fix.stdout, /more with --fix-suggestions/);
    assert.equal(fs.readFileSync(file, 'utf8'), fixture('k8s/probe-identical/bad.yaml'));
    shipcheck(root, '--fix-suggestions');
    assert.equal(fs.readFileSync(file, 'utf8'), fixture('k8s/probe-identical/bad.fixed.yaml'));
    assert.deepEqual(fs.readdirSync(path.join(root, 'k8s')), ['bad.yaml']);
  });

  it('--dry-run prints a unified diff and writes nothing', () => {
    const original = fixture('gha/npm-ci/bad.yaml');
    const root = workspace({ '.shipcheck.yaml': onlyRules(['gha/npm-ci']), '.github/workflows/bad.yml': original });
    const file = path.join(root, '.github/workflows/bad.yml');
    const before = fs.statSync(file).mtimeMs;
    const run = shipcheck(root, '--fix', '--dry-run');
    assert.equal(fs.readFileSync(file, 'utf8'), original);
    assert.equal(fs.statSync(file).mtimeMs, before);
    assert.match(run.stdout, /^--- a\/\.github\/workflows\/bad\.yml\n\+\+\+ b\/\.github\/workflows\/bad\.yml\n@@ -\d+,\d+ \+\d+,\d+ @@/m);
    assert.match(run.stdout, /^-.*npm install/m);
    assert.match(run.stdout, /^\+.*npm ci/m);
    assert.match(run.stdout, /Would fix \d+ problems? in 1 file \(--dry-run: nothing written\)/);
    // Applying the printed diff gives the golden file.
    const report = json(shipcheck(root, '--fix', '--dry-run', '--format', 'json'));
    assert.equal(report.diffs!.length, 1);
    assert.equal(applyUnifiedDiff(original, report.diffs![0]!.diff), fixture('gha/npm-ci/bad.fixed.yaml'));
  });

  it('--dry-run --format json lists no diffs as [], and names an absolute path a/tmp/…, as git does', () => {
    const root = workspace({ '.shipcheck.yaml': onlyRules(['gha/npm-ci']), '.github/workflows/bad.yml': fixture('gha/npm-ci/bad.yaml'), '.github/workflows/good.yml': fixture('gha/npm-ci/good.yaml') });
    assert.deepEqual(json(shipcheck(root, '--fix', '--dry-run', '--format', 'json', '.github/workflows/good.yml')).diffs, []);
    assert.equal(json(shipcheck(root, '--fix', '--format', 'json', '.github/workflows/good.yml')).diffs, undefined, 'no diffs without --dry-run');
    const absolute = path.join(root, '.github/workflows/bad.yml');
    const name = absolute.split(path.sep).join('/').replace(/^\//, '');
    const [diff] = json(shipcheck(root, '--fix', '--dry-run', '--format', 'json', absolute)).diffs!;
    assert.ok(diff!.diff.startsWith(`--- a/${name}\n+++ b/${name}\n`), diff!.diff.split('\n', 2).join('\n'));
  });
});

/** A minimal patch applier for the diffs above (hunks in order, context checked). */
function applyUnifiedDiff(text: string, diff: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let at = 0;
  const diffLines = diff.split('\n');
  for (let index = 0; index < diffLines.length; index++) {
    const header = /^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@/.exec(diffLines[index]!);
    if (!header) continue;
    const start = Number(header[1]) - 1;
    out.push(...lines.slice(at, start));
    at = start;
    for (index++; index < diffLines.length && !diffLines[index]!.startsWith('@@'); index++) {
      const line = diffLines[index]!;
      if (line.startsWith(' ') || line.startsWith('-')) {
        assert.equal(lines[at], line.slice(1));
        at++;
        if (line.startsWith(' ')) out.push(line.slice(1));
      } else if (line.startsWith('+')) {
        out.push(line.slice(1));
      }
    }
    index--;
  }
  out.push(...lines.slice(at));
  return out.join('\n');
}

describe('write conflicts', () => {
  it('leaves a file that changed on disk while shipcheck ran, with a warning', () => {
    const root = workspace({ '.github/workflows/ci.yml': WORKFLOW });
    const file = path.join(root, '.github/workflows/ci.yml');
    const edited = `${WORKFLOW}# edited in the editor meanwhile\n`;
    const settings: CheckSettings = {
      lintOptions: () => ({ rules: RULES.filter((rule) => TESTED_RULES.includes(rule.id)), preset: 'strict' }),
      fix: 'safe',
      dryRun: false,
      beforeWrite: (filePath) => fs.writeFileSync(filePath, edited),
    };
    const report = checkFile({ path: file, explicit: true }, settings);
    assert.equal(report.status, 'checked');
    assert.ok(report.status === 'checked' && report.warning !== undefined && /changed on disk/.test(report.warning));
    assert.equal(report.status === 'checked' ? report.fixed : -1, 0);
    assert.equal(fs.readFileSync(file, 'utf8'), edited);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['ci.yml']);

    const unchanged = checkFile({ path: file, explicit: true }, { ...settings, beforeWrite: undefined });
    assert.equal(unchanged.status === 'checked' ? unchanged.fixed : -1, 1);
    assert.equal(fs.readFileSync(file, 'utf8'), edited.replace('npm install', 'npm ci'));
  });

  it('Ctrl-C stops between files: every file is whole (old or fixed) and no temporary file is left', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 1500; index++) files[`.github/workflows/ci-${String(index).padStart(4, '0')}.yml`] = WORKFLOW;
    const root = workspace(files);
    const child = spawn(process.execPath, [CLI, '--fix'], { cwd: root });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // Interrupt once the first file is fixed: the run is then in its loop over files.
    const first = path.join(root, '.github/workflows/ci-0000.yml');
    const poll = setInterval(() => {
      if (fs.readFileSync(first, 'utf8') !== WORKFLOW) {
        clearInterval(poll);
        child.kill('SIGINT');
      }
    }, 5);
    child.on('close', () => clearInterval(poll));
    const [status] = (await once(child, 'close')) as [number | null];
    assert.ok(status === 130 || status === 0, `exit ${status}: ${stderr}`);
    if (status === 130) assert.match(stderr, /interrupted after \d+ of 1500 files/);
    const directory = path.join(root, '.github/workflows');
    const names = fs.readdirSync(directory);
    assert.equal(names.length, 1500, `left behind: ${names.filter((name) => !/^ci-\d{4}\.yml$/.test(name)).join(', ')}`);
    const fixed = WORKFLOW.replace('npm install', 'npm ci');
    for (const name of names) assert.ok([WORKFLOW, fixed].includes(fs.readFileSync(path.join(directory, name), 'utf8')), name);
  });
});

describe('--stdin', () => {
  it('checks standard input as the named file', () => {
    const root = workspace({});
    const run = shipcheckWith({ cwd: root, input: WORKFLOW }, '--stdin', '--stdin-filename', '.github/workflows/ci.yml', '--format', 'json');
    assert.deepEqual(json(run).findings.map((finding) => [finding.file, finding.ruleId, finding.line]), [['.github/workflows/ci.yml', 'gha/npm-ci', 9]]);
    const manifest = shipcheckWith({ cwd: root, input: DEPLOYMENT }, '--stdin', '--fail-on', 'warning');
    assert.equal(manifest.status, 1);
    assert.match(manifest.stdout, /^<stdin>\n/);
  });

  it('shows fixes as a diff with --dry-run', () => {
    const run = shipcheckWith({ cwd: workspace({}), input: WORKFLOW }, '--stdin', '--stdin-filename', '.github/workflows/ci.yml', '--fix', '--dry-run');
    assert.match(run.stdout, /^-\s+- run: npm install {3}# install deps\n\+\s+- run: npm ci {3}# install deps$/m);
  });
});

describe('configuration', () => {
  const files = { '.github/workflows/ci.yml': WORKFLOW, 'k8s/web.yaml': DEPLOYMENT };

  it('sets levels from .shipcheck.yaml found above the working directory; --rule wins over it', () => {
    const root = workspace({ ...files, '.shipcheck.yaml': onlyRules(TESTED_RULES, '  gha/npm-ci: error\n  k8s/image-tag: off\n') });
    const fromFile = json(shipcheck(path.join(root, 'k8s'), '--format', 'json', '..'));
    assert.deepEqual(fromFile.findings.map((finding) => `${finding.ruleId}:${finding.severity}`), ['gha/npm-ci:error']);
    assert.equal(shipcheck(root).status, 1);
    const flags = json(shipcheck(root, '--format', 'json', '--rule', 'gha/npm-ci=info', '--rule', 'k8s/image-tag=error'));
    assert.deepEqual(flags.findings.map((finding) => `${finding.ruleId}:${finding.severity}`), ['gha/npm-ci:info', 'k8s/image-tag:error']);
    assert.equal(json(shipcheck(root, '--format', 'json', '--rule', 'gha/npm-ci=off')).findings.length, 0);
  });

  it('runs the preset of .shipcheck.yaml, --preset wins over it, and --rule still sets single rules', () => {
    const jobs = 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make build\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n';
    const timeouts = (run: ReturnType<typeof shipcheck>): string[] => json(run).findings.map((finding) => `${finding.line}:${finding.ruleId}:${finding.severity}`);
    // Without onlyRules' own preset line: the preset comes from where each step below says.
    const only = onlyRules(['gha/job-timeout', 'gha/stage-order']).replace('preset: strict\n', '');
    const root = workspace({ '.github/workflows/ci.yml': jobs, '.shipcheck.yaml': only });
    // recommended (no preset anywhere): only the test job can hang for long; stage-order is not in it.
    assert.deepEqual(timeouts(shipcheck(root, '--format', 'json')), ['7:gha/job-timeout:info']);
    const strict = ['3:gha/job-timeout:info', '7:gha/job-timeout:info'];
    assert.deepEqual(timeouts(shipcheck(root, '--format', 'json', '--preset', 'strict')), strict);
    assert.deepEqual(timeouts(shipcheck(root, '--format', 'json', '--preset', 'all')), strict);
    assert.deepEqual(timeouts(shipcheck(root, '--format', 'json', '--preset', 'recommended', '--rule', 'gha/job-timeout=warning')), ['7:gha/job-timeout:warning']);
    fs.writeFileSync(path.join(root, '.shipcheck.yaml'), `preset: strict\n${only}`);
    assert.deepEqual(timeouts(shipcheck(root, '--format', 'json')), strict);
    assert.deepEqual(timeouts(shipcheck(root, '--format', 'json', '--preset', 'recommended')), ['7:gha/job-timeout:info']);
    const bad = shipcheck(root, '--preset', 'pedantic');
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr, "shipcheck: --preset must be one of recommended, strict, all, not 'pedantic'\n");
    fs.writeFileSync(path.join(root, '.shipcheck.yaml'), `preset: pedantic\n${only}`);
    const badFile = shipcheck(root);
    assert.equal(badFile.status, 2);
    assert.equal(badFile.stderr, `${path.join(root, '.shipcheck.yaml')}:1:9: 'preset' must be one of recommended, strict, all, not 'pedantic'\n`);
    assert.match(shipcheck(root, '--help').stdout, /--preset <name> +which rules run and how loud: recommended/);
  });

  it('--config names the file to use instead', () => {
    const root = workspace({ ...files, 'ci/strict.yaml': onlyRules(TESTED_RULES, '  k8s/image-tag: hint\n') });
    const run = json(shipcheck(root, '--format', 'json', '--config', 'ci/strict.yaml'));
    assert.deepEqual(run.findings.map((finding) => `${finding.ruleId}:${finding.severity}`), ['gha/npm-ci:warning', 'k8s/image-tag:hint']);
    const missing = shipcheck(root, '--config', 'nope.yaml');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^shipcheck: nope\.yaml: cannot read the configuration: no such file\n$/);
  });

  it('a malformed configuration is one line with file:line:column and exit 2', () => {
    const root = workspace({ ...files, '.shipcheck.yaml': 'rules:\n  gha/npm-ci: loud\n' });
    const run = shipcheck(root);
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, `${path.join(root, '.shipcheck.yaml')}:2:15: the level of gha/npm-ci must be one of off, hint, info, warning, error, not 'loud'\n`);
  });

  it('a misspelled or mistyped rule option is a line each, at its place, and exit 2', () => {
    const root = workspace({ ...files, 'ci/shipcheck.yaml': 'rules:\n  gha/job-timeout: { level: info, minutes: twenty }\n  gha/artifact-retention:\n    day: 3\n' });
    const run = shipcheck(root, '--config', 'ci/shipcheck.yaml');
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.equal(
      run.stderr,
      "ci/shipcheck.yaml:2:44: option minutes of gha/job-timeout must be an integer, not 'twenty'\nci/shipcheck.yaml:4:5: unknown option day for gha/artifact-retention; did you mean days?\n",
    );
    assert.equal(shipcheck(root, '--config', 'ci/shipcheck.yaml', '--rule', 'gha/job-timeout=off').status, 2, 'a problem stops the run even for a rule turned off');
  });
});

describe('ignore globs', () => {
  const files = {
    '.github/workflows/ci.yml': WORKFLOW,
    'k8s/web.yaml': DEPLOYMENT,
    'test/fixtures/bad/web.yaml': DEPLOYMENT,
    'examples/web.yaml': DEPLOYMENT,
  };
  const found = (root: string, ...args: string[]): string[] => json(shipcheck(root, '--format', 'json', ...args)).findings.map((finding) => finding.file);

  it('leaves out what ignore: in the configuration and --ignore match', () => {
    const root = workspace({ ...files, '.shipcheck.yaml': onlyRules(TESTED_RULES, 'ignore:\n  - test/fixtures/**\n  - examples\n') });
    assert.deepEqual(found(root), ['.github/workflows/ci.yml', 'k8s/web.yaml']);
    assert.deepEqual(found(root, '--ignore', 'k8s/*.yaml'), ['.github/workflows/ci.yml']);
    assert.deepEqual(found(root, '--ignore', '*.yml'), ['k8s/web.yaml']);
    // Globs in the configuration are relative to its directory, wherever shipcheck runs from.
    assert.deepEqual(found(path.join(root, 'test'), '..'), [path.join('..', '.github/workflows/ci.yml'), path.join('..', 'k8s/web.yaml')]);
  });

  it('ignores named paths too (as ESLint does), says so, and --no-ignore checks them', () => {
    const root = workspace({ ...files, '.shipcheck.yaml': onlyRules(TESTED_RULES, 'ignore:\n  - test/fixtures/**\n  - examples/**\n') });
    const named = json(shipcheck(root, '--format', 'json', 'examples/web.yaml', 'k8s'));
    assert.deepEqual(named.findings.map((finding) => finding.file), ['k8s/web.yaml']);
    assert.deepEqual(named.skipped, [{ file: 'examples/web.yaml', reason: 'ignored by .shipcheck.yaml (--no-ignore checks it)' }]);
    const folder = shipcheck(root, 'examples');
    assert.equal(folder.status, 2);
    assert.match(folder.stderr, /^shipcheck: examples: no YAML files to check: everything here is ignored/);
    assert.deepEqual(found(root, '--no-ignore', 'examples'), ['examples/web.yaml']);
  });
});

describe('inputs', () => {
  it('a directory with no YAML files is a clear error', () => {
    const root = workspace({ 'docs/README.md': '# hi\n' });
    const run = shipcheck(root, 'docs');
    assert.equal(run.status, 2);
    assert.equal(run.stderr, 'shipcheck: docs: no YAML files (*.yml, *.yaml) in this directory\n');
  });

  it('an unreadable file is a clear error', (t) => {
    const root = workspace({ 'k8s/web.yaml': DEPLOYMENT });
    fs.chmodSync(root, 0o755);
    fs.chmodSync(path.join(root, 'k8s/web.yaml'), 0o000);
    // Root reads every file, so as root the CLI runs as `nobody`, for whom the file is unreadable.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const probe = spawnSync(process.execPath, [CLI, '--version'], { cwd: root, encoding: 'utf8', ...asNobody });
    if (probe.status !== 0) {
      t.skip(`cannot run the CLI as an unprivileged user here (${probe.stderr.trim() || probe.error?.message})`);
      return;
    }
    const run = spawnSync(process.execPath, [CLI, 'k8s/web.yaml'], { cwd: root, encoding: 'utf8', ...asNobody });
    assert.equal(run.status, 2);
    assert.equal(run.stderr, 'shipcheck: k8s/web.yaml: permission denied\n');
  });
});

describe('--list-rules', () => {
  it('lists every rule with its level in recommended and in strict, fix and summary', () => {
    const run = shipcheck(REPO, '--list-rules');
    assert.equal(run.status, 0);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^rule +recommended +strict +fix +summary$/);
    assert.equal(lines.length, RULES.length + 1);
    for (const rule of RULES) {
      const line = lines.find((candidate) => candidate.startsWith(`${rule.id} `));
      assert.ok(line?.includes(rule.docs.summary), rule.id);
      assert.match(line!, new RegExp(`^${rule.id} +${rule.presets.recommended} +${rule.presets.strict} +${rule.fixable === false ? '-' : rule.fixable} `));
    }
    assert.match(lines.find((line) => line.startsWith('gha/stage-order '))!, /^gha\/stage-order +off +warning /);
    const listed = JSON.parse(shipcheck(REPO, '--list-rules', '--format', 'json').stdout) as { id: string; presets: { recommended: string; strict: string } }[];
    assert.deepEqual(listed.map((rule) => rule.id), RULES.map((rule) => rule.id));
    assert.deepEqual(listed.map((rule) => rule.presets), RULES.map((rule) => rule.presets));
    assert.deepEqual(listed.find((rule) => rule.id === 'gha/stage-order')?.presets, { recommended: 'off', strict: 'warning' });
  });
});
