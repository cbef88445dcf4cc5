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

/** What of a peer's folder is copied: its path in the peer's folder, and the GitHub repository it is a clone of, if any. */
export interface CopyPart {
  path: string;
  repository?: string;
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
    for (const part of present) {
      cpSync(join(peers, peer, part.path), join(copy, part.path), { recursive: true });
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
      file: finding.file.split('\\').join('/'),
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
