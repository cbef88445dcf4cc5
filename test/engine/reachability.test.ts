import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify } from '../../server/src/engine/core/classify';
import { jobCondition, reachability, stepRunsIn } from '../../server/src/engine/model/reachability';
import type { Workflow } from '../../server/src/engine/model/workflow';
import { parseYamlFile } from '../../server/src/engine/yaml/yamlFile';

function analyse(text: string) {
  const file = parseYamlFile(text, '.github/workflows/ci.yml');
  const yaml = file.documents[0]!;
  const classified = classify(file, yaml);
  if (classified.type !== 'workflow') throw new Error('not a workflow');
  const workflow: Workflow = classified.workflow;
  const analysis = reachability(workflow, yaml, text);
  const job = (id: string) => workflow.jobs.find((j) => j.id === id)!;
  return { analysis, job, workflow, text };
}

const job = (id: string, extra = '') => `  ${id}:\n    runs-on: x\n${extra}    steps: [{run: echo}]\n`;

describe('reachability', () => {
  it('follows a skipped need into a job without a status function (the skip trap)', () => {
    const { analysis, job: get } = analyse(
      `on: [push, pull_request]\njobs:\n${job('k', "    if: github.event_name == 'pull_request'\n")}${job('j', "    needs: k\n    if: github.event_name == 'push'\n")}${job('h', "    needs: k\n    if: \${{ !cancelled() && github.event_name == 'push' }}\n")}`,
    );
    assert.equal(analysis.canRun(get('k')), true);
    assert.equal(analysis.canRun(get('j')), false);
    assert.equal(analysis.canRun(get('h')), 'unknown');
  });

  it('treats success() as false after a skipped need and reads needs.<id>.result', () => {
    const { analysis, job: get } = analyse(
      `on: push\njobs:\n${job('k', "    if: github.event_name == 'schedule'\n")}${job('a', '    needs: k\n    if: success()\n')}${job('b', "    needs: k\n    if: always() && needs.k.result == 'skipped'\n")}`,
    );
    assert.equal(analysis.canRun(get('a')), false);
    assert.equal(analysis.canRun(get('b')), true);
  });

  it('is unknown in cycles, for switched-off jobs and for unknown events', () => {
    const cyc = analyse(`on: push\njobs:\n${job('a', '    needs: b\n')}${job('b', '    needs: a\n')}`);
    assert.equal(cyc.analysis.canRun(cyc.job('a')), 'unknown');
    const off = analyse(`on: push\njobs:\n${job('a', '    if: false\n')}${job('b', '    needs: a\n')}`);
    assert.equal(off.analysis.canRun(off.job('a')), 'unknown');
    assert.equal(jobCondition(off.job('a'), off.text).constant, true);
    const called = analyse(`on: workflow_call\njobs:\n${job('a', "    if: github.event_name == 'push'\n")}`);
    assert.equal(called.analysis.canRun(called.job('a')), 'unknown');
  });

  it('evaluates step conditions per trigger case', () => {
    const { analysis, workflow } = analyse(`on: [push, pull_request]\njobs:\n  a:\n    runs-on: x\n    steps:\n      - if: github.event_name == 'push'\n        run: deploy\n`);
    const step = workflow.jobs[0]!.steps[0]!;
    assert.deepEqual(analysis.cases.map((c) => stepRunsIn(step, c)), [true, true, false]);
  });
});

describe('job conditions read once per text', () => {
  it('are the same for the same `if:` text anywhere, with the map back to this file', () => {
    const condition = "${{ github.event_name == 'push' && github.ref == 'refs/heads/main' }}";
    const first = analyse(`on: push\njobs:\n${job('a', `    if: ${condition}\n`)}`);
    const second = analyse(`on: push\nenv:\n  A: b\njobs:\n${job('b', '    if: always()\n')}${job('a', `    if: "${condition}"\n`)}`);
    const read = (at: ReturnType<typeof analyse>) => jobCondition(at.job('a'), at.text);
    const [one, two] = [read(first), read(second)];
    assert.equal(one.ast, two.ast, 'parsed once');
    assert.equal(one.source, two.source);
    assert.equal(one.offset, two.offset);
    assert.equal(one.usesStatus, false);
    assert.equal(one.constant, false);
    // The map back to the file is this parse's own.
    for (const at of [first, second]) {
      const found = read(at);
      const span = found.text!.sourceSpan(found.offset, found.offset + found.source!.length)!;
      assert.equal(at.text.slice(span.start, span.end), found.source);
      assert.equal(found.field, at.job('a').fields.get('if'));
    }
  });

  it('differ for different texts', () => {
    const push = analyse(`on: push\njobs:\n${job('a', "    if: github.event_name == 'push'\n")}`);
    const switchedOff = analyse(`on: push\njobs:\n${job('a', '    if: false\n')}`);
    const unreadable = analyse(`on: push\njobs:\n${job('a', '    if: always( &&\n')}`);
    assert.equal(jobCondition(push.job('a'), push.text).constant, false);
    assert.equal(jobCondition(switchedOff.job('a'), switchedOff.text).constant, true);
    assert.deepEqual(
      [jobCondition(unreadable.job('a'), unreadable.text).unreadable, jobCondition(unreadable.job('a'), unreadable.text).usesStatus],
      [true, true],
    );
  });
});
