// The ecosystem check's collection, shared by `npm run ecosystem` and test/ecosystem/ecosystem.test.ts: the built
// CLI run over a temporary copy of the corpus's repository trees, each with a `.git/config` naming its GitHub remote,
// so repository-aware behaviour (lockfiles, Yarn Berry, own-owner pins) works as users meet it.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Severity } from '../../server/src/engine/core/finding';
import { DEFAULT_PRESET, PRESETS, presetSeverity, type Preset } from '../../server/src/engine/core/presets';
import { RULES } from '../../server/src/rules';
import { parseBaseline, parseLedger, parseTsv, type BaselineRow, type CorpusFile, type CorpusFinding, type FileKind, type LedgerParse } from './analysis';

// Compiled to out/scripts/ecosystem/.
export const ROOT = resolve(__dirname, '..', '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');
export const BASELINE = join(ROOT, 'test', 'ecosystem', 'baseline.tsv');
export const LEDGER = join(ROOT, 'test', 'ecosystem', 'verdicts.tsv');

/** Peer linters' test data: broken on purpose, so left out of every number. */
export const PEER_TREES: readonly string[] = [
  'stackrox__kube-linter',
  'FairwindsOps__polaris',
  'zegl__kube-score',
  'datreeio__datree',
  'kyverno__policies',
  'open-policy-agent__gatekeeper-library',
  'rhysd__actionlint',
];

/**
 * Whether a rule runs in the collection's preset (the default one when none is named), so that its labels can be
 * judged: gha/shellcheck never does (see collect). An unknown preset name runs nothing; the CLI rejects it anyway.
 */
export function ruleRunsIn(preset: string | undefined): (ruleId: string) => boolean {
  const name = (preset ?? DEFAULT_PRESET) as Preset;
  const on = new Set(PRESETS.includes(name) ? RULES.filter((rule) => presetSeverity(rule, name) !== 'off').map((rule) => rule.id) : []);
  on.delete('gha/shellcheck');
  return (ruleId) => on.has(ruleId);
}

/** `SHIPCHECK_CORPUS`, else `../shared/corpus` beside the project. */
export function corpusRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.SHIPCHECK_CORPUS ? resolve(env.SHIPCHECK_CORPUS) : resolve(ROOT, '..', 'shared', 'corpus');
}

/** Why the check cannot run here (no corpus), or false. */
export function corpusMissing(corpus: string): string | false {
  return existsSync(join(corpus, 'repos', 'SOURCES.tsv')) ? false : `no corpus at ${corpus} (repos/SOURCES.tsv; set SHIPCHECK_CORPUS to point elsewhere)`;
}

const SOURCES_HEADER = ['repo', 'snapshot_commit', 'path', 'license', 'kind', 'corpus_file', 'note'];
const KIND_OF_FOLDER: Record<string, FileKind> = { workflows: 'workflow', k8s: 'k8s', 'helm-templates': 'k8s' };

/** The corpus files (SOURCES.tsv rows of kind `corpus`) outside the peers' trees, with their kind. */
export function corpusFiles(corpus: string): CorpusFile[] {
  const { rows, errors } = parseTsv(readFileSync(join(corpus, 'repos', 'SOURCES.tsv'), 'utf8'), SOURCES_HEADER, 'repos/SOURCES.tsv');
  if (errors.length > 0) throw new Error(errors.join('\n'));
  const files: CorpusFile[] = [];
  for (const { fields, line } of rows) {
    const [repo, , path, , kind, corpusFile] = fields as [string, string, string, string, string, string];
    if (kind !== 'corpus') continue;
    const tree = repo.replace('/', '__');
    if (PEER_TREES.includes(tree)) continue;
    const fileKind = KIND_OF_FOLDER[corpusFile.split('/')[0]!];
    if (!fileKind) throw new Error(`repos/SOURCES.tsv:${line}: corpus_file ${corpusFile} is in none of ${Object.keys(KIND_OF_FOLDER).join(', ')}`);
    files.push({ path: `repos/${tree}/${path}`, kind: fileKind });
  }
  return files;
}

export interface Collection {
  /** Findings in corpus files, sorted by place. */
  findings: CorpusFinding[];
  /** The corpus files the CLI checked (those it skipped, such as Helm templates, left out). */
  files: CorpusFile[];
  /** Corpus files the CLI skipped, with its reason. */
  skipped: { path: string; reason: string }[];
  /** What the CLI wrote to standard error (files it could not read). */
  warnings: string[];
  trees: number;
  seconds: { copy: number; lint: number; cleanup: number };
}

interface JsonOutput {
  findings: { file: string; ruleId: string; messageId: string; severity: Severity; message: string; line: number; column: number }[];
  skipped: { file: string; reason: string }[];
}

/** The remote a tree's `.git/config` names: `<owner>__<repo>` is github.com/<owner>/<repo> (owners have no `_`). */
export function gitConfig(tree: string): string {
  const split = tree.indexOf('__');
  const [owner, repo] = split < 0 ? [tree, tree] : [tree.slice(0, split), tree.slice(split + 2)];
  return `[core]\n\trepositoryformatversion = 0\n[remote "origin"]\n\turl = https://github.com/${owner}/${repo}.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n`;
}

/** Runs the built CLI over a copy of the corpus's trees (peers left out) and keeps the findings in corpus files. */
export async function collect(options: { corpus: string; preset?: string; cli?: string }): Promise<Collection> {
  const cli = options.cli ?? CLI;
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  const repos = join(options.corpus, 'repos');
  const corpus = corpusFiles(options.corpus);
  const started = performance.now();
  const copy = mkdtempSync(join(tmpdir(), 'shipcheck-ecosystem-'));
  let collection: Collection | undefined;
  try {
    const trees = readdirSync(repos, { withFileTypes: true }).filter((entry) => entry.isDirectory() && !PEER_TREES.includes(entry.name));
    for (const tree of trees) {
      cpSync(join(repos, tree.name), join(copy, tree.name), { recursive: true });
      mkdirSync(join(copy, tree.name, '.git'));
      writeFileSync(join(copy, tree.name, '.git', 'config'), gitConfig(tree.name));
    }
    const copied = performance.now();
    // gha/shellcheck runs a process per script: never part of the corpus measurement or its baseline (RULES-2.md).
    const args = ['--format', 'json', '--no-ignore', '--no-shellcheck', '--fail-on', 'none', '--skip-unreadable', ...(options.preset ? ['--preset', options.preset] : []), '.'];
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], copy);
    const output = JSON.parse(stdout) as JsonOutput;
    const linted = performance.now();
    const kindOf = new Map(corpus.map((file) => [file.path, file.kind]));
    const inCorpus = (file: string): string => `repos/${file.split('\\').join('/')}`;
    const findings = output.findings
      .map((finding): CorpusFinding => ({ path: inCorpus(finding.file), line: finding.line, column: finding.column, ruleId: finding.ruleId, messageId: finding.messageId, severity: finding.severity, message: finding.message }))
      .filter((finding) => kindOf.has(finding.path))
      .sort(byPlace);
    const skipped = output.skipped.map((skip) => ({ path: inCorpus(skip.file), reason: skip.reason })).filter((skip) => kindOf.has(skip.path));
    const skippedPaths = new Set(skipped.map((skip) => skip.path));
    collection = {
      findings,
      files: corpus.filter((file) => !skippedPaths.has(file.path)),
      skipped,
      warnings: stderr.trim() === '' ? [] : stderr.trim().split('\n'),
      trees: trees.length,
      seconds: { copy: (copied - started) / 1000, lint: (linted - copied) / 1000, cleanup: 0 },
    };
  } finally {
    const removing = performance.now();
    await rm(copy, { recursive: true, force: true });
    if (collection) collection.seconds.cleanup = (performance.now() - removing) / 1000;
  }
  return collection!;
}

function byPlace(a: CorpusFinding, b: CorpusFinding): number {
  const text = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return text(a.path, b.path) || a.line - b.line || a.column - b.column || text(a.ruleId, b.ruleId) || text(a.messageId, b.messageId);
}

/** A child's output; an exit code other than 0 is an error carrying its standard error. */
function run(command: string, args: readonly string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
      else reject(new Error(`shipcheck ${args.slice(1).join(' ')} exited with ${code}:\n${Buffer.concat(err).toString('utf8').trim()}`));
    });
  });
}

export function readBaseline(path = BASELINE): { rows: BaselineRow[]; errors: string[] } {
  return existsSync(path) ? parseBaseline(readFileSync(path, 'utf8'), 'test/ecosystem/baseline.tsv') : { rows: [], errors: [] };
}

export function readLedger(path = LEDGER): LedgerParse {
  return existsSync(path) ? parseLedger(readFileSync(path, 'utf8'), 'test/ecosystem/verdicts.tsv') : { labels: [], pending: 0, errors: [] };
}
