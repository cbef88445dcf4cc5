import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as jobKind from '../../server/src/engine/model/jobKind';
import { buildWorkflow } from '../../server/src/engine/model/workflow';
import { isMap } from '../../server/src/engine/yaml/yamlFile';
import { parseYamlFile } from '../../server/src/engine/yaml/yamlFile';
import { editText, manyJobWorkflow, random, randomEdit, workflowTexts } from '../helpers/workflowEdits';

/** A second copy of the module, its caches empty: what classification is without them. */
function uncachedJobKind(): typeof jobKind {
  const path = require.resolve('../../server/src/engine/model/jobKind');
  const kept = require.cache[path];
  delete require.cache[path];
  try {
    return require(path) as typeof jobKind;
  } finally {
    require.cache[path] = kept;
  }
}

/** Every field of a classification, as data (a cached one reads its evidence on demand). */
function plain(kind: jobKind.JobClassification): unknown {
  const { role, fastChecks, tests, testCommands, deploySteps, slow, deploy, opaque, evidence, reasons, deployConditions, target } = kind;
  return { role, fastChecks, tests, testCommands, deploySteps, slow, deploy, opaque, evidence, reasons, deployConditions, target };
}

// Edits that change what a job is: commands, shells, names, services, actions.
const CLASSIFYING = [
  ' && kubectl apply -f k8s/', '\n          npm test\n', '\n      - run: helm upgrade app ./chart\n', '\n        shell: python\n',
  '\n    name: deploy staging\n', '\n    name: lint\n', '\n    services:\n      db:\n        image: postgres:16\n', ' e2e', '-staging',
  '\n      - uses: azure/webapps-deploy@v3\n', '\n      - run: kind create cluster\n', 'npx playwright test', 'go test ./...',
  'xvfb-run ', 'env CI=1 ', '\ndefaults:\n  run:\n    shell: python\n', '\n    defaults: {run: {shell: python}}\n',
];

describe('job classification', () => {
  it('is the same with its caches as without, over many random edits', () => {
    const texts = workflowTexts();
    let compared = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const next = random(seed);
      let text = manyJobWorkflow(texts, next, 4);
      for (let step = 0; step < 40; step++) {
        text = next() < 0.5 ? editText(text, next) : randomEdit(text, next, CLASSIFYING, 0.3);
        const file = parseYamlFile(text, '.github/workflows/ci.yml');
        const yaml = file.documents[0];
        if (!yaml || file.documents.length > 1 || !isMap(yaml.doc.contents)) {
          // An edit that splits the file or breaks its top level would leave the rest of the seed with nothing to compare.
          text = manyJobWorkflow(texts, next, 4);
          continue;
        }
        const workflow = buildWorkflow(yaml, yaml.doc.contents, text, 'workflow');
        const uncached = uncachedJobKind();
        for (const job of workflow.jobs) {
          assert.deepEqual(plain(jobKind.classifyJob(job)), plain(uncached.classifyJob(job)), `seed ${seed}, edit ${step}, job ${job.id}`);
          compared++;
        }
      }
    }
    assert.ok(compared > 500, `only ${compared} jobs compared`);
  });

  it('finds the same evidence for the same job text anywhere in the file', () => {
    const job = '  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          echo start\n          kubectl apply -f k8s/\n';
    const spans = (prefix: string) => {
      const text = `on: push\n${prefix}jobs:\n${job}`;
      const yaml = parseYamlFile(text).documents[0]!;
      const [deploy] = buildWorkflow(yaml, yaml.doc.contents as never, text, 'workflow').jobs;
      return jobKind.classifyJob(deploy!).evidence.map((evidence) => text.slice(evidence.span.start, evidence.span.end));
    };
    assert.deepEqual(spans(''), ['kubectl apply -f']);
    assert.deepEqual(spans('env:\n  A: b\n'), ['kubectl apply -f']);
  });
});

