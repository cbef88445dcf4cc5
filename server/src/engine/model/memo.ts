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
 * The value kept on `owner` under `key`, worked out by `compute` the first time. Kept on the object itself, so it lives
 * exactly as long as that object (one check's model) and no table outlives it.
 */
export function memoOn<T>(owner: Memoizing, key: MemoKey<T>, compute: () => T): T {
  let memos = owner.memos;
  if (memos === undefined) owner.memos = memos = new Map();
  else if (memos.has(key)) return memos.get(key) as T;
  const value = compute();
  memos.set(key, value);
  return value;
}
