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
