import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options?: { type: 'major' | 'minor' }) => void;

/** A full garbage collection. */
export function collect(): void {
  gc();
}

/** A young-generation collection only (a scavenge). */
export function collectYoung(): void {
  gc({ type: 'minor' });
}

/** Heap in use after a full collection, in MiB. */
export function liveMiB(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}
