import { createHash } from 'node:crypto';
import type { PlacedFinding } from './check';

/**
 * Each finding's identity across commits, in GitHub's `hash:occurrence` form: a hash of the rule id and the text of
 * the finding's first line, whitespace collapsed, then which finding of that rule on such a line it is in the file
 * (1, 2, …, in file order). Lines inserted or removed above leave it alone; editing the line itself changes it.
 */
export function lineHashes(findings: readonly PlacedFinding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const key = `${finding.ruleId}\n${finding.lineText.trim().replace(/\s+/g, ' ')}`;
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    return `${createHash('sha256').update(key).digest('hex').slice(0, 16)}:${occurrence}`;
  });
}
