// The issues' target is ≥ 90 % of each mapped check's expectations. Where a peer's fixture asserts something shipcheck
// holds to be untrue or outside its catalog (RULES.md, RULES-2.md), the case is listed in `mapping/disputed.tsv` with
// the reason, so the disagreement is data a reviewer can read and reject. The tables keep counting every expectation;
// this only says which checks fall short, and whether their misses are all disputed ones.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAPPING_DIR } from './mapping';
import type { PeerScore } from './peers';

export const TARGET = 0.9;

export interface Dispute {
  /** `zizmor`, `actionlint`, `kube-linter`, `kube-score` or `polaris`. */
  peer: string;
  check: string;
  /** The fixture, as the peer's expectations name it. */
  file: string;
  reason: string;
}

/** Reads the table: `#` comments, a header `peer\tcheck\tfile\treason`, one row a disputed fixture. */
export function parseDisputes(text: string, source: string): { disputes: Dispute[]; errors: string[] } {
  const disputes: Dispute[] = [];
  const errors: string[] = [];
  let header = false;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [peer = '', check = '', file = '', reason = '', ...rest] = line.split('\t');
    if (!header) {
      header = true;
      if (peer !== 'peer' || check !== 'check' || file !== 'file' || reason !== 'reason') errors.push(`${source}:${index + 1}: the header is peer, check, file, reason (tab-separated)`);
      continue;
    }
    if (rest.length > 0 || peer === '' || check === '' || file === '' || reason.trim() === '') errors.push(`${source}:${index + 1}: a row is four tab-separated fields, the reason not empty`);
    else disputes.push({ peer, check, file, reason: reason.trim() });
  }
  return { disputes, errors };
}

export function readDisputes(dir = MAPPING_DIR): Dispute[] {
  const { disputes, errors } = parseDisputes(readFileSync(join(dir, 'disputed.tsv'), 'utf8'), 'scripts/peers/mapping/disputed.tsv');
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return disputes;
}

/** A mapped check below the target, with the fixtures of its misses (one entry a missed expectation). */
export interface Shortfall {
  check: string;
  found: number;
  expected: number;
  missed: string[];
  /** Misses in fixtures disputed for this check. */
  disputed: number;
}

/** The peer's name in `disputed.tsv`. */
export const peerName = (score: PeerScore): string => score.kind;

/** The missed expectations of each mapped check, by fixture, with found and expected. */
function tallies(score: PeerScore): Map<string, { found: number; expected: number; missed: string[] }> {
  const out = new Map<string, { found: number; expected: number; missed: string[] }>();
  const add = (check: string, expected: number, found: number, missed: string[]): void => {
    out.set(check, { found, expected, missed });
  };
  switch (score.kind) {
    case 'zizmor':
    case 'actionlint': {
      const [lineScore, expected] = score.kind === 'zizmor' ? [score.regular, score.regularExpected] : [score.score, score.expected];
      for (const row of lineScore.rows) {
        if (row.rules.length === 0) continue;
        const missed = expected.flatMap((e, index) => (e.check === row.check && lineScore.matches[index] === undefined ? [e.file] : []));
        add(row.check, row.expected, row.found, missed);
      }
      break;
    }
    case 'kube-linter':
      for (const row of score.rows) if (row.rules.length > 0) add(row.check, row.expected, row.found, score.missed.filter((e) => e.check === row.check).map((e) => e.file));
      break;
    case 'kube-score':
    case 'polaris':
      for (const row of score.rows) if (row.rules.length > 0) add(row.check, row.failing, row.found, row.missedFiles);
      break;
  }
  return out;
}

/** The mapped checks below the target, each with how many of its misses are disputed. */
export function shortfalls(score: PeerScore, disputes: readonly Dispute[]): Shortfall[] {
  const peer = peerName(score);
  return [...tallies(score)].flatMap(([check, { found, expected, missed }]) => {
    if (expected === 0 || found / expected >= TARGET) return [];
    const disputed = missed.filter((file) => disputes.some((d) => d.peer === peer && d.check === check && d.file === file)).length;
    return [{ check, found, expected, missed, disputed }];
  });
}

/** Disputes that no longer describe a miss (the case is found now, or the fixture or check is gone): to be removed. */
export function staleDisputes(score: PeerScore, disputes: readonly Dispute[]): Dispute[] {
  const peer = peerName(score);
  const byCheck = tallies(score);
  return disputes.filter((d) => d.peer === peer && !(byCheck.get(d.check)?.missed.includes(d.file) ?? false));
}

/** Whether a check meets the target once its disputed misses are set aside. */
export const meetsWithoutDisputed = (short: Shortfall): boolean => {
  const undisputed = short.expected - short.disputed;
  // Every expectation of the check disputed: nothing left that the rule should find.
  return undisputed === 0 || short.found / undisputed >= TARGET;
};
