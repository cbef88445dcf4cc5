import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAlias, isCollection, isPair, isScalar } from 'yaml';
import { JobSplicer } from '../../server/src/engine/incremental/jobSplice';
import { parseYamlFile, type YamlFile } from '../../server/src/engine/yaml/yamlFile';
import { editText, manyJobWorkflow, random, workflowTexts } from '../helpers/workflowEdits';

/** Everything of a parse a rule can read: node kinds, values, styles, properties and ranges (comments aside). */
function tree(node: unknown): unknown {
  if (node === null || node === undefined) return node;
  if (isPair(node)) return { key: tree(node.key), value: tree(node.value) };
  if (isAlias(node)) return { alias: node.source, range: node.range };
  if (isScalar(node)) return { scalar: node.value, type: node.type, range: node.range, tag: node.tag, anchor: node.anchor, source: node.source };
  if (isCollection(node)) return { collection: node.constructor.name, flow: node.flow, range: node.range, tag: node.tag, anchor: node.anchor, items: node.items.map(tree) };
  return { other: String(node) };
}

function parsed(file: YamlFile): unknown {
  return {
    text: file.text,
    eol: file.eol,
    lineStarts: file.lineCounter.lineStarts,
    documents: file.documents.map((yaml) => ({ index: yaml.index, range: yaml.doc.range, errors: yaml.doc.errors.length, contents: tree(yaml.doc.contents) })),
  };
}

const PATH = '.github/workflows/ci.yml';

describe('re-parsing one job of a workflow', () => {
  const texts = workflowTexts();

  /**
   * Random edits of the workflows `start` makes (one a seed), each spliced where it can be and compared with a whole
   * parse; the proof only counts if most edits took the fast way.
   */
  function spliceEqualsWholeParse(seeds: readonly number[], start: (next: () => number) => string): void {
    let spliced = 0;
    let edits = 0;
    for (const seed of seeds) {
      const next = random(seed);
      let text = start(next);
      let valid = text;
      const splicer = new JobSplicer();
      for (let step = 0; step < 60; step++, edits++) {
        const whole = parseYamlFile(text, PATH);
        const result = splicer.splice(text, PATH);
        if (result) {
          spliced++;
          // Strings compare fast; the structures only when they differ, for a readable difference.
          if (JSON.stringify(parsed(result)) !== JSON.stringify(parsed(whole))) assert.deepEqual(parsed(result), parsed(whole), `seed ${seed}, edit ${step}`);
        } else {
          splicer.remember(whole);
        }
        const edited = editText(valid, next);
        if (parseYamlFile(edited).documents.every((yaml) => !yaml.hasErrors)) valid = text = edited;
        else text = next() < 0.15 ? edited : valid;
      }
    }
    assert.ok(spliced > edits * 0.4, `only ${spliced} of ${edits} edits were spliced`);
  }

  it('gives the tree a whole parse gives, over many random edits of many-job workflows', () => {
    spliceEqualsWholeParse([1, 2, 3, 4, 5, 6, 7, 8], (next) => manyJobWorkflow(texts, next, 4 + Math.floor(next() * 6)));
  });

  // GitHub reads anchors and aliases: one pair of jobs that share values that way must not make every keystroke in
  // the other jobs a whole parse.
  it('gives the tree a whole parse gives beside jobs that share values through anchors and aliases', () => {
    const shared = '  anchored:\n    runs-on: &os ubuntu-latest\n    env: &vars\n      A: 1\n    steps:\n      - run: echo a\n  aliased:\n    runs-on: *os\n    env: *vars\n    steps:\n      - run: echo b\n';
    spliceEqualsWholeParse([11, 12, 13, 14], (next) => {
      const many = manyJobWorkflow(texts, next, 3 + Math.floor(next() * 4));
      // The shared pair first among the jobs: the jobs after it are edited and moved.
      const jobs = many.indexOf('\n', many.search(/^jobs:/m)) + 1;
      return many.slice(0, jobs) + shared + many.slice(jobs);
    });
  });

  it('parses whole what it cannot prove safe', () => {
    const base = 'on: push\njobs:\n  a:\n    runs-on: x\n  b:\n    runs-on: y\n';
    const cases = [
      base.replace('    runs-on: x\n', '    runs-on: x\n  c:\n    runs-on: z\n'), // a new job inside a's lines
      base.replace('    runs-on: x\n', '    runs-on: &r x\n'), // an anchor
      base.replace('    runs-on: x\n', '    runs-on: !!str x\n'), // a tag
      base.replace('    runs-on: x\n', '    runs-on: x\nenv: {}\n'), // a root key inside a's lines
      base.replace('  b:', ' b:'), // a job key's column
      base.replace('jobs:\n', 'jobs:\n  # all of them\n'), // between `jobs:` and its first job
      base.replace('x\n  b:\n    runs-on: y', 'y'), // across two jobs
      base.replace('on: push', '%YAML 1.1\n---\non: push'), // a directive
    ];
    for (const text of cases) {
      const splicer = new JobSplicer();
      splicer.remember(parseYamlFile(base, PATH));
      assert.equal(splicer.splice(text, PATH), undefined, text);
    }
    // Beside an anchored job and a job that aliases it, an edit in either of those is parsed whole.
    const sharing = 'on: push\njobs:\n  a:\n    runs-on: &r x\n  b:\n    runs-on: y\n  c:\n    runs-on: *r\n';
    const unsafe = [
      sharing.replace('&r x', '&r xy'),
      sharing.replace('&r x', 'x'), // the anchor removed: the alias names nothing any more
      sharing.replace('runs-on: *r', 'runs-on: *r\n    name: c'),
    ];
    for (const text of unsafe) {
      const splicer = new JobSplicer();
      splicer.remember(parseYamlFile(sharing, PATH));
      assert.equal(splicer.splice(text, PATH), undefined, text);
    }
    const safe = [
      [base, base.replace('runs-on: x', 'runs-on: xy')],
      [base, base.replace('on: push', 'on: pull_request')],
      [sharing, sharing.replace('runs-on: y', 'runs-on: yz')], // the job between them
    ];
    for (const [before, typed] of safe as [string, string][]) {
      const splicer = new JobSplicer();
      splicer.remember(parseYamlFile(before, PATH));
      const result = splicer.splice(typed, PATH);
      assert.ok(result, typed);
      assert.deepEqual(parsed(result), parsed(parseYamlFile(typed, PATH)), typed);
    }
  });
});
