import type { DoraMetric } from '../engine/core/rule';

/** The four DORA metrics, in our words: what each measures and how CI/CD hygiene moves it. */
export const DORA_METRICS: Record<DoraMetric, { title: string; measures: string }> = {
  'deployment-frequency': {
    title: 'Deployment frequency',
    measures: 'how often changes reach production; it rises when shipping is cheap and safe enough to do daily',
  },
  'lead-time': {
    title: 'Lead time for changes',
    measures: 'the time from commit to running in production; slow or flaky pipelines stretch it',
  },
  'change-failure-rate': {
    title: 'Change failure rate',
    measures: 'the share of deployments that cause an incident or need a rollback; reproducible builds and honest gates keep it low',
  },
  'time-to-restore': {
    title: 'Time to restore service',
    measures: 'how long recovery from a failed change takes; exact image tags, safe rollbacks and sane probes shorten it',
  },
};

/**
 * The capabilities of DORA's capability catalogue (dora.dev/capabilities) that a check of workflows and manifests can
 * serve: what a rule helps a team get right, beside the metric it moves. Ids are kebab-case forms of the catalogue's names.
 */
export type DoraCapability =
  | 'continuous-integration'
  | 'continuous-delivery'
  | 'deployment-automation'
  | 'test-automation'
  | 'trunk-based-development'
  | 'version-control'
  | 'shift-left-security'
  | 'monitoring-and-observability'
  | 'streamlining-change-approval'
  | 'flexible-infrastructure';

/** Each capability, in our words: its catalogue name and what it asks of CI/CD configuration. */
export const DORA_CAPABILITIES: Record<DoraCapability, { title: string; asks: string }> = {
  'continuous-integration': {
    title: 'Continuous integration',
    asks: 'every change is built and checked automatically, quickly and reproducibly, so the main branch stays releasable',
  },
  'continuous-delivery': {
    title: 'Continuous delivery',
    asks: 'any good build can be released safely at any time, in steps that limit the harm a bad one does',
  },
  'deployment-automation': {
    title: 'Deployment automation',
    asks: 'deployments run from versioned configuration without manual steps, the same way every time',
  },
  'test-automation': {
    title: 'Test automation',
    asks: 'tests run on every change, give a trustworthy verdict and fail for real failures only',
  },
  'trunk-based-development': {
    title: 'Trunk-based development',
    asks: 'short-lived branches merged often, with checks fast enough to keep merging cheap',
  },
  'version-control': {
    title: 'Version control',
    asks: 'what runs is fixed by what is committed: exact versions of actions, images and dependencies',
  },
  'shift-left-security': {
    title: 'Shift left on security',
    asks: 'security is built into the pipeline and the manifests from the start, not inspected in at the end',
  },
  'monitoring-and-observability': {
    title: 'Monitoring and observability',
    asks: 'the system tells when something is wrong, early enough to act: health checks, metrics that gate a rollout',
  },
  'streamlining-change-approval': {
    title: 'Streamlining change approval',
    asks: 'approvals that protect production sit in the pipeline (environments, reviewers) rather than in a separate process',
  },
  'flexible-infrastructure': {
    title: 'Flexible infrastructure',
    asks: 'workloads scale and survive the loss of a node: replicas, disruption budgets, declared resources',
  },
};
