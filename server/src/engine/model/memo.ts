/** What is kept under a key of `memoOn`: one key object per kind of value, made once by the module that owns it. */
export class MemoKey<T> {
  declare private readonly kept: T;

  constructor(readonly name: string) {}
}

/** A model object that keeps values worked out from it (a workflow, a job). */
export interface Memoizing {
  /** For `memoOn` only. */
  memos: Map<MemoKey<unknown>, unknown> | undefined;
}

/**
 * The value kept on `owner` under `key`, worked out by `compute` the first time. Kept on the object, not in a
 * WeakMap keyed by it: V8's young-generation collector treats a WeakMap's values as live, and these values refer back
 * to their key (a job graph holds its jobs), so every keystroke's workflow, its jobs and the file's text survived each
 * such collection and were promoted (3–4 MB a collection, pauses of 4–12 ms while typing in a 3 000-line workflow).
 */
export function memoOn<T>(owner: Memoizing, key: MemoKey<T>, compute: () => T): T {
  let memos = owner.memos;
  if (memos === undefined) owner.memos = memos = new Map();
  else if (memos.has(key)) return memos.get(key) as T;
  const value = compute();
  memos.set(key, value);
  return value;
}
