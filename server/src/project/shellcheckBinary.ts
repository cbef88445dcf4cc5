import { spawn, spawnSync } from 'node:child_process';
import { EXCLUDED_CHECKS, type ShellcheckBinary, type ShellcheckComment, type ShellScript } from './shellcheck';

const MAX_CACHED_SCRIPTS = 2000;

/** The `shellcheck` binary on PATH, its results kept by shell and script text (see `shellcheck.ts` for why it is here). */
export class Shellcheck implements ShellcheckBinary {
  private readonly cache = new Map<string, readonly ShellcheckComment[]>();

  private constructor(readonly version: string) {}

  /** The binary on PATH, or undefined when there is none (the rule is then off, and the adapter says so once). */
  static find(): Shellcheck | undefined {
    const probe = spawnSync('shellcheck', ['--version'], { encoding: 'utf8', timeout: 10_000 });
    if (probe.error || probe.status !== 0) return undefined;
    return new Shellcheck(/version:\s*(\S+)/.exec(probe.stdout)?.[1] ?? 'unknown');
  }

  /** Checks a script in this thread, waiting for the process (the CLI's way). */
  checkSync(script: ShellScript): readonly ShellcheckComment[] {
    const key = cacheKey(script);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const run = spawnSync('shellcheck', args(script), { input: script.text, encoding: 'utf8', timeout: 30_000, maxBuffer: 16 * 1024 * 1024 });
    return this.keep(key, run.error ? [] : parse(run.stdout));
  }

  /** Checks a script without blocking (the language server's way). */
  check(script: ShellScript): Promise<readonly ShellcheckComment[]> {
    const key = cacheKey(script);
    const cached = this.cache.get(key);
    if (cached) return Promise.resolve(cached);
    return new Promise((resolve) => {
      const child = spawn('shellcheck', args(script), { stdio: ['pipe', 'pipe', 'ignore'] });
      let output = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => (output += chunk));
      child.on('error', () => resolve([]));
      child.on('close', () => resolve(this.keep(key, parse(output))));
      child.stdin.on('error', () => undefined);
      child.stdin.end(script.text);
    });
  }

  private keep(key: string, comments: readonly ShellcheckComment[]): readonly ShellcheckComment[] {
    if (this.cache.size >= MAX_CACHED_SCRIPTS) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, comments);
    return comments;
  }
}

function cacheKey(script: ShellScript): string {
  return `${script.shell}\0${script.text}`;
}

function args(script: ShellScript): string[] {
  // --norc: a .shellcheckrc of whoever runs shipcheck must not change what a workflow's findings are. Info notes are
  // asked for always (the results are kept by script, whatever the preset); findingsOf leaves them out in recommended.
  return ['--norc', '--format=json1', `--shell=${script.shell}`, '--severity=info', `--exclude=${EXCLUDED_CHECKS}`, '-'];
}

function parse(output: string): ShellcheckComment[] {
  try {
    const parsed = JSON.parse(output) as { comments?: ShellcheckComment[] };
    return Array.isArray(parsed.comments) ? parsed.comments : [];
  } catch {
    return [];
  }
}
