// Each peer: where its fixtures and expectations are, how its folder is linted, and how it is scored.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  parseActionlintGolden,
  parseKubeLinterExpected,
  parseKubeScoreExpected,
  parseZizmorExpected,
  polarisExpectation,
  type FileExpectation,
  type LineExpectation,
  type ObjectExpectation,
} from './expectations';
import { lintPeer, listFiles, WHOLE_OBJECTS_CONFIG, type CopyPart } from './collect';
import { readMapping } from './mapping';
import { scoreFiles, scoreLines, scoreObjects, type CheckRow, type FileRow, type Finding, type LineScore } from './score';
import { isFragmentFile, objectSpans, workflowLayout, type ObjectSpan, type WorkflowLayout } from './structure';

/** A scored peer table: line peers (with optional personas), object peers, file peers. */
export type PeerScore =
  | { kind: 'zizmor'; sources: string[]; regular: LineScore; all: LineScore; expected: LineExpectation[]; regularExpected: LineExpectation[]; findings: Finding[] }
  | { kind: 'actionlint'; score: LineScore; expected: LineExpectation[]; files: number; unread: number; findings: Finding[] }
  | { kind: 'kube-linter'; rows: CheckRow[]; leftOut: string[]; missed: ObjectExpectation[] }
  | { kind: 'kube-score' | 'polaris'; rows: FileRow[]; files: number };

export interface PeerRun {
  /** The folders under the peers root it reads. */
  folders: string[];
  score: (peers: string, say: (line: string) => void) => Promise<PeerScore | undefined>;
}

/**
 * A Kubernetes peer's findings read as the peer reads its fixtures (every object whole, `WHOLE_OBJECTS_CONFIG`), which is
 * what is scored, and with shipcheck's default reading (objects the API server would reject taken for patches).
 */
async function lintManifests(peers: string, peer: string, parts: readonly CopyPart[]): Promise<{ whole: Finding[]; byDefault: Finding[] }> {
  const whole = await lintPeer(peers, peer, parts, WHOLE_OBJECTS_CONFIG);
  const byDefault = await lintPeer(peers, peer, parts);
  return { whole, byDefault };
}

/** Rows scored whole, each with what the default reading found (and flagged) for its check. */
function withDefaultReading<R extends { check: string; found: number; flagged?: number; foundByDefault?: number; flaggedByDefault?: number }>(rows: R[], byDefault: readonly R[]): R[] {
  const other = new Map(byDefault.map((row) => [row.check, row]));
  return rows.map((row) => {
    const auto = other.get(row.check);
    if (!auto) return row;
    return { ...row, foundByDefault: auto.found, ...(auto.flagged !== undefined ? { flaggedByDefault: auto.flagged } : {}) };
  });
}

/** Reads a fixture's text once per run (for steps and objects). */
function cached<T>(read: (file: string) => T): (file: string) => T {
  const memo = new Map<string, T>();
  return (file) => {
    if (!memo.has(file)) memo.set(file, read(file));
    return memo.get(file)!;
  };
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

const prefixed = (prefix: string, findings: Finding[]): Finding[] => findings.map((finding) => ({ ...finding, file: `${prefix}${finding.file}` }));

/** zizmor's integration fixtures and gha-hazmat, scored together per zizmor audit. */
async function scoreZizmor(peers: string, say: (line: string) => void): Promise<PeerScore | undefined> {
  const mapping = readMapping('zizmor');
  const expected: LineExpectation[] = [];
  const findings: Finding[] = [];
  const sources: string[] = [];
  const sourceOf: Record<string, string> = { 'zizmor/': join(peers, 'zizmor', 'test-data'), 'gha-hazmat/': join(peers, 'gha-hazmat') };
  for (const [peer, fixtures, copy] of [
    ['zizmor', 'test-data', [{ path: 'test-data' }]],
    // gha-hazmat is a repository of its own; zizmor runs on each test-data file alone.
    ['gha-hazmat', '.github', [{ path: '.', repository: 'woodruffw/gha-hazmat' }]],
  ] as const) {
    const expectations = join(peers, peer, 'expected.tsv');
    if (!existsSync(join(peers, peer, fixtures)) || !existsSync(expectations)) {
      say(`${peer}: skipped, no ${peer}/${fixtures} and ${peer}/expected.tsv in ${peers}`);
      continue;
    }
    const { rows, errors } = parseZizmorExpected(readFileSync(expectations, 'utf8'), `${peer}/expected.tsv`, `${peer}/`);
    if (errors.length > 0) throw new Error(errors.join('\n'));
    expected.push(...rows);
    sources.push(peer);
    const found = await lintPeer(peers, peer, copy);
    // zizmor's paths are relative to test-data, gha-hazmat's to the repository.
    findings.push(...prefixed(`${peer}/`, peer === 'zizmor' ? found.map((finding) => ({ ...finding, file: finding.file.replace(/^test-data\//, '') })) : found));
  }
  if (sources.length === 0) return undefined;
  const layout = cached((file: string): WorkflowLayout => {
    const prefix = Object.keys(sourceOf).find((start) => file.startsWith(start))!;
    return workflowLayout(readOr(join(sourceOf[prefix]!, file.slice(prefix.length))));
  });
  const regularExpected = expected.filter((row) => row.personas?.includes('regular'));
  return { kind: 'zizmor', sources, regular: scoreLines(regularExpected, findings, mapping, layout), all: scoreLines(expected, findings, mapping, layout), expected, regularExpected, findings };
}

/** actionlint's golden tests: each `err/x.yaml` and `examples/x.yaml` with its `x.out`. */
async function scoreActionlint(peers: string, say: (line: string) => void): Promise<PeerScore | undefined> {
  const root = join(peers, 'actionlint');
  if (!existsSync(join(root, 'err')) && !existsSync(join(root, 'examples'))) {
    say(`actionlint: skipped, no actionlint/err or actionlint/examples in ${peers}`);
    return undefined;
  }
  const mapping = readMapping('actionlint');
  const expected: LineExpectation[] = [];
  const scored = new Set<string>();
  const workflows: Record<string, string[]> = { err: [], examples: [] };
  let unread = 0;
  for (const folder of ['err', 'examples'] as const) {
    for (const golden of listFiles(join(root, folder)).filter((file) => !file.includes('/') && file.endsWith('.out'))) {
      const stem = golden.slice(0, -'.out'.length);
      const workflow = [`${stem}.yaml`, `${stem}.yml`].find((name) => existsSync(join(root, folder, name)));
      if (!workflow) continue;
      const parsed = parseActionlintGolden(readFileSync(join(root, folder, golden), 'utf8'), `${folder}/${workflow}`);
      expected.push(...parsed.rows);
      unread += parsed.unread.length;
      scored.add(`${folder}/${workflow}`);
      workflows[folder]!.push(workflow);
    }
  }
  // err/ and examples/ are each a project in actionlint's tests (their .github/ holds the reusable workflows and local
  // actions). actionlint reads every file it is given as a workflow, so each golden is linted from the project's
  // .github/workflows/, where shipcheck reads any file as one (an empty file, one without `jobs:` or `on:`).
  const all = await lintPeer(peers, 'actionlint', [
    { path: 'err', repository: 'rhysd/actionlint', workflows: workflows.err! },
    { path: 'examples', repository: 'rhysd/actionlint', workflows: workflows.examples! },
  ]);
  const findings = all.filter((finding) => scored.has(finding.file));
  const layout = cached((file: string) => workflowLayout(readOr(join(root, file))));
  return { kind: 'actionlint', score: scoreLines(expected, findings, mapping, layout), expected, files: scored.size, unread, findings };
}

async function scoreKubeLinter(peers: string, say: (line: string) => void): Promise<PeerScore | undefined> {
  const root = join(peers, 'kube-linter');
  if (!existsSync(join(root, 'checks')) || !existsSync(join(root, 'expected.json'))) {
    say(`kube-linter: skipped, no kube-linter/checks and kube-linter/expected.json in ${peers}`);
    return undefined;
  }
  const { rows, leftOut } = parseKubeLinterExpected(readFileSync(join(root, 'expected.json'), 'utf8'));
  const { whole, byDefault } = await lintManifests(peers, 'kube-linter', [{ path: 'checks' }]);
  const objects = cached((file: string): ObjectSpan[] => objectSpans(readOr(join(root, file))));
  const mapping = readMapping('kube-linter');
  const { rows: scored, missed } = scoreObjects(rows, whole, mapping, objects);
  return { kind: 'kube-linter', rows: withDefaultReading(scored, scoreObjects(rows, byDefault, mapping, objects).rows), leftOut, missed };
}

async function scoreKubeScore(peers: string, say: (line: string) => void): Promise<PeerScore | undefined> {
  const root = join(peers, 'kube-score');
  if (!existsSync(join(root, 'score', 'testdata')) || !existsSync(join(root, 'expected.json'))) {
    say(`kube-score: skipped, no kube-score/score/testdata and kube-score/expected.json in ${peers}`);
    return undefined;
  }
  const expected = parseKubeScoreExpected(readFileSync(join(root, 'expected.json'), 'utf8'), listFiles(join(root, 'score', 'testdata')));
  const { whole, byDefault } = await lintManifests(peers, 'kube-score', [{ path: 'score/testdata' }]);
  const fragment = cached((file: string) => isFragmentFile(objectSpans(readOr(join(root, file)))));
  const mapping = readMapping('kube-score');
  const rows = withDefaultReading(scoreFiles(expected, whole, mapping, fragment), scoreFiles(expected, byDefault, mapping, fragment));
  return { kind: 'kube-score', rows, files: new Set(expected.map((e) => e.file)).size };
}

async function scorePolaris(peers: string, say: (line: string) => void): Promise<PeerScore | undefined> {
  const root = join(peers, 'polaris', 'test-checks');
  if (!existsSync(root)) {
    say(`polaris: skipped, no polaris/test-checks in ${peers}`);
    return undefined;
  }
  const expected = listFiles(root).flatMap((file): FileExpectation[] => {
    const parts = file.split('/');
    const found = parts.length === 2 ? polarisExpectation(parts[0]!, basename(file)) : undefined;
    return found ? [found] : [];
  });
  const { whole, byDefault } = await lintManifests(peers, 'polaris', [{ path: 'test-checks' }]);
  const fragment = cached((file: string) => isFragmentFile(objectSpans(readOr(join(peers, 'polaris', file)))));
  const mapping = readMapping('polaris');
  return { kind: 'polaris', rows: withDefaultReading(scoreFiles(expected, whole, mapping, fragment), scoreFiles(expected, byDefault, mapping, fragment)), files: expected.length };
}

/** The peers in the order the report lists them. */
export const PEERS: readonly PeerRun[] = [
  { folders: ['zizmor', 'gha-hazmat'], score: scoreZizmor },
  { folders: ['actionlint'], score: scoreActionlint },
  { folders: ['kube-linter'], score: scoreKubeLinter },
  { folders: ['kube-score'], score: scoreKubeScore },
  { folders: ['polaris'], score: scorePolaris },
];
