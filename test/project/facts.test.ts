import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { forgetProjectFacts, isFactFile, projectFacts, tiltBuiltImages } from '../../server/src/project/facts';
import { lint } from '../../server/src/engine/core/lint';
import { RULES } from '../../server/src/rules';

describe('projectFacts', () => {
  const base = mkdtempSync(join(tmpdir(), 'shipcheck-facts-'));
  after(() => rmSync(base, { recursive: true, force: true }));

  /** A repository with these files (`path` or `path=text`), and the path of a workflow in it. */
  function repo(name: string, files: string[], gitConfig?: string): string {
    const root = join(base, name);
    mkdirSync(join(root, '.git'), { recursive: true });
    if (gitConfig !== undefined) writeFileSync(join(root, '.git', 'config'), gitConfig);
    mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
    for (const file of files) {
      const [path, text = '{}'] = file.split(/=(.*)/s);
      mkdirSync(join(root, path!, '..'), { recursive: true });
      writeFileSync(join(root, path!), text);
    }
    return join(root, '.github', 'workflows', 'ci.yml');
  }

  it('finds a lockfile at the root or in a package folder', () => {
    assert.deepEqual(projectFacts(repo('root', ['package-lock.json'])), { npmLockfile: true, yarnBerry: false, lockfiles: ['package-lock.json'], workflowFiles: [] });
    assert.deepEqual(projectFacts(repo('nested', ['packages/web/npm-shrinkwrap.json'])), { npmLockfile: true, yarnBerry: false, lockfiles: ['packages/web/npm-shrinkwrap.json'], workflowFiles: [] });
  });

  it('knows when there is none, and ignores node_modules', () => {
    assert.deepEqual(projectFacts(repo('none', ['package.json', 'node_modules/x/package-lock.json'])), { npmLockfile: false, yarnBerry: false, lockfiles: [], workflowFiles: [] });
  });

  it('lists the workflow files a local reusable-workflow call can name', () => {
    assert.deepEqual(projectFacts(repo('workflows', ['.github/workflows/release.yml', '.github/workflows/build.yaml', '.github/workflows/notes.md'])).workflowFiles, ['build.yaml', 'release.yml']);
  });

  it("lists the images a Tiltfile in the file's folder or above builds, which Tilt fills in", () => {
    const tiltfile = [
      "# docker_build('commented/out', '.')",
      "docker_build('registry.example.com/shop/web', 'web')",
      'custom_build(ref = "worker", command="make worker", deps=["worker"])',
      "docker_build_with_restart('api', '.', entrypoint=['/app'])",
      "k8s_yaml('k8s/app.yaml')",
      'my_docker_build("not/a/builder")',
      'docker_build(image_name)',
    ].join('\n');
    const workflow = repo('tilt', [`Tiltfile=${tiltfile}`, 'k8s/app.yaml', 'k8s/Tiltfile=docker_build("sidecar", ".")']);
    assert.deepEqual(projectFacts(join(workflow, '..', '..', '..', 'k8s', 'app.yaml')).tiltImages, ['api', 'registry.example.com/shop/web', 'sidecar', 'worker']);
    // The root's Tiltfile only, seen from the workflows' folder.
    assert.deepEqual(projectFacts(workflow).tiltImages, ['api', 'registry.example.com/shop/web', 'worker']);
    assert.deepEqual(tiltBuiltImages("docker_build(\n  'multi'\n)\ndocker_build('unclosed\n')"), ['multi']);
    assert.ok(isFactFile(join(base, 'tilt', 'Tiltfile')));
  });

  it('leaves an untagged image a Tiltfile builds to Tilt (k8s/image-tag), and still reports the others', () => {
    const manifest = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: web\n      image: registry.example.com/shop/web\n    - name: db\n      image: postgres\n';
    const lines = (tiltImages?: string[]) =>
      lint(manifest, 'k8s/app.yaml', { rules: RULES.filter((rule) => rule.id === 'k8s/image-tag'), preset: 'strict', project: tiltImages ? { tiltImages } : {} }).findings.map((finding) => finding.span.start);
    const web = manifest.indexOf('registry.example.com');
    const db = manifest.indexOf('postgres');
    assert.deepEqual(lines(), [web, db]);
    assert.deepEqual(lines(['registry.example.com/shop/web:dev']), [db]);
  });

  it('knows nothing outside a repository', () => {
    assert.deepEqual(projectFacts(join(base, 'loose', 'ci.yml')), {});
    assert.deepEqual(projectFacts(''), {});
  });

  it('keeps what it read until told a lockfile changed', () => {
    const workflow = repo('later', []);
    assert.equal(projectFacts(workflow).npmLockfile, false);
    writeFileSync(join(base, 'later', 'package-lock.json'), '{}');
    assert.equal(projectFacts(workflow).npmLockfile, false, 'a keystroke does not look at the disk');
    forgetProjectFacts();
    assert.equal(projectFacts(workflow).npmLockfile, true);
    assert.deepEqual(projectFacts(workflow).lockfiles, ['package-lock.json']);
  });

  it('tells Yarn 2+ from a .yarnrc.yml, packageManager or a release in .yarn/releases', () => {
    const berry = (name: string, files: string[]) => projectFacts(repo(name, files)).yarnBerry;
    assert.equal(berry('yarnrc', ['.yarnrc.yml=nodeLinker: node-modules\n']), true);
    assert.equal(berry('manager4', ['package.json={"packageManager": "yarn@4.1.0+sha512.abc"}']), true);
    assert.equal(berry('release4', ['.yarn/releases/yarn-4.1.0.cjs']), true);
    assert.equal(berry('berry', ['.yarn/releases/yarn-berry.cjs']), true);
    // Yarn 1 (its own .yarnrc, or a pinned 1.x release), other managers, and a packageManager that wins over a stray .yarnrc.yml.
    assert.equal(berry('classic', ['.yarnrc=--install.frozen-lockfile true\n', 'yarn.lock']), false);
    assert.equal(berry('release1', ['.yarn/releases/yarn-1.22.19.cjs']), false);
    assert.equal(berry('manager1', ['package.json={"packageManager": "yarn@1.22.19"}', '.yarnrc.yml=']), false);
    assert.equal(berry('pnpm', ['package.json={"packageManager": "pnpm@9.0.0", "pnpm": {"packageManager": "yarn@4.0.0"}}']), false);
    // Only the root decides, and broken JSON says nothing.
    assert.equal(berry('nestedrc', ['web/.yarnrc.yml=', 'web/package.json={"packageManager": "yarn@4.0.0"}']), false);
    assert.equal(berry('broken', ['package.json={"packageManager": ', '.yarnrc.yml=']), true);
  });

  it('tells the package manager the root package.json names, as setup-node v5+ reads it for its npm cache', () => {
    const manager = (name: string, files: string[]) => projectFacts(repo(name, files)).packageManager;
    assert.equal(manager('pm-npm', ['package.json={"packageManager": "npm@10.8.0"}']), 'npm');
    assert.equal(manager('pm-caret', ['package.json={"packageManager": "^npm@10"}']), 'npm');
    assert.equal(manager('pm-dev', ['package.json={"packageManager": "pnpm@9.0.0", "devEngines": {"packageManager": {"name": "npm"}}}']), 'npm');
    assert.equal(manager('pm-dev-list', ['package.json={"devEngines": {"packageManager": [{"name": "yarn"}, {"name": "npm"}]}}']), 'npm');
    assert.equal(manager('pm-pnpm', ['package.json={"packageManager": "pnpm@9.0.0"}']), 'pnpm');
    // None named, no root package.json (a nested one does not count), broken JSON: nothing.
    assert.equal(manager('pm-none', ['package.json={"name": "x"}']), undefined);
    assert.equal(manager('pm-nested', ['web/package.json={"packageManager": "npm@10.0.0"}']), undefined);
    assert.equal(manager('pm-broken', ['package.json={"packageManager": ']), undefined);
  });

  it("reads the owner of the repository's GitHub remote from .git/config", () => {
    const owner = (name: string, config: string) => projectFacts(repo(name, [], config)).owner;
    const remote = (name: string, url: string) => `[core]\n\trepositoryformatversion = 0\n[remote "${name}"]\n\turl = ${url}\n\tfetch = +refs/heads/*:refs/remotes/${name}/*\n`;
    assert.equal(owner('https', remote('origin', 'https://github.com/Acme/web.git')), 'acme');
    assert.equal(owner('https-bare', remote('origin', 'https://github.com/acme/web')), 'acme');
    assert.equal(owner('scp', remote('origin', 'git@github.com:acme/web.git')), 'acme');
    assert.equal(owner('ssh', remote('origin', 'ssh://git@github.com/acme/web')), 'acme');
    assert.equal(owner('ssh-port', remote('origin', 'ssh://git@ssh.github.com:443/acme/web.git')), 'acme');
    // origin wins over other remotes; without origin, only one owner shared by all remotes.
    assert.equal(owner('fork', remote('origin', 'https://github.com/me/web.git') + remote('upstream', 'https://github.com/acme/web.git')), 'me');
    assert.equal(owner('upstream-only', remote('upstream', 'https://github.com/acme/web.git')), 'acme');
    assert.equal(owner('two-owners', remote('upstream', 'https://github.com/acme/web.git') + remote('mine', 'https://github.com/me/web.git')), undefined);
    // Not GitHub, no remote, or not an account name.
    assert.equal(owner('gitlab', remote('origin', 'git@gitlab.com:acme/web.git')), undefined);
    assert.equal(owner('lookalike', remote('origin', 'https://github.com.evil.example/acme/web')), undefined);
    assert.equal(owner('no-remote', '[core]\n\tbare = false\n'), undefined);
    assert.equal(owner('odd', remote('origin', 'https://github.com/-acme/web')), undefined);
  });

  it('follows a worktree\'s .git file to the config of its repository', () => {
    const main = join(base, 'main-repo');
    mkdirSync(join(main, '.git', 'worktrees', 'feature'), { recursive: true });
    writeFileSync(join(main, '.git', 'config'), '[remote "origin"]\n\turl = git@github.com:acme/web.git\n');
    writeFileSync(join(main, '.git', 'worktrees', 'feature', 'commondir'), '../..\n');
    const worktree = join(base, 'feature');
    mkdirSync(join(worktree, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(worktree, '.git'), `gitdir: ${join(main, '.git', 'worktrees', 'feature')}\n`);
    assert.equal(projectFacts(join(worktree, '.github', 'workflows', 'ci.yml')).owner, 'acme');
  });

  it('knows which changed files it reads', () => {
    const root = join(base, 'root');
    assert.equal(isFactFile(join(root, 'package-lock.json')), true);
    assert.equal(isFactFile(join(root, 'packages', 'web', 'npm-shrinkwrap.json')), true);
    assert.equal(isFactFile(join(root, 'package.json')), true);
    assert.equal(isFactFile(join(root, '.yarnrc.yml')), true);
    assert.equal(isFactFile(join(root, '.yarn', 'releases', 'yarn-4.1.0.cjs')), true);
    assert.equal(isFactFile(join(root, '.git', 'config')), true);
    // Only the root's package.json is read; nothing in node_modules is.
    assert.equal(isFactFile(join(root, 'packages', 'web', 'package.json')), false);
    assert.equal(isFactFile(join(root, 'node_modules', 'x', 'package-lock.json')), false);
    assert.equal(isFactFile(join(root, 'config')), false);
    assert.equal(isFactFile(join(root, 'yarn.lock')), true);
    assert.equal(isFactFile(join(root, 'web', 'pnpm-lock.yaml')), true);
  });

  it('names the folder that makes a file test data, an example or documentation', () => {
    const workflow = repo('purposes', []);
    const root = join(workflow, '..', '..', '..');
    const at = (path: string) => projectFacts(join(root, path)).notDeployed;
    assert.equal(at('test/e2e/rollout.yaml'), 'test');
    assert.equal(at('deploy/Examples/web.yaml'), 'Examples');
    assert.equal(at('kubernetes/_archived/old.yaml'), '_archived');
    assert.equal(at('docs/site/install.yaml'), 'docs');
    // What the repository deploys, and the workflows it runs; only folders inside the repository count.
    assert.equal(at('deploy/web.yaml'), undefined);
    assert.equal(at('contest/web.yaml'), undefined);
    assert.equal(projectFacts(workflow).notDeployed, undefined);
    const nested = repo(join('examples', 'inner'), []);
    assert.equal(projectFacts(join(nested, '..', '..', '..', 'k8s', 'web.yaml')).notDeployed, undefined);
  });

  it('lists the npm, Yarn and pnpm lockfiles four folders deep', () => {
    const files = ['yarn.lock', 'web/pnpm-lock.yaml', 'a/b/c/d/package-lock.json'];
    const ignored = ['requirements.txt', 'node_modules/x/yarn.lock', '.cache/yarn.lock', 'a/b/c/d/e/package-lock.json'];
    assert.deepEqual(projectFacts(repo('listed', [...files, ...ignored])).lockfiles, [...files].sort());
  });
});
