/** Markdown hovers for clients that only show plain text: no emphasis marks, code spans or table rules. */
export function markdownToPlainText(markdown: string): string {
  return markdown
    .split('\n')
    .filter((line) => !/^\|?\s*:?-{3,}/.test(line))
    .map((line) =>
      unlink(joinCells(stripTableEdges(line)))
        .replace(/\*\*([^*]*)\*\*/g, '$1')
        .replace(/`([^`]*)`/g, '$1')
        .replace(/\\([\\`*_<])/g, '$1'),
    )
    .join('\n');
}

/** Words as a message lists them: `a`, `a and b`, `a, b and c` (or `or`). */
export function listWords(words: readonly string[], conjunction: 'and' | 'or' = 'and'): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}`;
}

/**
 * A plain-text diagnostic message inside a Markdown hover: escapes what Markdown would act on, so `'@<sha>'` is not
 * taken for an HTML tag and `'*'` or `'_x_'` not for emphasis (an `_` inside a word, as in GITHUB_TOKEN, is left as it is).
 */
export function plainTextToMarkdown(text: string): string {
  return text.replace(/[\\`*<]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\$&');
}

// The helpers below are scans rather than the regexes they replace (`/^\|\s*|\s*\|$/g`, `/\s*\|\s*/g`,
// `/\[([^\]]*)\]\(([^)]*)\)/g`): each of those retries from every offset of a long run that fails at its end
// (spaces without a `|`, `[` without a `](…)`), which is quadratic. `trim` strips what `\s` matches.

/** `| a | b |` → `a | b`: without the leading `|` and the trailing `|`, and the spaces next to them. */
function stripTableEdges(line: string): string {
  let text = line;
  if (text.startsWith('|')) text = text.slice(1).trimStart();
  if (text.endsWith('|')) text = text.slice(0, -1).trimEnd();
  return text;
}

/** `a | b` → `a — b`: each `|`, with the spaces around it, becomes ` — `. */
function joinCells(line: string): string {
  const cells = line.split('|');
  const last = cells.length - 1;
  return cells
    .map((cell, i) => {
      const start = i > 0 ? cell.trimStart() : cell;
      return i < last ? start.trimEnd() : start;
    })
    .join(' — ');
}

/** `[text](url)` → `text (url)`; the text runs from the first `[` to the next `]`, the url to the next `)`. */
function unlink(line: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const open = line.indexOf('[', from);
    // Every `[` before the first `]` after `open` ends its text at that same `]`.
    const textEnd = open < 0 ? -1 : line.indexOf(']', open + 1);
    if (textEnd < 0) break;
    if (line[textEnd + 1] !== '(') {
      out += line.slice(from, textEnd + 1);
      from = textEnd + 1;
      continue;
    }
    const urlEnd = line.indexOf(')', textEnd + 2);
    // No `)` here means none after any later `](` either.
    if (urlEnd < 0) break;
    out += `${line.slice(from, open)}${line.slice(open + 1, textEnd)} (${line.slice(textEnd + 2, urlEnd)})`;
    from = urlEnd + 1;
  }
  return out + line.slice(from);
}
