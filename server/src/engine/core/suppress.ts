import type { LineCounter } from 'yaml';
import type { Span } from './finding';

/**
 * Inline suppressions, by rule id only:
 *   # shipcheck-disable-next-line gha/npm-ci, k8s/image-tag -- reason
 *   # shipcheck-disable k8s/image-tag          (the whole file)
 * They work in YAML comments and in shell comments inside `run:` scripts alike.
 */
export interface SuppressionDirective {
  scope: 'next-line' | 'file';
  ruleIds: string[];
  /** The comment, from `#` to the end of its line. */
  span: Span;
  /** For `next-line`: the 1-based line it covers. */
  line?: number;
  reason?: string;
}

const DIRECTIVE = /(?<![^\s])#\s*shipcheck-(disable-next-line|disable)(?=\s|$)([^\r\n]*)/gm;

export function parseSuppressions(text: string, lineCounter: LineCounter): SuppressionDirective[] {
  if (!text.includes('shipcheck-disable')) return [];
  const directives: SuppressionDirective[] = [];
  for (const match of text.matchAll(DIRECTIVE)) {
    const [idsText, reason] = (match[2] ?? '').split(/\s--(?:\s|$)/, 2);
    const ruleIds = (idsText ?? '').split(/[\s,]+/).filter((id) => /^[a-z0-9-]+\/[a-z0-9-]+$/.test(id));
    if (ruleIds.length === 0) continue;
    const start = match.index ?? 0;
    const directive: SuppressionDirective = { scope: match[1] === 'disable' ? 'file' : 'next-line', ruleIds, span: { start, end: start + match[0].trimEnd().length } };
    if (directive.scope === 'next-line') directive.line = lineCounter.linePos(start).line + 1;
    if (reason?.trim()) directive.reason = reason.trim();
    directives.push(directive);
  }
  return directives;
}

/** Answers whether a finding is hidden, and remembers which directive ids hid something. */
export class SuppressionIndex {
  private readonly used = new Set<string>();

  constructor(readonly directives: readonly SuppressionDirective[]) {}

  /** The directive that hides a finding of `ruleId` on `line` (1-based), if any. */
  suppresses(ruleId: string, line: number): SuppressionDirective | undefined {
    let hiddenBy: SuppressionDirective | undefined;
    this.directives.forEach((directive, index) => {
      if (!directive.ruleIds.includes(ruleId)) return;
      if (directive.scope === 'file' || directive.line === line) {
        this.used.add(`${index}\0${ruleId}`);
        hiddenBy ??= directive;
      }
    });
    return hiddenBy;
  }

  /** Every (directive, rule id) pair that hid nothing. */
  unused(): { directive: SuppressionDirective; ruleId: string }[] {
    return this.directives.flatMap((directive, index) =>
      directive.ruleIds.filter((ruleId) => !this.used.has(`${index}\0${ruleId}`)).map((ruleId) => ({ directive, ruleId })),
    );
  }
}
