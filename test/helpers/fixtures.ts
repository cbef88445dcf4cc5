import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Finding, Severity } from '../../server/src/engine/core/finding';
import { lint, type LintResult } from '../../server/src/engine/core/lint';
import type { ProjectFacts, Rule } from '../../server/src/engine/core/rule';
import { PRESETS, presetSeverity, type Preset } from '../../server/src/engine/core/presets';

/** The repository root, from out/test/helpers. */
export const ROOT = resolve(__dirname, '..', '..', '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures');

/**
 * Workflow fixtures are not under .github/workflows, so they are linted as if they were: classification
 * by location is part of what the engine does. `action.yml` keeps its name (composite actions).
 */
export function lintPath(ruleId: string, fileName: string): string {
  if (ruleId.startsWith('gha/') && !/^action(\.fixed)?\.ya?ml$/.test(fileName)) return `.github/workflows/${fileName}`;
  return /^action\.fixed\.ya?ml$/.test(fileName) ? fileName.replace('.fixed', '') : fileName;
}

/**
 * One `# expect:` item: the rule, the 1-based column where the finding starts on that line (as the CLI prints
 * `line:col` and editors show it), and the severity when it is not the rule's default.
 *
 * Why the column and not the message id: where the squiggle starts is what a user sees and what goes wrong silently
 * (a span on the parent key, a block scalar's header, the wrong word of a script), and it tells apart two findings of
 * one rule on one line; message ids would need the engine's findings to carry them and still say nothing about the
 * range. It is brittle only to edits of that very line, which hold the expectation to update beside them.
 */
export interface Expectation {
  line: number;
  column: number;
  ruleId: string;
  severity?: Severity;
}

const EXPECT = /#\s*expect:\s*([^\r\n]+)/;
const ITEM = /^(?<ruleId>[a-z0-9-]+\/[a-z0-9-]+)@(?<column>\d+)(?::(?<severity>error|warning|info|hint))?$/;

/** `# expect: gha/npm-ci@14` or `# expect: k8s/image-tag@18:info, k8s/image-tag@40` at the end of a line. */
export function parseExpectations(text: string): Expectation[] {
  const expectations: Expectation[] = [];
  text.split('\n').forEach((line, index) => {
    const match = EXPECT.exec(line);
    if (!match) return;
    for (const item of match[1]!.split(',')) {
      const groups = ITEM.exec(item.trim())?.groups;
      if (!groups) throw new Error(`line ${index + 1}: \`${item.trim()}\` is not <rule-id>@<column>[:<severity>]`);
      const severity = groups.severity as Severity | undefined;
      expectations.push({ line: index + 1, column: Number(groups.column), ruleId: groups.ruleId!, ...(severity ? { severity } : {}) });
    }
  });
  return expectations;
}

/** A finding or an expectation as one comparable line: `14:9 gha/npm-ci:warning`. */
export function expectationKey(expectation: Required<Expectation>): string {
  return `${expectation.line}:${expectation.column} ${expectation.ruleId}:${expectation.severity}`;
}

/** What the findings are, in the form of expectations (severity always given), for comparing with `parseExpectations`. */
export function findingsAsExpectations(result: LintResult, findings: Finding[]): Required<Expectation>[] {
  return findings.map((finding) => {
    const pos = result.file.lineCounter.linePos(finding.span.start);
    return { line: pos.line, column: pos.col, ruleId: finding.ruleId, severity: finding.severity };
  });
}

/** Findings for a failure message: position, rule, severity, message and the text the span covers. */
export function describeFindings(result: LintResult, findings: Finding[]): string[] {
  return findings.map((finding) => {
    const pos = result.file.lineCounter.linePos(finding.span.start);
    const covered = result.file.text.slice(finding.span.start, finding.span.end);
    const shown = covered.length > 40 ? `${covered.slice(0, 37)}…` : covered;
    return `${pos.line}:${pos.col} ${finding.ruleId}:${finding.severity} ${JSON.stringify(shown)} ${finding.message}`;
  });
}

export function lintWith(rules: readonly Rule[], text: string, path: string, project: ProjectFacts = {}, preset?: Preset): LintResult {
  return lint(text, path, { rules, project, ...(preset ? { preset } : {}) });
}

const PROJECT = /^#\s*project:\s*(\{.*\})\s*$/m;

/**
 * What the adapter would know about the repository around a fixture (lockfiles, Yarn 2+, the owner), written on a
 * line of its own: `# project: {"yarnBerry": true}`. Fixtures without one are linted knowing nothing, as in a browser.
 */
export function fixtureProject(text: string): ProjectFacts {
  const json = PROJECT.exec(text)?.[1];
  return json === undefined ? {} : (JSON.parse(json) as ProjectFacts);
}

const PRESET = /^#\s*preset:\s*(\S+)\s*$/m;

/**
 * The preset a rule's fixture is linted in: the one a line of its own names (`# preset: strict`), else the preset the
 * rule is at home in: `recommended` when the rule is on there, `strict` when it is not.
 */
export function fixturePreset(rule: Rule, text: string): Preset {
  const named = PRESET.exec(text)?.[1];
  if (named === undefined) return presetSeverity(rule, 'recommended') === 'off' ? 'strict' : 'recommended';
  const preset = PRESETS.find((candidate) => candidate === named);
  if (!preset) throw new Error(`\`# preset: ${named}\` names no preset (${PRESETS.join(', ')})`);
  return preset;
}

export interface FixtureFile {
  name: string;
  path: string;
  text: string;
  /** The golden file after fixes, when there is one. */
  fixed?: string;
}

/** The fixtures of one rule: every YAML file in test/fixtures/<id>/ but the `.fixed` goldens. */
export function ruleFixtures(ruleId: string): FixtureFile[] {
  const dir = join(FIXTURES, ruleId);
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name) && !/\.fixed\.ya?ml$/.test(name)).sort();
  } catch {
    return [];
  }
  return names.map((name) => {
    const path = join(dir, name);
    const fixedPath = path.replace(/\.(ya?ml)$/, '.fixed.$1');
    const file: FixtureFile = { name, path, text: readFileSync(path, 'utf8') };
    try {
      if (statSync(fixedPath).isFile()) file.fixed = readFileSync(fixedPath, 'utf8');
    } catch {
      // no golden: this fixture's findings have no fix to check
    }
    return file;
  });
}
