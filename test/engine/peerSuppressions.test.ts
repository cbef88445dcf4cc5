import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import { PEER_CHECKS, PEERS } from '../../server/src/engine/core/peerChecks';
import { RULES, ruleById } from '../../server/src/rules';

// A fixed set of rules, so these tests do not change meaning as the catalog grows.
const GHA = ['gha/script-injection', 'gha/unpinned-action', 'gha/image-tag', 'gha/pull-request-target-checkout', 'gha/npm-ci'].map((id) => ruleById(id)!);
const K8S = ['k8s/image-tag', 'k8s/probe-missing', 'k8s/resources', 'k8s/probe-identical'].map((id) => ruleById(id)!);

const WORKFLOW = '.github/workflows/ci.yml';
const gha = (text: string) => lint(text, WORKFLOW, { rules: GHA });
const k8s = (text: string) => lint(text, 'deploy.yaml', { rules: K8S });
const ids = (result: { findings: { ruleId: string }[] }) => result.findings.map((finding) => finding.ruleId).sort();

const workflow = (trigger: string, steps: string, job = '') =>
  `on:\n  ${trigger}\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n${job}    steps:\n${steps}`;
const INJECTION = '      - run: |\n          echo "${{ github.event.issue.title }}"\n          npm install\n';
const UNPINNED = '      - uses: some-org/some-action@v1\n';

describe('zizmor ignore comments', () => {
  it('template-injection hides gha/script-injection in the step that holds the comment, and nothing else', () => {
    const plain = workflow('issues:', INJECTION + INJECTION);
    assert.deepEqual(ids(gha(plain)), ['gha/npm-ci', 'gha/npm-ci', 'gha/script-injection', 'gha/script-injection']);
    const ignored = workflow('issues:', INJECTION.replace('run: |', 'run: | # zizmor: ignore[template-injection] the title is only echoed') + INJECTION);
    const result = gha(ignored);
    assert.deepEqual(ids(result), ['gha/npm-ci', 'gha/npm-ci', 'gha/script-injection']);
    // The second step keeps its finding; the hidden one is listed with the comment, for the hover.
    assert.ok(result.findings.find((f) => f.ruleId === 'gha/script-injection')!.span.start > ignored.indexOf('zizmor'));
    const [hidden] = result.suppressed!;
    assert.equal(hidden!.finding.ruleId, 'gha/script-injection');
    assert.deepEqual(hidden!.directive.peer, { tool: 'zizmor', check: 'template-injection', lines: [8, 10] });
    assert.equal(hidden!.directive.reason, 'the title is only echoed');
    assert.equal(ignored.slice(hidden!.directive.span.start, hidden!.directive.span.end), '# zizmor: ignore[template-injection] the title is only echoed');
  });

  it('is read as zizmor reads it: a YAML comment in its exact syntax, never a shell comment in the script', () => {
    const inScript = workflow('issues:', '      - run: |\n          # zizmor: ignore[template-injection]\n          echo "${{ github.event.issue.title }}"\n');
    assert.deepEqual(ids(gha(inScript)), ['gha/script-injection']);
    const loose = workflow('issues:', INJECTION.replace('run: |', 'run: | #zizmor: ignore[template-injection]'));
    assert.deepEqual(ids(gha(loose)), ['gha/npm-ci', 'gha/script-injection']);
    const glued = workflow('issues:', INJECTION.replace('run: |', 'run: | # zizmor: ignore[template-injection]because'));
    assert.deepEqual(ids(gha(glued)), ['gha/npm-ci', 'gha/script-injection']);
    const several = workflow('issues:', INJECTION.replace('run: |', 'run: | # zizmor: ignore[artipacked, template-injection]'));
    assert.deepEqual(ids(gha(several)), ['gha/npm-ci']);
  });

  it('unpinned-uses hides gha/unpinned-action on its line only', () => {
    const text = workflow('push:', UNPINNED.replace('\n', ' # zizmor: ignore[unpinned-uses] we own it\n') + UNPINNED);
    const result = gha(text);
    assert.deepEqual(ids(result), ['gha/unpinned-action']);
    assert.equal(result.findings[0]!.span.start, text.lastIndexOf('some-org/some-action@v1'));
  });

  it('unpinned-images hides gha/image-tag on the image line', () => {
    const job = (comment: string) => workflow('push:', '      - run: make test\n', `    container:\n      image: golang:latest${comment}\n`);
    assert.deepEqual(ids(gha(job(''))), ['gha/image-tag']);
    assert.deepEqual(ids(gha(job(' # zizmor: ignore[unpinned-images]'))), []);
    // Only the finding about a job's or service's image: not one about a tag this workflow pushes, on the same line.
    const push = workflow('push:', '      - run: docker push ghcr.io/acme/api:latest\n');
    assert.deepEqual(ids(gha(push)), ['gha/image-tag']);
    assert.deepEqual(ids(gha(push.replace(':latest\n', ':latest # zizmor: ignore[unpinned-images]\n'))), ['gha/image-tag']);
  });

  it('dangerous-triggers anywhere in on: hides gha/pull-request-target-checkout in the whole workflow', () => {
    const checkout = '      - uses: actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: make test\n';
    assert.deepEqual(ids(gha(workflow('pull_request_target:', checkout))), ['gha/pull-request-target-checkout']);
    assert.deepEqual(ids(gha(workflow('pull_request_target: # zizmor: ignore[dangerous-triggers] reviewed', checkout))), []);
    assert.deepEqual(ids(gha(workflow('# zizmor: ignore[dangerous-triggers]\n  pull_request_target:', checkout))), []);
    // The same comment in a step is not in zizmor's finding, so it hides nothing.
    assert.deepEqual(ids(gha(workflow('pull_request_target:', checkout.replace('make test', 'make test # zizmor: ignore[dangerous-triggers]')))), ['gha/pull-request-target-checkout']);
  });

  it("ignores audits shipcheck has no counterpart for, and never reports a peer's comment as unused or unknown", () => {
    const unmapped = workflow('push:', UNPINNED.replace('\n', ' # zizmor: ignore[artipacked]\n'));
    assert.deepEqual(ids(gha(unmapped)), ['gha/unpinned-action']);
    const nothingToHide = workflow('push:', '      - uses: some-org/some-action@8e5e7e5ab8b370d6c329ec480221332ada57f0ab # zizmor: ignore[unpinned-uses]\n');
    assert.deepEqual(gha(nothingToHide).findings, []);
  });
});

const deployment = (annotations: string, template = '', container = '          image: nginx:latest\n') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
${annotations ? `  annotations:\n${annotations}` : ''}spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web }
${template ? `      annotations:\n${template}` : ''}    spec:
      containers:
        - name: web
${container}          ports: [{ containerPort: 8080 }]
`;
const BASELINE = ['k8s/image-tag', 'k8s/probe-missing', 'k8s/probe-missing', 'k8s/resources'];

describe('Kubernetes peers’ annotations', () => {
  it('kube-linter: ignore-check.kube-linter.io/<check> hides the mapped findings of that object only', () => {
    assert.deepEqual(ids(k8s(deployment(''))), BASELINE);
    assert.deepEqual(ids(k8s(deployment('    ignore-check.kube-linter.io/latest-tag: "pinned by the operator"\n'))), ['k8s/probe-missing', 'k8s/probe-missing', 'k8s/resources']);
    // no-liveness-probe hides the liveness finding and keeps the readiness one.
    const liveness = k8s(deployment('    ignore-check.kube-linter.io/no-liveness-probe: ""\n'));
    assert.deepEqual(ids(liveness), ['k8s/image-tag', 'k8s/probe-missing', 'k8s/resources']);
    assert.match(liveness.findings.find((f) => f.ruleId === 'k8s/probe-missing')!.message, /readinessProbe/);
    // A check shipcheck has no counterpart for changes nothing, and says nothing.
    assert.deepEqual(ids(k8s(deployment('    ignore-check.kube-linter.io/run-as-non-root: "needs root"\n'))), BASELINE);
  });

  it("kube-linter's latest-tag does not hide a branch-like tag, which it accepts itself", () => {
    const branch = deployment('    ignore-check.kube-linter.io/latest-tag: ""\n', '', '          image: nginx:main\n');
    assert.ok(ids(k8s(branch)).includes('k8s/image-tag'));
  });

  it('Polaris: polaris.fairwinds.com/<check>-exempt: "true" hides, any other value does not', () => {
    assert.deepEqual(ids(k8s(deployment('    polaris.fairwinds.com/tagNotSpecified-exempt: "true"\n'))), ['k8s/probe-missing', 'k8s/probe-missing', 'k8s/resources']);
    assert.deepEqual(ids(k8s(deployment('    polaris.fairwinds.com/tagNotSpecified-exempt: "false"\n'))), BASELINE);
    // cpuLimitsMissing hides the finding about a missing CPU limit alone, not one about memory too.
    const resources = (set: string) => deployment('    polaris.fairwinds.com/cpuLimitsMissing-exempt: "true"\n', '', `          image: nginx:1.27\n          resources: ${set}\n`);
    assert.deepEqual(ids(k8s(resources('{ requests: { cpu: 100m, memory: 64Mi }, limits: { memory: 64Mi } }'))), ['k8s/probe-missing', 'k8s/probe-missing']);
    assert.deepEqual(ids(k8s(resources('{ requests: { cpu: 100m, memory: 64Mi } }'))), ['k8s/probe-missing', 'k8s/probe-missing', 'k8s/resources']);
  });

  it("kube-score: kube-score/ignore on the object or on its pod template, a comma-separated list", () => {
    assert.deepEqual(ids(k8s(deployment('    kube-score/ignore: container-image-tag, container-resources\n'))), ['k8s/probe-missing', 'k8s/probe-missing']);
    // pod-probes asks for readiness only: the liveness finding stays.
    const template = k8s(deployment('', '        kube-score/ignore: pod-probes\n'));
    assert.deepEqual(ids(template), ['k8s/image-tag', 'k8s/probe-missing', 'k8s/resources']);
    assert.match(template.findings.find((f) => f.ruleId === 'k8s/probe-missing')!.message, /livenessProbe/);
  });
});

describe('the peer table', () => {
  it('maps only to rules that exist, and only to their messages', () => {
    for (const entry of PEER_CHECKS) {
      const rule = RULES.find((candidate) => candidate.id === entry.rule);
      assert.ok(rule, `${entry.peer} ${entry.check}: no rule ${entry.rule}`);
      for (const message of entry.messages ?? []) assert.ok(message in rule.messages, `${entry.rule} has no message ${message}`);
      assert.ok(PEERS.some((peer) => peer.id === entry.peer));
    }
  });

  it('gives zizmor entries a reach (a comment is matched by place), and the others none (an annotation reaches its object)', () => {
    for (const entry of PEER_CHECKS) {
      if (entry.peer === 'zizmor') assert.ok(entry.reach, entry.check);
      else assert.equal(entry.reach, undefined, entry.check);
    }
  });
});
