// The matcher: which of shipcheck's findings stand for which of a peer's expectations, and the per-check tallies.
// A finding matches an expectation when it is in the same file, its rule is one the check maps to, and it is within
// two lines of it, or in the same step, or in the same job when one of them is on the job rather than in a step
// (workflows), or in the same object and container (manifests). Each finding stands for at
// most one expectation of a check, each expectation is matched by at most one finding, closest first (a near line
// in another step counts as farther than anything in the same step or job).
import type { FileExpectation, LineExpectation, ObjectExpectation } from './expectations';
import { covers, mappingOf, type MappingTable } from './mapping';
import type { LineSpan, ObjectSpan, WorkflowLayout } from './structure';

/** A finding of the CLI's JSON output, its path relative to the peer's folder. */
export interface Finding {
  file: string;
  line: number;
  ruleId: string;
  /** The rule's message id (mapping rows may name `rule#messageId`). */
  messageId?: string;
  severity: string;
  message: string;
}

export const LINE_TOLERANCE = 2;

/** One row of a peer's table. */
export interface CheckRow {
  check: string;
  rules: readonly string[];
  note: string;
  expected: number;
  found: number;
  /** Findings of the check's main rules that match no expectation of any check (line peers only). */
  extra: number;
  /** Object peers: expectations on fragments (`ObjectSpan.fragment`), and how many of them are found. */
  fragments?: number;
  foundOnFragments?: number;
  /** Kubernetes peers: found with the default reading (`kubernetes: { patches: auto }`), beside `found` read whole. */
  foundByDefault?: number;
}

export interface LineScore {
  rows: CheckRow[];
  /** Expectation index → the finding (index into findings) that matches it. */
  matches: (number | undefined)[];
  /** Unmatched findings of mapped rules, each with the check it is counted against. */
  extras: { finding: Finding; check: string }[];
}

/** Pairs expectations with candidates, cheapest first, one-to-one within each check. */
function assign<E>(expected: readonly E[], checkOf: (e: E) => string, candidates: (e: E) => { finding: number; cost: number }[]): (number | undefined)[] {
  const pairs: { e: number; f: number; cost: number; check: string }[] = [];
  expected.forEach((item, e) => {
    for (const { finding, cost } of candidates(item)) pairs.push({ e, f: finding, cost, check: checkOf(item) });
  });
  pairs.sort((a, b) => a.cost - b.cost || a.e - b.e || a.f - b.f);
  const matches: (number | undefined)[] = expected.map(() => undefined);
  const used = new Set<string>();
  for (const pair of pairs) {
    const key = `${pair.check}\0${pair.f}`;
    if (matches[pair.e] !== undefined || used.has(key)) continue;
    matches[pair.e] = pair.f;
    used.add(key);
  }
  return matches;
}

function byFile(findings: readonly Finding[]): Map<string, number[]> {
  const map = new Map<string, number[]>();
  findings.forEach((finding, index) => {
    const list = map.get(finding.file) ?? [];
    list.push(index);
    map.set(finding.file, list);
  });
  return map;
}

/** The checks to list: every mapped check, then those the expectations name that the table does not. */
function checksOf(mapping: MappingTable, named: Iterable<string>): string[] {
  const checks = [...mapping.keys()];
  for (const check of named) if (!mapping.has(check) && !checks.includes(check)) checks.push(check);
  return checks;
}

const NO_LAYOUT: WorkflowLayout = { jobs: [], steps: [] };

/**
 * Scores line expectations (zizmor, gha-hazmat, actionlint). `findings` are those in the files the peer's tests
 * cover; `layout(file)` gives the file's jobs and steps for matching by step or job.
 */
export function scoreLines(expected: readonly LineExpectation[], findings: readonly Finding[], mapping: MappingTable, layout: (file: string) => WorkflowLayout = () => NO_LAYOUT): LineScore {
  const inFile = byFile(findings);
  const at = (spans: readonly LineSpan[], line: number): LineSpan | undefined => spans.find((span) => span.start <= line && line <= span.end);
  // Two places are in the same step, or in the same job with at least one of them outside every step.
  const together = (file: string, a: number, b: number): 'step' | 'job' | undefined => {
    const { jobs, steps } = layout(file);
    const step = at(steps, a);
    if (step && at(steps, b) === step) return 'step';
    const job = at(jobs, a);
    return job && at(jobs, b) === job && (!step || !at(steps, b)) ? 'job' : undefined;
  };
  const inOtherSteps = (file: string, a: number, b: number): boolean => {
    const { steps } = layout(file);
    const [stepA, stepB] = [at(steps, a), at(steps, b)];
    return stepA !== undefined && stepB !== undefined && stepA !== stepB;
  };
  const matches = assign(
    expected,
    (e) => e.check,
    (e) => {
      const rules = mappingOf(mapping, e.check).rules;
      return (inFile.get(e.file) ?? []).flatMap((index) => {
        const finding = findings[index]!;
        if (!covers(rules, finding)) return [];
        // Line 0 is the file as a whole (actionlint's "could not parse as YAML"): any finding of the rule in it.
        if (e.line === 0) return [{ finding: index, cost: 3000 + finding.line }];
        const distance = Math.abs(finding.line - e.line);
        // Near lines of two different steps match last: a finding in the expectation's own step is the better match.
        if (distance <= LINE_TOLERANCE) return [{ finding: index, cost: (inOtherSteps(e.file, e.line, finding.line) ? 3000 : 0) + distance }];
        const unit = together(e.file, e.line, finding.line);
        return unit ? [{ finding: index, cost: (unit === 'step' ? 1000 : 2000) + distance }] : [];
      });
    },
  );
  const matched = new Set(matches.filter((index): index is number => index !== undefined));
  // An unmatched finding counts against the check whose main rule it is, else the first check that maps its rule.
  const owner = new Map<string, string>();
  // (`rule#messageId` entries own nothing: that rule's other findings are another check's.)
  for (const [check, { rules }] of mapping) if (rules[0] && !rules[0].includes('#') && !owner.has(rules[0])) owner.set(rules[0], check);
  for (const [check, { rules }] of mapping) for (const rule of rules) if (!rule.includes('#') && !owner.has(rule)) owner.set(rule, check);
  const extras = findings.flatMap((finding, index) => {
    const check = owner.get(finding.ruleId);
    return check !== undefined && !matched.has(index) ? [{ finding, check }] : [];
  });
  const rows = checksOf(mapping, expected.map((e) => e.check)).map((check): CheckRow => {
    const { rules, note } = mappingOf(mapping, check);
    const mine = expected.map((e, index) => ({ e, index })).filter(({ e }) => e.check === check);
    return {
      check,
      rules,
      note,
      expected: mine.length,
      found: mine.filter(({ index }) => matches[index] !== undefined).length,
      extra: extras.filter((extra) => extra.check === check).length,
    };
  });
  return { rows, matches, extras };
}

/**
 * Scores object expectations (kube-linter): a finding matches when it lies in an object of the kind (and name) the
 * message names and, when it names a container and the finding lies in a container, in that one. An expectation
 * whose message names nothing matches any finding of a mapped rule in the file.
 */
export function scoreObjects(expected: readonly ObjectExpectation[], findings: readonly Finding[], mapping: MappingTable, objects: (file: string) => readonly ObjectSpan[]): { rows: CheckRow[]; matches: (number | undefined)[]; missed: ObjectExpectation[] } {
  const inFile = byFile(findings);
  const matches = assign(
    expected,
    (e) => e.check,
    (e) => {
      const rules = mappingOf(mapping, e.check).rules;
      return (inFile.get(e.file) ?? []).flatMap((index) => {
        const finding = findings[index]!;
        if (!covers(rules, finding)) return [];
        if (e.kind === undefined) return [{ finding: index, cost: 2 }];
        const object = objects(e.file).find((span) => span.start <= finding.line && finding.line <= span.end);
        if (!object || object.kind !== e.kind || (e.name !== undefined && object.name !== e.name)) return [];
        const container = object.containers.find((span) => span.start <= finding.line && finding.line <= span.end);
        if (e.container === undefined || container === undefined) return [{ finding: index, cost: 1 }];
        return container.name === e.container ? [{ finding: index, cost: 0 }] : [];
      });
    },
  );
  // An expectation is on a fragment when every object of the kind (and name) it names in its file is one.
  const onFragment = (e: ObjectExpectation): boolean => {
    if (e.kind === undefined) return false;
    const named = objects(e.file).filter((span) => span.kind === e.kind && (e.name === undefined || span.name === e.name));
    return named.length > 0 && named.every((span) => span.fragment);
  };
  const rows = checksOf(mapping, expected.map((e) => e.check)).map((check): CheckRow => {
    const { rules, note } = mappingOf(mapping, check);
    const mine = expected.map((e, index) => ({ e, index })).filter(({ e }) => e.check === check);
    const fragments = mine.filter(({ e }) => onFragment(e));
    const found = (list: typeof mine): number => list.filter(({ index }) => matches[index] !== undefined).length;
    return { check, rules, note, expected: mine.length, found: found(mine), extra: 0, fragments: fragments.length, foundOnFragments: found(fragments) };
  });
  const missed = expected.filter((e, index) => matches[index] === undefined && mappingOf(mapping, e.check).rules.length > 0);
  return { rows, matches, missed };
}

/** One row of a file-scored peer (kube-score, Polaris). */
export interface FileRow {
  check: string;
  rules: readonly string[];
  note: string;
  /** Files that must fail the check, and those in which a mapped rule reports something. */
  failing: number;
  found: number;
  /** Files that must pass it, and those in which a mapped rule reports something all the same. */
  passing: number;
  flagged: number;
  /** The failing files no mapped rule reports in, and the passing files one does (for `--list`). */
  missedFiles: string[];
  flaggedFiles: string[];
  /** Failing files whose workloads are all fragments (`isFragmentFile`), and how many of them are found. */
  fragments: number;
  foundOnFragments: number;
  /** Found and flagged with the default reading (`kubernetes: { patches: auto }`), beside `found` and `flagged` read whole. */
  foundByDefault?: number;
  flaggedByDefault?: number;
}

/** Scores whole files: a failing file is found when a mapped rule reports anything in it; a passing one is flagged when it does. */
export function scoreFiles(expected: readonly FileExpectation[], findings: readonly Finding[], mapping: MappingTable, fragmentFile: (file: string) => boolean = () => false): FileRow[] {
  const rulesIn = new Map<string, Set<string>>();
  for (const finding of findings) {
    const rules = rulesIn.get(finding.file) ?? new Set<string>();
    rules.add(finding.ruleId);
    if (finding.messageId !== undefined) rules.add(`${finding.ruleId}#${finding.messageId}`);
    rulesIn.set(finding.file, rules);
  }
  const reported = (e: FileExpectation): boolean => mappingOf(mapping, e.check).rules.some((rule) => rulesIn.get(e.file)?.has(rule));
  return checksOf(mapping, expected.map((e) => e.check)).map((check): FileRow => {
    const { rules, note } = mappingOf(mapping, check);
    const failing = expected.filter((e) => e.check === check && e.fails);
    const passing = expected.filter((e) => e.check === check && !e.fails);
    const missedFiles = failing.filter((e) => !reported(e)).map((e) => e.file);
    const flaggedFiles = passing.filter(reported).map((e) => e.file);
    const fragments = failing.filter((e) => fragmentFile(e.file));
    return {
      check,
      rules,
      note,
      failing: failing.length,
      found: failing.length - missedFiles.length,
      passing: passing.length,
      flagged: flaggedFiles.length,
      missedFiles,
      flaggedFiles,
      fragments: fragments.length,
      foundOnFragments: fragments.filter(reported).length,
    };
  });
}
