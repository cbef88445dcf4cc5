// Crashes and hangs the fuzzers found, each pinned by the smallest input that showed it.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { ENGINE_RULES } from '../../server/src/engine/core/finding';
import { applyEdits } from '../../server/src/engine/core/fixes';
import { lint, looksLikeGoTemplate } from '../../server/src/engine/core/lint';
import { RULES } from '../../server/src/rules';
import { assertLinear } from '../helpers/complexity';
import { checkLint, checkMutated, parses } from '../helpers/fuzzInputs';

const WORKFLOW = '.github/workflows/ci.yml';

describe('fuzz regressions', () => {
  it('a syntax error at the very end of a truncated file has its span inside the text', () => {
    for (const text of ['a: [', 'apiVersion: v1\nkind: Pod\nspec: {', 'k: "', 'x:\n  - {a: ']) {
      for (const finding of lint(text, 'pod.yaml', { rules: RULES }).findings) {
        assert.ok(finding.span.start <= finding.span.end && finding.span.end <= text.length, `${JSON.stringify(text)}: ${finding.span.start}-${finding.span.end}`);
      }
    }
  });

  it('a quoted scalar the text ends in with an escaped quote is unclosed: a syntax error, and no fix appends to it', () => {
    // Found by the mutation fuzzer: a file cut after `runs-on: ` and some 3 000 `'`. The `yaml` library reads `'''` at the
    // very end as a closed scalar; gha/job-timeout's fix put a line after it, and the quote then ran on to the end.
    const workflow = (value: string): string => `on: push\njobs:\n  image:\n    runs-on: ${value}`;
    for (const value of ["'".repeat(2_999), "'x''", '"x\\"']) {
      checkMutated({ name: value.slice(0, 10), path: WORKFLOW, text: workflow(value) });
      const findings = lint(workflow(value), WORKFLOW, { rules: RULES, preset: 'all' }).findings;
      assert.deepEqual(findings.map((finding) => finding.ruleId), [ENGINE_RULES.syntax], value.slice(0, 10));
    }
    // Closed, they are read as before.
    for (const value of ["'".repeat(3_000), "'x'''", '"x\\\\"']) {
      assert.ok(lint(workflow(value), WORKFLOW, { rules: RULES, preset: 'all' }).findings.some((finding) => finding.ruleId === 'gha/job-timeout'), value.slice(0, 10));
    }
  });

  it('a step shell of one word holding white space is read again at most twice, not until the stack overflows', () => {
    // Found by the mutation fuzzer in a composite action: `shell: <NUL><no-break space>bash` is one shell word holding
    // white space, so it was read as a command line again, which gave the same word.
    const action = 'name: t\ndescription: d\nruns:\n  using: composite\n  steps:\n    - run: pytest\n      shell: \u0000\u00a0bash\n';
    checkMutated({ name: 'NUL shell', path: 'action.yml', text: action });
    const internal = lint(action, 'action.yml', { rules: RULES, preset: 'all' }).findings.filter((finding) => finding.ruleId === ENGINE_RULES.internal);
    assert.deepEqual(internal, []);
  });

  it('adding to `needs:` quotes a plain scalar holding flow indicators, so the fix keeps the YAML valid', () => {
    const text = 'on: push\njobs:\n  lint:\n    runs-on: x\n    steps: [{run: npm run lint}]\n  build:\n    runs-on: x\n    steps: [{run: npm run build}]\n  e2e:\n    runs-on: x\n    needs: build{x}\n    steps: [{run: npm run e2e}]\n  deploy:\n    runs-on: x\n    needs: e2e\n    environment: production\n    steps: [{run: ./deploy.sh}]\n';
    assert.ok(parses(text));
    for (const finding of lint(text, WORKFLOW, { rules: RULES }).findings) {
      if (finding.fix) assert.ok(parses(applyEdits(text, finding.fix.edits)), `${finding.ruleId}: ${applyEdits(text, finding.fix.edits)}`);
    }
  });

  it('a fix inserting after a key that holds a lone surrogate stays inside its container', () => {
    // Found by the mutation fuzzer: the key's value ended in the next line's indentation, and the block went one item too far.
    const text = [
      'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: api', 'spec:', '  containers:',
      '    - name: api', '      image: ghcr.io/acme/api:2.1.0', '      \ud800resources:', '        requests:', '          cpu: 100m', '          # memory to be measured',
      '    - name: sidecar', '      image: ghcr.io/acme/sidecar:1.0.0', '      resources:', '        requests: { cpu: 10m, memory: 16Mi }', '',
    ].join('\r\n');
    const fixes = lint(text, 'pod.yaml', { rules: RULES, preset: 'strict' }).findings.filter((finding) => finding.ruleId === 'k8s/resources' && finding.fix);
    assert.ok(fixes.length > 0);
    for (const finding of fixes) assert.ok(parses(applyEdits(text, finding.fix!.edits)), `${finding.fix!.title} broke the YAML`);
  });

  it('a line of 20 000 `{` is not a quadratic Go-template check', () => {
    assert.equal(looksLikeGoTemplate(`a: "${'{'.repeat(20_000)}`), false);
    assert.equal(looksLikeGoTemplate(`a: b ${'{'.repeat(20_000)}`), true);
    assertLinear('looksLikeGoTemplate on a line of `{`', (count) => `a: "${'{'.repeat(count)}`, looksLikeGoTemplate, 20_000);
  });

  it('untrusted expressions in one script share one fix that is checked once, not once per finding', () => {
    const workflow = (lines: number): string => `on: issues\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: |\n${'          echo "${{ github.event.issue.title }}"\n'.repeat(lines)}`;
    const result = checkLint(workflow(1_600), WORKFLOW);
    assert.equal(result.findings.filter((finding) => finding.ruleId === 'gha/script-injection').length, 1_600);
    // A new job name each time, so no run reuses what an earlier one worked out.
    let run = 0;
    assertLinear('script-injection on one script', workflow, (text) => lint(text.replace('  a:', `  a${run++}:`), WORKFLOW, { rules: RULES }), 200, 8);
  });

  it('a step id too long to compile into a regular expression does not crash gha/image-tag', () => {
    const id = `meta${'😀'.repeat(16_000)}`;
    const text = `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - id: ${id}\n        uses: docker/metadata-action@v5\n      - run: echo \${{ steps.${id}.outputs.tags }}\n`;
    checkLint(text, WORKFLOW);
  });
});

/**
 * `checkLint` in a worker thread with 256 MiB of heap, stopped after a minute: a walk that grows exponentially fails
 * the test with a message instead of hanging the run (a test's timeout cannot stop synchronous code) or crashing it.
 */
function checkLintBounded(text: string, path: string): Promise<number> {
  const helpers = join(__dirname, '../helpers/fuzzInputs.js');
  const code = `const { parentPort, workerData } = require('node:worker_threads');
parentPort.postMessage(require(workerData.helpers).checkLint(workerData.text, workerData.path).findings.length);`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { helpers, text, path }, resourceLimits: { maxOldGenerationSizeMb: 256 } });
    const timer = setTimeout(() => void worker.terminate().then(() => reject(new Error(`${path}: still checking after 60 s`))), 60_000);
    worker.once('message', (count: number) => {
      clearTimeout(timer);
      void worker.terminate().then(() => resolve(count));
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

describe('anchors that nest or name themselves', () => {
  // `&lN [*lM, *lM]` doubles a value at each level: forty lines stand for 2^40 nodes. A walk that follows aliases must
  // visit each node once or stop at a size; before that, gha/secrets-overshared spun for minutes and gha/matrix ran
  // out of memory on the workflow below.
  const LEVELS = 40;
  const bombLines = (first: string): string[] => [first, ...Array.from({ length: LEVELS - 1 }, (_, index) => `  l${index + 1}: &l${index + 1} [*l${index}, *l${index}]`)];
  const last = `*l${LEVELS - 1}`;

  it('a workflow with a billion-laughs matrix, env and inputs is checked under every rule', async () => {
    const text = [
      'on: push', 'env:', ...bombLines('  l0: &l0 "${{ secrets.A }}"'),
      'jobs:', '  test:', '    runs-on: ubuntu-latest', '    strategy:', '      matrix:', `        v: ${last}`, '        exclude:', `          - v: ${last}`,
      '    env:', `      X: ${last}`, '    steps:', '      - run: echo hi', `        env: { Y: ${last} }`, `        with: { Y: ${last} }`, '',
    ].join('\n');
    assert.ok((await checkLintBounded(text, WORKFLOW)) > 0);
  });

  it("a step whose anchor names itself (actionlint's recursive_anchors) is checked under every rule", async () => {
    const text = 'on: push\njobs:\n  test: &recursive2\n    runs-on: ubuntu-latest\n    steps:\n      - &recursive1\n        env: *recursive1\n        run: *recursive2\n      - *recursive1\n      - *recursive2\n';
    assert.ok((await checkLintBounded(text, WORKFLOW)) > 0);
  });

  it('a manifest with a billion-laughs env, args and volumes is checked under every rule', async () => {
    const text = [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', '  labels: &l0 {app: web}', 'x-bomb:', ...bombLines('  l0b: x').slice(1),
      'spec:', '  replicas: 2', '  selector:', '    matchLabels: *l0', '  template:', '    metadata:', '      labels: *l0', '    spec:', '      containers:',
      '        - name: web', '          image: nginx:1.27', `          env: ${last}`, `          args: ${last}`, `          resources: { limits: ${last} }`,
      `          livenessProbe: { exec: { command: ${last} } }`, `      volumes: ${last}`, '',
    ].join('\n');
    assert.ok((await checkLintBounded(text, 'deploy/web.yaml')) > 0);
  });
});
