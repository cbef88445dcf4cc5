import { MemoKey, memoOn } from './memo';
import type { Job, Workflow } from './workflow';

/** What the graph reads of a job: a `Job`, or the plain facts cross-job rules keep of one (`crossJob.ts`). */
export interface GraphJob {
  id: string;
  needs: readonly string[];
  synthetic: boolean;
}

/**
 * The `needs:` graph of a workflow. Job ids match case-insensitively (as GitHub does); ids that name
 * no job are ignored here (a missing job is another check's business). Built once per workflow.
 */
export interface JobGraph<J extends GraphJob = Job> {
  /** A job by id (any case). */
  job(id: string): J | undefined;
  /** The jobs a job directly needs, known ones only, without duplicates. */
  needs(job: J): J[];
  /** The jobs that directly need this one. */
  dependents(job: J): J[];
  /** Every job this one needs, directly or through others (never itself, even in a cycle). */
  ancestors(job: J): Set<J>;
  /** Whether `job` needs `other`, directly or transitively. */
  dependsOn(job: J, other: J): boolean;
  /** Each `needs:` cycle once, as its jobs in order (a job needing itself is a cycle of one). */
  cycles: J[][];
  /** Whether a job sits on a cycle (its ancestors then include jobs that also depend on it). */
  inCycle(job: J): boolean;
}

const GRAPH = new MemoKey<JobGraph>('jobGraph');

export function jobGraph(workflow: Workflow): JobGraph {
  return memoOn(workflow, GRAPH, () => graphOf(workflow.jobs));
}

/** The graph of a list of jobs (in workflow order). */
export function graphOf<J extends GraphJob>(jobs: readonly J[]): JobGraph<J> {
  const byId = new Map<string, J>();
  for (const job of jobs) {
    if (!job.synthetic && !byId.has(job.id.toLowerCase())) byId.set(job.id.toLowerCase(), job);
  }
  const direct = new Map<J, J[]>();
  const reverse = new Map<J, J[]>();
  for (const job of jobs) {
    const needed: J[] = [];
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
  const needsOf = (job: J): J[] => direct.get(job) ?? [];

  const closure = new Map<J, Set<J>>();
  const ancestors = (job: J): Set<J> => {
    let found = closure.get(job);
    if (found) return found;
    // Iterative walk: deep or cyclic graphs must not overflow the stack.
    found = new Set<J>();
    const stack = [...needsOf(job)];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (next === job || found.has(next)) continue;
      found.add(next);
      for (const need of needsOf(next)) stack.push(need);
    }
    closure.set(job, found);
    return found;
  };

  const cycles = findCycles(jobs, needsOf);
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
function findCycles<J>(jobs: readonly J[], needsOf: (job: J) => J[]): J[][] {
  const index = new Map<J, number>();
  const low = new Map<J, number>();
  const onStack = new Set<J>();
  const stack: J[] = [];
  const cycles: J[][] = [];
  let counter = 0;

  for (const root of jobs) {
    if (index.has(root)) continue;
    // Explicit DFS stack of (job, next child position).
    const work: [J, number][] = [[root, 0]];
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
        const component: J[] = [];
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
