import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';

// Each timed sample lasts at least this long (the work is looped to get there): shorter ones are mostly timer and scheduler noise.
const MIN_SAMPLE_MS = 20;
// Samples per side, taken alternately so a slow spell of a loaded machine falls on both; the median drops the outliers.
const SAMPLES = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeLoops(run: () => void, loops: number): number {
  const started = performance.now();
  for (let i = 0; i < loops; i++) run();
  return performance.now() - started;
}

/**
 * How many times longer `subject` takes than `baseline`, both measured here and now (median of alternating samples).
 * Speed targets in milliseconds belong to `npm run bench`; a test may only compare the code with itself.
 */
export function timeRatio(subject: () => void, baseline: () => void): number {
  subject();
  baseline();
  let loops = 1;
  while (timeLoops(baseline, loops) < MIN_SAMPLE_MS && loops < 1 << 20) loops *= 2;
  const subjectMs: number[] = [];
  const baselineMs: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    subjectMs.push(timeLoops(subject, loops));
    baselineMs.push(timeLoops(baseline, loops));
  }
  return median(subjectMs) / Math.max(median(baselineMs), Number.EPSILON);
}

/**
 * Asserts that `run` takes time linear in its input: one input `factor` times larger costs at most `slack` times
 * what `factor` runs on the small one cost (a quadratic scan would cost `factor` times as much).
 */
export function assertLinear<T>(what: string, make: (size: number) => T, run: (input: T) => void, smallSize: number, factor = 10, slack = 3): void {
  const small = make(smallSize);
  const large = make(smallSize * factor);
  const ratio = timeRatio(
    () => run(large),
    () => {
      for (let i = 0; i < factor; i++) run(small);
    },
  );
  assert.ok(ratio <= slack, `${what}: ${factor}× the input took ${ratio.toFixed(1)}× the time of ${factor} runs on the small one (at most ${slack}× for linear time)`);
}
