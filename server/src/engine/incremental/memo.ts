/**
 * A copy of `text` that does not keep alive the string it was cut from. V8 keeps a slice's whole parent (a job's
 * text keeps the whole file's text of that keystroke), so what outlives a keystroke — cache keys, the parse of an
 * edited job or document — holds copies: typing in a long file must not keep one copy of the file per keystroke.
 */
export function detach(text: string): string {
  return (' ' + text).slice(1);
}

// Every cache, to forget what the last brief run left in them.
const caches = new Set<TextCache<unknown>>();
let inBriefRun = false;
let keeping = true;

/**
 * For a process that checks each file once and never again (the CLI): no text is asked about in a later lint, so
 * the memo works each value out when asked and keeps none — no copies of keys, no clones of values, no maps
 * of texts to hash. What one lint works out is still shared within it through the model's `memoOn`. Measured
 * on the corpus workflows (bench/cli.mjs): about a tenth less CPU, findings byte for byte the same.
 */
export function keepNothing(): void {
  keeping = false;
}

/**
 * Runs `run` (the check of a document nobody is typing in: one of many opened at once, a file on disk) so that what
 * the caches work out during it is kept only until the next brief run, unless a run that is not brief asks for it
 * meanwhile (typing in the document just opened), which keeps it for good. Opening or scanning a whole workspace
 * otherwise fills the caches with thousands of jobs no keystroke asks about.
 */
export function briefly<T>(run: () => T): T {
  for (const cache of caches) cache.forgetBrief();
  const outer = inBriefRun;
  inBriefRun = true;
  try {
    return run();
  } finally {
    inBriefRun = outer;
  }
}

/** A kind of value kept in the engine's memo, declared once by the module that works it out. */
export class MemoSlot<V> {
  declare private readonly kept: V;

  /**
   * `limit`: entries kept before the slot is emptied. `plain`: the values are plain data (structured-clonable) read
   * from a parse, kept as copies so that they hold no slice of the file's text.
   */
  constructor(
    readonly name: string,
    readonly options: { limit?: number; plain?: boolean } = {},
  ) {}
}

/**
 * The engine's one memo: what rules (through `ctx.memo`) and the model work out from text — a script, a job's text,
 * an `if:`, every job's facts — kept across lints, each kind of value in its slot. A key spells out everything the
 * value depends on (most often the text it was read from), so a value stays true for the same key in any later
 * parse; values hold no YAML nodes and no file offsets. Each slot is one `TextCache`.
 */
export class Memo {
  private readonly slots = new Map<MemoSlot<unknown>, TextCache<unknown>>();

  /** The value for `key` (and `second`, a key of its own when a value depends on two texts); `compute` gets them as kept. */
  get<V>(slot: MemoSlot<V>, key: string, compute: (key: string, second: string) => V, second = ''): V {
    if (!keeping) return compute(key, second);
    let cache = this.slots.get(slot as MemoSlot<unknown>);
    if (!cache) this.slots.set(slot as MemoSlot<unknown>, (cache = new TextCache(slot.options.limit ?? 4096)));
    const plain = slot.options.plain === true;
    return cache.get(key, second, (first, other) => (plain ? structuredClone(compute(first, other)) : compute(first, other))) as V;
  }
}

/** The engine's memo (one per process: the language server's documents and a CLI run share what they work out). */
export const memo = new Memo();

/**
 * What was worked out from a pair of texts, emptied rather than grown past `limit` entries. Values hold no YAML
 * nodes and no file offsets, so they stay true for the same texts anywhere in any later parse. Two levels of maps,
 * not one of joined keys: the texts of unchanged jobs are the same strings lint after lint, their hashes already known.
 * Keys are stored detached, and `compute` gets them: a value worked out from its arguments keeps no file text alive.
 * What is worked out in a brief run (see `briefly`) is kept apart, until the next one.
 */
export class TextCache<V> {
  private readonly entries = new Map<string, Map<string, V>>();
  private count = 0;
  private readonly brief = new Map<string, Map<string, V>>();
  private briefCount = 0;

  /** `copiedKeys`: the first keys are copies already (`jobSource`'s texts), kept as they are rather than copied again. */
  constructor(
    private readonly limit: number,
    private readonly copiedKeys = false,
  ) {
    caches.add(this as TextCache<unknown>);
  }

  get size(): number {
    return this.count + this.briefCount;
  }

  get(first: string, second: string, compute: (first: string, second: string) => V): V {
    let value = this.entries.get(first)?.get(second);
    if (value !== undefined) return value;
    value = this.brief.get(first)?.get(second);
    if (value === undefined) {
      const key = this.copiedKeys ? first : detach(first);
      const secondKey = detach(second);
      value = compute(key, secondKey);
      if (inBriefRun) this.briefCount = put(this.brief, this.briefCount, this.limit, key, secondKey, value);
      else this.count = put(this.entries, this.count, this.limit, key, secondKey, value);
    } else if (!inBriefRun) {
      this.count = put(this.entries, this.count, this.limit, this.copiedKeys ? first : detach(first), detach(second), value);
    }
    return value;
  }

  /** Forgets what the last brief run worked out. */
  forgetBrief(): void {
    this.brief.clear();
    this.briefCount = 0;
  }
}

/** Adds an entry to `entries`, which hold `count`, emptying them first at `limit`; returns the new count. */
function put<V>(entries: Map<string, Map<string, V>>, count: number, limit: number, first: string, second: string, value: V): number {
  if (count >= limit) {
    entries.clear();
    count = 0;
  }
  let inner = entries.get(first);
  if (!inner) {
    inner = new Map();
    entries.set(first, inner);
  }
  inner.set(second, value);
  return count + 1;
}

/**
 * `read`, answered once per YAML node. The incremental parse (jobSplice) keeps a workflow's tree between keystrokes:
 * it replaces an edited job's node whole (one without anchors or aliases) and only moves the others, so a node that is
 * still there says what it said (as long as what `read` returns holds nodes, not offsets: spans are read from the
 * nodes when asked). The other arguments are not part of the key: they must be the node's document and the like.
 */
export function keptPerNode<N extends object, A extends unknown[], V>(read: (node: N, ...rest: A) => V): (node: N, ...rest: A) => V {
  const kept = new WeakMap<N, V>();
  return (node, ...rest) => {
    if (kept.has(node)) return kept.get(node)!;
    const value = read(node, ...rest);
    kept.set(node, value);
    return value;
  };
}
