import * as os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { checkFile, checkFileUnwritten, writeFix, type CheckOutcome, type CheckSettings, type FileReport } from './check';
import type { Target } from '../project/discover';
import { checkSettings, type RunContext } from './runContext';

/**
 * Below this many files a run is checked in the main thread alone: a worker takes ~100 ms to start (the main
 * thread checks ~40 workflows meanwhile) and then warms up its own JIT, so it pays off from about here.
 */
export const PARALLEL_THRESHOLD = 128;
/** Files handed to a worker at a time: small enough to keep both busy to the end, large enough to keep messages few. */
const BATCH_SIZE = 8;
const WORKER_ROLE = 'shipcheck-check-worker';

export interface Checking {
  /** The reports of the files checked, in no particular order. */
  reports: FileReport[];
  /** Whether `shouldStop` cut the run short. */
  stopped: boolean;
}

export interface Parallelism {
  /** Threads to check in: 1 checks in the main thread; undefined means `defaultThreads`, above the threshold. */
  jobs: number | undefined;
  /** The script a worker runs (the CLI bundle, which serves checks when started as a worker). */
  script: string;
}

/**
 * Checks `targets` in this thread and worker threads, or in this thread alone for a few files. Fixes are written
 * here, by the main thread, as each report arrives; `shouldStop` is asked between files and between batches.
 */
export async function checkTargets(
  targets: readonly Target[],
  context: RunContext,
  parallelism: Parallelism,
  shouldStop: () => boolean,
  beforeWrite?: (filePath: string) => void,
): Promise<Checking> {
  const settings: CheckSettings = { ...checkSettings(context), ...(beforeWrite ? { beforeWrite } : {}) };
  const threads = parallelism.jobs ?? (targets.length < PARALLEL_THRESHOLD ? 1 : defaultThreads(os.availableParallelism()));
  if (threads <= 1) return checkSerially(targets, settings, shouldStop);
  return checkInWorkers(targets, context, settings, Math.min(threads, 1 + Math.ceil(targets.length / BATCH_SIZE)), parallelism.script, shouldStop);
}

async function checkSerially(targets: readonly Target[], settings: CheckSettings, shouldStop: () => boolean): Promise<Checking> {
  const reports: FileReport[] = [];
  for (const target of targets) {
    // Between files the event loop runs, so Ctrl-C is seen there and never in the middle of a write.
    await new Promise((resolve) => setImmediate(resolve));
    if (shouldStop()) return { reports, stopped: true };
    reports.push(isolated(target, () => checkFile(target, settings)));
  }
  return { reports, stopped: false };
}

/**
 * The main thread checks files too, one at a time between the workers' messages: it is one of the `threads`, so
 * only `threads - 1` workers pay for starting (loading the bundle, warming up), and it has begun before they are ready.
 */
function checkInWorkers(
  targets: readonly Target[],
  context: RunContext,
  settings: CheckSettings,
  threads: number,
  script: string,
  shouldStop: () => boolean,
): Promise<Checking> {
  const reports: FileReport[] = [];
  let next = 0;
  let busy = 0;
  let stopped = false;
  let done = false;
  const workers: Worker[] = [];
  return new Promise<Checking>((resolve, reject) => {
    const finish = (error?: unknown): void => {
      if (done) return;
      done = true;
      for (const worker of workers) void worker.terminate();
      if (error === undefined) resolve({ reports, stopped });
      else reject(error);
    };
    const moreToCheck = (): boolean => {
      if (!stopped && shouldStop()) stopped = true;
      if (!stopped && next < targets.length) return true;
      if (busy === 0) finish();
      return false;
    };
    const dispatch = (worker: Worker): void => {
      if (!moreToCheck()) return;
      busy++;
      worker.postMessage(targets.slice(next, next + BATCH_SIZE));
      next += BATCH_SIZE;
    };
    const checkHere = (): void => {
      if (done || !moreToCheck()) return;
      const target = targets[next++]!;
      busy++;
      reports.push(isolated(target, () => checkFile(target, settings)));
      busy--;
      // Between files the event loop runs: the workers' results and Ctrl-C are seen there, never mid-write.
      setImmediate(checkHere);
    };
    for (let index = 1; index < threads; index++) {
      const worker = new Worker(script, { workerData: { role: WORKER_ROLE, context } });
      workers.push(worker);
      worker.on('message', (outcomes: CheckOutcome[]) => {
        busy--;
        // Written here, one file at a time: a fix is written once, by this thread, whatever thread computed it.
        for (const outcome of outcomes) reports.push(outcome.status === 'pending-fix' ? isolated(outcome, () => writeFix(outcome, settings)) : outcome);
        dispatch(worker);
      });
      worker.on('error', (error) => finish(error));
      worker.on('exit', (code) => finish(new Error(`a checking thread stopped (exit code ${code})`)));
      dispatch(worker);
    }
    setImmediate(checkHere);
  });
}

/**
 * Threads to check in by default on a machine with `cores` cores: one per core but one. A checking thread keeps more
 * than a core busy, V8 compiling its hot code and collecting its garbage on background threads: on 2 cores, two
 * threads took 25 % more CPU than one and finished no sooner (bench/cli.mjs: 476 against 498 files/s).
 */
export function defaultThreads(cores: number): number {
  return Math.max(1, cores - 1);
}

/** Whether this thread was started by `checkTargets` to check files. */
export function isCheckWorker(): boolean {
  return !isMainThread && (workerData as { role?: unknown } | null)?.role === WORKER_ROLE;
}

/** A worker's loop: check each batch of files it is sent and send back what it found, leaving fixes unwritten. */
export function serveChecks(): void {
  const port = parentPort;
  if (!port) return;
  const settings = checkSettings((workerData as { context: RunContext }).context);
  port.on('message', (batch: Target[]) => {
    port.postMessage(batch.map((target) => isolated(target, () => checkFileUnwritten(target, settings))));
  });
}

// One file tripping a bug (a rule's overlapping fix, say) should not lose the report on all the others.
function isolated<T>(about: { path: string }, check: () => T): T | FileReport {
  try {
    return check();
  } catch (error) {
    return { status: 'error', path: about.path, reason: `internal error: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}` };
  }
}
