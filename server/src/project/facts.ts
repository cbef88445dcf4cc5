import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { ProjectFacts } from '../engine/core/rule';
import { OWNER_PATTERN } from './config';
import { isLockfile, LOCKFILE_DEPTH } from '../engine/model/lockfiles';

/** The lockfiles `npmLockfile` looks for, at the root or in a package folder. */
const LOCKFILES: readonly string[] = ['package-lock.json', 'npm-shrinkwrap.json'];
/** The other lockfiles `lockfiles` lists (what setup-node keys its cache on), watched with those. */
const OTHER_LOCKFILES: readonly string[] = ['yarn.lock', 'pnpm-lock.yaml'];
/**
 * The files the facts depend on, as globs for the language server's file watcher: it calls `forgetProjectFacts` when
 * one changes (`isFactFile` tells which events matter).
 */
export const FACT_FILE_GLOBS: readonly string[] = [...[...LOCKFILES, ...OTHER_LOCKFILES].map((name) => `**/${name}`), '**/package.json', '**/.yarnrc.yml', '**/.yarn/releases/*', '**/.git/config', '**/Tiltfile'];
// Deep enough for monorepos (packages/*/web), shallow enough to stay instant on a keystroke.
const MAX_DEPTH = 4;
// Read again after this long even without a file event (clients that cannot watch files, a .git created).
const CACHE_MS = 5000;

// By the directory of the file asked about, so a keystroke costs no file system call.
const cache = new Map<string, { at: number; facts: ProjectFacts }>();

/** Facts about the repository that holds `filePath` (its nearest ancestor with a .git); unknown outside one. */
export function projectFacts(filePath: string): ProjectFacts {
  const directory = dirname(filePath);
  const cached = cache.get(directory);
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.facts;
  const root = repositoryRoot(filePath);
  let facts: ProjectFacts = {};
  if (root) {
    const owner = remoteOwner(root);
    const lockfiles = listLockfiles(root);
    const workflowFiles = listWorkflowFiles(root);
    const tiltImages = tiltfileImages(root, directory);
    const packageManager = rootPackageManager(readText(join(root, 'package.json')));
    facts = {
      npmLockfile: hasLockfile(root, 0),
      yarnBerry: usesYarnBerry(root),
      ...(packageManager !== undefined ? { packageManager } : {}),
      ...(owner !== undefined ? { owner } : {}),
      ...(lockfiles ? { lockfiles } : {}),
      workflowFiles,
      ...(tiltImages.length > 0 ? { tiltImages } : {}),
      ...notDeployed(relative(root, directory)),
    };
  }
  cache.set(directory, { at: Date.now(), facts });
  return facts;
}

/** After a file the facts read was created, changed or deleted: read the file system again. */
export function forgetProjectFacts(): void {
  cache.clear();
}

/**
 * Whether a changed file is one the facts read: a lockfile anywhere outside node_modules; package.json, .yarnrc.yml,
 * .yarn/releases/* and .git/config only at a repository's root (a package.json deep in a monorepo changes nothing).
 */
export function isFactFile(filePath: string): boolean {
  const parts = filePath.split(/[\\/]/);
  if (parts.includes('node_modules')) return false;
  const name = parts[parts.length - 1]!;
  if (LOCKFILES.includes(name) || OTHER_LOCKFILES.includes(name) || name === 'Tiltfile') return true;
  const directory = dirname(filePath);
  if (name === 'package.json' || name === '.yarnrc.yml') return existsSync(join(directory, '.git'));
  if (name === 'config' && basename(directory) === '.git') return true;
  return basename(directory) === 'releases' && basename(dirname(directory)) === '.yarn' && existsSync(join(directory, '..', '..', '.git'));
}

/** The images the Tiltfiles in `directory` and its parents up to `root` build (see `ProjectFacts.tiltImages`). */
function tiltfileImages(root: string, directory: string): string[] {
  const images = new Set<string>();
  for (let dir = directory; ; dir = dirname(dir)) {
    const text = readText(join(dir, 'Tiltfile'));
    if (text !== undefined) for (const image of tiltBuiltImages(text)) images.add(image);
    if (dir === root || dirname(dir) === dir || !dir.startsWith(root)) break;
  }
  return [...images].sort();
}

const TILT_BUILDERS = new Set(['docker_build', 'custom_build', 'docker_build_with_restart', 'custom_build_with_restart']);

/**
 * The image names a Tiltfile (Starlark) builds: the first argument, or `ref=`, of its build calls when written as a
 * string literal. Read word by word, not with a regular expression over the whole text (no backtracking on junk).
 */
export function tiltBuiltImages(text: string): string[] {
  const images: string[] = [];
  const isWord = (code: number): boolean => (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95;
  for (let at = 0; at < text.length; at++) {
    if (text[at] === '#') {
      const end = text.indexOf('\n', at);
      if (end < 0) break;
      at = end;
      continue;
    }
    if (!isWord(text.charCodeAt(at)) || (at > 0 && (isWord(text.charCodeAt(at - 1)) || text[at - 1] === '.'))) continue;
    let end = at;
    while (end < text.length && isWord(text.charCodeAt(end))) end++;
    const word = text.slice(at, end);
    at = end - 1;
    if (!TILT_BUILDERS.has(word)) continue;
    let next = end;
    while (text[next] === ' ' || text[next] === '\t') next++;
    if (text[next] !== '(') continue;
    next++;
    while (/\s/.test(text[next] ?? '')) next++;
    if (text.startsWith('ref', next)) {
      let eq = next + 3;
      while (text[eq] === ' ') eq++;
      if (text[eq] !== '=') continue;
      next = eq + 1;
      while (text[next] === ' ') next++;
    }
    const quote = text[next];
    if (quote !== "'" && quote !== '"') continue;
    const close = text.indexOf(quote, next + 1);
    const newline = text.indexOf('\n', next + 1);
    if (close < 0 || (newline >= 0 && newline < close)) continue;
    const image = text.slice(next + 1, close).trim();
    if (image) images.push(image);
  }
  return images;
}

/** The YAML files of the repository's `.github/workflows/` (none when it has no such folder). */
function listWorkflowFiles(root: string): string[] {
  try {
    return readdirSync(join(root, '.github', 'workflows')).filter((name) => /\.ya?ml$/i.test(name)).sort();
  } catch {
    return [];
  }
}

function repositoryRoot(filePath: string): string | undefined {
  if (!filePath) return undefined;
  for (let dir = dirname(filePath); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

function hasLockfile(dir: string, depth: number): boolean {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  if (entries.some((entry) => entry.isFile() && LOCKFILES.includes(entry.name))) return true;
  if (depth >= MAX_DEPTH) return false;
  return entries.some(
    (entry) => entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.') && hasLockfile(join(dir, entry.name), depth + 1),
  );
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Yarn 2+ at the root: the `packageManager` of package.json decides when it names a version (Corepack runs that one);
 * otherwise a .yarnrc.yml (which Yarn 1 never reads) or a Yarn 2+ release in .yarn/releases/.
 */
function usesYarnBerry(root: string): boolean {
  const declared = declaredPackageManager(readText(join(root, 'package.json')));
  if (declared) return declared.name === 'yarn' && declared.major >= 2;
  if (existsSync(join(root, '.yarnrc.yml'))) return true;
  let releases: string[];
  try {
    releases = readdirSync(join(root, '.yarn', 'releases'));
  } catch {
    return false;
  }
  // `yarn set version` writes yarn-4.1.0.cjs (older: yarn-berry.cjs); Yarn 1's `yarn policies set-version` writes yarn-1.22.19.cjs.
  return releases.some((name) => /^yarn-(berry|sources)\.c?js$/.test(name) || Number(/^yarn-(\d+)\./.exec(name)?.[1] ?? 0) >= 2);
}

/**
 * The package manager a package.json names, as setup-node (v5+) reads it to turn its npm cache on: npm when an entry of
 * `devEngines.packageManager` is named npm or `packageManager` is `npm` / `npm@…` / `^npm@…`; else the name in
 * `packageManager` (`pnpm@9.1.0` → `pnpm`); undefined when it names none.
 */
export function rootPackageManager(packageJson: string | undefined): string | undefined {
  if (packageJson === undefined) return undefined;
  let value: { packageManager?: unknown; devEngines?: { packageManager?: unknown } } | null;
  try {
    value = JSON.parse(packageJson) as typeof value;
  } catch {
    return undefined;
  }
  const dev = value?.devEngines?.packageManager;
  const devEntries: unknown[] = Array.isArray(dev) ? dev : dev !== undefined ? [dev] : [];
  if (devEntries.some((entry) => typeof (entry as { name?: unknown } | null)?.name === 'string' && /^(\^)?npm(@.*)?$/.test((entry as { name: string }).name))) return 'npm';
  const top = value?.packageManager;
  if (typeof top !== 'string') return undefined;
  if (/^(\^)?npm(@.*)?$/.test(top)) return 'npm';
  return /^(pnpm|yarn|bun)(@|$)/.exec(top.trim())?.[1];
}

/** `"packageManager": "yarn@4.1.0+sha512.…"`: the manager and its major version, when package.json says. */
function declaredPackageManager(packageJson: string | undefined): { name: string; major: number } | undefined {
  if (packageJson === undefined) return undefined;
  let value: unknown;
  try {
    value = (JSON.parse(packageJson) as { packageManager?: unknown } | null)?.packageManager;
  } catch {
    return undefined;
  }
  const match = typeof value === 'string' ? /^(npm|pnpm|yarn|bun)@(\d+)\./.exec(value.trim()) : null;
  return match ? { name: match[1]!, major: Number(match[2]) } : undefined;
}

/** The owner of the repository's GitHub remote: `origin`, or else the one owner all GitHub remotes share. */
function remoteOwner(root: string): string | undefined {
  const config = gitConfigPath(root);
  const text = config && readText(config);
  if (!text) return undefined;
  const urls = remoteUrls(text);
  const origin = urls.get('origin');
  const owners = new Set<string>();
  for (const url of origin !== undefined ? [origin] : urls.values()) {
    const owner = githubOwner(url);
    if (owner !== undefined) owners.add(owner.toLowerCase());
  }
  return owners.size === 1 ? [...owners][0] : undefined;
}

/** .git/config, or for a worktree or submodule (whose .git is a file naming the git directory) the config git reads. */
function gitConfigPath(root: string): string | undefined {
  const dotGit = join(root, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return join(dotGit, 'config');
  } catch {
    return undefined;
  }
  const gitDir = (readText(dotGit) ?? '').split('\n').find((line) => line.startsWith('gitdir:'))?.slice('gitdir:'.length).trim();
  if (!gitDir) return undefined;
  const directory = resolve(root, gitDir);
  // A worktree's own directory holds `commondir`, the path of the repository's git directory (where config is).
  const common = readText(join(directory, 'commondir'))?.trim();
  return join(common ? resolve(directory, common) : directory, 'config');
}

/** Each remote's first `url`, by remote name, from git config text (`[remote "origin"]` sections). */
function remoteUrls(text: string): Map<string, string> {
  const urls = new Map<string, string>();
  let remote: string | undefined;
  for (const line of text.split('\n')) {
    const section = /^\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"([^"\\]*)")?\s*\]/.exec(line);
    if (section) {
      remote = section[1]!.toLowerCase() === 'remote' ? section[2] : undefined;
      continue;
    }
    if (remote === undefined || urls.has(remote)) continue;
    const url = /^\s*url\s*=\s*"?([^\s"#;]+)/i.exec(line)?.[1];
    if (url !== undefined) urls.set(remote, url);
  }
  return urls;
}

// `https://github.com/o/r(.git)`, `ssh://git@github.com(:22)/o/r`, `git://github.com/o/r`; then scp-like `git@github.com:o/r.git`.
const GITHUB_URL = /^(?:https?|ssh|git|git\+ssh|git\+https):\/\/(?:[^@/]+@)?(?:www\.|ssh\.)?github\.com(?::\d+)?\/([^/]+)\/[^/]+?\/?$/i;
const GITHUB_SCP = /^(?:[^@/:]+@)?(?:ssh\.)?github\.com:\/?([^/]+)\/[^/]+$/i;

function githubOwner(url: string): string | undefined {
  const owner = (GITHUB_URL.exec(url) ?? GITHUB_SCP.exec(url))?.[1];
  return owner !== undefined && OWNER_PATTERN.test(owner) ? owner : undefined;
}

/**
 * Folders whose YAML is test data, examples or documentation rather than what the repository deploys or runs
 * (a name anywhere in the file's path inside the repository).
 */
const NOT_DEPLOYED = new Set(['test', 'tests', 'e2e', 'testdata', 'test-data', 'fixtures', '__fixtures__', 'example', 'examples', 'sample', 'samples', 'demo', 'demos', 'docs', 'doc', 'hack', '_archived', 'archived']);

/** `notDeployed` when a folder of `folder` (relative to the repository root) is one of those. */
function notDeployed(folder: string): Pick<ProjectFacts, 'notDeployed'> {
  const name = folder.split(sep).find((segment) => NOT_DEPLOYED.has(segment.toLowerCase()));
  return name === undefined ? {} : { notDeployed: name };
}

// A repository with more folders than this (to LOCKFILE_DEPTH) is not read on a keystroke: its lockfiles stay unknown.
const MAX_FOLDERS = 3000;

/** The lockfiles (`isLockfile`) down to LOCKFILE_DEPTH outside node_modules and hidden folders; undefined when too many folders. */
function listLockfiles(root: string): string[] | undefined {
  const found: string[] = [];
  let folders = 0;
  const walk = (dir: string, relative: string, depth: number): boolean => {
    if (++folders > MAX_FOLDERS) return false;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return true;
    }
    for (const entry of entries) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isFile()) {
        if (isLockfile(path)) found.push(path);
      } else if (entry.isDirectory() && depth < LOCKFILE_DEPTH && entry.name !== 'node_modules' && !entry.name.startsWith('.')) {
        if (!walk(join(dir, entry.name), path, depth + 1)) return false;
      }
    }
    return true;
  };
  return walk(root, '', 0) ? found.sort() : undefined;
}
