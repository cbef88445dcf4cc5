import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { DORA_CAPABILITIES, DORA_METRICS } from '../../server/src/knowledge/dora';
import { optionValueProblem } from '../../server/src/engine/core/ruleOptions';
import { ENGINE_RULES } from '../../server/src/engine/core/finding';
import { ENGINE_RULE_DOCS } from '../../server/src/knowledge/engineRules';
import { engineRuleDocMarkdown, ruleDocMarkdown, ruleDocPath } from '../../server/src/knowledge/ruleDocs';
import { RULES } from '../../server/src/rules';
import { CONFIG_SCHEMA_PATH, configSchema, readmeRuleList, SUPPRESSIONS_DOC_PATH, suppressionsDoc } from '../../scripts/generateDocs';
import { PRESETS, presetSeverity } from '../../server/src/engine/core/presets';
import { SEVERITY_RANK } from '../../server/src/engine/core/finding';
import { fixturePreset, lintPath, lintWith, ROOT } from '../helpers/fixtures';

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

    it(`${rule.id}: declares the DORA capabilities it serves`, () => {
      assert.ok(Array.isArray(rule.capabilities) && rule.capabilities.length > 0, 'capabilities is empty: name at least one from knowledge/dora.ts');
      for (const capability of rule.capabilities) assert.ok(capability in DORA_CAPABILITIES, `unknown capability '${capability}'`);
      assert.equal(new Set(rule.capabilities).size, rule.capabilities.length, 'a capability is listed twice');
    });

    it(`${rule.id}: is on in strict (at the same level in all), and no louder in recommended than in strict`, () => {
      const strict = presetSeverity(rule, 'strict');
      assert.notEqual(strict, 'off', 'every rule is on in strict');
      assert.equal(presetSeverity(rule, 'all'), strict);
      const recommended = presetSeverity(rule, 'recommended');
      if (recommended !== 'off' && strict !== 'off') assert.ok(SEVERITY_RANK[recommended] <= SEVERITY_RANK[strict], `recommended ${recommended} is louder than strict ${strict}`);
    });

    it(`${rule.id}: the docs' bad example fires the rule (in the preset it is at home in) and the good one does not (in any)`, () => {
      const path = lintPath(rule.id, 'example.yaml');
      // Its findings come from the adapters: test/project/shellcheck.test.ts lints its examples that way.
      if (rule.runsIn === 'adapters') {
        for (const preset of PRESETS) assert.deepEqual(lintWith([rule], rule.docs.bad, path, {}, preset).findings, [], 'a rule run by the adapters reports nothing in the engine');
        return;
      }
      const bad = lintWith([rule], rule.docs.bad, path, {}, fixturePreset(rule, '')).findings;
      assert.ok(bad.some((f) => f.ruleId === rule.id), 'bad example does not fire');
      for (const preset of PRESETS) assert.deepEqual(lintWith([rule], rule.docs.good, path, {}, preset).findings.map((f) => f.message), [], `good example fires in ${preset}`);
      assert.ok(!bad.some((f) => f.ruleId.startsWith('shipcheck/')), 'bad example is not valid YAML');
    });

    it(`${rule.id}: its page in docs/ is up to date (npm run docs)`, () => {
      const page = readFileSync(join(ROOT, ruleDocPath(rule.id)), 'utf8');
      assert.equal(page, ruleDocMarkdown(rule));
      for (const name of Object.keys(rule.options ?? {})) assert.ok(page.includes(`| \`${name}\` |`), `the page does not list option ${name}`);
    });

    it(`${rule.id}: each declared option is documented and its default is a valid value`, () => {
      for (const [name, option] of Object.entries(rule.options ?? {})) {
        assert.match(name, /^[a-z][a-zA-Z0-9]*$/, 'option names are camelCase');
        assert.notEqual(name, 'level', '`level` is the rule\'s severity in .shipcheck.yaml');
        assert.ok(option.description.trim().length > 20, `option ${name} needs a description`);
        assert.equal(optionValueProblem(option, option.default), undefined, `option ${name}'s default`);
        if (option.type === 'string' && option.pattern) assert.match(option.pattern.source, /^\^.*\$$/, `option ${name}'s pattern is anchored`);
      }
    });
  }

  it("README's rule list is up to date (npm run docs)", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.ok(readme.includes(readmeRuleList()), 'README rule list is stale');
  });

  it('docs/suppressions.md (the peer table) is up to date (npm run docs) and linked from the README', () => {
    assert.equal(readFileSync(join(ROOT, SUPPRESSIONS_DOC_PATH), 'utf8'), suppressionsDoc(), `${SUPPRESSIONS_DOC_PATH} is stale`);
    assert.ok(readFileSync(join(ROOT, 'README.md'), 'utf8').includes(`](${SUPPRESSIONS_DOC_PATH})`), 'README does not link the peer table');
  });
});

describe("pages of shipcheck's own findings", () => {
  it('every engine id has one, up to date (npm run docs)', () => {
    assert.deepEqual(ENGINE_RULE_DOCS.map((doc) => doc.id).sort(), Object.values(ENGINE_RULES).sort());
    for (const doc of ENGINE_RULE_DOCS) {
      for (const field of ['summary', 'rationale', 'symptom', 'fix', 'turningOff'] as const) assert.ok(doc[field].trim().length > 20, `${doc.id}: ${field} is too short`);
      assert.equal(readFileSync(join(ROOT, ruleDocPath(doc.id)), 'utf8'), engineRuleDocMarkdown(doc), doc.id);
    }
  });

  for (const doc of ENGINE_RULE_DOCS.filter((candidate) => candidate.example !== undefined)) {
    it(`${doc.id}: the page's example is reported as such`, () => {
      const findings = lintWith(RULES, doc.example!, '.github/workflows/example.yml').findings;
      assert.ok(findings.some((finding) => finding.ruleId === doc.id && finding.severity === doc.severity), JSON.stringify(findings.map((finding) => finding.ruleId)));
    });
  }
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
    for (const preset of PRESETS) assert.ok(validate({ preset }), JSON.stringify(validate.errors));
    assert.equal(validate({ preset: 'strcit' }), false, 'unknown preset');
    assert.equal(validate({ rules: { 'gha/npm-cl': 'error' } }), false);
    assert.equal(validate({ rules: { 'gha/npm-ci': 'loud' } }), false);
    assert.ok(validate({ rules: { 'k8s/resources': { limitsMemory: '1Gi' }, 'gha/rollout-wait-timeout': { timeout: '1h30m' } } }), JSON.stringify(validate.errors));
    assert.equal(validate({ rules: { 'gha/job-timeout': { minutes: 'twenty' } } }), false, 'mistyped option');
    assert.equal(validate({ rules: { 'gha/job-timeout': { minute: 20 } } }), false, 'misspelled option');
    assert.equal(validate({ rules: { 'gha/job-timeout': { minutes: 0 } } }), false, 'option out of bounds');
    assert.equal(validate({ rules: { 'gha/npm-ci': { level: 'error', minutes: 20 } } }), false, 'option of a rule that has none');
    assert.equal(validate({ rules: { 'k8s/resources': { limitsMemory: '512mi' } } }), false, 'option not matching its pattern');
  });
});
