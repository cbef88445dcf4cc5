import { jobGraph } from '../engine/model/jobGraph';
import { classifyJob, type JobRole } from '../engine/model/jobKind';
import type { Job, Workflow } from '../engine/model/workflow';
import { DORA_METRICS } from './dora';

const ROLE_MARK: Record<JobRole, string> = { 'fast-gate': 'fast gate', unit: 'tests', slow: 'slow', deploy: 'deploy', other: '' };

/** The workflow's jobs in stages: each stage needs only earlier ones (a cycle ends the chain). */
function stages(workflow: Workflow): Job[][] {
  const graph = jobGraph(workflow);
  const placed = new Set<Job>();
  const result: Job[][] = [];
  const jobs = workflow.jobs.filter((job) => !job.synthetic);
  while (placed.size < jobs.length) {
    const stage = jobs.filter((job) => !placed.has(job) && graph.needs(job).every((needed) => placed.has(needed)));
    if (stage.length === 0) break;
    for (const job of stage) placed.add(job);
    result.push(stage);
  }
  return result;
}

function label(job: Job): string {
  const role = ROLE_MARK[classifyJob(job).role];
  return role ? `${job.id} (${role})` : job.id;
}

export function needsHoverMarkdown(workflow: Workflow, job: Job | undefined): string {
  const chain = stages(workflow).map((stage) => stage.map(label).join(', ')).join(' → ');
  const parts = [
    '**needs** makes a job wait for others and fail fast with them: put the cheapest checks (lint, type check) first so a slow suite never runs on a commit that a 30-second check would reject.',
    `This workflow runs: \`${chain}\``,
    '**The skip trap:** when a needed job is *skipped* (its `if:` was false), every job that needs it is skipped too, silently, unless its own `if:` uses a status function (`always()`, `!cancelled()`) and checks `needs.<job>.result`.',
  ];
  if (job && job.needs.length > 0) parts.splice(1, 0, `\`${job.id}\` waits for: ${job.needs.map((id) => `\`${id}\``).join(', ')}.`);
  return parts.join('\n\n');
}

const KEY_MARKDOWN: Record<string, string> = {
  permissions:
    '**permissions** sets what the `GITHUB_TOKEN` may do. Grant the least: `contents: read` at the top, and write scopes only on the job that needs them. Without it, the repository default applies, which can be write access to everything.',
  'id-token':
    '**id-token: write** lets the job ask GitHub for a short-lived OIDC token, which AWS, Azure or Google Cloud exchange for credentials valid minutes, so no long-lived cloud keys sit in secrets. It grants nothing else.',
  environment:
    '**environment** ties the job to a GitHub deployment environment: protection rules (required reviewers, wait timers, allowed branches), environment-scoped secrets, and a deployment history you can roll back from.',
  'timeout-minutes':
    '**timeout-minutes** stops a hung job. Without it GitHub waits **360 minutes** before cancelling, burning runner time and holding up every job that needs this one.',
  concurrency:
    '**concurrency** lets only one run of a group go at a time. For deployments use a group per environment with `cancel-in-progress: false`, so two deploys never race and none is killed halfway; for CI on branches, cancelling superseded runs saves time.',
  services:
    '**services** start containers (databases, caches) next to the job. Give stateful ones a health check in `options:` (`--health-cmd`, interval, retries) or the steps may start before the service accepts connections, and tests fail at random.',
};

export function workflowKeyMarkdown(key: string): string | undefined {
  return KEY_MARKDOWN[key];
}

/** On `on:`: the four DORA metrics with elite benchmarks, and which ones this workflow moves. */
export function onHoverMarkdown(workflow: Workflow): string {
  const roles = workflow.jobs.map(classifyJob);
  const words = workflow.jobs.map((job) => job.id.toLowerCase()).join(' ');
  const moves: string[] = [];
  if (roles.some((role) => role.deploy)) moves.push('deployment frequency and lead time (it ships)');
  if (roles.some((role) => role.tests || role.fastChecks)) moves.push('change failure rate (its gates stop bad changes)');
  if (/rollback|revert|incident|alert|page/.test(words)) moves.push('time to restore (it helps recover)');
  const table = [
    '| metric | what it measures | elite teams |',
    '|---|---|---|',
    `| ${DORA_METRICS['deployment-frequency'].title} | how often changes reach production | several times a day |`,
    `| ${DORA_METRICS['lead-time'].title} | commit to running in production | under an hour |`,
    `| ${DORA_METRICS['change-failure-rate'].title} | deployments that cause an incident | under 5 % |`,
    `| ${DORA_METRICS['time-to-restore'].title} | recovery from a failed change | under an hour |`,
  ].join('\n');
  const lead = moves.length > 0 ? `This workflow moves ${moves.join('; ')}.` : 'This workflow neither tests nor deploys, as far as shipcheck can tell.';
  return [`**on** lists the events that start this workflow. ${lead}`, table].join('\n\n');
}
