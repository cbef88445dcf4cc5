import type { Node } from 'yaml';
import { isMap, isSeq, scalarToString } from '../yaml/yamlFile';
import { nameWords } from './jobKind';
import type { Job } from './workflow';

/**
 * The labels a job's `runs-on:` asks for, as written: a label, a list of them, or the `labels` of a `{ group, labels }`
 * map. Labels known only when the job runs (`${{ matrix.os }}`) are left out.
 */
export function runnerLabels(job: Job): string[] {
  let runsOn = job.fields.get('runs-on')?.value as Node | null | undefined;
  if (isMap(runsOn)) runsOn = runsOn.items.find((item) => scalarToString(item.key) === 'labels')?.value as Node | null | undefined;
  const labels = isSeq(runsOn) ? runsOn.items.map((item) => scalarToString(item)) : [scalarToString(runsOn)];
  return labels.filter((label): label is string => label !== undefined && !label.includes('${{'));
}

/** Whether the job runs on a self-hosted runner: every one carries the `self-hosted` label. */
export function runsOnSelfHosted(job: Job): boolean {
  return runnerLabels(job).some((label) => label.toLowerCase() === 'self-hosted');
}

const SHARD_WORDS = new Set(['shard', 'shards', 'chunk', 'chunks', 'partition', 'partitions', 'split', 'splits', 'slice', 'slices']);

/**
 * Whether the job is one shard of a run split over a `strategy.matrix`: a matrix key (or an `include` entry's key) named
 * for it (`shard`, `shardIndex`, `total-shards`, `chunk`, `partition`, `split`, `slice`).
 */
export function shardedMatrix(job: Job): boolean {
  const strategy = job.fields.get('strategy')?.value;
  const matrix = isMap(strategy) ? strategy.items.find((item) => scalarToString(item.key) === 'matrix')?.value : undefined;
  if (!isMap(matrix)) return false;
  const keys = matrix.items.flatMap((item) => {
    const key = scalarToString(item.key);
    if (key === 'include' && isSeq(item.value)) return item.value.items.flatMap((entry) => (isMap(entry) ? entry.items.map((pair) => scalarToString(pair.key)) : []));
    return key === 'exclude' ? [] : [key];
  });
  return keys.some((key) => key !== undefined && nameWords(key).some((word) => SHARD_WORDS.has(word)));
}
