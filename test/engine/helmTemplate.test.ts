import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import { IncrementalLinter } from '../../server/src/engine/incremental/incremental';
import type { Preset } from '../../server/src/engine/core/presets';
import { ProjectIndex } from '../../server/src/engine/core/projectIndex';
import { chartValuesPath, inExclusiveBranches, isChartTemplatePath, readHelmTemplate } from '../../server/src/engine/yaml/helmTemplate';
import { parseYamlFile } from '../../server/src/engine/yaml/yamlFile';
import { RULES } from '../../server/src/rules';
import { expectationKey, findingsAsExpectations, FIXTURES, parseExpectations } from '../helpers/fixtures';

const CHART = join(FIXTURES, 'helm', 'shop');
const TEMPLATES = readdirSync(join(CHART, 'templates')).filter((name) => /\.ya?ml$/.test(name));

/** The chart's files as a project index holds them (the CLI's run, the editor's workspace). */
function chartIndex(withValues = true): ProjectIndex {
  const index = new ProjectIndex();
  if (withValues) index.setFile(join(CHART, 'values.yaml'), readFileSync(join(CHART, 'values.yaml'), 'utf8'));
  for (const name of TEMPLATES) index.setFile(join(CHART, 'templates', name), readFileSync(join(CHART, 'templates', name), 'utf8'));
  return index;
}

function lintTemplate(name: string, preset: Preset, index = chartIndex()) {
  const path = join(CHART, 'templates', name);
  return lint(readFileSync(path, 'utf8'), path, { rules: RULES, preset, index });
}

function keys(name: string, preset: Preset, index?: ProjectIndex): string[] {
  const result = lintTemplate(name, preset, index);
  assert.equal(result.skipped, undefined, `${name} was skipped: ${result.skipped}`);
  return findingsAsExpectations(result, result.findings).map(expectationKey).sort();
}

describe('Helm templates', () => {
  it('finds templates by their folder, and their values beside it', () => {
    assert.ok(isChartTemplatePath('charts/shop/templates/deployment.yaml'));
    assert.ok(isChartTemplatePath('templates/sub/service.yml'));
    assert.ok(!isChartTemplatePath('charts/shop/templates/_helpers.tpl'));
    assert.ok(!isChartTemplatePath('charts/shop/values.yaml'));
    assert.equal(chartValuesPath('charts/shop/templates/sub/x.yaml'), 'charts/shop/values.yaml');
  });

  it('keeps every offset: the text read has the template length and its line breaks', () => {
    for (const name of TEMPLATES) {
      const text = readFileSync(join(CHART, 'templates', name), 'utf8');
      const read = readHelmTemplate(text).text;
      assert.equal(read.length, text.length);
      assert.deepEqual([...read.matchAll(/\n/g)].map((m) => m.index), [...text.matchAll(/\n/g)].map((m) => m.index));
    }
  });

  it('reads each template of the fixture chart as YAML', () => {
    for (const name of TEMPLATES) {
      const file = parseYamlFile(readFileSync(join(CHART, 'templates', name), 'utf8'), `chart/templates/${name}`);
      assert.ok(file.template, name);
      assert.deepEqual(file.documents.flatMap((doc) => doc.doc.errors.map((error) => error.message)), [], name);
    }
  });

  it('reports in strict what the fixture comments expect, nothing about unknown values', () => {
    for (const name of TEMPLATES) {
      const expected = parseExpectations(readFileSync(join(CHART, 'templates', name), 'utf8')).map((e) => expectationKey({ severity: 'warning', ...e }));
      assert.deepEqual(keys(name, 'strict'), expected.sort(), name);
    }
  });

  it('judges the chart as its defaults render it in recommended', () => {
    // `hostNetwork: true` sits under `if .Values.hostNetwork`, false by default: left out of recommended.
    assert.deepEqual(keys('deployment.yaml', 'recommended'), []);
    assert.deepEqual(keys('worker.yaml', 'recommended'), ['27:21 k8s/duplicate-env:warning']);
  });

  it('leaves values unknown without the chart values', () => {
    const found = keys('deployment.yaml', 'strict', chartIndex(false));
    assert.deepEqual(found, ['19:20 k8s/privileged:warning'], 'no image tag, no replica count known');
  });

  it('shapes an action alone on its line as the lines around it need it', () => {
    const cases: [string, unknown][] = [
      // An unknown key among known ones.
      ['labels:\n  {{- include "l" . | nindent 2 }}\n  app: x\n', { labels: { '{{ include "l" . | nindent 2 }}': null, app: 'x' } }],
      // An unknown value, its `else` branch left out.
      ['resources:\n{{- if .Values.r }}\n{{ toYaml .Values.r | indent 2 }}\n{{- else }}\n{{ toYaml .Values.d | indent 2 }}\n{{- end }}\nenv: []\n', { resources: '{{ toYaml .Values.r | indent 2 }}', env: [] }],
      // An unknown item among items.
      ['args:\n  - a\n  {{- toYaml .Values.args | nindent 2 }}\n', { args: ['a', '{{ toYaml .Values.args | nindent 2 }}'] }],
      // A value written on the key's line, with more keys below: the action's output is left out.
      ['labels: {{- include "l" . | nindent 2 }}\n  app: x\n', { labels: { app: 'x' } }],
      // An item written by one action, with more keys of the item below.
      ['items:\n  - {{ toYaml $c | nindent 4 | trim }}\n    extra: 1\n', { items: [{ '{{ toYaml $c | nindent 4 | trim }}': null, extra: 1 }] }],
    ];
    for (const [text, expected] of cases) {
      const file = parseYamlFile(text, 'c/templates/x.yaml');
      assert.deepEqual(file.documents[0]!.doc.errors, [], text);
      assert.deepEqual(file.documents[0]!.doc.toJS(), expected, text);
    }
  });

  it('finds the same while typing in a template of many documents as a whole check', () => {
    const parts = TEMPLATES.map((name) => readFileSync(join(CHART, 'templates', name), 'utf8'));
    const text = [...parts, ...parts, ...parts].join('---\n');
    const path = join(CHART, 'templates', 'all.yaml');
    const index = chartIndex();
    for (const preset of ['recommended', 'strict'] as const) {
      const linter = new IncrementalLinter();
      const options = { rules: RULES, preset, index };
      linter.lint(text, path, options);
      const at = text.lastIndexOf('containerPort: 8080');
      for (const edited of [text.slice(0, at) + 'containerPort: 8081' + text.slice(at + 19), text.slice(0, at) + text.slice(at + 19)]) {
        const summary = (findings: readonly { ruleId: string; span: { start: number } }[]) => findings.map((f) => `${f.span.start} ${f.ruleId}`).sort();
        assert.deepEqual(summary(linter.lint(edited, path, options).findings), summary(lint(edited, path, options).findings), preset);
      }
    }
  });

  it('tells apart the branches of one block', () => {
    const text = 'a:\n{{- if .X }}\n  b: 1\n{{- else if .Y }}\n  b: 2\n{{- else }}\n  c: 3\n{{- end }}\n  d: 4\n';
    const file = parseYamlFile(text, 'c/templates/x.yaml');
    const at = (needle: string) => text.indexOf(needle);
    assert.ok(inExclusiveBranches(file.template!, at('b: 1'), at('b: 2')));
    assert.ok(inExclusiveBranches(file.template!, at('b: 2'), at('c: 3')));
    assert.ok(!inExclusiveBranches(file.template!, at('b: 1'), at('d: 4')));
  });
});
