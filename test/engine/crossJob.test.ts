import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify } from '../../server/src/engine/core/classify';
import { conditionFacts, crossJobs, crossJobVerdicts, type CrossJobs } from '../../server/src/engine/model/crossJob';
import { Memo } from '../../server/src/engine/incremental/memo';
import { graphOf } from '../../server/src/engine/model/jobGraph';
import { reachability, reachabilityOf } from '../../server/src/engine/model/reachability';
import type { Workflow } from '../../server/src/engine/model/workflow';
import { parseYamlFile, type YamlDoc } from '../../server/src/engine/yaml/yamlFile';
import { manyJobWorkflow, random, workflowTexts } from '../helpers/workflowEdits';

function parsed(text: string): { workflow: Workflow; yaml: YamlDoc } | undefined {
  const file = parseYamlFile(text, '.github/workflows/ci.yml');
  const yaml = file.documents[0];
  if (!yaml || file.documents.length > 1 || yaml.hasErrors) return undefined;
  const classified = classify(file, yaml);
  return classified.type === 'workflow' && classified.workflow.kind === 'workflow' ? { workflow: classified.workflow, yaml } : undefined;
}

function cross(text: string): CrossJobs {
  const found = parsed(text);
  assert.ok(found, `not a workflow:\n${text}`);
  return crossJobs(found.workflow, found.yaml);
}

const WORKFLOW = `on:
  push:
    branches: [main]
  pull_request:
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - name: Lint
        run: npm run lint
  deploy:
    needs: lint
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    environment: production
    steps:
      - name: Ship
        run: kubectl apply -f k8s/
`;

describe('cross-job facts', () => {
  it('are the same for a keystroke that changes no job’s facts (a step name, a comment, an environment name)', () => {
    const before = cross(WORKFLOW);
    assert.ok(before.inputs);
    for (const edited of [
      WORKFLOW.replace('name: Ship', 'name: Ship it'),
      WORKFLOW.replace('name: Lint', 'name: Lint # fast'),
      WORKFLOW.replace('environment: production', 'environment: production-eu'),
      `# a header\n${WORKFLOW}`,
    ]) {
      assert.deepEqual(cross(edited).inputs, before.inputs, edited);
    }
  });

  it('change with what the cross-job rules read: needs, if:, what a job runs, the triggers', () => {
    const before = cross(WORKFLOW).inputs;
    for (const edited of [
      WORKFLOW.replace('needs: lint', 'needs: []'),
      WORKFLOW.replace("if: github.event_name == 'push'", "if: github.event_name == 'pull_request'"),
      WORKFLOW.replace('kubectl apply -f k8s/', 'make docs'),
      WORKFLOW.replace('run: npm run lint', 'run: npm test'),
      WORKFLOW.replace('branches: [main]', 'branches: [release]'),
      WORKFLOW.replace('  lint:', '  check:').replace('needs: lint', 'needs: check'),
    ]) {
      assert.notDeepEqual(cross(edited).inputs, before, edited);
    }
  });

  it('cannot be told from the text when a job or the triggers use an alias', () => {
    assert.equal(cross(WORKFLOW.replace('    runs-on: ubuntu-latest\n    steps:\n      - name: Lint', '    runs-on: &os ubuntu-latest\n    steps:\n      - name: Lint').replace('    environment: production', '    environment: *os')).inputs, undefined);
    assert.equal(cross(`x-events: &events [push]\n${WORKFLOW.replace(/^on:\n(?: .*\n)+/, 'on: *events\n')}`).inputs, undefined);
  });

  it('give the same reachability as the jobs themselves, on every fixture workflow', () => {
    const next = random(3);
    const fixtures = workflowTexts();
    let compared = 0;
    for (const text of [...fixtures, ...Array.from({ length: 10 }, () => manyJobWorkflow(fixtures, next, 4))]) {
      const found = parsed(text);
      if (!found) continue;
      const { jobs, cases } = crossJobs(found.workflow, found.yaml);
      const byFacts = reachabilityOf(graphOf(jobs), cases, conditionFacts);
      const byJobs = reachability(found.workflow, found.yaml, text);
      found.workflow.jobs.forEach((job, index) => {
        for (let i = 0; i < cases.length; i++) {
          assert.equal(byFacts.runs(jobs[index]!, i), byJobs.runs(job, i), `${job.id}, case ${i}, in:\n${text}`);
          assert.equal(byFacts.ownCondition(jobs[index]!, i), byJobs.ownCondition(job, i), `${job.id}, case ${i}, in:\n${text}`);
          compared++;
        }
      });
    }
    assert.ok(compared > 200, `only ${compared} comparisons`);
  });
});

describe('crossJobVerdicts', () => {
  const verdictsOf = (verdicts: (workflow: Workflow, doc: YamlDoc, memo: Memo) => unknown, memo: Memo, text: string) => {
    const found = parsed(text)!;
    return verdicts(found.workflow, found.yaml, memo);
  };

  it('reuses the analysis (the same object) while the inputs are the same, and works it out again when they change', () => {
    const memo = new Memo();
    let runs = 0;
    const verdicts = crossJobVerdicts('test', (facts: CrossJobs) => {
      runs++;
      return { jobs: facts.jobs.length };
    });
    const first = verdictsOf(verdicts, memo, WORKFLOW);
    assert.equal(verdictsOf(verdicts, memo, WORKFLOW.replace('name: Ship', 'name: Ship it')), first);
    assert.equal(runs, 1);
    const changed = verdictsOf(verdicts, memo, WORKFLOW.replace('needs: lint', 'needs: []'));
    assert.notEqual(changed, first);
    assert.equal(runs, 2);
  });

  it('never reuses what it cannot compare', () => {
    const memo = new Memo();
    let runs = 0;
    const verdicts = crossJobVerdicts('test', () => ({ run: ++runs }));
    const aliased = WORKFLOW.replace('    runs-on: ubuntu-latest\n    steps:\n      - name: Lint', '    runs-on: &os ubuntu-latest\n    steps:\n      - name: Lint').replace('    environment: production', '    environment: *os');
    assert.equal(cross(aliased).inputs, undefined);
    verdictsOf(verdicts, memo, aliased);
    verdictsOf(verdicts, memo, aliased);
    verdictsOf(verdicts, memo, WORKFLOW);
    verdictsOf(verdicts, memo, aliased);
    assert.equal(runs, 4);
  });
});
