import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { collect, corpusFiles, corpusMissing, corpusRoot, gitConfig } from '../../scripts/ecosystem/collect';

// A corpus of three small trees, in the layout of ../shared/corpus/repos, run through the built CLI: the collection
// works (and is tested) without the real corpus.
const INSTALL = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm install\n';
const TEMPLATE = 'apiVersion: v1\nkind: Pod\n{{- if .Values.x }}\nspec: {}\n{{- end }}\n';
const SOURCES = [
  ['repo', 'snapshot_commit', 'path', 'license', 'kind', 'corpus_file', 'note'],
  ['acme/with-lock', 'c', '.github/workflows/ci.yml', 'MIT', 'corpus', 'workflows/acme__with-lock__.github__workflows__ci.yml', ''],
  ['acme/with-lock', 'c', '.github/workflows/extra.yml', 'MIT', 'context', '', 'workflow-dir'],
  ['acme/with-lock', 'c', 'package-lock.json', 'MIT', 'context', '', 'lockfile (EMPTY placeholder)'],
  ['acme/no-lock', 'c', '.github/workflows/ci.yml', 'MIT', 'corpus', 'workflows/acme__no-lock__.github__workflows__ci.yml', ''],
  ['acme/no-lock', 'c', 'deploy/templated.yaml', 'MIT', 'corpus', 'helm-templates/acme__no-lock__deploy__templated.yaml', ''],
  ['rhysd/actionlint', 'c', 'testdata/ci.yml', 'MIT', 'corpus', 'workflows/rhysd__actionlint__testdata__ci.yml', ''],
];
const FILES: Record<string, string> = {
  'with-lock/.github/workflows/ci.yml': INSTALL,
  'with-lock/.github/workflows/extra.yml': INSTALL,
  'with-lock/package-lock.json': '',
  'no-lock/.github/workflows/ci.yml': INSTALL,
  'no-lock/deploy/templated.yaml': TEMPLATE,
};

describe('the ecosystem check\'s collection (scripts/ecosystem/collect.ts)', () => {
  const corpus = mkdtempSync(join(tmpdir(), 'shipcheck-fake-corpus-'));
  after(() => rmSync(corpus, { recursive: true, force: true }));
  const repos = join(corpus, 'repos');
  for (const [name, text] of Object.entries({ ...Object.fromEntries(Object.entries(FILES).map(([path, text]) => [`acme__${path}`, text])), 'rhysd__actionlint/testdata/ci.yml': INSTALL })) {
    mkdirSync(dirname(join(repos, name)), { recursive: true });
    writeFileSync(join(repos, name), text);
  }
  writeFileSync(join(repos, 'SOURCES.tsv'), SOURCES.map((row) => row.join('\t')).join('\n') + '\n');

  it('finds the corpus from SHIPCHECK_CORPUS, else beside the project, and says why it cannot run without one', () => {
    assert.equal(corpusRoot({ SHIPCHECK_CORPUS: corpus }), corpus);
    assert.match(corpusRoot({}), /[\\/]shared[\\/]corpus$/);
    assert.equal(corpusMissing(corpus), false);
    assert.match(corpusMissing(join(corpus, 'nowhere')) || '', /^no corpus at .*nowhere .*SHIPCHECK_CORPUS/);
  });

  it('reads the corpus files of SOURCES.tsv with their kind, leaving out context files and the peers\' trees', () => {
    assert.deepEqual(corpusFiles(corpus), [
      { path: 'repos/acme__with-lock/.github/workflows/ci.yml', kind: 'workflow' },
      { path: 'repos/acme__no-lock/.github/workflows/ci.yml', kind: 'workflow' },
      { path: 'repos/acme__no-lock/deploy/templated.yaml', kind: 'k8s' },
    ]);
  });

  it('names each tree\'s GitHub remote in its .git/config', () => {
    assert.match(gitConfig('actions__starter-workflows'), /\[remote "origin"\]\n\turl = https:\/\/github\.com\/actions\/starter-workflows\.git\n/);
    assert.match(gitConfig('a__b__c'), /github\.com\/a\/b__c\.git/);
  });

  it('lints a copy in which each tree is a repository, keeps findings in corpus files only, and removes the copy', async () => {
    const before = readdirSync(tmpdir()).filter((name) => name.startsWith('shipcheck-ecosystem-'));
    const run = await collect({ corpus, preset: 'strict' });
    // With .git at each tree's root the CLI sees that acme/no-lock has no lockfile (so no npm ci advice) and that
    // acme/with-lock has one; the context workflow and the peer's tree are not counted.
    const npmCi = run.findings.filter((finding) => finding.ruleId === 'gha/npm-ci');
    assert.deepEqual(
      npmCi.map((finding) => [finding.path, finding.line, finding.column, finding.messageId, finding.severity]),
      [['repos/acme__with-lock/.github/workflows/ci.yml', 6, 14, 'npmInstall', 'warning']],
    );
    assert.match(npmCi[0]!.message, /npm install/);
    assert.ok(run.findings.every((finding) => finding.path.startsWith('repos/acme__') && !finding.path.endsWith('extra.yml')));
    assert.deepEqual(run.skipped.map((skip) => skip.path), ['repos/acme__no-lock/deploy/templated.yaml']);
    assert.deepEqual(run.files.map((file) => file.path), ['repos/acme__with-lock/.github/workflows/ci.yml', 'repos/acme__no-lock/.github/workflows/ci.yml']);
    assert.equal(run.trees, 2);
    const leftOver = readdirSync(tmpdir()).filter((name) => name.startsWith('shipcheck-ecosystem-') && !before.includes(name));
    assert.deepEqual(leftOver, []);
    assert.ok(!existsSync(join(repos, 'acme__with-lock', '.git')), 'the corpus itself is left untouched');
  });

  it('passes a preset through to the CLI and fails with what the CLI said', async () => {
    await assert.rejects(collect({ corpus, preset: 'no-such-preset' }), /--preset no-such-preset \. exited with 2:\n.*preset/);
  });
});
