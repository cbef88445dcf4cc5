import type { TextEdit } from '../core/finding';
import type { Job } from '../model/workflow';
import { appendToSeq, insertMapEntry, joinInsertions } from './yamlEdit';
import { isScalar, isSeq, type Node, type Scalar, type YamlFile } from '../yaml/yamlFile';

/** The job's own `key:` pair (not one brought in by a merge key). */
function ownPair(job: Job, key: string): { key: Scalar; value: Node | null } | undefined {
  const pair = job.node.items.find((item) => isScalar(item.key) && item.key.value === key);
  return pair ? { key: pair.key as Scalar, value: pair.value as Node | null } : undefined;
}

/**
 * Adds a job-level entry (`block` written at column 0, nested with two spaces, e.g.
 * "concurrency:\n  group: deploy-production") in the file's indentation: right after the first of
 * `after` the job has (e.g. `runs-on`), else just before `steps:` so it sits with the job's other
 * settings, else at the end of the job. Undefined for flow-style jobs or when the key already exists
 * (merge keys included).
 */
export function insertJobEntry(file: YamlFile, job: Job, block: string, after: readonly string[] = []): TextEdit | undefined {
  const map = job.node;
  if (map.flow || job.synthetic) return undefined;
  const newKey = /^([^:\n]+):/.exec(block)?.[1];
  if (newKey === undefined || job.fields.has(newKey)) return undefined;
  const indexOf = (key: string) => map.items.findIndex((item) => isScalar(item.key) && item.key.value === key);
  const anchor = after.map(indexOf).find((index) => index >= 0);
  const stepsIndex = indexOf('steps');
  const before = anchor !== undefined ? map.items[anchor] : stepsIndex > 0 ? map.items[stepsIndex - 1] : undefined;
  const beforeKey = before?.key;
  return (isScalar(beforeKey) ? insertMapEntry(file, map, block, { after: beforeKey }) : undefined) ?? insertMapEntry(file, map, block);
}

/**
 * Adds job ids to a job's `needs:`, merging into what is there: a scalar becomes a flow list, a flow
 * list grows before its `]`, a block list gets new `- id` lines; without `needs:` one is added before
 * `steps:`. Undefined when `needs:` cannot be edited in place (an alias, a merge key, a flow job).
 */
export function addNeeds(file: YamlFile, job: Job, ids: readonly string[]): TextEdit | undefined {
  const missing = ids.filter((id) => !job.needs.some((need) => need.toLowerCase() === id.toLowerCase()));
  if (missing.length === 0) return undefined;
  const pair = ownPair(job, 'needs');
  if (!pair) {
    if (job.fields.has('needs')) return undefined;
    return insertJobEntry(file, job, missing.length === 1 ? `needs: ${missing[0]}` : `needs: [${missing.join(', ')}]`, ['runs-on', 'name']);
  }
  const value = pair.value;
  if (!value || !value.range) return undefined;
  if (isScalar(value)) {
    if (typeof value.value !== 'string' || (value.type !== 'PLAIN' && value.type !== 'QUOTE_SINGLE' && value.type !== 'QUOTE_DOUBLE')) return undefined;
    // A plain scalar with flow indicators (`lint{x}`) is valid in block context but not inside `[ ]`.
    const plain = file.text.slice(value.range[0], value.range[1]);
    const written = value.type === 'PLAIN' && /[,[\]{}]/.test(plain) ? `'${value.value.replace(/'/g, "''")}'` : plain;
    return { start: value.range[0], end: value.range[1], newText: `[${[written, ...missing].join(', ')}]` };
  }
  if (!isSeq(value)) return undefined;
  if (value.flow) {
    const last = value.items[value.items.length - 1] as Node | null | undefined;
    if (!last) {
      const close = file.text.lastIndexOf(']', value.range[1]);
      if (close < value.range[0]) return undefined;
      return { start: close, end: close, newText: missing.join(', ') };
    }
    if (!last.range) return undefined;
    return { start: last.range[1], end: last.range[1], newText: missing.map((id) => `, ${id}`).join('') };
  }
  if (value.items.some((item) => !isScalar(item))) return undefined;
  const edits = missing.map((id) => appendToSeq(file, value, id));
  if (edits.some((edit) => edit === undefined)) return undefined;
  // All insert at the same point: one edit with the lines in order.
  return joinInsertions(edits as TextEdit[])[0];
}
