/**
 * GitHub's filter patterns (`branches`, `tags`, `paths` of `on:` events): `*`, `**`, `?`, `+`, `[...]` classes with
 * ranges, `\` escapes of the special characters, `!` negation at the start. Every distinct thing wrong with one, in
 * order, each as an offset into the pattern and a reason (empty when the pattern is sound). `version` (an
 * `image_version` event's `versions`, a job's `snapshot.version`) gets the syntax checks only.
 */
export function filterPatternProblems(pattern: string, kind: 'ref' | 'path' | 'version'): { offset: number; reason: string }[] {
  if (pattern !== pattern.trim()) return [{ offset: 0, reason: 'leading or trailing spaces never match' }];
  const problems: { offset: number; reason: string }[] = [];
  let i = 0;
  if (pattern.startsWith('!')) {
    i = 1;
    if (pattern.length === 1) return [{ offset: 0, reason: "'!' must be followed by a pattern" }];
  }
  if (kind === 'ref' && pattern[i] === '/') problems.push({ offset: i, reason: "a branch or tag name never starts with '/'" });
  if (kind === 'path' && /^(\.\.?)(\/|$)/.test(pattern.slice(i))) problems.push({ offset: i, reason: "paths are relative to the repository root and never start with './' or '../'" });
  let previousSpecial = true;
  for (; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined || !'[]?+*\\!'.includes(next)) problems.push({ offset: i, reason: "'\\' escapes only the special characters [ ] ? + * \\ !" });
      i++;
      previousSpecial = false;
      continue;
    }
    if (c === '+') {
      if (previousSpecial) problems.push({ offset: i, reason: "'+' must follow a character it repeats" });
      previousSpecial = true;
      continue;
    }
    if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      // Nothing after an unclosed '[' can be read as meant.
      if (close < 0) return [...problems, { offset: i, reason: "'[' is never closed with ']'" }];
      const body = pattern.slice(i + 1, close);
      if (body === '') problems.push({ offset: i, reason: "'[]' matches no character" });
      for (let j = 0; j + 2 < body.length; j++) {
        if (body[j + 1] === '-' && body[j]! > body[j + 2]!) problems.push({ offset: i + 1 + j, reason: `range '${body.slice(j, j + 3)}' ends before it starts` });
      }
      i = close;
      previousSpecial = false;
      continue;
    }
    if (c === '*' || c === '?') {
      previousSpecial = true;
      continue;
    }
    if (kind === 'ref' && /[\s~^:]/.test(c)) {
      problems.push({ offset: i, reason: `a branch or tag name never contains ${c === ' ' ? 'a space' : `'${c}'`}` });
    }
    previousSpecial = false;
  }
  if (kind === 'ref' && pattern.length > 1 && pattern.endsWith('/') && pattern[pattern.length - 2] !== '\\') problems.push({ offset: pattern.length - 1, reason: "a branch or tag name never ends with '/'" });
  // A reason once, where it first applies ('a, b, c' has one mistake, not two spaces).
  return problems.filter((problem, index) => problems.findIndex((other) => other.reason === problem.reason) === index);
}
