/** How soon a check should run: the document being typed in first, then other open documents, then files on disk. */
export type Urgency = 'typing' | 'open' | 'workspace';

const ORDER: readonly Urgency[] = ['typing', 'open', 'workspace'];
// A turn runs checks until this much time has passed (at least one), then lets the event loop read input again.
const TURN_BUDGET_MS = 5;
// A check replaced on every turn (a burst of changes) still runs once it has waited this long, so a long burst shows progress.
const MAX_WAIT_MS = 50;
// Publications written but not yet taken by the client above which only typing checks run: a slow reader must
// not leave a keystroke's findings queued behind a scan's, nor the server holding all of the scan's messages.
const MAX_UNSENT = 4;

/**
 * The next turn of the event loop, after input that is waiting has been read. In Node that is setImmediate (the
 * connection also takes one message a turn with it); a web worker has no setImmediate, and a zero timeout is its next task.
 */
export const nextTurn: (run: () => void) => void =
  typeof setImmediate === 'function' ? (run) => void setImmediate(run) : (run) => void setTimeout(run, 0);

/** A request the server answers once it has nothing left to check: how a test sees that no more diagnostics come. */
export const IDLE_REQUEST = 'shipcheck/idle';

/** A check; one that returns true has more to do (a list of files, say) and stays queued, ready to run again. */
export type CheckJob = () => boolean | void;

interface Job {
  run: CheckJob;
  /** The turn during which the job was last queued or replaced. */
  turn: number;
  /** When the first version of this job was queued (replacing keeps it). */
  since: number;
}

/**
 * Runs checks one after another, a few per turn of the event loop, most urgent first. A job queued again before it
 * ran replaces the old one, so a burst of edits to a document costs one check of its last version. A job runs only
 * after a whole turn without being replaced: the connection reads one message a turn, so while changes to a
 * document are still arriving its check waits (up to MAX_WAIT_MS). A check that has begun runs to completion: the
 * engine is synchronous, and what this saves is the checks that were never started.
 */
export class CheckQueue {
  private readonly jobs: Record<Urgency, Map<string, Job>> = { typing: new Map(), open: new Map(), workspace: new Map() };
  private turn = 0;
  private armed = false;
  private unsent = 0;
  // Work that queues a check when it settles (settings being read from the client), and who waits for none of either.
  private pending = 0;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly logError: (what: string, error: unknown) => void) {}

  /** Queues the check for `key`, replacing any queued one; it keeps the more urgent of the two places. */
  add(key: string, urgency: Urgency, run: CheckJob): void {
    const previous = this.take(key);
    const place = previous && ORDER.indexOf(previous.urgency) < ORDER.indexOf(urgency) ? previous.urgency : urgency;
    this.jobs[place].set(key, { run, turn: this.turn, since: previous?.job.since ?? performance.now() });
    this.arm();
  }

  /** Drops the queued check for `key`, if any. */
  remove(key: string): void {
    this.take(key);
  }

  /** Counts a publication until the connection has written it (see MAX_UNSENT). */
  sending(written: Promise<unknown>): void {
    this.unsent++;
    const done = (): void => {
      this.unsent--;
      if (this.canRunSoon()) this.arm();
    };
    written.then(done, done);
  }

  /** Counts `work` until it settles, so `whenIdle` also waits for the check it is about to queue. */
  track<T>(work: Promise<T>): Promise<T> {
    this.pending++;
    const settled = (): void => {
      this.pending--;
      nextTurn(() => this.settleIdle());
    };
    work.then(settled, settled);
    return work;
  }

  /** Resolves once no check is queued or about to be (see IDLE_REQUEST). */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      nextTurn(() => this.settleIdle());
    });
  }

  private settleIdle(): void {
    if (this.size > 0 || this.pending > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  get size(): number {
    return this.jobs.typing.size + this.jobs.open.size + this.jobs.workspace.size;
  }

  private take(key: string): { job: Job; urgency: Urgency } | undefined {
    for (const urgency of ORDER) {
      const job = this.jobs[urgency].get(key);
      if (job) {
        this.jobs[urgency].delete(key);
        return { job, urgency };
      }
    }
    return undefined;
  }

  private arm(): void {
    if (this.armed) return;
    this.armed = true;
    nextTurn(() => this.runTurn());
  }

  private runTurn(): void {
    this.armed = false;
    this.turn++;
    const started = performance.now();
    for (let next = this.nextJob(started); next; next = performance.now() - started < TURN_BUDGET_MS ? this.nextJob(started) : undefined) {
      const { key, urgency, job } = next;
      let more: boolean | void = false;
      try {
        more = job.run();
      } catch (error) {
        this.logError('a queued check', error);
      }
      if (more === true && !this.jobs[urgency].has(key)) this.jobs[urgency].set(key, job);
    }
    if (this.canRunSoon()) this.arm();
    this.settleIdle();
  }

  /** Whether a turn could run something: else the next publication written (see `sending`) or `add` wakes the queue. */
  private canRunSoon(): boolean {
    return this.jobs.typing.size > 0 || (this.size > 0 && this.unsent < MAX_UNSENT);
  }

  /**
   * The most urgent job that was not replaced during the previous turn (or has waited long enough), taken off the
   * queue. While a more urgent job waits for its document to settle, nothing less urgent runs: input goes first.
   * While the client is behind in reading publications, only typing checks run.
   */
  private nextJob(now: number): { key: string; urgency: Urgency; job: Job } | undefined {
    for (const urgency of ORDER) {
      if (urgency !== 'typing' && this.unsent >= MAX_UNSENT) return undefined;
      const jobs = this.jobs[urgency];
      // Jobs sit in the order they were last queued, so only the few replaced in the last turn are passed over.
      for (const [key, job] of jobs) {
        if (job.turn < this.turn - 1 || now - job.since >= MAX_WAIT_MS) {
          jobs.delete(key);
          return { key, urgency, job };
        }
      }
      if (jobs.size > 0) return undefined;
    }
    return undefined;
  }
}
