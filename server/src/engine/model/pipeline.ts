import type { Finding, Span } from '../core/finding';
import { isScalar, scalarToNumber, scalarToString, type YamlDoc } from '../yaml/yamlFile';
import { jobGraph } from './jobGraph';
import { classifyJob, isFastGate, jobEnvironment, nameWords, type JobRole } from './jobKind';
import { jobCondition, reachability } from './reachability';
import type { Job, Workflow } from './workflow';

/**
 * One workflow as a pipeline: its jobs as nodes, `needs:` as edges, what each job is for, which jobs can never run,
 * which edges can skip the job after them, and the longest chain of jobs (the critical path). Pure data built from the
 * model (job graph, job kinds, reachability), so the CLI report and the editor draw the same thing.
 */
export interface Pipeline {
  /** The workflow's `name:`, when written. */
  name: string | undefined;
  nodes: PipelineNode[];
  edges: PipelineEdge[];
  /** Job ids from the first job to the last of the longest chain, by estimated minutes; empty without jobs. */
  criticalPath: string[];
  /** The estimated minutes of the critical path (the sum of its jobs' estimates). */
  criticalMinutes: number;
}

/**
 * What a job is for, as the pipeline shows it: `gate` (fast checks: lint, type check, format), `test`, `slow-test`
 * (services, browsers, integration), `build`, `deploy`, `reusable` (calls another workflow: unseen), `other`.
 */
export type PipelineNodeKind = 'gate' | 'test' | 'slow-test' | 'build' | 'deploy' | 'reusable' | 'other';

export interface PipelineNode {
  id: string;
  /** `name:` when written as plain text, else the id. */
  label: string;
  kind: PipelineNodeKind;
  role: JobRole;
  /** A fast-checks job other jobs should wait for (`isFastGate`). */
  fastGate: boolean;
  /** Services, browsers, integration or end-to-end tests: a job worth starting only after the fast gates. */
  slow: boolean;
  /** For jobs that deploy or name an `environment:`: the environment, when written as plain text. */
  environment: string | undefined;
  /**
   * The job names an `environment:`: GitHub holds it for that environment's protection rules (required reviewers, wait
   * timer, branch rules), which are set in the repository's settings, not in the file.
   */
  environmentGate: boolean;
  /** The job's `if:` source, when it has one. */
  condition: string | undefined;
  /** `timeout-minutes` when written as a number. */
  timeoutMinutes: number | undefined;
  /** How long the job is taken to run, in minutes: see `estimateMinutes`. */
  estimateMinutes: number;
  /** No trigger of the workflow lets the job run (its own or a need's `if:` rules every case out). */
  unreachable: boolean;
  /** The job sits on a `needs:` cycle: GitHub rejects the workflow. */
  inCycle: boolean;
  onCriticalPath: boolean;
  /** The job's key in `jobs:`. */
  span: Span;
  /** Ids of the rules with findings inside the job (see `attachFindings`). */
  ruleIds: string[];
}

export interface PipelineEdge {
  /** The job needed. */
  from: string;
  /** The job that needs it. */
  to: string;
  /** The needing job's `if:`, which decides whether it runs once `from` is done. */
  condition: string | undefined;
  /**
   * `from` is skipped in some way the workflow starts while `to` would run, and `to`'s `if:` calls no status function:
   * `to` is then skipped with it.
   */
  skippable: boolean;
  /** A rule (gha/needs-skipped) reports this need as a skip trap: the dependent is skipped where it was meant to run. */
  skipTrap: boolean;
  onCriticalPath: boolean;
}

/**
 * The minutes a job of each kind is taken to run when nothing else says: rough medians of hosted-runner jobs, good
 * enough to rank chains, not to promise a time. A written `timeout-minutes` below the figure caps it (a job cannot run
 * longer than its timeout).
 */
export const TYPICAL_MINUTES: Record<PipelineNodeKind, number> = {
  gate: 3,
  test: 8,
  'slow-test': 20,
  build: 10,
  deploy: 8,
  reusable: 10,
  other: 4,
};

/** How long a job is taken to run: its kind's typical minutes, capped by its `timeout-minutes`. */
export function estimateMinutes(kind: PipelineNodeKind, timeoutMinutes: number | undefined): number {
  const typical = TYPICAL_MINUTES[kind];
  return timeoutMinutes !== undefined && timeoutMinutes > 0 ? Math.min(typical, timeoutMinutes) : typical;
}

const BUILD_WORDS = new Set(['build', 'builds', 'compile', 'package', 'packages', 'bundle', 'dist', 'image', 'images', 'docker', 'artifact', 'artifacts']);

function nodeKind(job: Job): PipelineNodeKind {
  const kind = classifyJob(job);
  if (kind.opaque) return 'reusable';
  switch (kind.role) {
    case 'deploy':
      return 'deploy';
    case 'slow':
      return 'slow-test';
    case 'unit':
      return 'test';
    case 'fast-gate':
      return 'gate';
    case 'other': {
      const label = scalarToString(job.fields.get('name')?.value) ?? '';
      return [...nameWords(job.id), ...nameWords(label)].some((word) => BUILD_WORDS.has(word)) ? 'build' : 'other';
    }
  }
}

/** The pipeline of a workflow (not of a composite action, which has no jobs). */
export function pipelineOf(workflow: Workflow, yaml: YamlDoc): Pipeline {
  const graph = jobGraph(workflow);
  const jobs = workflow.jobs.filter((job) => !job.synthetic && graph.job(job.id) === job);
  const reach = reachability(workflow, yaml, workflow.text);
  const nodes = new Map<Job, PipelineNode>();
  for (const job of jobs) {
    const kind = nodeKind(job);
    const classification = classifyJob(job);
    const nameValue = job.fields.get('name')?.value;
    const name = isScalar(nameValue) ? scalarToString(nameValue) : undefined;
    const timeout = scalarToNumber(job.fields.get('timeout-minutes')?.value);
    const condition = jobCondition(job, workflow.text);
    const environment = jobEnvironment(job);
    nodes.set(job, {
      id: job.id,
      label: name && !name.includes('${{') ? name : job.id,
      kind,
      role: classification.role,
      fastGate: isFastGate(classification),
      slow: classification.slow,
      environment,
      environmentGate: job.fields.has('environment'),
      condition: condition.field ? (condition.source ?? scalarToString(condition.field.value))?.trim() : undefined,
      timeoutMinutes: timeout,
      estimateMinutes: estimateMinutes(kind, timeout),
      unreachable: reach.canRun(job) === false,
      inCycle: graph.inCycle(job),
      onCriticalPath: false,
      span: job.idSpan,
      ruleIds: [],
    });
  }
  const edges: PipelineEdge[] = [];
  for (const job of jobs) {
    const own = jobCondition(job, workflow.text);
    for (const need of graph.needs(job)) {
      const skippable = !own.usesStatus && reach.cases.some((_, i) => reach.runs(need, i) === false && reach.ownCondition(job, i) !== false);
      edges.push({ from: need.id, to: job.id, condition: nodes.get(job)!.condition, skippable, skipTrap: false, onCriticalPath: false });
    }
  }
  const path = criticalPath(jobs, graph.needs, (job) => {
    const node = nodes.get(job)!;
    return node.unreachable || node.inCycle ? undefined : node.estimateMinutes;
  });
  for (const job of path.jobs) nodes.get(job)!.onCriticalPath = true;
  for (let i = 1; i < path.jobs.length; i++) {
    const edge = edges.find((candidate) => candidate.from === path.jobs[i - 1]!.id && candidate.to === path.jobs[i]!.id);
    if (edge) edge.onCriticalPath = true;
  }
  const workflowName = scalarToString(workflow.fields.get('name')?.value);
  return { name: workflowName, nodes: [...nodes.values()], edges, criticalPath: path.jobs.map((job) => job.id), criticalMinutes: path.minutes };
}

/**
 * The longest chain through the `needs:` graph by summed minutes (jobs given `undefined` are left out: they never run,
 * or sit on a cycle). Ties go to the chain met first in workflow order.
 */
function criticalPath(jobs: readonly Job[], needsOf: (job: Job) => Job[], minutesOf: (job: Job) => number | undefined): { jobs: Job[]; minutes: number } {
  const finish = new Map<Job, { minutes: number; previous: Job | undefined }>();
  const visiting = new Set<Job>();
  const longest = (job: Job): { minutes: number; previous: Job | undefined } | undefined => {
    const known = finish.get(job);
    if (known) return known;
    const own = minutesOf(job);
    if (own === undefined || visiting.has(job)) return undefined;
    visiting.add(job);
    let best: { minutes: number; previous: Job | undefined } = { minutes: own, previous: undefined };
    for (const need of needsOf(job)) {
      const before = longest(need);
      if (before && before.minutes + own > best.minutes) best = { minutes: before.minutes + own, previous: need };
    }
    visiting.delete(job);
    finish.set(job, best);
    return best;
  };
  let end: Job | undefined;
  let minutes = 0;
  for (const job of jobs) {
    const result = longest(job);
    if (result && result.minutes > minutes) {
      minutes = result.minutes;
      end = job;
    }
  }
  const chain: Job[] = [];
  for (let job = end; job; job = finish.get(job)?.previous) chain.unshift(job);
  return { jobs: chain, minutes };
}

/**
 * Notes the run's findings on the pipeline: each finding inside a job's text names its rule on the job's node; a
 * gha/needs-skipped finding marks the edge of the need it points at (every skippable edge into the job when it points
 * at none) as a skip trap, and a gha/unreachable-job finding marks the job unreachable.
 */
export function attachFindings(pipeline: Pipeline, workflow: Workflow, findings: readonly Pick<Finding, 'ruleId' | 'span'>[]): void {
  const byId = new Map(pipeline.nodes.map((node) => [node.id, node]));
  for (const finding of findings) {
    const job = workflow.jobs.find((candidate) => {
      const range = candidate.node.range;
      const start = Math.min(candidate.idSpan.start, range?.[0] ?? candidate.idSpan.start);
      const end = range?.[1] ?? candidate.idSpan.end;
      return finding.span.start >= start && finding.span.start < end;
    });
    const node = job && byId.get(job.id);
    if (!node) continue;
    if (!node.ruleIds.includes(finding.ruleId)) node.ruleIds.push(finding.ruleId);
    if (finding.ruleId === 'gha/unreachable-job') node.unreachable = true;
    if (finding.ruleId === 'gha/needs-skipped') {
      const named = workflow.text.slice(finding.span.start, finding.span.end).replace(/^['"]|['"]$/g, '').trim().toLowerCase();
      const into = pipeline.edges.filter((edge) => edge.to === node.id);
      const pointed = into.filter((edge) => edge.from.toLowerCase() === named);
      for (const edge of pointed.length > 0 ? pointed : into.filter((candidate) => candidate.skippable)) edge.skipTrap = true;
    }
  }
}

