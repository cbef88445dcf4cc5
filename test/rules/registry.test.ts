import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { DORA_METRICS } from '../../server/src/knowledge/dora';
import { ruleDocMarkdown, ruleDocPath } from '../../server/src/knowledge/ruleDocs';
import { RULES } from '../../server/src/rules';
import { CONFIG_SCHEMA_PATH, configSchema, readmeRuleList } from '../../scripts/generateDocs';
import { lintPath, lintWith, ROOT } from '../helpers/fixtures';

describe('rule registry', () => {
  it('lists every rule file once, sorted by id, each file named after its id', () => {
    const files = ['gha', 'k8s'].flatMap((prefix) =>
      readdirSync(join(ROOT, 'server', 'src', 'rules', prefix))
        .filter((name) => name.endsWith('.ts'))
        .map((name) => `${prefix}/${name.replace(/\.ts$/, '')}`),
    );
    const ids = RULES.map((rule) => rule.id);
    assert.deepEqual([...ids].sort(), files.sort(), 'registry and rule files differ');
    assert.deepEqual(ids, [...ids].sort(), 'registry is not sorted by id');
    assert.equal(new Set(ids).size, ids.length, 'duplicate rule ids');
  });

  for (const rule of RULES) {
    it(`${rule.id}: metadata is complete`, () => {
      assert.match(rule.id, /^(gha|k8s)\/[a-z0-9]+(-[a-z0-9]+)*$/);
      for (const [field, text] of Object.entries(rule.docs)) assert.ok(text.trim().length > 20, `docs.${field} is too short`);
      assert.ok(Object.keys(rule.messages).length > 0);
      for (const metric of rule.dora) assert.ok(metric in DORA_METRICS);
    });

    it(`${rule.id}: the docs' bad example fires the rule and the good one does not`, () => {
      const path = lintPath(rule.id, 'example.yaml');
      const bad = lintWith([rule], rule.docs.bad, path).findings;
      assert.ok(bad.some((f) => f.ruleId === rule.id), 'bad example does not fire');
      assert.deepEqual(lintWith([rule], rule.docs.good, path).findings.map((f) => f.message), [], 'good example fires');
      assert.ok(!bad.some((f) => f.ruleId.startsWith('shipcheck/')), 'bad example is not valid YAML');
    });

    it(`${rule.id}: its page in docs/ is up to date (npm run docs)`, () => {
      const page = readFileSync(join(ROOT, ruleDocPath(rule.id)), 'utf8');
      assert.equal(page, ruleDocMarkdown(rule));
    });
  }

  it("README's rule list is up to date (npm run docs)", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.ok(readme.includes(readmeRuleList()), 'README rule list is stale');
  });
});

describe('.shipcheck.yaml schema', () => {
  it('is up to date (npm run docs), names every rule, and is what package.json hands to the YAML extension', () => {
    const written = JSON.parse(readFileSync(join(ROOT, CONFIG_SCHEMA_PATH), 'utf8')) as { properties: { rules: { properties: Record<string, unknown> } } };
    assert.deepEqual(written, JSON.parse(JSON.stringify(configSchema())));
    assert.deepEqual(Object.keys(written.properties.rules.properties), RULES.map((rule) => rule.id));
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { yamlValidation: { url: string }[] } };
    assert.deepEqual(manifest.contributes.yamlValidation.map((entry) => entry.url), [`./${CONFIG_SCHEMA_PATH}`]);
  });

  it('accepts the repository\'s own .shipcheck.yaml and rejects typos', () => {
    const validate = new Ajv({ strict: false }).compile(configSchema());
    assert.ok(validate(parse(readFileSync(join(ROOT, '.shipcheck.yaml'), 'utf8'))), JSON.stringify(validate.errors));
    assert.ok(validate({ rules: { 'gha/npm-ci': 'error', 'gha/job-timeout': { level: 'warning', minutes: 20 } } }), JSON.stringify(validate.errors));
    assert.equal(validate({ rules: { 'gha/npm-cl': 'error' } }), false);
    assert.equal(validate({ rules: { 'gha/npm-ci': 'loud' } }), false);
  });
});
