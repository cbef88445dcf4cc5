import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import { ruleById } from '../../server/src/rules';

// What the fixtures cannot show: the configured Kubernetes version.
const cronJob = 'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  schedule: "0 3 * * *"\n';

function check(kubernetesVersion?: string) {
  const rule = ruleById('k8s/deprecated-api')!;
  return lint(cronJob, 'cron.yaml', { rules: [rule], preset: 'strict', ...(kubernetesVersion ? { ruleOptions: { 'k8s/deprecated-api': { kubernetesVersion } } } : {}) }).findings;
}

describe('k8s/deprecated-api kubernetesVersion', () => {
  it('reports a removed API as an error by default', () => {
    const findings = check();
    assert.deepEqual(findings.map((finding) => [finding.messageId, finding.severity]), [['removed', 'error']]);
  });

  it('reports an API deprecated but still served by the configured version as a warning', () => {
    const findings = check('1.22');
    assert.deepEqual(findings.map((finding) => [finding.messageId, finding.severity]), [['deprecated', 'warning']]);
    assert.match(findings[0]!.message, /removed in 1\.25/);
  });

  it('says nothing for a version before the deprecation', () => {
    assert.deepEqual(check('1.20'), []);
  });
});
