import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import secretLiteralEnv from '../../server/src/rules/k8s/secret-literal-env';

const pod = (name: string, value: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: ghcr.io/acme/app:1.0.0\n      env:\n        - name: ${name}\n          value: ${value}\n`;

function messages(name: string, value: string): string[] {
  return lint(pod(name, value), 'pod.yaml', { rules: [secretLiteralEnv] }).findings.map((finding) => `${finding.severity} ${finding.message}`);
}

describe('k8s/secret-literal-env messages', () => {
  it('calls a placeholder a placeholder, quoting it, and a literal a literal credential', () => {
    const [placeholder] = messages('DB_PASSWORD', "'<password>'");
    assert.match(placeholder!, /^info Container 'app': 'DB_PASSWORD' holds a placeholder \('<password>'\), not a credential yet\./);
    assert.doesNotMatch(placeholder!, /literal/);
    assert.match(messages('DB_PASSWORD', 'hunter2-prod')[0]!, /^warning .*holds a literal credential/);
  });

  it('quotes at most 40 characters of a placeholder', () => {
    const long = `<${'a'.repeat(60)}>`;
    assert.match(messages('API_TOKEN', long)[0]!, new RegExp(`\\('<${'a'.repeat(38)}…'\\)`));
  });

  it('says nothing about references to other variables and settings', () => {
    assert.deepEqual(messages('DB_PASSWORD', '$(DB_PASSWORD_FROM_SECRET)'), []);
    assert.deepEqual(messages('DB_PASSWORD', 'disabled'), []);
    assert.deepEqual(messages('CACHE_URL', 'redis://:$(REDIS_PASSWORD)@redis:6379/0'), []);
  });
});
