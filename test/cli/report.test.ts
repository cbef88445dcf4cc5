import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseReportCommand, UsageError } from '../../server/src/cli/args';
import { mermaidGraph } from '../../server/src/report/markdown';
import { escapeHtml } from '../../server/src/report/svg';
import { pipelineOf } from '../../server/src/engine/model/pipeline';
import { classify } from '../../server/src/engine/core/classify';
import { parseYamlFile } from '../../server/src/engine/yaml/yamlFile';
import { shipcheck, workspace } from '../helpers/cli';

const HOSTILE = `name: "<img src=x onerror=alert(1)> | # *"
on: push
jobs:
  "<script>":
    name: "<script>alert('x')</script>"
    runs-on: ubuntu-latest
    steps: [{run: npm run lint}]
  deploy:
    needs: "<script>"
    if: github.ref == 'refs/heads/main' && "a<b"
    runs-on: ubuntu-latest
    steps: [{run: kubectl apply -f k8s/}]
`;

describe('shipcheck report', () => {
  it('writes one self-contained HTML page: no script, nothing fetched, names from files escaped', () => {
    const root = workspace({ '.github/workflows/ci.yml': HOSTILE });
    const run = shipcheck(root, 'report', '.', '--out', 'report.html');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '');
    const html = readFileSync(join(root, 'report.html'), 'utf8');
    assert.ok(html.startsWith('<!doctype html>'));
    assert.doesNotMatch(html, /<script/i, 'a <script> from the file became an element');
    assert.doesNotMatch(html, /<img/i);
    assert.match(html, /data-job="&lt;script&gt;"/);
    assert.match(html, /&lt;script&gt;alert\(&#39;x&#39;\)&lt;\/script&gt;/);
    assert.doesNotMatch(html, /\b(src|href)="https?:/, 'the page loads nothing from the network');
    assert.match(html, /prefers-color-scheme:dark/);
  });

  it('gives Markdown with a Mermaid graph on standard output, file text escaped', () => {
    const root = workspace({ '.github/workflows/ci.yml': HOSTILE });
    const run = shipcheck(root, 'report', '--format', 'markdown');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^## shipcheck report/);
    assert.match(run.stdout, /```mermaid\nflowchart LR\n/);
    assert.doesNotMatch(run.stdout, /<script|<img/i);
    assert.match(run.stdout, /\*\*&lt;img src=x onerror=alert\(1\)&gt; \\\| \\# \\\*\*\*/);
  });

  it('counts one job as one job, and several as jobs', () => {
    const root = workspace({ '.github/workflows/one.yml': 'name: one\non: push\njobs:\n  only:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n', '.github/workflows/ci.yml': HOSTILE });
    const run = shipcheck(root, 'report', '--format', 'markdown');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /\*\*one\*\* \(`[^`]*one\.yml`\): 1 job\b(?! s)/);
    assert.match(run.stdout, /: 2 jobs · critical path/);
  });

  it('fails only when asked to (--fail-on), and rejects options that make no sense for a report', () => {
    const root = workspace({ 'k8s/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx}]\n' });
    assert.equal(shipcheck(root, 'report', '--out', 'r.html').status, 0);
    assert.equal(shipcheck(root, 'report', '--out', 'r.html', '--fail-on', 'info').status, 1);
    const fix = shipcheck(root, 'report', '--fix');
    assert.equal(fix.status, 2);
    assert.match(fix.stderr, /--fix does not apply to shipcheck report/);
    assert.match(shipcheck(root, 'report', '--format', 'sarif').stderr, /--format must be one of html, markdown/);
    assert.match(shipcheck(root, 'report', '--help').stdout, /^Usage: shipcheck report/);
  });

  it('parses --out and --format in either form and leaves the rest to the check', () => {
    const command = parseReportCommand(['--out=r.md', '--format', 'markdown', '--preset', 'strict', 'a', 'b']);
    assert.equal(command.kind, 'report');
    if (command.kind !== 'report') return;
    assert.equal(command.out, 'r.md');
    assert.equal(command.format, 'markdown');
    assert.deepEqual(command.lint.paths, ['a', 'b']);
    assert.equal(command.lint.preset, 'strict');
    assert.equal(command.lint.failOn, 'none');
    assert.throws(() => parseReportCommand(['--out']), UsageError);
  });
});

describe('escaping', () => {
  it('escapes the five HTML characters', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('gives Mermaid numbered node ids and entity-coded labels', () => {
    const file = parseYamlFile(HOSTILE, '.github/workflows/ci.yml');
    const classified = classify(file, file.documents[0]!);
    assert.equal(classified.type, 'workflow');
    if (classified.type !== 'workflow') return;
    const lines = mermaidGraph(pipelineOf(classified.workflow, file.documents[0]!));
    assert.equal(lines[1], `  j0["#60;script#62;alert('x')#60;/script#62;<br/><small>fast gate · ~3 min</small>"]`);
    assert.ok(lines.includes('  j0 --> j1'));
  });
});
