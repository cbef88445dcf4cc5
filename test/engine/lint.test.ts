import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ENGINE_MESSAGES, ENGINE_RULES } from '../../server/src/engine/core/finding';
import { lint, looksLikeGoTemplate } from '../../server/src/engine/core/lint';
import { defineRule } from '../../server/src/engine/core/rule';
import { ruleById } from '../../server/src/rules';
import { timeRatio } from '../helpers/complexity';
import { ROOT } from '../helpers/fixtures';

// A fixed set of rules, so these engine tests do not change meaning as the catalog grows.
const RULES = ['gha/npm-ci', 'k8s/image-tag', 'k8s/probe-identical'].map((id) => ruleById(id)!);

const WORKFLOW = '.github/workflows/ci.yml';
const ids = (text: string, path = WORKFLOW) => lint(text, path, { rules: RULES }).findings.map((f) => f.ruleId);

describe('classification', () => {
  const steps = 'jobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm install\n';
  it('treats files under .github/workflows as workflows', () => {
    assert.deepEqual(ids(steps), ['gha/npm-ci']);
  });
  it('recognises a workflow elsewhere by on: and GitHub-style jobs', () => {
    assert.deepEqual(ids(`on: push\n${steps}`, 'ci/build.yaml'), ['gha/npm-ci']);
  });
  it('leaves other YAML with jobs: alone', () => {
    assert.deepEqual(ids(steps, 'config/jobs.yaml'), []);
    assert.deepEqual(ids('on: push\njobs:\n  t:\n    script: npm install\n', 'gitlab.yml'), []);
  });
  const data = (folder: string) => readdirSync(join(ROOT, 'test/data', folder)).map((name) => ({ name, text: readFileSync(join(ROOT, 'test/data', folder, name), 'utf8') }));
  it('leaves other CI systems\' files alone (CircleCI, Azure Pipelines, GitLab, Drone, Tekton, Argo)', () => {
    const files = data('not-workflows');
    assert.ok(files.length >= 10);
    for (const { name, text } of files) assert.ok(!lint(text, `ci/${name}`, { rules: RULES }).kinds.includes('workflow'), `${name} taken for a workflow`);
  });
  it('recognises a workflow elsewhere whose jobs lack runs-on by GitHub\'s keys alone', () => {
    const files = data('workflows-elsewhere');
    assert.ok(files.length >= 2);
    for (const { name, text } of files) assert.deepEqual(lint(text, `ci/${name}`, { rules: RULES }).kinds, ['workflow'], name);
  });
  it('reports kinds per document', () => {
    const result = lint('a: 1\n---\napiVersion: v1\nkind: Pod\nspec: {}\n', 'x.yaml', { rules: RULES });
    assert.deepEqual(result.kinds, ['other', 'k8s']);
  });
  it('reads every file under .github/workflows as a workflow, one empty or without jobs: too; elsewhere such files are not', () => {
    const syntax = [ruleById('gha/syntax')!];
    const found = (text: string, path = WORKFLOW) => lint(text, path, { rules: syntax, preset: 'strict' });
    for (const text of ['', '# nothing yet\n', '---\n', '~\n']) {
      const result = found(text);
      assert.deepEqual(result.kinds, ['workflow'], JSON.stringify(text));
      assert.deepEqual(result.findings.map((f) => [f.messageId, f.span.start]), [['emptyWorkflow', 0]], JSON.stringify(text));
    }
    assert.deepEqual(found('on: push\n').findings.map((f) => f.message), ["'jobs' is required and missing"]);
    assert.deepEqual(found('on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n').findings, []);
    for (const text of ['', '# nothing yet\n', 'on: push\n', 'name: x\n']) {
      assert.deepEqual(found(text, 'ci/build.yml').kinds.filter((kind) => kind !== 'other'), [], JSON.stringify(text));
      assert.deepEqual(found(text, '.github/workflows/sub/build.yml').findings, [], JSON.stringify(text));
    }
  });
});

describe('YAML features', () => {
  it('sees through anchors, aliases and merge keys', () => {
    const text = [
      'on: push',
      'x-install: &install',
      '  run: npm install',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - *install',
      '      - <<: *install',
      '        name: merged',
      '',
    ].join('\n');
    const findings = lint(text, WORKFLOW, { rules: RULES }).findings;
    // Both steps resolve to the anchored `run:`: one finding at that place, not two.
    assert.equal(findings.length, 1);
    assert.equal(text.slice(findings[0]!.span.start, findings[0]!.span.end), 'npm install');
  });

  it('checks every document of a multi-document file', () => {
    const pod = (image: string) => `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: ${image}\n`;
    assert.deepEqual(ids(`${pod('a:latest')}---\n${pod('b:1.0')}---\n${pod('c')}`, 'pods.yaml'), ['k8s/image-tag', 'k8s/image-tag']);
  });
});

describe('bad input gets a clear answer', () => {
  it('reports a syntax error once, with a position, and checks nothing else', () => {
    const result = lint('on: push\njobs:\n  a: [\n  b: 1\n', WORKFLOW, { rules: RULES });
    assert.equal(result.findings.length, 1);
    assert.equal(result.findings[0]!.ruleId, ENGINE_RULES.syntax);
    assert.match(result.findings[0]!.message, /^YAML syntax error: /);
  });

  it('reads a chart template with its actions as placeholders', () => {
    const result = lint('apiVersion: v1\nkind: Pod\n{{- if .Values.x }}\nspec: {}\n{{- end }}\n', 'chart/templates/pod.yaml', { rules: RULES });
    assert.equal(result.skipped, undefined);
    assert.deepEqual(result.kinds, ['k8s']);
  });

  it('skips Go templates it cannot read with a reason instead of syntax errors', () => {
    for (const [text, path] of [
      ['apiVersion: v1\nkind: Pod\n{{- if .Values.x }}\nspec: {}\n{{- end }}\n', 'pod.yaml'],
      ['apiVersion: v1\nkind: Pod\nspec: {{ a }} b: [\n', 'chart/templates/pod.yaml'],
    ]) {
      const result = lint(text!, path!, { rules: RULES });
      assert.deepEqual(result.findings, []);
      assert.match(result.skipped ?? '', /template/);
    }
  });

  it('does not check files over the size limit', () => {
    const result = lint(`a: ${'x'.repeat(100)}\n`, 'big.yaml', { rules: RULES, maxFileSize: 50 });
    assert.deepEqual(result.findings.map((f) => f.ruleId), [ENGINE_RULES.tooLarge]);
  });

  it('survives empty files, binary junk and alias bombs', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    bomb.push('apiVersion: v1', 'kind: Pod', 'spec:', '  containers: *i');
    for (const text of ['', '\u0000\u0001\u0002\uFFFD', '\uFEFF', bomb.join('\n')]) {
      assert.doesNotThrow(() => lint(text, 'x.yaml', { rules: RULES }));
    }
    // 9^9 containers if the aliases were expanded: the bomb may cost a few times the same file without aliases, no more.
    const defused = bomb.join('\n').replace(/&[a-z] /g, '').replace(/\*[a-z]/g, 'x');
    let run = 0;
    const ratio = timeRatio(
      () => lint(`# ${run++}\n${bomb.join('\n')}`, 'x.yaml', { rules: RULES }),
      () => lint(`# ${run++}\n${defused}`, 'x.yaml', { rules: RULES }),
    );
    assert.ok(ratio < 10, `the alias bomb took ${ratio.toFixed(1)}× the time of the same file without aliases`);
  });
});

describe('rule isolation', () => {
  const exploding = defineRule({
    id: 'gha/exploding',
    presets: { recommended: 'error', strict: 'error' },
    dora: [],
    capabilities: [],
    fixable: false,
    messages: { never: () => 'never' },
    docs: { summary: '', rationale: '', symptom: '', fix: '', bad: '', good: '' },
    visit: {
      step() {
        throw new Error('boom');
      },
    },
  });

  it('reports a crashing rule once and keeps the other rules running', () => {
    const text = 'jobs:\n  t:\n    runs-on: x\n    steps:\n      - run: npm install\n      - run: npm install\n';
    const findings = lint(text, WORKFLOW, { rules: [exploding, ...RULES] }).findings;
    assert.deepEqual(findings.map((f) => f.ruleId).sort(), ['gha/npm-ci', 'gha/npm-ci', ENGINE_RULES.internal]);
    assert.match(findings.find((f) => f.ruleId === ENGINE_RULES.internal)!.message, /gha\/exploding.*boom/);
  });

  it('refuses a fix from a rule that declares none', () => {
    const sneaky = defineRule({
      ...exploding,
      id: 'gha/sneaky',
      visit: { step: (_step, ctx) => ctx.report({ span: { start: 0, end: 1 }, message: 'never', args: [], fix: { title: 't', edits: [] } }) },
    });
    const findings = lint('jobs:\n  t:\n    runs-on: x\n    steps:\n      - run: x\n', WORKFLOW, { rules: [sneaky] }).findings;
    assert.deepEqual(findings.map((f) => f.ruleId), [ENGINE_RULES.internal]);
  });
});

describe('configuration', () => {
  const text = 'jobs:\n  t:\n    runs-on: x\n    steps:\n      - run: npm install\n';
  it('turns a rule off', () => {
    assert.deepEqual(lint(text, WORKFLOW, { rules: RULES, ruleSettings: { 'gha/npm-ci': 'off' } }).findings, []);
  });
  it('overrides a severity', () => {
    assert.equal(lint(text, WORKFLOW, { rules: RULES, ruleSettings: { 'gha/npm-ci': 'error' } }).findings[0]!.severity, 'error');
  });
});

describe('presets', () => {
  const text = 'jobs:\n  t:\n    runs-on: x\n    steps:\n      - run: make\n';
  const ran: string[] = [];
  // Off in recommended, on in strict; says which preset it ran in, and reports findings milder and harsher than usual.
  const strictOnly = defineRule({
    id: 'gha/strict-probe',
    presets: { recommended: 'off', strict: 'warning' },
    dora: [],
    capabilities: [],
    fixable: false,
    messages: { ran: (preset: string) => `ran in ${preset}` },
    docs: { summary: '', rationale: '', symptom: '', fix: '', bad: '', good: '' },
    visit: {
      job: (job, ctx) => {
        ran.push(ctx.preset);
        ctx.report({ span: job.idSpan, message: 'ran', args: [ctx.preset] });
      },
    },
  });
  const quieter = defineRule({
    id: 'gha/quieter-probe',
    presets: { recommended: 'info', strict: 'warning' },
    dora: [],
    capabilities: [],
    fixable: false,
    messages: { level: (level: string) => `reported ${level}` },
    docs: { summary: '', rationale: '', symptom: '', fix: '', bad: '', good: '' },
    visit: {
      job: (job, ctx) => {
        ctx.report({ span: job.idSpan, message: 'level', args: ['as the rule'] });
        for (const severity of ['error', 'info', 'hint'] as const) ctx.report({ span: job.idSpan, message: 'level', args: [severity], severity });
      },
    },
  });
  const found = (options: Omit<Parameters<typeof lint>[2], 'rules'>, rules = [strictOnly, quieter]) =>
    lint(text, WORKFLOW, { rules, ...options }).findings.map((f) => `${f.ruleId.replace(/^gha\/|-probe$/g, '')} ${f.severity}: ${f.message}`).sort();

  it('runs a rule only in the presets it is on in, unless configuration sets a level for it', () => {
    ran.length = 0;
    assert.deepEqual(found({ preset: 'recommended' }, [strictOnly]), []);
    assert.deepEqual(ran, [], 'a rule off in the preset does not run at all');
    assert.deepEqual(found({ preset: 'strict' }, [strictOnly]), ['strict warning: ran in strict']);
    assert.deepEqual(found({ preset: 'all' }, [strictOnly]), ['strict warning: ran in all']);
    // A caller of the engine that names no preset runs every rule it gives (the front ends always name one).
    assert.deepEqual(found({}, [strictOnly]), ['strict warning: ran in all']);
    assert.deepEqual(found({ preset: 'recommended', ruleSettings: { 'gha/strict-probe': 'info' } }, [strictOnly]), ['strict info: ran in recommended']);
    assert.deepEqual(found({ preset: 'strict', ruleSettings: { 'gha/strict-probe': 'off' } }, [strictOnly]), []);
  });

  it("keeps a finding's own severity at its distance from the rule's strict level, between hint and error; configuration sets all", () => {
    assert.deepEqual(found({ preset: 'strict' }, [quieter]), ['quieter error: reported error', 'quieter hint: reported hint', 'quieter info: reported info', 'quieter warning: reported as the rule']);
    assert.deepEqual(found({ preset: 'all' }, [quieter]), found({ preset: 'strict' }, [quieter]));
    assert.deepEqual(found({ preset: 'recommended' }, [quieter]), ['quieter hint: reported hint', 'quieter hint: reported info', 'quieter info: reported as the rule', 'quieter warning: reported error']);
    assert.deepEqual(found({ ruleSettings: { 'gha/quieter-probe': 'error' } }, [quieter]).map((f) => f.split(':')[0]), Array(4).fill('quieter error'));
  });

  it('does not call a suppression of a rule the preset leaves out unknown', () => {
    const disabled = `# shipcheck-disable gha/strict-probe\n${text}`;
    assert.deepEqual(lint(disabled, WORKFLOW, { rules: [strictOnly], preset: 'recommended' }).findings, []);
    assert.deepEqual(lint(disabled, WORKFLOW, { rules: [strictOnly], preset: 'strict' }).findings, []);
    assert.match(lint(disabled.replace('strict-probe', 'stricter-probe'), WORKFLOW, { rules: [strictOnly], preset: 'recommended' }).findings[0]?.message ?? '', /Unknown rule id gha\/stricter-probe/);
  });
});

describe('message ids', () => {
  const pairs = (text: string, path = WORKFLOW, rules = RULES) => lint(text, path, { rules }).findings.map((f) => `${f.ruleId}:${f.messageId}`);

  it('carry the message key a rule reported, whatever the severity', () => {
    const install = 'jobs:\n  t:\n    runs-on: x\n    steps:\n      - run: npm install\n      - run: yarn install\n';
    assert.deepEqual(pairs(install), ['gha/npm-ci:npmInstall', 'gha/npm-ci:yarnInstall']);
    const pod = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: nginx:latest\n    - name: b\n      image: nginx\n';
    assert.deepEqual(pairs(pod, 'pod.yaml'), ['k8s/image-tag:latest', 'k8s/image-tag:untagged']);
  });

  it('are fixed for the engine\'s own findings', () => {
    assert.deepEqual(pairs('on: push\njobs:\n  a: [\n  b: 1\n'), [`${ENGINE_RULES.syntax}:${ENGINE_MESSAGES.syntax}`]);
    const big = lint(`a: ${'x'.repeat(100)}\n`, 'big.yaml', { rules: RULES, maxFileSize: 50 }).findings;
    assert.deepEqual(big.map((f) => f.messageId), [ENGINE_MESSAGES.tooLarge]);
    const failing = defineRule({
      id: 'gha/failing',
      presets: { recommended: 'error', strict: 'error' },
      dora: [],
      capabilities: [],
      fixable: false,
      messages: { never: () => 'never' },
      docs: { summary: '', rationale: '', symptom: '', fix: '', bad: '', good: '' },
      visit: {
        step() {
          throw new Error('boom');
        },
      },
    });
    assert.deepEqual(pairs('jobs:\n  t:\n    runs-on: x\n    steps:\n      - run: x\n', WORKFLOW, [failing]), [`${ENGINE_RULES.internal}:${ENGINE_MESSAGES.internal}`]);
    const stale = 'jobs:\n  t:\n    runs-on: x\n    steps:\n      # shipcheck-disable-next-line gha/npm-ci\n      - run: npm ci\n      # shipcheck-disable-next-line gha/npm-cl\n      - run: npm ci\n';
    assert.deepEqual(pairs(stale), [`${ENGINE_RULES.unusedSuppression}:${ENGINE_MESSAGES.unusedSuppression}`, `${ENGINE_RULES.unusedSuppression}:${ENGINE_MESSAGES.unknownRuleSuppression}`]);
  });
});

describe('looksLikeGoTemplate', () => {
  it('spots template actions outside quotes', () => {
    assert.ok(looksLikeGoTemplate('{{- if .Values.enabled }}\nkind: Pod\n'));
    assert.ok(looksLikeGoTemplate('  image: {{ .Values.image }}\n'));
  });
  it("leaves quoted placeholders and GitHub's ${{ }} alone", () => {
    assert.ok(!looksLikeGoTemplate('value: "{{inputs.parameters.x}}:{{item.tag}}"\n'));
    assert.ok(!looksLikeGoTemplate("run: echo ${{ github.sha }}\n"));
  });
});

describe('rule options and object exemptions', () => {
  const optionRule = defineRule({
    id: 'gha/option-probe',
    presets: { recommended: 'info', strict: 'info' },
    dora: [],
    capabilities: [],
    fixable: false,
    messages: { value: (n: number) => `minutes=${n}` },
    docs: { summary: '', rationale: '', symptom: '', fix: '', bad: '', good: '' },
    options: { minutes: { type: 'integer', minimum: 1, default: 30, description: 'A number of minutes.' } },
    visit: { job: (job, ctx) => ctx.report({ span: job.idSpan, message: 'value', args: [ctx.option('minutes')] }) },
  });
  const text = 'jobs:\n  t:\n    runs-on: x\n';

  it('reads a configured option, else its declared default, and ignores one of the wrong type', () => {
    const message = (ruleOptions?: Record<string, Record<string, string | number>>) =>
      lint(text, WORKFLOW, { rules: [optionRule], ...(ruleOptions ? { ruleOptions } : {}) }).findings[0]!.message;
    assert.equal(message(), 'minutes=30');
    assert.equal(message({ 'gha/option-probe': { minutes: 12 } }), 'minutes=12');
    assert.equal(message({ 'gha/option-probe': { minutes: 'soon' } }), 'minutes=30');
  });

  it('types an option from its declaration; reading an undeclared one does not compile, and fails the rule if forced', () => {
    const forced = defineRule({
      id: 'gha/option-forced',
      presets: { recommended: 'info', strict: 'info' },
      dora: [],
      capabilities: [],
      fixable: false,
      messages: { value: (n: number) => `minutes=${n}` },
      docs: { summary: '', rationale: '', symptom: '', fix: '', bad: '', good: '' },
      options: { minutes: { type: 'integer', default: 30, description: 'A number of minutes.' } },
      visit: {
        job: (job, ctx) => {
          const minutes: number = ctx.option('minutes');
          // @ts-expect-error: an integer option is a number
          const asText: string = ctx.option('minutes');
          // @ts-expect-error: `minute` is not declared
          ctx.report({ span: job.idSpan, message: 'value', args: [minutes + ctx.option('minute') + asText.length] });
        },
      },
    });
    assert.deepEqual(lint(text, WORKFLOW, { rules: [forced] }).findings.map((finding) => finding.ruleId), [ENGINE_RULES.internal]);
  });

  it('exempts an object annotated with a rule id or "all"', () => {
    const pod = (ignore: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    shipcheck.dev/ignore: "${ignore}"\nspec:\n  containers:\n    - name: a\n      image: a:latest\n`;
    assert.deepEqual(ids(pod('k8s/image-tag'), 'pod.yaml'), []);
    assert.deepEqual(ids(pod('all'), 'pod.yaml'), []);
    assert.deepEqual(ids(pod('k8s/probe-identical'), 'pod.yaml'), ['k8s/image-tag']);
  });
});

describe('test data, examples and documentation (ProjectFacts.notDeployed)', () => {
  const rules = [ruleById('k8s/image-tag')!, ruleById('gha/npm-ci')!];
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:latest\n';
  const broken = 'apiVersion: v1\nkind: Pod\nmetadata: [unclosed\n';

  it('the recommended preset leaves them alone, broken YAML included, and still says what the file is', () => {
    const result = lint(pod, 'test/e2e/pod.yaml', { rules, preset: 'recommended', project: { notDeployed: 'test' } });
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.kinds, ['k8s']);
    assert.deepEqual(lint(broken, 'test/e2e/broken.yaml', { rules, preset: 'recommended', project: { notDeployed: 'test' } }).findings, []);
  });

  it('strict and all check them; a file the repository deploys is checked in every preset', () => {
    for (const preset of ['strict', 'all', undefined] as const) {
      assert.deepEqual(lint(pod, 'test/e2e/pod.yaml', { rules, preset, project: { notDeployed: 'test' } }).findings.map((finding) => finding.ruleId), ['k8s/image-tag']);
    }
    assert.deepEqual(lint(pod, 'deploy/pod.yaml', { rules, project: {} }).findings.map((finding) => finding.ruleId), ['k8s/image-tag']);
    assert.deepEqual(lint(broken, 'deploy/broken.yaml', { rules, project: {} }).findings.map((finding) => finding.ruleId), [ENGINE_RULES.syntax]);
  });
});
