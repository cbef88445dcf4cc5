/** Markdown hovers for clients that only show plain text: no emphasis marks, code spans or table rules. */
export function markdownToPlainText(markdown: string): string {
  return markdown
    .split('\n')
    .filter((line) => !/^\|?\s*:?-{3,}/.test(line))
    .map((line) =>
      line
        .replace(/^\|\s*|\s*\|$/g, '')
        .replace(/\s*\|\s*/g, ' — ')
        .replace(/\[([^\]]*)\]\(([^)]*)\)/g, '$1 ($2)')
        .replace(/\*\*([^*]*)\*\*/g, '$1')
        .replace(/`([^`]*)`/g, '$1'),
    )
    .join('\n');
}
