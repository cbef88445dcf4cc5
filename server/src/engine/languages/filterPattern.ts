/**
 * GitHub's filter patterns (`branches`, `tags`, `paths` of `on:` events): `*`, `**`, `?`, `+`, `[...]` classes with
 * ranges, `\` escapes of the special characters, `!` negation at the start. What is wrong with one, as an offset into
 * the pattern and a reason, or undefined. `version` (an `image_version` event's `versions`) gets the syntax checks only.
 */
export function filterPatternProblem(pattern: string, kind: 'ref' | 'path' | 'version'): { offset: number; reason: string } | undefined {
  if (pattern !== pattern.trim()) return { offset: 0, reason: 'leading or trailing spaces never match' };
  let i = 0;
  if (pattern.startsWith('!')) {
    i = 1;
    if (pattern.length === 1) return { offset: 0, reason: "'!' must be followed by a pattern" };
  }
  if (kind === 'ref' && pattern[i] === '/') return { offset: i, reason: "a branch or tag name never starts with '/'" };
  if (kind === 'path' && /^(\.\.?)(\/|$)/.test(pattern.slice(i))) return { offset: i, reason: "paths are relative to the repository root and never start with './' or '../'" };
  let previousSpecial = true;
  for (; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined || !'[]?+*\\!'.includes(next)) return { offset: i, reason: "'\\' escapes only the special characters [ ] ? + * \\ !" };
      i++;
      previousSpecial = false;
      continue;
    }
    if (c === '+') {
      if (previousSpecial) return { offset: i, reason: "'+' must follow a character it repeats" };
      previousSpecial = true;
      continue;
    }
    if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) return { offset: i, reason: "'[' is never closed with ']'" };
      const body = pattern.slice(i + 1, close);
      if (body === '') return { offset: i, reason: "'[]' matches no character" };
      for (let j = 0; j + 2 < body.length; j++) {
        if (body[j + 1] === '-' && body[j]! > body[j + 2]!) return { offset: i + 1 + j, reason: `range '${body.slice(j, j + 3)}' ends before it starts` };
      }
      i = close;
      previousSpecial = false;
      continue;
    }
    if (c === '*' || c === '?') {
      previousSpecial = true;
      continue;
    }
    if (kind === 'ref' && /[\s~^:]/.test(c)) return { offset: i, reason: `a branch or tag name never contains ${c === ' ' ? 'a space' : `'${c}'`}` };
    previousSpecial = false;
  }
  return undefined;
}
