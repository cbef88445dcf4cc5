/**
 * A copy of `text` that does not keep alive the string it was cut from. V8 keeps a slice's whole parent (a job's
 * text keeps the whole file's text of that keystroke), so what outlives a keystroke — cache keys, the parse of an
 * edited job or document — holds copies: typing in a long file must not keep one copy of the file per keystroke.
 */
export function detach(text: string): string {
  return (' ' + text).slice(1);
}

/**
 * What was worked out from a pair of texts, emptied rather than grown past `limit` entries. Values hold no YAML
 * nodes and no file offsets, so they stay true for the same texts anywhere in any later parse. Two levels of maps,
 * not one of joined keys: the texts of unchanged jobs are the same strings lint after lint, their hashes already known.
 * Keys are stored detached, and `compute` gets them: a value worked out from its arguments keeps no file text alive.
 */
export class TextCache<V> {
  private readonly entries = new Map<string, Map<string, V>>();
  private count = 0;

  /** `copiedKeys`: the first keys are copies already (`jobSource`'s texts), kept as they are rather than copied again. */
  constructor(
    private readonly limit: number,
    private readonly copiedKeys = false,
  ) {}

  get size(): number {
    return this.count;
  }

  get(first: string, second: string, compute: (first: string, second: string) => V): V {
    let inner = this.entries.get(first);
    let value = inner?.get(second);
    if (value === undefined) {
      const key = this.copiedKeys ? first : detach(first);
      const secondKey = detach(second);
      value = compute(key, secondKey);
      if (this.count >= this.limit) {
        this.entries.clear();
        this.count = 0;
        inner = undefined;
      }
      if (!inner) {
        inner = new Map();
        this.entries.set(key, inner);
      }
      inner.set(secondKey, value);
      this.count++;
    }
    return value;
  }
}
