import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { CheckQueue } from '../../server/src/lsp/checkQueue';

/** Lets the event loop turn until `done()` holds, failing after `limit` turns. */
async function turnsUntil(done: () => boolean, limit = 1_000): Promise<number> {
  for (let turn = 0; turn < limit; turn++) {
    if (done()) return turn;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`not done after ${limit} turns`);
}

function queueWithLog(): { queue: CheckQueue; errors: string[] } {
  const errors: string[] = [];
  return { queue: new CheckQueue((what, error) => errors.push(`${what}: ${String(error)}`)), errors };
}

describe('check queue', () => {
  it('says it is idle only once queued checks have run and tracked work has settled', async () => {
    const { queue } = queueWithLog();
    const ran: string[] = [];
    let settle = (): void => undefined;
    const settings = queue.track(new Promise<void>((resolve) => (settle = resolve)));
    void settings.then(() => queue.add('late', 'open', () => void ran.push('late')));
    queue.add('doc', 'typing', () => void ran.push('doc'));
    let idle = false;
    void queue.whenIdle().then(() => (idle = true));
    await turnsUntil(() => ran.includes('doc'));
    await turnsUntil(() => false, 5).catch(() => undefined);
    assert.equal(idle, false, 'idle while tracked work could still queue a check');
    settle();
    await turnsUntil(() => idle);
    assert.deepEqual(ran, ['doc', 'late']);
  });

  it('runs a job replaced before it ran once, with the latest version', async () => {
    const { queue } = queueWithLog();
    const ran: number[] = [];
    for (let version = 1; version <= 5; version++) queue.add('doc', 'typing', () => void ran.push(version));
    await turnsUntil(() => queue.size === 0);
    assert.deepEqual(ran, [5]);
  });

  it('waits while a job is replaced on every turn (a burst of changes), then runs the last one', async () => {
    const { queue } = queueWithLog();
    const ran: number[] = [];
    // Shorter than the longest wait (50 ms): every turn brings a newer version.
    for (let version = 1; version <= 10; version++) {
      queue.add('doc', 'typing', () => void ran.push(version));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await turnsUntil(() => queue.size === 0);
    assert.deepEqual(ran, [10]);
  });

  it('runs typing before open documents before files on disk, whatever the order they came in', async () => {
    const { queue } = queueWithLog();
    const ran: string[] = [];
    queue.add('disk', 'workspace', () => void ran.push('workspace'));
    queue.add('other', 'open', () => void ran.push('open'));
    queue.add('active', 'typing', () => void ran.push('typing'));
    await turnsUntil(() => queue.size === 0);
    assert.deepEqual(ran, ['typing', 'open', 'workspace']);
  });

  it('keeps the more urgent place when a job is queued again', async () => {
    const { queue } = queueWithLog();
    const ran: string[] = [];
    queue.add('other', 'open', () => void ran.push('other'));
    queue.add('doc', 'typing', () => void ran.push('doc first'));
    queue.add('doc', 'open', () => void ran.push('doc again'));
    await turnsUntil(() => queue.size === 0);
    assert.deepEqual(ran, ['doc again', 'other']);
  });

  it('runs a job that has more to do again, and a job removed never', async () => {
    const { queue } = queueWithLog();
    let left = 3;
    let removed = false;
    queue.add('files', 'workspace', () => --left > 0);
    queue.add('closed', 'open', () => void (removed = true));
    queue.remove('closed');
    await turnsUntil(() => queue.size === 0);
    assert.equal(left, 0);
    assert.equal(removed, false);
  });

  it('logs a job that throws and goes on with the others', async () => {
    const { queue, errors } = queueWithLog();
    let after = false;
    queue.add('bad', 'typing', () => {
      throw new Error('boom');
    });
    queue.add('good', 'open', () => void (after = true));
    await turnsUntil(() => queue.size === 0);
    assert.equal(after, true);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /boom/);
  });

  it('while the client is behind in reading publications, runs only typing checks', async () => {
    const { queue } = queueWithLog();
    const writes = Array.from({ length: 4 }, () => {
      let resolve!: () => void;
      const written = new Promise<void>((done) => (resolve = done));
      queue.sending(written);
      return resolve;
    });
    const ran: string[] = [];
    queue.add('disk', 'workspace', () => void ran.push('workspace'));
    queue.add('active', 'typing', () => void ran.push('typing'));
    await turnsUntil(() => ran.length === 1);
    // Many turns later the file on disk still waits for the client.
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(ran, ['typing']);
    writes[0]!();
    await turnsUntil(() => queue.size === 0);
    assert.deepEqual(ran, ['typing', 'workspace']);
  });
});
