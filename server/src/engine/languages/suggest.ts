/**
 * "Did you mean": the candidate nearest to a misspelled word, a few edits away at most (case ignored), or undefined.
 * Ties go to the candidate listed first.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  return nearest(word, candidates)?.candidate;
}

/** What `closest` answers, with how far the candidate is from the word (`nameDistance`). */
export function nearest(word: string, candidates: Iterable<string>): { candidate: string; distance: number } | undefined {
  const allowed = Math.max(2, Math.floor(word.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - word.length) > allowed) continue;
    const distance = nameDistance(word, candidate);
    if (distance <= allowed && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best;
}

/**
 * How far apart two names are, case ignored: the edits from one to the other, or between their words (split at `-` and
 * `_`) put in order, whichever is fewer, so `issue-exclude-created-before` is next to `exclude-issue-created-before`
 * rather than to `exclude-pr-created-before`.
 */
export function nameDistance(a: string, b: string): number {
  const [lowerA, lowerB] = [a.toLowerCase(), b.toLowerCase()];
  const plain = editDistance(lowerA, lowerB);
  const words = (name: string): string => name.split(/[-_]/).sort().join('-');
  return plain === 0 || !/[-_]/.test(lowerA + lowerB) ? plain : Math.min(plain, editDistance(words(lowerA), words(lowerB)));
}

/**
 * "Did you mean" for the `unknown` keys among the keys `written` in one mapping that takes the keys `declared`: each
 * unknown key's nearest declared key not written already (ignoring case). `fixable` says whether renaming to it is safe beside the other
 * renames, which fix-all applies together: when several keys are nearest to the same name, only the one strictly
 * nearest keeps the suggestion and its rename (the others lose both), and none is renamed when they are equally near.
 */
export function suggestRenames(unknown: readonly string[], declared: readonly string[], written: Iterable<string>): Map<string, { suggestion?: string; fixable: boolean }> {
  const taken = new Set([...written].map((name) => name.toLowerCase()));
  const free = declared.filter((name) => !taken.has(name.toLowerCase()));
  const found = unknown.map((name) => ({ name, near: nearest(name, free) }));
  const renames = new Map<string, { suggestion?: string; fixable: boolean }>();
  for (const { name, near } of found) {
    if (!near) {
      renames.set(name, { fixable: false });
      continue;
    }
    const rivals = found.filter((other) => other.name !== name && other.near?.candidate === near.candidate).map((other) => other.near!.distance);
    const nearer = rivals.some((distance) => distance < near.distance);
    const tied = rivals.some((distance) => distance === near.distance);
    renames.set(name, nearer ? { fixable: false } : { suggestion: near.candidate, fixable: !tied });
  }
  return renames;
}

/** Levenshtein distance: insertions, deletions and substitutions of one character. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}
