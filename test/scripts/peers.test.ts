import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { lintPeer, peerCommits, WHOLE_OBJECTS_CONFIG, workflowPlaces } from '../../scripts/peers/collect';
import { parseActionlintGolden, parseKubeLinterExpected, parseKubeScoreExpected, parseZizmorExpected, polarisExpectation } from '../../scripts/peers/expectations';
import { parseMapping, readMapping, ROOT } from '../../scripts/peers/mapping';
import { type Dispute, meetsWithoutDisputed, parseDisputes, readDisputes, shortfalls, staleDisputes } from '../../scripts/peers/disputes';
import type { PeerScore } from '../../scripts/peers/peers';
import { BEGIN, END, targetSection, updatePage } from '../../scripts/peers/report';
import { scoreFiles, scoreLines, scoreObjects, type Finding } from '../../scripts/peers/score';
import { isFragmentFile, objectSpans, workflowLayout } from '../../scripts/peers/structure';

// The scorer of `npm run peers` on tiny synthetic expectations and findings: no peers folder needed.
const finding = (file: string, line: number, ruleId: string): Finding => ({ file, line, ruleId, severity: 'warning', message: '' });

describe('npm run peers: the mapping tables', () => {
  it('reads a table and refuses rows it cannot trust', () => {
    const { table, errors } = parseMapping(
      ['# comment', 'audit\trules\tnote', 'a\tgha/x,gha/y\t', 'b\tnone\tneeds the network', 'c\tnone\t', 'd\tGHA/x\t', 'a\tgha/z\t', 'e\tshipcheck/yaml-syntax\t'].join('\n'),
      'm.tsv',
    );
    assert.deepEqual([...table], [
      ['a', { rules: ['gha/x', 'gha/y'], note: '' }],
      ['b', { rules: [], note: 'needs the network' }],
      ['e', { rules: ['shipcheck/yaml-syntax'], note: '' }],
    ]);
    assert.deepEqual(errors, [
      'm.tsv:5: c maps to none without a reason',
      'm.tsv:6: rules is a comma-separated list of gha/…, k8s/… or shipcheck/… ids (each may end in #messageId), or none (got "GHA/x")',
      'm.tsv:7: a is mapped twice',
    ]);
  });

  it('the committed tables parse, and map the checks the issues name', () => {
    const zizmor = readMapping('zizmor');
    assert.deepEqual(zizmor.get('template-injection')?.rules, ['gha/script-injection']);
    assert.match(zizmor.get('impostor-commit')?.note ?? '', /network/);
    assert.deepEqual(readMapping('actionlint').get('job-needs')?.rules, ['gha/job-needs']);
    assert.deepEqual(readMapping('kube-linter').get('privileged-container')?.rules, ['k8s/privileged']);
    assert.deepEqual(readMapping('kube-score').get('Pod Probes')?.rules, ['k8s/probe-missing']);
    assert.deepEqual(readMapping('polaris').get('tagNotSpecified')?.rules, ['k8s/image-tag']);
  });
});

describe('npm run peers: reading what the peers assert', () => {
  it('zizmor rows, with their personas', () => {
    const { rows, errors } = parseZizmorExpected('file\tline\taudit\tlevel\tpersonas\tmessage\na.yml\t3\tbot-conditions\thigh\tpedantic,regular\tx\nbad\n', 'e.tsv', 'zizmor/');
    assert.deepEqual(rows, [{ file: 'zizmor/a.yml', line: 3, check: 'bot-conditions', personas: ['pedantic', 'regular'] }]);
    assert.deepEqual(errors, ['e.tsv:3: not a row of file, line, audit, …']);
  });

  it('actionlint golden lines, plain and as regular expressions', () => {
    const { rows, unread } = parseActionlintGolden('test.yaml:4:3: job "x" needs job "y" which does not exist [job-needs]\n/test\\.yaml:7:9: context "env" .+ \\[expression\\]/\n/{string => string}/\n', 'err/x.yaml');
    assert.deepEqual(rows, [
      { file: 'err/x.yaml', line: 4, check: 'job-needs' },
      { file: 'err/x.yaml', line: 7, check: 'expression' },
    ]);
    assert.deepEqual(unread, ['/{string => string}/']);
  });

  it('kube-linter counts, with the object and container each message names', () => {
    const json = JSON.stringify([
      { test: 'privileged', file: 'tests/checks/p.yml', check: 'privileged-container', count: 3, msgs: ['Deployment: container "app" is privileged', 'Job bad-job: no ttl'] },
      { test: 'template-x', file: 'tests/checks/t.yml', check: null, count: 1, msgs: [] },
    ]);
    assert.deepEqual(parseKubeLinterExpected(json), {
      rows: [
        { file: 'checks/p.yml', check: 'privileged-container', kind: 'Deployment', container: 'app' },
        { file: 'checks/p.yml', check: 'privileged-container', kind: 'Job', name: 'bad-job' },
        { file: 'checks/p.yml', check: 'privileged-container' },
      ],
      leftOut: ['template-x'],
    });
  });

  it('kube-score grades and Polaris file names', () => {
    const json = JSON.stringify([
      { src: 's', files: ['a.yaml'], check: 'Pod Probes', grade: 'Critical' },
      { src: 's', files: ['a.yaml'], check: 'Pod Probes', grade: 'Warning' },
      { src: 's', files: ['b.yaml'], check: 'Pod Probes', grade: 'AllOK' },
    ]);
    assert.deepEqual(parseKubeScoreExpected(json), [
      { file: 'score/testdata/a.yaml', check: 'Pod Probes', fails: true },
      { file: 'score/testdata/b.yaml', check: 'Pod Probes', fails: false },
    ]);
    // A name built in a loop over API versions keeps only its tail; it stands for the files that end with it.
    const looped = JSON.stringify([{ src: 's', files: ['-deadline-not-set.yaml'], check: 'CronJob has deadline', grade: 'Critical' }]);
    assert.deepEqual(parseKubeScoreExpected(looped, ['cronjob-v1-deadline-not-set.yaml', 'cronjob-v1beta1-deadline-not-set.yaml', 'cronjob-v1-deadline-set.yaml']), [
      { file: 'score/testdata/cronjob-v1-deadline-not-set.yaml', check: 'CronJob has deadline', fails: true },
      { file: 'score/testdata/cronjob-v1beta1-deadline-not-set.yaml', check: 'CronJob has deadline', fails: true },
    ]);
    assert.deepEqual(polarisExpectation('hostPIDSet', 'failure.pod.yaml'), { file: 'test-checks/hostPIDSet/failure.pod.yaml', check: 'hostPIDSet', fails: true });
    assert.equal(polarisExpectation('hostPIDSet', 'success.yaml')?.fails, false);
    assert.equal(polarisExpectation('hostPIDSet', 'mutated.yaml'), undefined);
  });

  it('the peer commits of the peers README', () => {
    const readme = '| folder | project |\n|---|---|\n| `zizmor/` | zizmorcore/zizmor (11bbf7e) — auditor | x |\n';
    assert.deepEqual([...peerCommits(readme)], [['zizmor', { repository: 'zizmorcore/zizmor', commit: '11bbf7e' }]]);
  });
});

describe('npm run peers: matching findings with expectations', () => {
  const WORKFLOW = ['on: push', 'jobs:', '  build:', '    runs-on: ubuntu-latest', '    permissions: write-all', '    steps:', '      - uses: actions/cache@v4', '        with:', '          path: x', '          key: y', '      - run: echo', ''].join('\n');
  const layout = () => workflowLayout(WORKFLOW);
  const mapping = new Map([
    ['cache-poisoning', { rules: ['gha/cache-poisoning'], note: '' }],
    ['excessive-permissions', { rules: ['gha/permissions'], note: '' }],
    ['unpinned-uses', { rules: ['gha/unpinned-action'], note: '' }],
    ['impostor-commit', { rules: [], note: 'needs the network' }],
  ]);

  it('knows where jobs and steps lie', () => {
    assert.deepEqual(workflowLayout(WORKFLOW), { jobs: [{ start: 3, end: 11 }], steps: [{ start: 7, end: 10 }, { start: 11, end: 11 }] });
  });

  it('matches within two lines, in the same step, or in the same job from the job level; one finding per expectation', () => {
    const expected = [
      { file: 'w.yml', line: 7, check: 'cache-poisoning' }, // the finding is on line 10, in the same step
      { file: 'w.yml', line: 3, check: 'excessive-permissions' }, // on line 5: within two lines
      { file: 'w.yml', line: 3, check: 'unpinned-uses' }, // on line 11, in a step of that job, while the expectation is on the job
      { file: 'w.yml', line: 1, check: 'unpinned-uses' }, // nothing left for it: the one finding is taken
      { file: 'w.yml', line: 7, check: 'impostor-commit' }, // mapped to no rule
      { file: 'other.yml', line: 10, check: 'cache-poisoning' }, // another file
    ];
    const findings = [finding('w.yml', 10, 'gha/cache-poisoning'), finding('w.yml', 5, 'gha/permissions'), finding('w.yml', 11, 'gha/unpinned-action'), finding('w.yml', 11, 'gha/job-timeout')];
    const score = scoreLines(expected, findings, mapping, layout);
    assert.deepEqual(score.matches, [0, 1, 2, undefined, undefined, undefined]);
    const row = (check: string) => score.rows.find((r) => r.check === check);
    assert.deepEqual(row('cache-poisoning'), { check: 'cache-poisoning', rules: ['gha/cache-poisoning'], note: '', expected: 2, found: 1, extra: 0 });
    assert.deepEqual([row('unpinned-uses')?.expected, row('unpinned-uses')?.found], [2, 1]);
    assert.deepEqual([row('impostor-commit')?.expected, row('impostor-commit')?.found], [1, 0]);
  });

  it('counts a rule#messageId entry only for findings with that message, and leaves the rule\'s other findings to its own check', () => {
    const table = new Map([
      ['syntax-check', { rules: ['gha/syntax'], note: '' }],
      ['expression', { rules: ['gha/expression', 'gha/syntax#expressionNotAllowed'], note: '' }],
    ]);
    const expected = [
      { file: 'w.yml', line: 6, check: 'expression' }, // the syntax finding with the named message, on line 6
      { file: 'w.yml', line: 20, check: 'expression' }, // only a syntax finding with another message is near
    ];
    const findings: Finding[] = [{ ...finding('w.yml', 6, 'gha/syntax'), messageId: 'expressionNotAllowed' }, { ...finding('w.yml', 20, 'gha/syntax'), messageId: 'unknownKey' }];
    const score = scoreLines(expected, findings, table);
    assert.deepEqual(score.matches, [0, undefined]);
    assert.deepEqual(score.extras.map((extra) => [extra.finding.line, extra.check]), [[20, 'syntax-check']]);
  });
  it('prefers a finding of the expectation\'s own step to a near line of the step before', () => {
    const twoSteps = ['on: push', 'jobs:', '  build:', '    runs-on: x', '    steps:', '      - uses: a/b@v1', '        with:', '          k: v', '      - uses: c/d@v1', '        with:', '          x: 1', '          y: 2', '          k: v', ''].join('\n');
    const expected = [6, 9].map((line) => ({ file: 'w.yml', line, check: 'cache-poisoning' }));
    const score = scoreLines(expected, [finding('w.yml', 8, 'gha/cache-poisoning'), finding('w.yml', 13, 'gha/cache-poisoning')], mapping, () => workflowLayout(twoSteps));
    assert.deepEqual(score.matches, [0, 1]);
  });

  it('does not match three lines away in different steps, and counts the finding as extra against its check', () => {
    const score = scoreLines([{ file: 'w.yml', line: 7, check: 'unpinned-uses' }], [finding('w.yml', 11, 'gha/unpinned-action'), finding('w.yml', 11, 'gha/job-timeout')], mapping, layout);
    assert.deepEqual(score.matches, [undefined]);
    assert.deepEqual(score.extras.map((extra) => [extra.finding.line, extra.check]), [[11, 'unpinned-uses']]);
    assert.equal(score.rows.find((r) => r.check === 'unpinned-uses')?.extra, 1);
  });

  it('matches an expectation on line 0 (the whole file) with a finding of a mapped rule anywhere in the file', () => {
    const expected = [{ file: 'w.yml', line: 0, check: 'unpinned-uses' }, { file: 'other.yml', line: 0, check: 'unpinned-uses' }];
    const score = scoreLines(expected, [finding('w.yml', 11, 'gha/unpinned-action'), finding('other.yml', 9, 'gha/job-timeout')], mapping, layout);
    assert.deepEqual(score.matches, [0, undefined]);
  });

  it('attributes an extra to the check whose main rule it is', () => {
    const shared = new Map([
      ['unpinned-images', { rules: ['gha/image-tag', 'gha/unpinned-action'], note: '' }],
      ['unpinned-uses', { rules: ['gha/unpinned-action'], note: '' }],
    ]);
    const score = scoreLines([], [finding('w.yml', 7, 'gha/unpinned-action'), finding('w.yml', 4, 'gha/image-tag')], shared);
    assert.deepEqual(score.extras.map((extra) => [extra.finding.ruleId, extra.check]), [['gha/unpinned-action', 'unpinned-uses'], ['gha/image-tag', 'unpinned-images']]);
  });

  it('matches manifests by object kind, name and container', () => {
    const manifest = ['apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', 'spec:', '  template:', '    spec:', '      containers:', '        - name: app', '          image: a', '        - name: side', '          image: b', '---', 'kind: Job', 'metadata:', '  name: once', ''].join('\n');
    const objects = () => objectSpans(manifest);
    assert.deepEqual(objectSpans(manifest).map((o) => [o.kind, o.name, o.start, o.end, o.containers.map((c) => [c.name, c.start, c.end])]), [
      ['Deployment', 'web', 1, 12, [['app', 9, 10], ['side', 11, 12]]],
      ['Job', 'once', 14, 16, []],
    ]);
    const rules = new Map([['privileged-container', { rules: ['k8s/privileged'], note: '' }]]);
    const expected = [
      { file: 'm.yaml', check: 'privileged-container', kind: 'Deployment', container: 'side' },
      { file: 'm.yaml', check: 'privileged-container', kind: 'Job', name: 'other' },
      { file: 'm.yaml', check: 'privileged-container' },
    ];
    const { matches, rows, missed } = scoreObjects(expected, [finding('m.yaml', 10, 'k8s/privileged'), finding('m.yaml', 12, 'k8s/privileged'), finding('m.yaml', 15, 'k8s/privileged')], rules, objects);
    // Line 12 is in container 'side'; the Job is not the one named; the unspecific expectation takes what is left.
    assert.deepEqual(matches, [1, undefined, 0]);
    assert.deepEqual([rows[0]?.expected, rows[0]?.found], [3, 2]);
    assert.deepEqual(missed, [expected[1]]);
    // A selectorless apps/v1 Deployment is a fragment; the Job is not, and the unspecific expectation names no object.
    assert.deepEqual(objectSpans(manifest).map((o) => o.fragment), [true, false]);
    assert.deepEqual([rows[0]?.fragments, rows[0]?.foundOnFragments], [1, 1]);
  });

  it('tells fragments (rejected as written, read as patches) from whole objects', () => {
    const manifest = [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: { name: whole }', 'spec:', '  selector: { matchLabels: { app: a } }', '  template:', '    spec:', '      containers:', '        - { name: app, image: a }',
      '---', 'apiVersion: apps/v1', 'kind: Deployment', 'metadata: { name: replicas }', 'spec: { replicas: 2 }',
      '---', 'apiVersion: v1', 'kind: Pod', 'metadata: { name: imageless }', 'spec:', '  containers:', '    - { name: app }',
      '---', 'apiVersion: apps.openshift.io/v1', 'kind: DeploymentConfig', 'metadata: { name: config }', 'spec:', '  template:', '    spec:', '      containers:', '        - { name: app, image: a }',
      '',
    ].join('\n');
    assert.deepEqual(objectSpans(manifest).map((o) => [o.name, o.fragment]), [['whole', false], ['replicas', true], ['imageless', true], ['config', false]]);
    const rules = new Map([['no-liveness-probe', { rules: ['k8s/probe-missing'], note: '' }]]);
    const expected = [
      { file: 'm.yaml', check: 'no-liveness-probe', kind: 'Deployment', name: 'whole' },
      { file: 'm.yaml', check: 'no-liveness-probe', kind: 'Deployment', name: 'replicas' },
      { file: 'm.yaml', check: 'no-liveness-probe', kind: 'Pod' },
      { file: 'm.yaml', check: 'no-liveness-probe', kind: 'Deployment' },
    ];
    const { rows } = scoreObjects(expected, [finding('m.yaml', 9, 'k8s/probe-missing')], rules, () => objectSpans(manifest));
    // The unnamed Deployment expectation could be either object: it counts as on a fragment only when all are.
    assert.deepEqual([rows[0]?.expected, rows[0]?.found, rows[0]?.fragments, rows[0]?.foundOnFragments], [4, 1, 2, 0]);
  });

  it('scores whole files: failing files found, passing files flagged', () => {
    const rules = new Map([['Pod Probes', { rules: ['k8s/probe-missing'], note: '' }]]);
    const rows = scoreFiles(
      [
        { file: 'a.yaml', check: 'Pod Probes', fails: true },
        { file: 'b.yaml', check: 'Pod Probes', fails: true },
        { file: 'c.yaml', check: 'Pod Probes', fails: false },
        { file: 'd.yaml', check: 'Pod Probes', fails: false },
      ],
      [finding('a.yaml', 3, 'k8s/probe-missing'), finding('b.yaml', 3, 'k8s/resources'), finding('c.yaml', 1, 'k8s/probe-missing')],
      rules,
      (file) => file === 'b.yaml' || file === 'c.yaml',
    );
    // b.yaml is a failing fragment, not found; c.yaml is a fragment too but passing, so not counted.
    assert.deepEqual(rows, [
      { check: 'Pod Probes', rules: ['k8s/probe-missing'], note: '', failing: 2, found: 1, passing: 2, flagged: 1, missedFiles: ['b.yaml'], flaggedFiles: ['c.yaml'], fragments: 1, foundOnFragments: 0 },
    ]);
  });

  it('calls a file a fragment when its workloads all are, whatever else it holds', () => {
    const service = ['apiVersion: v1', 'kind: Service', 'metadata: { name: web }', 'spec: { selector: { app: web } }'];
    const patch = ['apiVersion: apps/v1', 'kind: Deployment', 'metadata: { name: web }', 'spec:', '  template:', '    spec:', '      containers:', '        - { name: web, image: a }'];
    const pod = ['apiVersion: v1', 'kind: Pod', 'metadata: { name: p }', 'spec:', '  containers:', '    - { name: p, image: a }'];
    const file = (...docs: string[][]): string => docs.map((doc) => doc.join('\n')).join('\n---\n');
    assert.equal(isFragmentFile(objectSpans(file(service, patch))), true);
    assert.equal(isFragmentFile(objectSpans(file(patch, pod))), false);
    assert.equal(isFragmentFile(objectSpans(file(service))), false);
  });
});

describe('npm run peers: docs/comparison.md', () => {
  it('replaces only the generated part of the page', () => {
    const page = `# Title\n\nBefore.\n\n${BEGIN}\nold\n${END}\n\nAfter.\n`;
    assert.equal(updatePage(page, [BEGIN, 'new', END]), `# Title\n\nBefore.\n\n${BEGIN}\nnew\n${END}\n\nAfter.\n`);
    assert.equal(updatePage('# Mine\n', [BEGIN, 'new', END]), `# Mine\n\n${BEGIN}\nnew\n${END}\n`);
    assert.match(updatePage(undefined, [BEGIN, 'new', END]), /^# .*\n\n<!-- peers:begin[^\n]*\nnew\n<!-- peers:end -->\n$/);
  });
});

describe('npm run peers: the script', () => {
  const script = join(ROOT, 'out', 'scripts', 'peers', 'main.js');
  const run = (peers: string, args: string[] = []) => spawnSync(process.execPath, [script, ...args], { env: { ...process.env, SHIPCHECK_PEERS: peers }, encoding: 'utf8' });
  const scratch = mkdtempSync(join(tmpdir(), 'shipcheck-peers-test-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('says in one line that it skipped, and exits 0, without a peers folder', () => {
    const result = run(join(scratch, 'nowhere'));
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `peers: skipped, no peers folder at ${join(scratch, 'nowhere')} (set SHIPCHECK_PEERS to point elsewhere)\n`);
  });

  it('reads the Kubernetes peers\' fixtures whole with the configuration it writes into the copy, and by default without it', async () => {
    // apps/v1 without a selector: a patch to the default reading, an object without resources read whole.
    const peers = join(scratch, 'kube');
    mkdirSync(join(peers, 'kube-peer', 'checks'), { recursive: true });
    writeFileSync(join(peers, 'kube-peer', 'checks', 'web.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:2.1.0\n');
    const rules = (findings: Finding[]): string[] => [...new Set(findings.map((found) => found.ruleId))];
    assert.ok(rules(await lintPeer(peers, 'kube-peer', [{ path: 'checks' }], WHOLE_OBJECTS_CONFIG)).includes('k8s/resources'));
    assert.ok(!rules(await lintPeer(peers, 'kube-peer', [{ path: 'checks' }])).includes('k8s/resources'));
  });

  it('skips each absent peer in one line and scores the one that is there', () => {
    // A made-up actionlint folder: one workflow whose golden file asserts a missing job and nothing else.
    const peers = join(scratch, 'peers');
    mkdirSync(join(peers, 'actionlint', 'err'), { recursive: true });
    writeFileSync(join(peers, 'actionlint', 'err', 'needs.yaml'), 'on: push\njobs:\n  a:\n    needs: [b]\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n');
    writeFileSync(join(peers, 'actionlint', 'err', 'needs.out'), 'test.yaml:4:13: job "a" needs job "b" which does not exist in this workflow [job-needs]\n');
    const output = join(scratch, 'comparison.md');
    writeFileSync(output, '# Kept\n\nWritten by hand.\n');
    const result = run(peers, ['--write', '--output', output]);
    assert.equal(result.status, 0, result.stderr);
    for (const peer of ['zizmor', 'gha-hazmat', 'kube-linter', 'kube-score', 'polaris']) assert.equal(result.stdout.split('\n').filter((line) => line.startsWith(`${peer}: skipped`)).length, 1, peer);
    assert.match(result.stdout, /\| `job-needs` \| `gha\/job-needs` \| 1 \| [01] \(\d+ %\) \| 0 \|/);
    assert.match(result.stdout, /^actionlint: \d+ \/ 1 of the findings of checks mapped to a rule/m);
    const page = readFileSync(output, 'utf8');
    assert.ok(page.startsWith('# Kept\n\nWritten by hand.\n\n<!-- peers:begin'), page);
    assert.match(page, /## actionlint/);
    assert.match(page, /- kube-linter: skipped/);
  });

  it("lints actionlint's goldens as workflows from the project's .github/workflows/, whatever they hold, at their own paths", () => {
    // An empty golden is a workflow only there; the project's own .github/workflows/empty.yaml (no `jobs:`) is not scored.
    const peers = join(scratch, 'placed');
    mkdirSync(join(peers, 'actionlint', 'err', '.github', 'workflows'), { recursive: true });
    writeFileSync(join(peers, 'actionlint', 'err', '.github', 'workflows', 'empty.yaml'), 'on: push\n');
    writeFileSync(join(peers, 'actionlint', 'err', 'empty.yaml'), '');
    writeFileSync(join(peers, 'actionlint', 'err', 'empty.out'), 'test.yaml:1:1: workflow is empty [syntax-check]\n');
    const result = run(peers, ['--peer', 'actionlint', '--list']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /\| `syntax-check` \| [^|]+ \| 1 \| 1 \(100 %\) \| 0 \|/);
  });

  it('places each golden under .github/workflows/, beside files of the same name (ignoring case) under another', () => {
    assert.deepEqual(
      [...workflowPlaces(['a.yaml', 'Called.yml', 'b.yaml', 'b-2.yaml'], ['called.yml', 'B.yaml'])],
      [
        ['a.yaml', '.github/workflows/a.yaml'],
        ['Called.yml', '.github/workflows/Called-2.yml'],
        ['b.yaml', '.github/workflows/b-2.yaml'],
        ['b-2.yaml', '.github/workflows/b-2-2.yaml'],
      ],
    );
  });
});

describe('npm run peers: the target and the disputed fixtures', () => {
  const fileScore = (found: string[], missed: string[], check = 'C'): PeerScore => ({
    kind: 'polaris',
    files: found.length + missed.length,
    rows: [{ check, rules: ['k8s/x'], note: '', failing: found.length + missed.length, found: found.length, passing: 0, flagged: 0, missedFiles: missed, flaggedFiles: [], fragments: 0, foundOnFragments: 0 }],
  });
  const dispute = (file: string, check = 'C'): Dispute => ({ peer: 'polaris', check, file, reason: 'why' });

  it('reads the table and refuses rows without a reason', () => {
    const { disputes, errors } = parseDisputes(['# c', 'peer\tcheck\tfile\treason', 'polaris\tC\ta.yaml\tuntrue', 'polaris\tC\tb.yaml\t', 'x\ty'].join('\n'), 'd.tsv');
    assert.deepEqual(disputes, [{ peer: 'polaris', check: 'C', file: 'a.yaml', reason: 'untrue' }]);
    assert.equal(errors.length, 2);
  });

  it('lists checks below 90 %, and whether their misses are all disputed', () => {
    // 8 of 10 found: below 90 %; one of the two misses disputed leaves 8 of 9 (89 %), both leave 8 of 8.
    const found = Array.from({ length: 8 }, (_, index) => `f${index}.yaml`);
    const score = fileScore(found, ['m1.yaml', 'm2.yaml']);
    const one = shortfalls(score, [dispute('m1.yaml')]);
    assert.deepEqual(one.map((s) => [s.check, s.found, s.expected, s.disputed]), [['C', 8, 10, 1]]);
    assert.equal(meetsWithoutDisputed(one[0]!), false);
    const both = shortfalls(score, [dispute('m1.yaml'), dispute('m2.yaml'), dispute('m2.yaml', 'other check')]);
    assert.equal(both[0]!.disputed, 2);
    assert.equal(meetsWithoutDisputed(both[0]!), true);
    // Nothing found, every miss disputed: nothing is left that the rule should find.
    const none = shortfalls(fileScore([], ['m1.yaml']), [dispute('m1.yaml')]);
    assert.equal(meetsWithoutDisputed(none[0]!), true);
    // At 90 % a check is not short at all.
    assert.deepEqual(shortfalls(fileScore([...found, 'f8.yaml'], ['m1.yaml']), []), []);
  });

  it('calls a dispute stale once its fixture is found', () => {
    const score = fileScore(['a.yaml'], ['b.yaml']);
    assert.deepEqual(staleDisputes(score, [dispute('a.yaml'), dispute('b.yaml'), { ...dispute('a.yaml'), peer: 'kube-score' }]), [dispute('a.yaml')]);
    const section = targetSection([score], [dispute('a.yaml')]).join('\n');
    assert.match(section, /no longer describe a miss.*`a\.yaml`/);
  });

  it('the committed table parses and names checks the mapping tables map to a rule', () => {
    for (const d of readDisputes()) {
      const mapping = readMapping(d.peer);
      assert.ok((mapping.get(d.check)?.rules.length ?? 0) > 0, `${d.peer} ${d.check} is not mapped to a rule`);
    }
  });
});
