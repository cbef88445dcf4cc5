import type { Job, Workflow } from './workflow';

/**
 * The `needs:` graph of a workflow. Job ids match case-insensitively (as GitHub does); ids that name
 * no job are ignored here (a missing job is another check's business). Built once per workflow.
 */
export interface JobGraph {
  /** A job by id (any case). */
  job(id: string): Job | undefined;
  /** The jobs a job directly needs, known ones only, without duplicates. */
  needs(job: Job): Job[];
  /** The jobs that directly need this one. */
  dependents(job: Job): Job[];
  /** Every job this one needs, directly or through others (never itself, even in a cycle). */
  ancestors(job: Job): Set<Job>;
  /** Whether `job` needs `other`, directly or transitively. */
  dependsOn(job: Job, other: Job): boolean;
  /** Each `needs:` cycle once, as its jobs in order (a job needing itself is a cycle of one). */
  cycles: Job[][];
  /** Whether a job sits on a cycle (its ancestors then include jobs that also depend on it). */
  inCycle(job: Job): boolean;
}

const graphs = new WeakMap<Workflow, JobGraph>();

export function jobGraph(workflow: Workflow): JobGraph {
  let graph = graphs.get(workflow);
  if (!graph) {
    graph = buildGraph(workflow);
    graphs.set(workflow, graph);
  }
  return graph;
}

function buildGraph(workflow: Workflow): JobGraph {
  const byId = new Map<string, Job>();
  for (const job of workflow.jobs) {
    if (!job.synthetic && !byId.has(job.id.toLowerCase())) byId.set(job.id.toLowerCase(), job);
  }
  const direct = new Map<Job, Job[]>();
  const reverse = new Map<Job, Job[]>();
  for (const job of workflow.jobs) {
    const needed: Job[] = [];
    for (const id of job.needs) {
      const target = byId.get(id.toLowerCase());
      if (target && !needed.includes(target)) needed.push(target);
    }
    direct.set(job, needed);
    for (const target of needed) {
      const list = reverse.get(target) ?? [];
      list.push(job);
      reverse.set(target, list);
    }
  }
  const needsOf = (job: Job): Job[] => direct.get(job) ?? [];

  const closure = new Map<Job, Set<Job>>();
  const ancestors = (job: Job): Set<Job> => {
    let found = closure.get(job);
    if (found) return found;
    // Iterative walk: deep or cyclic graphs must not overflow the stack.
    found = new Set<Job>();
    const stack = [...needsOf(job)];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (next === job || found.has(next)) continue;
      found.add(next);
      stack.push(...needsOf(next));
    }
    closure.set(job, found);
    return found;
  };

  const cycles = findCycles(workflow.jobs, needsOf);
  const cyclic = new Set(cycles.flat());
  return {
    job: (id) => byId.get(id.toLowerCase()),
    needs: needsOf,
    dependents: (job) => reverse.get(job) ?? [],
    ancestors,
    dependsOn: (job, other) => ancestors(job).has(other),
    cycles,
    inCycle: (job) => cyclic.has(job),
  };
}

/** Strongly connected components with more than one job (or a self-loop), via Tarjan's algorithm. */
function findCycles(jobs: Job[], needsOf: (job: Job) => Job[]): Job[][] {
  const index = new Map<Job, number>();
  const low = new Map<Job, number>();
  const onStack = new Set<Job>();
  const stack: Job[] = [];
  const cycles: Job[][] = [];
  let counter = 0;

  for (const root of jobs) {
    if (index.has(root)) continue;
    // Explicit DFS stack of (job, next child position).
    const work: [Job, number][] = [[root, 0]];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [job, position] = frame;
      const children = needsOf(job);
      if (position < children.length) {
        frame[1]++;
        const child = children[position]!;
        if (!index.has(child)) {
          index.set(child, counter);
          low.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push([child, 0]);
        } else if (onStack.has(child)) {
          low.set(job, Math.min(low.get(job)!, index.get(child)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent[0], Math.min(low.get(parent[0])!, low.get(job)!));
      if (low.get(job) === index.get(job)) {
        const component: Job[] = [];
        for (;;) {
          const member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
          if (member === job) break;
        }
        if (component.length > 1 || needsOf(job).includes(job)) cycles.push(component.reverse());
      }
    }
  }
  return cycles;
}
