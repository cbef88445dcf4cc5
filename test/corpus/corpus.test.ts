import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ENGINE_RULES } from '../../server/src/engine/core/finding';
import { applyEdits } from '../../server/src/engine/core/fixes';
import { lint } from '../../server/src/engine/core/lint';
import { RULES } from '../../server/src/rules';
import { parseYamlFile } from '../../server/src/engine/yaml/yamlFile';
import { ROOT } from '../helpers/fixtures';

// Third-party files beside the project, for robustness only: absent on a machine without ../shared.
const CORPUS = join(ROOT, '..', 'shared', 'corpus');
const missing = existsSync(CORPUS) ? false : `third-party corpus not found at ${CORPUS}`;

describe('third-party corpus (../shared/corpus)', { skip: missing }, () => {
  const files = missing
    ? []
    : ['workflows', 'k8s', 'helm-templates'].flatMap((dir) => readdirSync(join(CORPUS, dir)).map((name) => ({ dir, name, path: join(CORPUS, dir, name) })));

  it('lints every file without a crash, an internal error or a bad span, and every fix keeps the YAML valid', () => {
    let fixes = 0;
    for (const { dir, name, path } of files) {
      const text = readFileSync(path, 'utf8');
      const lintAs = dir === 'workflows' ? `.github/workflows/${name}` : name;
      const result = lint(text, lintAs, { rules: RULES, preset: 'all' });
      const parsedCleanly = result.file.documents.every((doc) => !doc.hasErrors);
      for (const finding of result.findings) {
        assert.notEqual(finding.ruleId, ENGINE_RULES.internal, `${name}: ${finding.message}`);
        assert.ok(finding.span.start >= 0 && finding.span.end > finding.span.start && finding.span.end <= text.length, `${name}: bad span`);
        if (!finding.fix || !parsedCleanly) continue;
        const fixed = applyEdits(text, finding.fix.edits);
        // Parsed as the engine parses (duplicate keys allowed): a fix must not break what parsed before.
        assert.ok(parseYamlFile(fixed).documents.every((doc) => !doc.hasErrors), `${name}: fix "${finding.fix.title}" broke the YAML`);
        fixes++;
      }
    }
    assert.ok(files.length > 1000 && fixes > 0);
  });
});
