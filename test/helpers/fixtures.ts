import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Finding, Severity } from '../../server/src/engine/finding';
import { lint, type LintResult } from '../../server/src/engine/lint';
import type { Rule } from '../../server/src/engine/rule';

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

export interface Expectation {
  line: number;
  ruleId: string;
  severity?: Severity;
}

const EXPECT = /#\s*expect:\s*([^\r\n]+)/;

/** `# expect: gha/npm-ci` or `# expect: k8s/image-tag:info, k8s/image-tag` at the end of a line. */
export function parseExpectations(text: string): Expectation[] {
  const expectations: Expectation[] = [];
  text.split('\n').forEach((line, index) => {
    const match = EXPECT.exec(line);
    if (!match) return;
    for (const item of match[1]!.split(',')) {
      const [ruleId, severity] = item.trim().split(':') as [string, Severity | undefined];
      expectations.push({ line: index + 1, ruleId, ...(severity ? { severity } : {}) });
    }
  });
  return expectations;
}

export function describeFindings(result: LintResult, findings: Finding[]): string[] {
  return findings.map((finding) => {
    const pos = result.file.lineCounter.linePos(finding.span.start);
    return `${pos.line}:${pos.col} ${finding.ruleId}:${finding.severity} ${finding.message}`;
  });
}

export function lintWith(rules: readonly Rule[], text: string, path: string): LintResult {
  return lint(text, path, { rules });
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
