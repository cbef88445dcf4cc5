import type { LineCounter } from 'yaml';

/**
 * Inline suppressions, by rule id only:
 *   # shipcheck-disable-next-line gha/npm-ci, k8s/image-tag -- reason
 *   # shipcheck-disable k8s/image-tag          (the whole file)
 * They work in YAML comments and in shell comments inside `run:` scripts alike.
 */
export interface Suppressions {
  file: Set<string>;
  /** 1-based line number → rule ids suppressed on that line. */
  lines: Map<number, Set<string>>;
}

const DIRECTIVE = /(?<![^\s])#\s*shipcheck-(disable-next-line|disable)(?=\s|$)([^\r\n]*)/gm;

export function parseSuppressions(text: string, lineCounter: LineCounter): Suppressions {
  const result: Suppressions = { file: new Set(), lines: new Map() };
  if (!text.includes('shipcheck-disable')) return result;
  for (const match of text.matchAll(DIRECTIVE)) {
    const ids = parseIds(match[2] ?? '');
    if (ids.length === 0) continue;
    if (match[1] === 'disable') {
      for (const id of ids) result.file.add(id);
      continue;
    }
    const line = lineCounter.linePos(match.index ?? 0).line + 1;
    const set = result.lines.get(line) ?? new Set<string>();
    for (const id of ids) set.add(id);
    result.lines.set(line, set);
  }
  return result;
}

function parseIds(rest: string): string[] {
  const beforeReason = rest.split(/\s--(?:\s|$)/)[0] ?? '';
  return beforeReason
    .split(/[\s,]+/)
    .map((id) => id.trim())
    .filter((id) => /^[a-z0-9-]+\/[a-z0-9-]+$/.test(id));
}

export function isSuppressed(suppressions: Suppressions, ruleId: string, line: number): boolean {
  return suppressions.file.has(ruleId) || (suppressions.lines.get(line)?.has(ruleId) ?? false);
}
