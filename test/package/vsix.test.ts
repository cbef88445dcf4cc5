import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { after, before, describe, it } from 'node:test';

// Compiled to out/test/package/; packages the bundles `npm test` builds into dist/.
const REPO = join(__dirname, '../../..');
const VSCE = join(REPO, 'node_modules/@vscode/vsce/vsce');

/** The options of `vsce package` in the `package` script, so the test packages exactly as a release does. */
function packageScriptOptions(): string[] {
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const command = /\bvsce package((?: --[\w-]+)*)\s*$/.exec(manifest.scripts.package ?? '');
  assert.ok(command, `the package script runs \`vsce package\` last: ${manifest.scripts.package}`);
  return command[1]!.trim().split(' ').filter(Boolean);
}

function unzip(...args: string[]): string {
  const run = spawnSync('unzip', args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  assert.equal(run.error, undefined, `unzip is needed to read the .vsix: ${run.error?.message}`);
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

/** Link and image targets of a Markdown text: inline `[..](target)`, reference definitions and HTML src/href, outside code. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '').replace(/(`+)[^`]*?\1/g, '');
  const targets: string[] = [];
  for (const match of prose.matchAll(/\]\(\s*(<[^>]*>|[^\s)]+)/g)) targets.push(match[1]!);
  for (const match of prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/gm)) targets.push(match[1]!);
  for (const match of prose.matchAll(/<(?:img|a|source)\b[^>]*?\b(?:src|href|srcset)\s*=\s*["']([^"']+)["']/gi)) targets.push(match[1]!);
  return targets.map((target) => target.replace(/^<|>$/g, ''));
}

/** The file a relative target names, relative to the extension root, or undefined for URLs and in-page anchors. */
function relativeFile(fromFile: string, target: string): string | undefined {
  if (/^[a-z][a-z\d+.-]*:|^\/\/|^#/i.test(target)) return undefined;
  const path = decodeURIComponent(target.replace(/[?#].*$/, ''));
  return posix.normalize(posix.join(posix.dirname(fromFile), path));
}

describe('linkTargets', () => {
  it('finds links, images, reference definitions and HTML sources, but not code', () => {
    const markdown = [
      '![shot](assets/a.png "title") and [doc](<docs/b c.md>) and [web](https://example.com)',
      '[ref]: BENCHMARKS.md',
      '<img src="assets/c.png" width="10">',
      'Run `[x](not-a-link.md)` here.',
      '```md',
      '[y](in-a-fence.md)',
      '```',
    ].join('\n');
    assert.deepEqual(linkTargets(markdown).sort(), ['BENCHMARKS.md', 'assets/a.png', 'assets/c.png', 'docs/b c.md', 'https://example.com']);
  });
});

describe('the packaged extension (.vsix)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'shipcheck-vsix-'));
  const vsix = join(directory, 'shipcheck.vsix');
  let files: Set<string>;
  before(() => {
    const run = spawnSync(process.execPath, [VSCE, 'package', ...packageScriptOptions(), '--out', vsix], { cwd: REPO, encoding: 'utf8' });
    assert.equal(run.status, 0, `vsce package failed:\n${run.stdout}\n${run.stderr}`);
    files = new Set(unzip('-Z1', vsix).split('\n').filter((name) => name.startsWith('extension/')).map((name) => name.slice('extension/'.length)));
  });
  after(() => rmSync(directory, { recursive: true, force: true }));

  it('ships every file its README and other Markdown pages link to or show', () => {
    const pages = [...files].filter((name) => name.endsWith('.md'));
    assert.ok(pages.includes('readme.md') || pages.includes('README.md'), `a README is packaged: ${pages.join(', ')}`);
    const broken: string[] = [];
    let relativeLinks = 0;
    for (const page of pages) {
      for (const target of linkTargets(unzip('-p', vsix, `extension/${page}`))) {
        const file = relativeFile(page, target);
        if (file === undefined) continue;
        relativeLinks++;
        if (!files.has(file)) broken.push(`${page}: ${target}`);
      }
    }
    assert.deepEqual(broken, [], 'relative links whose file is not in the .vsix');
    assert.ok(relativeLinks > 2, `the README's screenshots and rule pages are relative links (found ${relativeLinks})`);
  });
});
