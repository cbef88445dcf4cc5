import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify } from '../../server/src/engine/core/classify';
import { applyEdits } from '../../server/src/engine/core/fixes';
import { addNeeds, insertJobEntry } from '../../server/src/engine/edits/jobEdit';
import type { Job } from '../../server/src/engine/model/workflow';
import { parseYamlFile, type YamlFile } from '../../server/src/engine/yaml/yamlFile';

function jobOf(text: string, id: string): { file: YamlFile; job: Job } {
  const file = parseYamlFile(text, '.github/workflows/ci.yml');
  const classified = classify(file, file.documents[0]!);
  if (classified.type !== 'workflow') throw new Error('not a workflow');
  return { file, job: classified.workflow.jobs.find((job) => job.id === id)! };
}

function withNeeds(text: string, ids: string[]): string | undefined {
  const { file, job } = jobOf(text, 'e2e');
  const edit = addNeeds(file, job, ids);
  return edit && applyEdits(text, [edit]);
}

const head = 'on: push\njobs:\n  lint:\n    runs-on: x\n    steps: [{run: a}]\n';

describe('addNeeds', () => {
  it('adds needs: after runs-on when there is none', () => {
    assert.equal(withNeeds(`${head}  e2e:\n    runs-on: x # runner\n    steps:\n      - run: b\n`, ['lint']), `${head}  e2e:\n    runs-on: x # runner\n    needs: lint\n    steps:\n      - run: b\n`);
    assert.equal(withNeeds(`${head}  e2e:\n    steps:\n      - run: b\n    runs-on: x\n`, ['lint', 'fmt']), `${head}  e2e:\n    steps:\n      - run: b\n    runs-on: x\n    needs: [lint, fmt]\n`);
  });

  it('turns a scalar into a flow list and grows flow lists', () => {
    assert.equal(withNeeds(`${head}  e2e:\n    needs: build\n    runs-on: x\n`, ['lint']), `${head}  e2e:\n    needs: [build, lint]\n    runs-on: x\n`);
    assert.equal(withNeeds(`${head}  e2e:\n    needs: [ build ]\n    runs-on: x\n`, ['lint']), `${head}  e2e:\n    needs: [ build, lint ]\n    runs-on: x\n`);
    assert.equal(withNeeds(`${head}  e2e:\n    needs: []\n    runs-on: x\n`, ['lint']), `${head}  e2e:\n    needs: [lint]\n    runs-on: x\n`);
  });

  it('appends to block lists in their indentation, keeping comments', () => {
    const text = `${head}  e2e:\n    needs:\n    - build # image\n    runs-on: x\n`;
    assert.equal(withNeeds(text, ['lint', 'fmt']), `${head}  e2e:\n    needs:\n    - build # image\n    - lint\n    - fmt\n    runs-on: x\n`);
  });

  it('does nothing for ids already needed (any case) and for aliases', () => {
    assert.equal(withNeeds(`${head}  e2e:\n    needs: [LINT]\n    runs-on: x\n`, ['lint']), undefined);
    assert.equal(withNeeds(`on: push\nx: &n [a]\njobs:\n  e2e:\n    needs: *n\n    runs-on: x\n`, ['lint']), undefined);
  });

  it('keeps CRLF line ends', () => {
    const text = `${head}  e2e:\n    runs-on: x\n    steps: []\n`.replace(/\n/g, '\r\n');
    assert.equal(withNeeds(text, ['lint']), `${head}  e2e:\n    runs-on: x\n    needs: lint\n    steps: []\n`.replace(/\n/g, '\r\n'));
  });
});

describe('insertJobEntry', () => {
  it('inserts a nested block in the file indentation (4 spaces here)', () => {
    const text = 'on: push\njobs:\n    deploy:\n        runs-on: x\n        environment: prod\n        steps:\n            - run: a\n';
    const { file, job } = jobOf(text, 'deploy');
    const edit = insertJobEntry(file, job, 'concurrency:\n  group: deploy-prod\n  cancel-in-progress: false', ['environment']);
    assert.equal(
      applyEdits(text, [edit!]),
      'on: push\njobs:\n    deploy:\n        runs-on: x\n        environment: prod\n        concurrency:\n            group: deploy-prod\n            cancel-in-progress: false\n        steps:\n            - run: a\n',
    );
  });

  it('refuses flow jobs and keys that exist', () => {
    const flow = jobOf('on: push\njobs:\n  deploy: { runs-on: x, steps: [] }\n', 'deploy');
    assert.equal(insertJobEntry(flow.file, flow.job, 'environment: production'), undefined);
    const existing = jobOf('on: push\njobs:\n  deploy:\n    runs-on: x\n    environment: prod\n', 'deploy');
    assert.equal(insertJobEntry(existing.file, existing.job, 'environment: production'), undefined);
  });
});
