import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify } from '../../server/src/engine/core/classify';
import { jobGraph } from '../../server/src/engine/model/jobGraph';
import { classifyJob, isFastGate, nameWords } from '../../server/src/engine/model/jobKind';
import { mayRunPrivileged, triggerCases, workflowTriggers } from '../../server/src/engine/model/triggers';
import { evaluateCondition, parseExpression } from '../../server/src/engine/languages/expressions';
import { jobSource, jobTextMayMatch, type Workflow } from '../../server/src/engine/model/workflow';
import { parseYamlFile, type YamlDoc } from '../../server/src/engine/yaml/yamlFile';

function workflowOf(text: string): { workflow: Workflow; yaml: YamlDoc } {
  const file = parseYamlFile(text, '.github/workflows/ci.yml');
  const yaml = file.documents[0]!;
  const classified = classify(file, yaml);
  if (classified.type !== 'workflow') throw new Error('not a workflow');
  return { workflow: classified.workflow, yaml };
}

const jobs = (ids: Record<string, string[]>) =>
  `on: push\njobs:\n${Object.entries(ids)
    .map(([id, needs]) => `  ${id}:\n    runs-on: x\n    needs: [${needs.join(', ')}]\n    steps: [{run: echo}]`)
    .join('\n')}\n`;

describe('jobGraph', () => {
  it('follows needs transitively, case-insensitively, ignoring unknown ids', () => {
    const { workflow } = workflowOf(jobs({ lint: [], test: ['LINT', 'missing'], deploy: ['test'] }));
    const graph = jobGraph(workflow);
    const [lint, test, deploy] = workflow.jobs as [never, never, never];
    assert.deepEqual(graph.needs(test), [lint]);
    assert.deepEqual([...graph.ancestors(deploy)], [test, lint]);
    assert.equal(graph.dependsOn(deploy, lint), true);
    assert.equal(graph.dependsOn(lint, deploy), false);
    assert.deepEqual(graph.dependents(lint), [test]);
    assert.deepEqual(graph.cycles, []);
    assert.equal(graph.job('Deploy'), deploy);
  });

  it('reports each cycle once, self-loops included, and terminates', () => {
    const { workflow } = workflowOf(jobs({ a: ['b'], b: ['c'], c: ['a'], d: ['d'], e: ['a'] }));
    const graph = jobGraph(workflow);
    assert.deepEqual(
      graph.cycles.map((cycle) => cycle.map((job) => job.id).sort()),
      [['a', 'b', 'c'], ['d']],
    );
    const e = workflow.jobs[4]!;
    assert.equal(graph.inCycle(e), false);
    assert.deepEqual([...graph.ancestors(e)].map((job) => job.id).sort(), ['a', 'b', 'c']);
    assert.equal(graph.ancestors(workflow.jobs[0]!).has(workflow.jobs[0]!), false);
  });
});

describe('workflowTriggers', () => {
  const events = (on: string) => {
    const { workflow, yaml } = workflowOf(`on: ${on}\njobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]\n`);
    const triggers = workflowTriggers(workflow, yaml);
    return { names: [...triggers.events.keys()], triggers };
  };

  it('reads the string, list and map forms', () => {
    assert.deepEqual(events('push').names, ['push']);
    assert.deepEqual(events('[push, pull_request]').names, ['push', 'pull_request']);
    const map = events('\n  push:\n    branches: [main]\n    tags: [v*]\n  pull_request:\n  workflow_dispatch: {}\n');
    assert.deepEqual(map.names, ['push', 'pull_request', 'workflow_dispatch']);
    assert.deepEqual(map.triggers.events.get('push'), { branches: ['main'], tags: ['v*'] });
    assert.equal(map.triggers.complete, true);
  });

  it('gives one case per allowed ref, with globs known by their start', () => {
    const cases = triggerCases(events('\n  push:\n    branches: [main, "release/**", "!x"]\n').triggers);
    assert.deepEqual(
      cases.map((c) => c.values.get('github.ref')),
      ['refs/heads/main', { pattern: true, prefix: 'refs/heads/release/', suffix: '' }],
    );
    assert.equal(cases[0]!.values.get('github.ref_name'), 'main');
  });

  it("a pull request's ref is its merge ref, whose short name is never a branch's", () => {
    const [pullRequest] = triggerCases(events('pull_request').triggers);
    assert.deepEqual(pullRequest!.values.get('github.ref_name'), { pattern: true, prefix: '', suffix: '/merge' });
    const mainOnly = parseExpression("github.ref_name == 'main'");
    assert.ok(mainOnly.ok);
    assert.equal(evaluateCondition(mainOnly.ast, { lookup: (path) => pullRequest!.values.get(path.join('.')) }), false);
  });

  it('a push with only tag filters runs on tags only; without filters on both', () => {
    const tagsOnly = triggerCases(events('\n  push:\n    tags: ["v*"]\n').triggers);
    assert.deepEqual(tagsOnly.map((c) => c.values.get('github.ref_type')), ['tag']);
    const both = triggerCases(events('push').triggers);
    assert.deepEqual(both.map((c) => c.values.get('github.ref_type')), ['branch', 'tag']);
  });

  it('tells workflows that may run on a privileged event from those that never do', () => {
    for (const on of ['pull_request_target', '[push, issue_comment]', '\n  issues:\n    types: [opened]\n', 'workflow_call', '${{ x }}']) {
      assert.equal(mayRunPrivileged(events(on).triggers), true, on);
    }
    for (const on of ['pull_request', '[push, pull_request, merge_group]', '\n  schedule:\n    - cron: "0 0 * * *"\n  workflow_dispatch:\n']) {
      assert.equal(mayRunPrivileged(events(on).triggers), false, on);
    }
  });

  it('knows nothing about the event of a reusable workflow or an unreadable on:', () => {
    assert.deepEqual(triggerCases(events('[push, workflow_call]').triggers), [{ event: undefined, values: new Map() }]);
    assert.equal(events('${{ x }}').triggers.complete, false);
    assert.equal(events('[]').triggers.complete, false);
  });
});

describe('classifyJob', () => {
  const roleOf = (job: string) => {
    const { workflow } = workflowOf(`on: push\njobs:\n${job}`);
    return classifyJob(workflow.jobs[0]!);
  };

  it('splits names into words', () => {
    assert.deepEqual(nameWords('lint-and-typeCheck e2eTests'), ['lint', 'and', 'type', 'check', 'e2e', 'tests']);
  });

  it('recognises fast gates by name and by command', () => {
    assert.equal(roleOf('  lint:\n    runs-on: x\n    steps: [{run: npm ci}]\n').role, 'fast-gate');
    assert.equal(roleOf('  checks:\n    runs-on: x\n    steps: [{run: "npm ci && npx eslint ."}, {run: npm run typecheck}]\n').role, 'fast-gate');
    assert.equal(roleOf('  checks:\n    runs-on: x\n    steps: [{uses: golangci/golangci-lint-action@v6}]\n').role, 'fast-gate');
  });

  it('recognises unit and slow jobs', () => {
    assert.equal(roleOf('  build:\n    runs-on: x\n    steps: [{run: npm test}]\n').role, 'unit');
    assert.equal(roleOf('  build:\n    runs-on: x\n    steps: [{run: "npm run lint\\nnpm test"}]\n').fastChecks, true);
    assert.equal(roleOf('  test:\n    runs-on: x\n    services: {db: {image: postgres}}\n    steps: [{run: npm test}]\n').role, 'slow');
    assert.equal(roleOf('  browser:\n    runs-on: x\n    steps: [{run: npx playwright test}]\n').role, 'slow');
    assert.equal(roleOf('  x:\n    runs-on: x\n    steps: [{run: docker compose up -d}]\n').role, 'slow');
    assert.equal(roleOf('  integration-tests:\n    runs-on: x\n    steps: [{run: make it}]\n').role, 'slow');
  });

  it('recognises deploys from commands and actions, not from echo or dry runs', () => {
    const deploy = roleOf('  ship:\n    runs-on: x\n    steps: [{run: "cd k8s && kubectl apply -f ."}]\n');
    assert.equal(deploy.role, 'deploy');
    assert.equal(deploy.evidence[0]!.what, "'kubectl apply -f'");
    assert.equal(roleOf('  ship:\n    runs-on: x\n    steps: [{run: helm upgrade --install app ./chart}]\n').role, 'deploy');
    assert.equal(roleOf('  ship:\n    runs-on: x\n    steps: [{uses: azure/webapps-deploy@v3}]\n').role, 'deploy');
    assert.equal(roleOf('  ship:\n    runs-on: x\n    steps: [{run: "echo kubectl apply"}]\n').role, 'other');
    assert.equal(roleOf('  ship:\n    runs-on: x\n    steps: [{run: kubectl apply --dry-run=client -f .}]\n').role, 'other');
    assert.equal(roleOf('  deploy-staging:\n    runs-on: x\n    steps: [{run: terraform apply -auto-approve}]\n').target, 'staging');
  });

  it('treats kubectl/helm against a throwaway cluster as a slow test', () => {
    const job = roleOf('  e2e:\n    runs-on: x\n    steps: [{uses: helm/kind-action@v1}, {run: helm install app ./chart}]\n');
    assert.equal(job.role, 'slow');
    assert.equal(job.deploy, false);
  });

  it('sees test and deploy commands behind launchers', () => {
    const browser = roleOf('  ui:\n    runs-on: x\n    steps: [{run: xvfb-run npx playwright test}]\n');
    assert.equal(browser.role, 'slow');
    assert.deepEqual(browser.reasons, ["'xvfb-run npx playwright'"]);
    assert.equal(roleOf('  verify:\n    runs-on: x\n    steps: [{run: env CI=1 npx jest}]\n').role, 'unit');
    assert.equal(roleOf('  verify:\n    runs-on: x\n    steps: [{run: "timeout 20m sudo -E go test ./..."}]\n').role, 'unit');
    const deploy = roleOf(`  ship:\n    runs-on: x\n    steps: [{run: "bash -c 'nice -n 5 kubectl apply -f k8s/'"}]\n`);
    assert.equal(deploy.role, 'deploy');
    assert.deepEqual(deploy.evidence.map((evidence) => evidence.what), ["'nice -n 5 kubectl'"]);
  });

  it('reads commands in pwsh and cmd scripts, not in python ones, wherever the shell is set', () => {
    assert.equal(roleOf('  verify:\n    runs-on: windows-latest\n    steps: [{run: npm test}]\n').role, 'unit');
    assert.equal(roleOf('  verify:\n    runs-on: x\n    steps: [{run: npm test, shell: pwsh}]\n').role, 'unit');
    assert.equal(roleOf('  verify:\n    runs-on: x\n    steps: [{run: npm test, shell: python}]\n').role, 'other');
    assert.equal(roleOf('  verify:\n    runs-on: x\n    defaults: {run: {shell: python}}\n    steps: [{run: npm test}]\n').role, 'other');
    // The same job text under a workflow whose defaults differ: what is known of the job's text alone must not be reused.
    const job = '  verify:\n    runs-on: x\n    steps: [{run: npm test}]\n';
    assert.equal(classifyJob(workflowOf(`on: push\njobs:\n${job}`).workflow.jobs[0]!).role, 'unit');
    assert.equal(classifyJob(workflowOf(`on: push\ndefaults: {run: {shell: python}}\njobs:\n${job}`).workflow.jobs[0]!).role, 'other');
  });

  it('does not guess about reusable-workflow callers', () => {
    const caller = roleOf('  deploy:\n    uses: org/repo/.github/workflows/deploy.yml@main\n');
    assert.equal(caller.opaque, true);
    assert.equal(caller.role, 'other');
  });

  it('isFastGate: fast checks in a job that is not slow', () => {
    const { workflow } = workflowOf('on: push\njobs:\n  ci:\n    runs-on: x\n    steps: [{run: npm run lint}, {run: npm test}]\n  e2e:\n    runs-on: x\n    steps: [{run: npm run lint}, {run: npm run test:e2e}]\n');
    assert.equal(isFastGate(classifyJob(workflow.jobs[0]!)), true);
    assert.equal(isFastGate(classifyJob(workflow.jobs[1]!)), false);
  });
});

describe('jobTextMayMatch', () => {
  const docker = (source: string) => source.includes('docker');
  const jobOf = (text: string) => workflowOf(text).workflow.jobs[0]!;
  it('rules a job out only when its text cannot spell the match', () => {
    assert.equal(jobTextMayMatch(jobOf('on: push\njobs:\n  a:\n    steps:\n      - run: make\n'), docker), false);
    assert.equal(jobTextMayMatch(jobOf('on: push\njobs:\n  a:\n    steps:\n      - run: docker push x\n'), docker), true);
    // An escape can spell it in a double-quoted script.
    assert.equal(jobTextMayMatch(jobOf('on: push\njobs:\n  a:\n    steps:\n      - run: "\\x64ocker push x"\n'), docker), true);
    assert.equal(workflowOf('on: push\njobs:\n  a:\n    steps:\n      - run: "\\x64ocker push x"\n').workflow.jobs[0]!.steps[0]!.run!.value, 'docker push x');
    // An alias reaches text outside the job.
    const aliased = 'on: push\njobs:\n  a:\n    steps: &s\n      - run: docker push x\n  b:\n    steps: *s\n';
    assert.equal(jobTextMayMatch(workflowOf(aliased).workflow.jobs[1]!, docker), true);
  });
});

describe('jobSource', () => {
  // A job's text is the key of what is worked out from it only when it says everything the job holds.
  it('is the text of a job whose aliases name anchors inside it, and nothing for one that reads an anchor elsewhere', () => {
    const { workflow } = workflowOf(
      'on: push\njobs:\n  a:\n    runs-on: &os x\n    services:\n      db: &db { image: postgres }\n      replica: *db\n  b:\n    runs-on: *os\n  c:\n    runs-on: y\n',
    );
    const source = (id: string) => jobSource(workflow.jobs.find((job) => job.id === id)!);
    assert.match(source('a')?.text ?? '', /^ {2}a:\n/);
    assert.equal(source('b'), undefined);
    assert.match(source('c')?.text ?? '', /^ {2}c:\n/);
  });
});
