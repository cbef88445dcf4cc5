import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { classify } from '../../server/src/engine/core/classify';
import { lint } from '../../server/src/engine/core/lint';
import { attachFindings, estimateMinutes, pipelineOf } from '../../server/src/engine/model/pipeline';
import { releasePlanOf } from '../../server/src/engine/model/release';
import { parseYamlFile } from '../../server/src/engine/yaml/yamlFile';
import { RULES } from '../../server/src/rules/index';
import { ROOT } from '../helpers/fixtures';

const FIXTURE = join(ROOT, 'test', 'data', 'report');

function pipelineFrom(text: string, path = '.github/workflows/ci.yml') {
  const file = parseYamlFile(text, path);
  const yaml = file.documents[0]!;
  const classified = classify(file, yaml);
  if (classified.type !== 'workflow') throw new Error('not a workflow');
  return { pipeline: pipelineOf(classified.workflow, yaml), workflow: classified.workflow };
}

const job = (id: string, extra = '', steps = '[{run: echo}]') => `  ${id}:\n    runs-on: ubuntu-latest\n${extra}    steps: ${steps}\n`;

describe('pipeline model', () => {
  const text = readFileSync(join(FIXTURE, '.github/workflows/ci.yml'), 'utf8');
  const { pipeline, workflow } = pipelineFrom(text);
  const node = (id: string) => pipeline.nodes.find((candidate) => candidate.id === id)!;

  it('has a node per job, labelled by its name, and an edge per need', () => {
    assert.deepEqual(pipeline.nodes.map((n) => n.id), ['lint', 'unit', 'e2e', 'preview', 'build', 'deploy', 'never']);
    assert.equal(node('build').label, '<script>alert(1)</script>');
    assert.deepEqual(
      pipeline.edges.map((edge) => `${edge.from}->${edge.to}`),
      ['lint->unit', 'unit->e2e', 'lint->preview', 'unit->build', 'build->deploy', 'e2e->deploy', 'preview->deploy'],
    );
  });

  it('gives each job its kind from the model: fast gate, tests, slow tests, build, deploy with its environment', () => {
    assert.equal(node('lint').kind, 'gate');
    assert.equal(node('lint').fastGate, true);
    assert.equal(node('unit').kind, 'test');
    assert.equal(node('e2e').kind, 'slow-test');
    assert.equal(node('e2e').slow, true);
    assert.equal(node('build').kind, 'build');
    assert.equal(node('deploy').kind, 'deploy');
    assert.equal(node('deploy').environment, 'production');
    assert.equal(node('deploy').environmentGate, true);
    assert.equal(node('deploy').condition, "github.ref == 'refs/heads/main'");
  });

  it('marks jobs no trigger lets run, and needs that can be skipped', () => {
    // `never` runs on schedule only, which the workflow has no trigger for; `deploy` needs `preview`, which only runs on pull requests, while deploy wants main.
    assert.equal(node('never').unreachable, true);
    assert.equal(node('deploy').unreachable, true);
    assert.equal(node('e2e').unreachable, false);
    const skippable = pipeline.edges.filter((edge) => edge.skippable).map((edge) => `${edge.from}->${edge.to}`);
    assert.deepEqual(skippable, ['preview->deploy']);
  });

  it('estimates minutes from the kind, capped by timeout-minutes, and finds the longest chain of jobs that run', () => {
    assert.equal(node('lint').estimateMinutes, 3);
    assert.equal(estimateMinutes('slow-test', 5), 5);
    assert.equal(estimateMinutes('slow-test', undefined), 20);
    // deploy never runs, so the path ends at e2e: 3 + 8 + 20.
    assert.deepEqual(pipeline.criticalPath, ['lint', 'unit', 'e2e']);
    assert.equal(pipeline.criticalMinutes, 31);
    assert.deepEqual(pipeline.nodes.filter((n) => n.onCriticalPath).map((n) => n.id), ['lint', 'unit', 'e2e']);
    assert.deepEqual(pipeline.edges.filter((edge) => edge.onCriticalPath).map((edge) => `${edge.from}->${edge.to}`), ['lint->unit', 'unit->e2e']);
  });

  it('takes skip traps and unreachable jobs from the findings of the run, by rule id', () => {
    const { findings } = lint(text, '.github/workflows/ci.yml', { rules: RULES, preset: 'strict' });
    const { pipeline: fresh } = pipelineFrom(text);
    attachFindings(fresh, workflow, findings);
    // gha/needs-skipped reports deploy's need on preview: that edge, and only it, is the trap.
    assert.deepEqual(fresh.edges.filter((edge) => edge.skipTrap).map((edge) => `${edge.from}->${edge.to}`), ['preview->deploy']);
    const deploy = fresh.nodes.find((n) => n.id === 'deploy')!;
    assert.ok(deploy.ruleIds.includes('gha/needs-skipped'));
    assert.ok(deploy.ruleIds.includes('gha/unreachable-job'));
  });

  it('with a slower chain through a deploy that runs, puts the deploy on the critical path', () => {
    const { pipeline: p } = pipelineFrom(
      `on: push\njobs:\n${job('lint', '', '[{run: npm run lint}]')}${job('test', '    needs: lint\n', '[{run: npm test}]')}${job('docs', '    needs: lint\n')}${job('deploy', '    needs: [test, docs]\n    environment: prod\n', '[{run: helm upgrade --install app ./chart}]')}`,
    );
    assert.deepEqual(p.criticalPath, ['lint', 'test', 'deploy']);
    assert.equal(p.criticalMinutes, 3 + 8 + 8);
  });

  it('survives a needs cycle: the cycle is marked and left off the critical path', () => {
    const { pipeline: p } = pipelineFrom(`on: push\njobs:\n${job('a', '    needs: b\n')}${job('b', '    needs: a\n')}${job('c')}`);
    assert.deepEqual(p.nodes.map((n) => n.inCycle), [true, true, false]);
    assert.deepEqual(p.criticalPath, ['c']);
  });
});

describe('release plan', () => {
  it("reads an Argo canary's weights over time, with its pauses and manual promotion", () => {
    const text = readFileSync(join(FIXTURE, 'k8s/rollout.yaml'), 'utf8');
    const file = parseYamlFile(text, 'k8s/rollout.yaml');
    const yaml = file.documents[0]!;
    const classified = classify(file, yaml);
    assert.equal(classified.type, 'k8s');
    const plan = releasePlanOf((classified as { objects: Parameters<typeof releasePlanOf>[0][] }).objects[0]!, yaml)!;
    assert.equal(plan.strategy, 'argo-canary');
    assert.deepEqual(plan.weights.map((point) => [point.seconds, point.weight, point.manual === true]), [
      [0, 0, false],
      [0, 10, false],
      [300, 10, false],
      [300, 30, false],
      [900, 30, false],
      [900, 60, false],
      [900, 60, true],
      [900, 100, false],
    ]);
    assert.equal(plan.manualGates, 1);
    assert.equal(plan.minimumSeconds, 900);
  });

  it("reads a Flagger canary's schedule: one step an interval", () => {
    const text = `apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: api}\nspec:\n  analysis:\n    interval: 1m\n    threshold: 2\n    maxWeight: 30\n    stepWeight: 10\n`;
    const file = parseYamlFile(text, 'canary.yaml');
    const yaml = file.documents[0]!;
    const classified = classify(file, yaml) as { objects: Parameters<typeof releasePlanOf>[0][] };
    const plan = releasePlanOf(classified.objects[0]!, yaml)!;
    assert.equal(plan.strategy, 'flagger-canary');
    assert.deepEqual(plan.weights.map((point) => [point.seconds, point.weight]), [[0, 0], [0, 10], [60, 20], [120, 30], [180, 100]]);
  });
});
