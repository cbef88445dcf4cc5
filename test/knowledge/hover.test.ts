import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseYamlFile } from '../../server/src/engine/yaml/yamlFile';
import { knowledgeHover } from '../../server/src/knowledge/hover';
import { markdownToPlainText, plainTextToMarkdown } from '../../server/src/knowledge/plainText';
import { ruleById } from '../../server/src/rules';

/** The hover at the `|` in `source` (the bar is removed before parsing). */
function hoverAt(source: string, path = 'x.yaml'): string | undefined {
  const offset = source.indexOf('|');
  assert.ok(offset >= 0, 'mark the cursor with |');
  const text = source.slice(0, offset) + source.slice(offset + 1);
  return knowledgeHover(parseYamlFile(text, path), offset)?.markdown;
}

const rollout = (strategy: string) => `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  replicas: 10
  strategy:
${strategy}
  template:
    spec:
      containers:
        - name: web
          image: web:1.0.0
`;

const CANARY_STEPS = `    canary:
      st|eps:
        - setWeight: 10
        - pause: { duration: 5m }
        - analysis:
            templates:
              - templateName: success-rate
        - setWeight: 30
        - pause: { duration: 10m }
        - analysis:
            templates:
              - templateName: success-rate`;

describe('knowledge hovers', () => {
  it('compares release strategies on a Rollout, its own (canary) first', () => {
    const markdown = hoverAt(rollout('    canary:\n      steps:\n        - setWeight: 50').replace('  strategy:', '  strat|egy:'))!;
    assert.match(markdown, /^This Rollout releases as a \*\*canary\*\*/);
    assert.match(markdown, /^\| \| Canary \| Blue-green \| Feature flags \|$/m);
    for (const row of ['Traffic control', 'Rollback speed', 'Infrastructure cost', 'Tested on real traffic', 'Database migrations', 'Best for', 'Risk surface', 'Tooling', 'DORA impact']) {
      assert.match(markdown, new RegExp(`^\\| ${row} \\|`, 'm'));
    }
    assert.match(markdown, /Choose blue-green/);
  });

  it('puts blue-green first for a blue-green Rollout, and explains a Deployment strategy', () => {
    const blueGreen = hoverAt(rollout('    blueGreen:\n      activeService: web').replace('  strategy:', '  |strategy:'))!;
    assert.match(blueGreen, /^\| \| Blue-green \| Canary \| Feature flags \|$/m);
    const deployment = hoverAt('apiVersion: apps/v1\nkind: Deployment\nspec:\n  strateg|y:\n    type: Recreate\n');
    assert.match(deployment ?? '', /uses \*\*Recreate\*\*/);
    const defaulted = hoverAt('apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 2\n  str|ategy: {}\n');
    assert.match(defaulted ?? '', /uses \*\*RollingUpdate\*\*/);
  });

  it('draws the canary timeline with the minimum time to full traffic', () => {
    const markdown = hoverAt(rollout(CANARY_STEPS))!;
    assert.ok(markdown.includes('`10 % → pause 5m → analysis (success-rate) → 30 % → pause 10m → analysis (success-rate) → 100 % · at least 15m`'), markdown);
  });

  it('shows the timeline from inside any step, and says when it waits for a person', () => {
    const steps = '    canary:\n      steps:\n        - setWeight: 20\n        - pa|use: {}\n        - setWeight: 100';
    const markdown = hoverAt(rollout(steps))!;
    assert.ok(markdown.includes('`20 % → pause (waits for manual promotion) → 100 % · no timed pauses plus manual promotion`'), markdown);
    assert.match(markdown, /Nothing measures the new version/);
  });

  const flagger = (analysis: string) => `apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: checkout
spec:
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: checkout
${analysis}`;

  it('draws a Flagger canary analysis timeline: weights per interval, time to promotion, rollback after threshold', () => {
    const markdown = hoverAt(flagger('  analy|sis:\n    interval: 2m\n    threshold: 3\n    maxWeight: 50\n    stepWeight: 20\n    metrics:\n      - name: request-success-rate\n'))!;
    assert.match(markdown, /^\*\*Flagger analysis timeline\*\* \(progressive canary, one check every 2m\):/);
    assert.ok(markdown.includes('`20 % → 40 % → 60 % → promotion · at least 6m`'), markdown);
    assert.match(markdown, /Rollback after \*\*3\*\* failed checks: about 6m of failures/);
    assert.doesNotMatch(markdown, /only looks at pod readiness/);
  });

  it('reads Flagger defaults and clamps: stepWeights, no interval, threshold below 1, and blue/green iterations', () => {
    const steps = hoverAt(flagger('  |analysis:\n    threshold: 0\n    stepWeights: [5, 25, 60]\n'))!;
    assert.match(steps, /one check every 1m, the default\)/);
    assert.ok(steps.includes('`5 % → 25 % → 60 % → promotion · at least 3m`'), steps);
    assert.match(steps, /Rollback after \*\*1\*\* failed check: about 1m/);
    assert.match(steps, /only looks at pod readiness/);
    const blueGreen = hoverAt(flagger('  analysis:\n    inter|val: 5s\n    iterations: 4\n    threshold: 2\n'))!;
    assert.match(blueGreen, /\(blue\/green, one check every 10s: '5s' is raised to the minimum\)/);
    assert.ok(blueGreen.includes('`4 checks on the new version (no live traffic) → promotion · at least 40s`'), blueGreen);
    const unreadable = hoverAt(flagger('  canaryAnaly|sis:\n    interval: soon\n    stepWeight: 100\n'))!;
    assert.match(unreadable, /'soon' cannot be read, so the default\)/);
    assert.equal(hoverAt(flagger('  analysis:\n    metrics:\n      - na|me: request-success-rate\n')), undefined);
  });

  it('explains a probe with the container\'s effective timings, defaults filled in', () => {
    const markdown = hoverAt(`apiVersion: v1
kind: Pod
spec:
  containers:
    - name: api
      image: api:1.0.0
      liveness|Probe:
        httpGet: { path: /livez, port: 8080 }
        periodSeconds: 5
`)!;
    assert.match(markdown, /^\*\*Liveness\*\* decides whether this container is restarted/);
    assert.match(markdown, /For `api`: a restart comes after about \*\*15s\*\* of failures/);
    assert.match(markdown, /\| 0 \(default\) \| 5 \| 1 \(default\) \| 3 \(default\) \|/);
    const readiness = hoverAt('apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: api\n      |readinessProbe:\n        tcpSocket: { port: 80 }\n        failureThreshold: 2\n')!;
    assert.match(readiness, /traffic stops after about \*\*20s\*\*/);
  });

  const WORKFLOW = `name: release
o|n: push
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: npm run lint
  test:
    needs: lint
    runs-on: ubuntu-latest
    steps:
      - run: npm test
  deploy:
    ne|eds: [test]
    runs-on: ubuntu-latest
    timeout-m|inutes: 15
    steps:
      - run: kubectl apply -f k8s/
`;

  it('on `on:` lists the DORA metrics with elite benchmarks and what this workflow moves', () => {
    const markdown = hoverAt(WORKFLOW.replace('ne|eds', 'needs').replace('timeout-m|inutes', 'timeout-minutes'), '.github/workflows/release.yml')!;
    assert.match(markdown, /This workflow moves deployment frequency and lead time \(it ships\); change failure rate/);
    assert.match(markdown, /\| Change failure rate \| .* \| under 5 % \|/);
  });

  it('on `needs:` shows the stage order and the skip trap', () => {
    const markdown = hoverAt(WORKFLOW.replace('o|n:', 'on:').replace('timeout-m|inutes', 'timeout-minutes'), '.github/workflows/release.yml')!;
    assert.ok(markdown.includes('`lint (fast gate) → test (tests) → deploy (deploy)`'), markdown);
    assert.match(markdown, /`deploy` waits for: `test`/);
    assert.match(markdown, /skip trap/);
  });

  it('on `timeout-minutes:` explains the 360-minute default', () => {
    const markdown = hoverAt(WORKFLOW.replace('o|n:', 'on:').replace('ne|eds', 'needs'), '.github/workflows/release.yml')!;
    assert.match(markdown, /360 minutes/);
  });

  it('says nothing on values or unknown keys', () => {
    assert.equal(hoverAt('apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a|pi\n'), undefined);
    assert.equal(hoverAt('plain: |yaml\n'), undefined);
  });

  it('degrades to plain text: no emphasis, code spans or table rules', () => {
    assert.equal(markdownToPlainText('**Bold** `code` [page](file:///x)\n\n| a | b |\n|---|---|\n| 1 | 2 |'), 'Bold code page (file:///x)\n\na — b\n1 — 2');
  });

  it('puts a plain-text message into Markdown escaped, and takes it out again unchanged', () => {
    const tag = ruleById('gha/unpinned-action')!.messages.tag as (uses: string) => string;
    const message = tag('actions/checkout@v4');
    // Unescaped, Markdown would drop `<sha>` as an HTML tag.
    assert.ok(plainTextToMarkdown(message).includes("'@\\<sha> # v1.2.3'"), plainTextToMarkdown(message));
    assert.equal(plainTextToMarkdown("'*' and '_x_' but GITHUB_TOKEN, a \\ and a `"), "'\\*' and '\\_x\\_' but GITHUB_TOKEN, a \\\\ and a \\`");
    for (const text of [message, "'*' and '_x_' but GITHUB_TOKEN, a \\ and a <b>"]) assert.equal(markdownToPlainText(plainTextToMarkdown(text)), text);
  });
});

describe('Kubernetes hovers: rollout numbers, securityContext, PodDisruptionBudget', () => {
  const deployment = (replicas: string, strategy: string, extra = '') =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n${replicas}  str|ategy:\n${strategy}  selector:\n    matchLabels: { app: api }\n  template:\n    metadata:\n      labels: { app: api }\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n${extra}`;

  it("says how many pods a RollingUpdate takes down and adds at worst, with Kubernetes' rounding", () => {
    const markdown = hoverAt(deployment('  replicas: 10\n', '    type: RollingUpdate\n    rollingUpdate: { maxSurge: 25%, maxUnavailable: 25% }\n'))!;
    // 25 % of 10: 2.5, down to 2 unavailable and up to 3 extra.
    assert.match(markdown, /\*\*With 10 replicas:\*\* `maxUnavailable: 25%` → at most 2 pods below 10 ready .*`maxSurge: 25%` → at most 3 pods above 10/);
    assert.match(markdown, /At worst 8 of 10 pods serve during the release/);
    const defaults = hoverAt(deployment('', ''))!;
    assert.match(defaults, /`replicas` not set \(1, unless an autoscaler sets it\).*at most 0 pods below 1 ready .*at most 1 pod above 1/);
    assert.match(defaults, /No pod stops before its replacement is ready/);
    const zero = hoverAt(deployment('  replicas: 3\n', '    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 0\n'))!;
    assert.match(zero, /both come to 0, which the API server rejects/);
  });

  it('says a Recreate stops every pod first, and leaves templated counts alone', () => {
    assert.match(hoverAt(deployment('  replicas: 4\n', '    type: Recreate\n'))!, /all 4 pods stop before the first new one starts/);
    const templated = hoverAt(deployment('  replicas: ${REPLICAS}\n', '    type: Recreate\n'))!;
    assert.match(templated, /uses \*\*Recreate\*\*/);
    assert.doesNotMatch(templated, /With /);
  });

  it("compares a container's securityContext with the restricted standard, its pod's settings inherited", () => {
    const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    runAsNonRoot: true\n    seccompProfile: { type: RuntimeDefault }\n  containers:\n    - name: app\n      image: app:1.0.0\n      securityC|ontext:\n        allowPrivilegeEscalation: true\n        capabilities: { drop: [ALL] }\n`;
    const markdown = hoverAt(text)!;
    assert.match(markdown, /of this container `app`/);
    assert.match(markdown, /\| `runAsNonRoot` \| `true` \(from the pod\) \| true \| ✓ \|/);
    assert.match(markdown, /\| `allowPrivilegeEscalation` \| `true` \| false \| ✗ \|/);
    assert.match(markdown, /\| `capabilities.drop` \| `ALL` \| ALL .* \| ✓ \|/);
    assert.match(markdown, /\| `readOnlyRootFilesystem` \| not set \| not required .* \| – \|/);
    const pod = hoverAt(text.replace('securityC|ontext:\n        allow', 'securityContext:\n        allow').replace('spec:\n  securityContext:', 'spec:\n  security|Context:'))!;
    assert.match(pod, /of this pod/);
    assert.doesNotMatch(pod, /allowPrivilegeEscalation/, 'container-only fields are not listed for the pod');
  });

  it('tells what a drain may do with a PodDisruptionBudget, from the replicas of the workload it selects', () => {
    const workload = deployment('  replicas: 3\n', '    type: RollingUpdate\n').replace('str|ategy', 'strategy');
    const pdb = (budget: string) => `${workload}---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\nspec:\n  ${budget}\n  selector:\n    matchLabels: { app: api }\n`;
    assert.match(hoverAt(pdb('minAvai|lable: 2'))!, /Deployment `api`: 3 replicas, so a drain may evict \*\*1 pod\*\* at a time/);
    assert.match(hoverAt(pdb('minAvai|lable: 3'))!, /the budget allows \*\*no\*\* eviction/);
    // 34 % of 3 rounds up to 2.
    assert.match(hoverAt(pdb('maxUnava|ilable: 34%'))!, /may evict \*\*2 pods\*\* at a time/);
    const alone = `apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: x\nsp|ec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: { app: other }\n`;
    assert.match(hoverAt(alone)!, /No replicated workload checked with this file has pods its selector matches/);
  });
});
