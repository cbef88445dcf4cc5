// Runs the built CLI over a temporary copy of a peer's fixtures (never inside the project), the way the peer's own
// tests see them: a folder that is a repository in the peer's tests gets a `.git/config`, so local actions and
// reusable workflows resolve against it.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT } from './mapping';
import type { Finding } from './score';

export const CLI = join(ROOT, 'dist', 'cli.js');

/** The CLI's arguments: the strict preset, as RULES-2.md scores peer parity, and no ignore globs. */
export const CLI_ARGS = ['--preset', 'strict', '--format', 'json', '--no-ignore'] as const;

/** `SHIPCHECK_PEERS`, else `../shared/peers` beside the project. */
export function peersRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.SHIPCHECK_PEERS ? resolve(env.SHIPCHECK_PEERS) : resolve(ROOT, '..', 'shared', 'peers');
}

/**
 * What of a peer's folder is copied: its path in the peer's folder, and the GitHub repository it is a clone of, if any.
 * `workflows`: files directly in `path` (names) that the peer reads as workflows whatever their content, as actionlint
 * does with the files it is given; each is placed under the copy's `.github/workflows/` (as in a repository, beside the
 * reusable workflows and local actions the folder's own `.github/` holds), and its findings are given back its own path.
 */
export interface CopyPart {
  path: string;
  repository?: string;
  workflows?: readonly string[];
}

/**
 * Where each of `part.workflows` goes in the copy, relative to `part.path`: `.github/workflows/<name>`, or, when the
 * folder's `.github/workflows/` already has a file of that name (compared ignoring case), `<stem>-<n><ext>` there.
 */
export function workflowPlaces(workflows: readonly string[], existing: readonly string[]): Map<string, string> {
  const taken = new Set(existing.map((name) => name.toLowerCase()));
  const places = new Map<string, string>();
  for (const name of workflows) {
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    let placed = name;
    for (let n = 2; taken.has(placed.toLowerCase()); n++) placed = `${stem}-${n}${ext}`;
    taken.add(placed.toLowerCase());
    places.set(name, `.github/workflows/${placed}`);
  }
  return places;
}

/** The peer commits named in `../shared/peers/README.md` (`| \`zizmor/\` | zizmorcore/zizmor (11bbf7e) — …`). */
export function peerCommits(readme: string): Map<string, { repository: string; commit: string }> {
  const commits = new Map<string, { repository: string; commit: string }>();
  for (const match of readme.matchAll(/^\|\s*`([^`/]+)\/`\s*\|\s*([\w.-]+\/[\w.-]+) \(([0-9a-f]{7,40})\)/gm)) {
    commits.set(match[1]!, { repository: match[2]!, commit: match[3]! });
  }
  return commits;
}

export function readPeerCommits(peers: string): Map<string, { repository: string; commit: string }> {
  const readme = join(peers, 'README.md');
  return existsSync(readme) ? peerCommits(readFileSync(readme, 'utf8')) : new Map();
}

/**
 * The `.shipcheck.yaml` the Kubernetes peers are scored with: their fixtures are plain manifests, each read whole by the
 * peer, so shipcheck reads every object whole too (no object taken for a Kustomize patch by its shape).
 */
export const WHOLE_OBJECTS_CONFIG = 'kubernetes:\n  patches: listed\n';

/**
 * Copies `parts` of `peers/<peer>/` into a temporary folder, runs the CLI there and returns its findings (paths as in the
 * peer's folder). `config`, when given, is written as the copy's `.shipcheck.yaml`, which the CLI finds above every file.
 */
export async function lintPeer(peers: string, peer: string, parts: readonly CopyPart[], config?: string, cli = CLI): Promise<Finding[]> {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  const copy = mkdtempSync(join(tmpdir(), 'shipcheck-peers-'));
  try {
    const present = parts.filter((part) => existsSync(join(peers, peer, part.path)));
    // The copy's path of a placed workflow → its path in the peer's folder.
    const back = new Map<string, string>();
    for (const part of present) {
      const source = join(peers, peer, part.path);
      if (part.workflows) {
        const own = join(source, '.github');
        if (existsSync(own)) cpSync(own, join(copy, part.path, '.github'), { recursive: true });
        const workflowsDir = join(copy, part.path, '.github', 'workflows');
        mkdirSync(workflowsDir, { recursive: true });
        for (const [name, place] of workflowPlaces(part.workflows, readdirSync(workflowsDir))) {
          cpSync(join(source, name), join(copy, part.path, place));
          back.set(`${part.path}/${place}`, `${part.path}/${name}`);
        }
      } else cpSync(source, join(copy, part.path), { recursive: true });
      if (part.repository) {
        mkdirSync(join(copy, part.path, '.git'), { recursive: true });
        writeFileSync(join(copy, part.path, '.git', 'config'), `[remote "origin"]\n\turl = https://github.com/${part.repository}.git\n`);
      }
    }
    if (present.length === 0) return [];
    if (config !== undefined) writeFileSync(join(copy, '.shipcheck.yaml'), config);
    const stdout = await run(process.execPath, [cli, ...CLI_ARGS, '--fail-on', 'none', '--skip-unreadable', ...present.map((part) => part.path)], copy);
    const output = JSON.parse(stdout) as { findings: { file: string; line: number; ruleId: string; messageId?: string; severity: string; message: string }[] };
    return output.findings.map((finding) => ({
      file: ((file) => back.get(file) ?? file)(finding.file.split('\\').join('/')),
      line: finding.line,
      ruleId: finding.ruleId,
      ...(finding.messageId !== undefined ? { messageId: finding.messageId } : {}),
      severity: finding.severity,
      message: finding.message,
    }));
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}

/** Files under `dir` (relative to it, with `/`), hidden folders other than `.github` left out as the CLI does. */
export function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      if (entry.name.startsWith('.') && entry.name !== '.github') return [];
      const path = prefix + entry.name;
      return entry.isDirectory() ? listFiles(join(dir, entry.name), `${path}/`) : [path];
    });
}

function run(command: string, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`shipcheck ${args.slice(1).join(' ')} exited with ${code}:\n${Buffer.concat(err).toString('utf8').trim()}`));
    });
  });
}
