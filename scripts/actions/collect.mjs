// Copies the action.yml files of the repositories in repos.txt out of local git snapshots into a folder that
// `generate.mjs` reads, and records where each came from in sources.tsv (kept in the repository; the copied
// files are not, their licences being their authors'). For each major version the repository tags (`v4`, `v4.2.1`,
// `4.2.1`), the newest tag of that major is read; the default branch is read too (for `@main`-style pins), and any other
// branch or tag in-use.tsv names (`@release/v1`, `@stable`).
// Usage: node scripts/actions/collect.mjs <snapshots> <out>
//   <snapshots>/<owner>+<repo>/repo is a git directory (bare, or with .git inside), as the fetch tool leaves it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [snapshots, out] = process.argv.slice(2);
if (!snapshots || !out) {
  console.error('usage: node scripts/actions/collect.mjs <snapshots> <out>');
  process.exit(2);
}
const here = import.meta.dirname;
const repos = readFileSync(join(here, 'repos.txt'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
// Action metadata files that are the repository's own helpers or test data, not actions others use.
const SKIP = /(^|\/)(\.github|node_modules|__tests__|tests?|testdata|examples?|fixtures?)\//;

const git = (dir, ...args) => execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
const semver = (tag) => {
  const match = /^(v?)(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(tag);
  // Date-versioned tags (`2026.07.10.1`) have no major in the semver sense.
  if (!match || (match[1] === '' && Number(match[2]) > 99)) return undefined;
  return { major: Number(match[2]), rest: [Number(match[3] ?? -1), Number(match[4] ?? -1)], tag };
};

// The refs in-use.tsv names that are neither a version (`v4`, `v4.2`) nor a commit: branches and odd tags, per repository.
const pinnedRefs = new Map();
for (const line of readFileSync(join(here, 'in-use.tsv'), 'utf8').split('\n')) {
  const use = line.split('\t')[1] ?? '';
  const at = use.lastIndexOf('@');
  const ref = use.slice(at + 1);
  if (at < 0 || /^v?\d+(\.\d+)*$/.test(ref) || /^[0-9a-f]{40}$|^sha$/.test(ref) || !/^[A-Za-z0-9][\w.\/-]*$/.test(ref)) continue;
  const repo = use.slice(0, at).split('/').slice(0, 2).join('/').toLowerCase();
  pinnedRefs.set(repo, [...(pinnedRefs.get(repo) ?? []), ref]);
}

const rows = [['repo', 'path', 'version', 'ref', 'commit']];
for (const repo of repos) {
  const base = join(snapshots, repo.replace('/', '+'), 'repo');
  const dir = existsSync(join(base, '.git')) ? join(base, '.git') : base;
  if (!existsSync(dir)) {
    console.error(`${repo}: no snapshot at ${base}`);
    continue;
  }
  const newest = new Map();
  for (const tag of git(dir, 'tag', '--list').split('\n')) {
    const version = semver(tag.trim());
    if (!version) continue;
    const known = newest.get(version.major);
    const later = !known || version.rest[0] > known.rest[0] || (version.rest[0] === known.rest[0] && version.rest[1] > known.rest[1]);
    if (later) newest.set(version.major, version);
  }
  const head = git(dir, 'symbolic-ref', '--short', 'HEAD').trim();
  const refs = [...[...newest.values()].map((version) => ({ version: `v${version.major}`, ref: version.tag })), { version: head, ref: head }];
  // Other branches and tags the corpus pins by name (`@release/v1`, `@stable`), when the snapshot has them.
  for (const ref of pinnedRefs.get(repo.toLowerCase()) ?? []) {
    if (!refs.some((known) => known.version === ref)) refs.push({ version: ref, ref });
  }
  for (const { version, ref } of refs) {
    let commit;
    try {
      commit = git(dir, 'rev-list', '-n', '1', ref).trim();
    } catch {
      continue;
    }
    const files = git(dir, 'ls-tree', '-r', '--name-only', commit).split('\n').filter((file) => /(^|\/)action\.ya?ml$/.test(file) && !SKIP.test(file));
    for (const file of files) {
      const path = dirname(file) === '.' ? '' : dirname(file);
      const target = join(out, repo, path, `@${encodeURIComponent(version)}`, 'action.yml');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, git(dir, 'show', `${commit}:${file}`));
      rows.push([repo, path, version, ref, commit]);
    }
  }
}
writeFileSync(join(here, 'sources.tsv'), rows.map((row) => row.join('\t')).join('\n') + '\n');
console.log(`${rows.length - 1} action.yml files from ${repos.length} repositories`);
