import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { IncrementalLinter, pieceStarts, pieceStartsAfterEdit } from '../../server/src/engine/incremental/incremental';
import { commonPrefix, commonSuffix } from '../../server/src/engine/incremental/jobSplice';
import { lint, type LintOptions, type LintResult } from '../../server/src/engine/core/lint';
import { defineRule } from '../../server/src/engine/core/rule';
import { buildProjectIndex } from '../../server/src/engine/core/projectIndex';
import type { Workflow } from '../../server/src/engine/model/workflow';
import { RULES } from '../../server/src/rules';
import { FIXTURES, ROOT } from '../helpers/fixtures';
import { editText, manyJobWorkflow, random, randomEdit, workflowTexts } from '../helpers/workflowEdits';

// Every rule, so the proofs below cover the rules the default preset leaves out too.
const OPTIONS: LintOptions = { rules: RULES, preset: 'all' };

/** Every Kubernetes fixture and ok manifest, as texts (bad ones too: they carry the most findings). */
function manifests(): string[] {
  const dir = join(FIXTURES, 'k8s');
  const files = readdirSync(dir)
    .sort()
    .flatMap((rule) => readdirSync(join(dir, rule)).sort().filter((name) => !name.includes('.fixed.')).map((name) => join(dir, rule, name)));
  return [...files, join(ROOT, 'test/ok/k8s/app.yaml'), join(ROOT, 'test/ok/k8s/rollout.yaml')].map((path) => readFileSync(path, 'utf8'));
}

const SNIPPETS = ['a', 'Z', '7', ' ', ':', '-', '#', '"', "'", '[', '{', '\n', '\n---\n', 'kind: HorizontalPodAutoscaler', 'Rollout', 'minReplicas: 2', 'replicas: 3', '# shipcheck-disable-next-line k8s/image-tag\n', '\n  '];

/** Deletions, moved lines (documents change kind, names and replica counts this way) and typed snippets. */
function edit(text: string, next: () => number): string {
  return randomEdit(text, next, SNIPPETS, 0.35);
}

function comparable(result: LintResult): unknown {
  return { findings: result.findings, kinds: result.kinds, skipped: result.skipped, suppressed: result.suppressed ?? [] };
}

describe('incremental linting', () => {
  const texts = manifests();

  it('equals a whole lint over many random edits of multi-document files', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const next = random(seed);
      const picked = Array.from({ length: 6 + Math.floor(next() * 8) }, () => texts[Math.floor(next() * texts.length)]!);
      let text = picked.map((part) => part.trimEnd()).join('\n---\n') + '\n';
      let valid = text;
      const linter = new IncrementalLinter();
      for (let step = 0; step < 40; step++) {
        const incremental = linter.lint(text, 'k8s/all.yaml', OPTIONS);
        const whole = lint(text, 'k8s/all.yaml', OPTIONS);
        assert.deepEqual(comparable(incremental), comparable(whole), `seed ${seed}, edit ${step}`);
        // Edits go on from the last valid text (broken files are linted whole); some broken ones are checked too.
        const edited = edit(valid, next);
        if (parseAllDocuments(edited).every((doc) => doc.errors.length === 0)) valid = text = edited;
        else text = next() < 0.15 ? edited : valid;
      }
    }
  });

  it('equals a whole lint over many random edits of many-job workflows, inside jobs, between them and in the header', () => {
    const workflows = workflowTexts();
    const path = '.github/workflows/ci.yml';
    for (let seed = 1; seed <= 5; seed++) {
      const next = random(seed);
      let text = manyJobWorkflow(workflows, next, 4 + Math.floor(next() * 8));
      let valid = text;
      const linter = new IncrementalLinter();
      for (let step = 0; step < 40; step++) {
        const incremental = linter.lint(text, path, OPTIONS);
        const whole = lint(text, path, OPTIONS);
        assert.deepEqual(comparable(incremental), comparable(whole), `seed ${seed}, edit ${step}`);
        const edited = editText(valid, next);
        if (parseAllDocuments(edited).every((doc) => doc.errors.length === 0)) valid = text = edited;
        else text = next() < 0.15 ? edited : valid;
      }
    }
  });

  it('runs job-scoped rules again only on the job an edit lies in, and on every job when the header changes', () => {
    const seen: string[] = [];
    const counting = defineRule({
      id: 'gha/test-counting',
      presets: { recommended: 'info', strict: 'info' },
      dora: [],
      capabilities: [],
      messages: { job: (id: string) => `job ${id}` },
      docs: { summary: '', rationale: '', symptom: '', fix: '', bad: '', good: '' },
      fixable: false,
      scope: 'job',
      visit: {
        job(job, ctx) {
          seen.push(job.id);
          ctx.report({ span: job.idSpan, message: 'job', args: [job.id] });
        },
      },
    });
    const options: LintOptions = { rules: [...RULES, counting] };
    const jobs = ['build', 'test', 'lint', 'deploy'].map((id) => `  ${id}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${id}\n`).join('');
    let text = `name: ci\non: push\njobs:\n${jobs}`;
    const linter = new IncrementalLinter();
    const path = '.github/workflows/ci.yml';
    linter.lint(text, path, options);
    assert.deepEqual(seen.splice(0), ['build', 'test', 'lint', 'deploy']);
    text = text.replace('echo lint', 'echo lint twice');
    const result = linter.lint(text, path, options);
    assert.deepEqual(seen.splice(0), ['lint'], 'only the edited job runs again');
    assert.deepEqual(comparable(result), comparable(lint(text, path, options)));
    seen.length = 0;
    text = text.replace('echo build', 'echo build!');
    linter.lint(text, path, options);
    assert.deepEqual(seen.splice(0), ['build']);
    text = text.replace('on: push', 'on: [push]');
    linter.lint(text, path, options);
    assert.deepEqual(seen.splice(0), ['build', 'test', 'lint', 'deploy'], 'a header edit runs every job again');
    text = text.replace('name: ci', 'name: continuous integration');
    const renamed = linter.lint(text, path, options);
    assert.deepEqual(seen.splice(0), [], 'renaming the workflow runs no job again');
    assert.deepEqual(comparable(renamed), comparable(lint(text, path, options)));
  });

  it('checks again when the preset changes: kept findings never cross presets', () => {
    const workflow = 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make build\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n';
    const container = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: app\n      image: ghcr.io/acme/app:1.0.0\n      resources:\n        requests: { cpu: 10m, memory: 16Mi }\n        limits: { memory: 32Mi }\n`;
    const manifests = ['a', 'b', 'c', 'd'].map(container).join('---\n');
    for (const [text, path, ruleId] of [[workflow, '.github/workflows/ci.yml', 'gha/job-timeout'], [manifests, 'k8s/pods.yaml', 'k8s/resources']] as const) {
      const linter = new IncrementalLinter();
      const counts: number[] = [];
      for (const preset of ['recommended', 'strict', 'recommended', 'all'] as const) {
        const options: LintOptions = { rules: RULES, preset };
        const incremental = linter.lint(text, path, options);
        assert.deepEqual(comparable(incremental), comparable(lint(text, path, options)), `${ruleId} in ${preset}`);
        counts.push(incremental.findings.filter((finding) => finding.ruleId === ruleId).length);
      }
      // recommended says less than strict about both files (the build job; CPU limits), and all as much as strict.
      assert.ok(counts[0]! < counts[1]!, `${ruleId}: ${counts.join(', ')}`);
      assert.deepEqual([counts[2], counts[3]], [counts[0], counts[1]]);
    }
  });

  it('reuses no job’s findings when an entry around the jobs is an alias (its anchor may sit in a job)', () => {
    // The workflow's permissions are job a's, through an alias: editing job a changes what job b may do.
    const text = (idToken: string) =>
      `on: push\njobs:\n  a:\n    runs-on: x\n    permissions: &p\n      contents: read\n      id-token: ${idToken}\n    steps:\n      - run: echo ok\n  b:\n    runs-on: x\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: arn:aws:iam::1:role/x\npermissions: *p\n`;
    const path = '.github/workflows/ci.yml';
    const linter = new IncrementalLinter();
    for (const idToken of ['write', 'none', 'write']) {
      assert.deepEqual(comparable(linter.lint(text(idToken), path, OPTIONS)), comparable(lint(text(idToken), path, OPTIONS)), idToken);
    }
    assert.ok(lint(text('none'), path, OPTIONS).findings.some((finding) => finding.ruleId === 'gha/oidc-permission'));
  });

  it('checks every job again when a rule’s fact about the whole workflow changes', () => {
    const text = readFileSync(join(FIXTURES, 'gha/npm-ci/good-yarn-berry.yaml'), 'utf8');
    const path = '.github/workflows/ci.yml';
    const linter = new IncrementalLinter();
    const ids = (source: string) => linter.lint(source, path, OPTIONS).findings.map((finding) => finding.ruleId);
    assert.ok(!ids(text).includes('gha/npm-ci'));
    // Only the setup job's text changes; the build job's `yarn install` is no longer under Yarn Berry.
    const classic = text.replace('corepack enable', 'echo classic yarn');
    assert.ok(ids(classic).includes('gha/npm-ci'));
    assert.deepEqual(comparable(linter.lint(classic, path, OPTIONS)), comparable(lint(classic, path, OPTIONS)));
    assert.ok(!ids(text).includes('gha/npm-ci'));
  });

  it('checks a reused job again when only what it asked of the whole workflow changed, and only the jobs that asked', () => {
    const seen: string[] = [];
    const testJobs = (workflow: Workflow): string[] => workflow.jobs.filter((job) => job.id.startsWith('test')).map((job) => job.id);
    const asking = defineRule({
      id: 'gha/test-asking',
      presets: { recommended: 'info', strict: 'info' },
      dora: [],
      capabilities: [],
      messages: { tests: (id: string, tests: string) => `${id} sees ${tests}` },
      docs: { summary: '', rationale: '', symptom: '', fix: '', bad: '', good: '' },
      fixable: false,
      scope: 'job',
      visit: {
        job(job, ctx) {
          seen.push(job.id);
          if (job.id === 'deploy') ctx.report({ span: job.idSpan, message: 'tests', args: [job.id, ctx.acrossJobs(testJobs).join(',')] });
        },
      },
    });
    // Alone: the cross-job rules ask about every job, so a new test job changes what every job asked of them.
    const options: LintOptions = { rules: [asking] };
    const job = (id: string, run: string) => `  ${id}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${run}\n`;
    const path = '.github/workflows/ci.yml';
    const linter = new IncrementalLinter();
    let text = `on: push\njobs:\n${job('build', 'make')}${job('deploy', 'make deploy')}${job('lint', 'make lint')}`;
    linter.lint(text, path, options);
    assert.deepEqual(seen.splice(0), ['build', 'deploy', 'lint']);
    // A test job added elsewhere: deploy's text is unchanged, what it asked is not.
    text = text.replace(job('lint', 'make lint'), job('lint', 'make lint') + job('test', 'npm test'));
    const added = linter.lint(text, path, options);
    assert.deepEqual(seen.splice(0), ['deploy', 'test'], 'the new job and the job whose answer changed run');
    assert.deepEqual(comparable(added), comparable(lint(text, path, options)));
    assert.ok(added.findings.some((finding) => finding.message === 'deploy sees test'));
    // An edit that leaves the answer the same reuses deploy's findings.
    seen.length = 0;
    text = text.replace('make lint', 'make lint-all');
    const edited = linter.lint(text, path, options);
    assert.deepEqual(seen.splice(0), ['lint']);
    assert.deepEqual(comparable(edited), comparable(lint(text, path, options)));
  });

  it('gives a deploy job the test job added elsewhere (deploy-ungated), as a whole lint does', () => {
    const path = '.github/workflows/deploy.yml';
    const deploy = `  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: kubectl apply -f k8s/\n`;
    const before = `on:\n  push:\n    branches: [main]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n${deploy}`;
    const after = before.replace('      - run: make\n', '      - run: make\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n');
    const linter = new IncrementalLinter();
    const ungated = (result: LintResult) => result.findings.filter((finding) => finding.ruleId === 'gha/deploy-ungated').map((finding) => finding.message);
    const first = ungated(linter.lint(before, path, OPTIONS));
    const second = linter.lint(after, path, OPTIONS);
    assert.deepEqual(comparable(second), comparable(lint(after, path, OPTIONS)));
    assert.notDeepEqual(ungated(second), first, 'the reused deploy job’s findings change with the test job added');
  });

  it('finds the same document starts after an edit as a search of the whole text', () => {
    const pieces = ['a: 1\n', '---\n', '--- x\n', '---\r\n', '----\n', ' ---\n', '---', '--', '-', '\n', '\r', 'b', '# ---\n'];
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const make = (length: number) => Array.from({ length }, () => pieces[Math.floor(next() * pieces.length)]!).join('');
      let text = make(3 + Math.floor(next() * 30));
      let starts = pieceStarts(text);
      for (let step = 0; step < 20; step++) {
        const at = Math.floor(next() * (text.length + 1));
        const cut = Math.min(text.length - at, Math.floor(next() * 6));
        const edited = text.slice(0, at) + make(Math.floor(next() * 3)) + text.slice(at + cut);
        const prefix = commonPrefix(text, edited);
        const suffix = commonSuffix(text, edited, prefix);
        starts = pieceStartsAfterEdit(starts, edited, prefix, suffix, edited.length - text.length);
        assert.deepEqual(starts, pieceStarts(edited), `seed ${seed}, step ${step}: ${JSON.stringify(text)} → ${JSON.stringify(edited)}`);
        text = edited;
      }
    }
  });

  it('re-runs cross-document rules when the autoscaler in another document changes', () => {
    const rollout = 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\nspec:\n  replicas: 10\n  selector:\n    matchLabels: { app: web }\n  template:\n    metadata:\n      labels: { app: web }\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.0.0\n  strategy:\n    canary:\n      steps:\n        - setWeight: 10\n';
    const hpa = (min: number) => `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef:\n    apiVersion: argoproj.io/v1alpha1\n    kind: Rollout\n    name: web\n  minReplicas: ${min}\n  maxReplicas: 20\n`;
    const linter = new IncrementalLinter();
    const ids = (text: string) => linter.lint(text, 'k8s/web.yaml', OPTIONS).findings.map((finding) => finding.ruleId);
    const file = (min: number) => `${rollout}---\n${hpa(min)}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata: {}\n`;
    assert.ok(!ids(file(10)).includes('k8s/rollout-weight-granularity'));
    assert.ok(ids(file(3)).includes('k8s/rollout-weight-granularity'));
    assert.deepEqual(linter.lint(file(3), 'k8s/web.yaml', OPTIONS).findings, lint(file(3), 'k8s/web.yaml', OPTIONS).findings);
  });

  it('checks a document again only when what its rules read of the others changed', () => {
    const seen: string[] = [];
    const counting = defineRule({
      id: 'k8s/test-counting',
      presets: { recommended: 'info', strict: 'info' },
      dora: [],
      capabilities: [],
      messages: { object: (name: string) => `object ${name}` },
      docs: { summary: '', rationale: '', symptom: '', fix: '', bad: '', good: '' },
      fixable: false,
      visit: {
        k8sObject(object, ctx) {
          seen.push(object.name ?? '');
          if (object.kind === 'ConfigMap') ctx.index.objects('HorizontalPodAutoscaler');
          ctx.report({ span: object.fields.get('kind')!.keySpan, message: 'object', args: [object.name ?? ''] });
        },
      },
    });
    const options: LintOptions = { rules: [...RULES, counting] };
    const config = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata: {}\n`;
    const hpa = (min: number, max: number) => `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef:\n    kind: Rollout\n    name: web\n  minReplicas: ${min}\n  maxReplicas: ${max}\n`;
    const file = (min: number, max: number, last = 'c') => [config('a'), hpa(min, max), config('b'), config(last)].join('---\n');
    const linter = new IncrementalLinter();
    const path = 'k8s/web.yaml';
    linter.lint(file(2, 10), path, options);
    assert.deepEqual(seen.splice(0), ['a', 'web', 'b', 'c']);
    const renamed = linter.lint(file(2, 10, 'd'), path, options);
    assert.deepEqual(seen.splice(0), ['d'], 'no document read the edited one: only it is checked again');
    assert.deepEqual(comparable(renamed), comparable(lint(file(2, 10, 'd'), path, options)));
    seen.length = 0;
    const changed = linter.lint(file(3, 10, 'd'), path, options);
    assert.deepEqual(seen.splice(0), ['a', 'web', 'b', 'd'], 'the autoscaler changed: every document that read it is checked again');
    assert.deepEqual(comparable(changed), comparable(lint(file(3, 10, 'd'), path, options)));
  });

  it('checks k8s/image-tag again when a kustomization starts or stops setting the tag', () => {
    const deployment = (name: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    matchLabels: { app: ${name} }\n  template:\n    metadata:\n      labels: { app: ${name} }\n    spec:\n      containers:\n        - name: ${name}\n          image: ghcr.io/acme/${name}:latest\n`;
    const text = ['a', 'b', 'c', 'd'].map(deployment).join('---\n');
    const path = 'k8s/apps.yaml';
    const index = buildProjectIndex([{ path, text }, { path: 'k8s/kustomization.yaml', text: 'resources:\n  - apps.yaml\n' }]);
    const options: LintOptions = { rules: RULES, index };
    const linter = new IncrementalLinter();
    const tagged = (result: LintResult) => result.findings.filter((finding) => finding.ruleId === 'k8s/image-tag').map((finding) => finding.message.slice(0, 30));
    assert.equal(tagged(linter.lint(text, path, options)).length, 4);
    index.setFile('k8s/kustomization.yaml', 'resources:\n  - apps.yaml\nimages:\n  - name: ghcr.io/acme/b\n    newTag: 1.0.0\n');
    const pinned = linter.lint(text, path, options);
    assert.deepEqual(tagged(pinned), tagged(lint(text, path, options)));
    assert.equal(tagged(pinned).length, 3);
    index.setFile('k8s/kustomization.yaml', 'resources:\n  - apps.yaml\n');
    assert.equal(tagged(linter.lint(text, path, options)).length, 4);
  });

  it('knows what every rule reads of other documents: no rule reads them but through ctx.index', () => {
    for (const rule of RULES) {
      const source = readFileSync(join(ROOT, 'server/src/rules', `${rule.id}.ts`), 'utf8');
      assert.ok(!/\.documents\b/.test(source), `${rule.id} reads file.documents; read other documents through ctx.index`);
    }
  });

  it('gives a whole lint’s result for files it cannot split safely', () => {
    const linter = new IncrementalLinter();
    for (const text of ['a: "open\n---\nb: 1\n---\nc: 1\n', '%YAML 1.2\n---\na: 1\n---\nb: 2\n---\nc: 3\n', 'a: 1\n...\n---\nb: 1\n---\nc: 1\n']) {
      assert.deepEqual(comparable(linter.lint(text, 'x.yaml', OPTIONS)), comparable(lint(text, 'x.yaml', OPTIONS)));
    }
  });
});
