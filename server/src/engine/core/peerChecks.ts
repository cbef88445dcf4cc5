/**
 * The checks of other linters that shipcheck has a counterpart for, so that a suppression written for the other
 * linter (a `# zizmor: ignore[…]` comment, a kube-linter, Polaris or kube-score annotation) also hides shipcheck's
 * corresponding finding. Only true counterparts are listed: where shipcheck's finding covers more than the peer's
 * check, `messages` names the findings that do correspond. A peer check not listed here hides nothing and is not
 * reported: it belongs to the peer. `docs/suppressions.md` is generated from this table (`npm run docs`).
 */

export type PeerId = 'zizmor' | 'kube-linter' | 'polaris' | 'kube-score';

export interface Peer {
  id: PeerId;
  /** How the peer's suppression is written, for the docs. */
  syntax: string;
  /** The peer's own documentation of it. */
  docs: string;
}

export const PEERS: readonly Peer[] = [
  {
    id: 'zizmor',
    syntax: '`# zizmor: ignore[<audit>, …]` (a YAML comment, not one inside a `run:` script)',
    docs: 'https://docs.zizmor.sh/usage/#with-comments',
  },
  {
    id: 'kube-linter',
    syntax: '`ignore-check.kube-linter.io/<check>: "<reason>"` in the object\'s `metadata.annotations`',
    docs: 'https://docs.kubelinter.io/#/configuring-kubelinter?id=ignoring-violations-for-specific-cases',
  },
  {
    id: 'polaris',
    syntax: '`polaris.fairwinds.com/<check>-exempt: "true"` in the object\'s `metadata.annotations`',
    docs: 'https://polaris.docs.fairwinds.com/customization/exemptions/',
  },
  {
    id: 'kube-score',
    syntax: '`kube-score/ignore: <check>,<check>` in the object\'s or its pod template\'s `metadata.annotations`',
    docs: 'https://github.com/zegl/kube-score#ignoring-a-test',
  },
];

/**
 * Where a zizmor comment reaches, as far as zizmor's finding for the audit spans: the findings on the comment's
 * line, those in the step around it, or (from anywhere in `on:`, where zizmor reports the trigger) the whole workflow.
 */
export type CommentReach = 'line' | 'step' | 'triggers';

export interface PeerCheck {
  peer: PeerId;
  check: string;
  rule: string;
  /** The rule's message ids that correspond; all of them when absent. */
  messages?: readonly string[];
  /** zizmor only. */
  reach?: CommentReach;
  /** Why they correspond, or where they differ. */
  note: string;
}

export const PEER_CHECKS: readonly PeerCheck[] = [
  { peer: 'zizmor', check: 'template-injection', rule: 'gha/script-injection', reach: 'step', note: '`${{ }}` of attacker-controlled text expanded into a script.' },
  { peer: 'zizmor', check: 'unpinned-uses', rule: 'gha/unpinned-action', reach: 'line', note: 'An action or reusable workflow not pinned to a commit SHA.' },
  { peer: 'zizmor', check: 'excessive-permissions', rule: 'gha/permissions', reach: 'line', note: 'A GITHUB_TOKEN with more than it needs (`write-all`, broad scopes, the repository default).' },
  { peer: 'zizmor', check: 'unpinned-images', rule: 'gha/image-tag', messages: ['containerLatest'], reach: 'line', note: 'A `container:` or `services:` image on `latest`.' },
  {
    peer: 'zizmor',
    check: 'dangerous-triggers',
    rule: 'gha/pull-request-target-checkout',
    reach: 'triggers',
    note: 'zizmor flags the `pull_request_target` trigger itself; ignoring it accepts what the workflow does with the pull request, which shipcheck reports at the checkout.',
  },
  { peer: 'zizmor', check: 'hardcoded-container-credentials', rule: 'gha/hardcoded-secret', reach: 'line', note: 'A literal password in a `container:` or `services:` `credentials:` block.' },

  { peer: 'kube-linter', check: 'latest-tag', rule: 'k8s/image-tag', messages: ['latest', 'untagged'], note: 'An image on `latest` or without a tag (not branch-like tags, which kube-linter accepts).' },
  { peer: 'kube-linter', check: 'no-readiness-probe', rule: 'k8s/probe-missing', messages: ['readiness'], note: 'A container without a readinessProbe.' },
  { peer: 'kube-linter', check: 'no-liveness-probe', rule: 'k8s/probe-missing', messages: ['liveness'], note: 'A container without a livenessProbe.' },
  { peer: 'kube-linter', check: 'env-var-secret', rule: 'k8s/secret-literal-env', messages: ['literal'], note: 'A secret-looking environment variable with a literal value.' },
  { peer: 'kube-linter', check: 'read-secret-from-env-var', rule: 'k8s/secret-env', messages: ['keyRef'], note: 'An environment variable read from a Secret key (`secretKeyRef`).' },

  { peer: 'polaris', check: 'tagNotSpecified', rule: 'k8s/image-tag', messages: ['latest', 'untagged'], note: 'An image on `latest` or without a tag.' },
  { peer: 'polaris', check: 'readinessProbeMissing', rule: 'k8s/probe-missing', messages: ['readiness'], note: 'A container without a readinessProbe.' },
  { peer: 'polaris', check: 'livenessProbeMissing', rule: 'k8s/probe-missing', messages: ['liveness'], note: 'A container without a livenessProbe.' },
  { peer: 'polaris', check: 'cpuLimitsMissing', rule: 'k8s/resources', messages: ['cpuLimit'], note: 'A container whose only missing resource setting is its CPU limit.' },
  { peer: 'polaris', check: 'sensitiveContainerEnvVar', rule: 'k8s/secret-literal-env', messages: ['literal'], note: 'A password-, token- or secret-named environment variable with a literal value.' },

  { peer: 'kube-score', check: 'container-image-tag', rule: 'k8s/image-tag', messages: ['latest', 'untagged'], note: 'An image on `latest` or without a tag.' },
  { peer: 'kube-score', check: 'container-resources', rule: 'k8s/resources', note: 'Missing CPU or memory requests or limits.' },
  { peer: 'kube-score', check: 'pod-probes', rule: 'k8s/probe-missing', messages: ['readiness'], note: 'A container without a readinessProbe (kube-score does not ask for liveness).' },
  { peer: 'kube-score', check: 'pod-probes-identical', rule: 'k8s/probe-identical', note: 'Readiness and liveness probes calling the same check.' },
];

/** Checks that look alike but do not correspond, with the reason: in the docs, so nobody adds them by mistake. */
export const UNMAPPED_PEER_CHECKS: readonly { peer: PeerId; checks: string; reason: string }[] = [
  { peer: 'kube-linter', checks: 'unset-cpu-requirements, unset-memory-requirements', reason: 'k8s/resources reports a container\'s missing CPU and memory settings in one finding; hiding it for one of them would hide the other.' },
  { peer: 'polaris', checks: 'cpuRequestsMissing, memoryRequestsMissing, memoryLimitsMissing', reason: 'the same: only a missing CPU limit on its own is a finding of its own (mapped above).' },
  { peer: 'kube-linter', checks: 'liveness-port, readiness-port, startup-port', reason: 'k8s/probe-port reports every probe with the same message, so one probe\'s check cannot say which finding to hide.' },
  { peer: 'zizmor', checks: 'cache-poisoning, concurrency-limits, secrets-outside-env', reason: 'gha/setup-cache, gha/deploy-concurrency and gha/deploy-environment look at the same keys for other reasons (speed, deploy order, approvals).' },
];

/** The shipcheck counterparts of a peer's check; empty for a check shipcheck has none for. */
export function peerCounterparts(peer: PeerId, check: string): readonly PeerCheck[] {
  return byPeerCheck.get(`${peer}\0${check}`) ?? [];
}

const byPeerCheck = new Map<string, PeerCheck[]>();
for (const entry of PEER_CHECKS) {
  const key = `${entry.peer}\0${entry.check}`;
  byPeerCheck.set(key, [...(byPeerCheck.get(key) ?? []), entry]);
}
