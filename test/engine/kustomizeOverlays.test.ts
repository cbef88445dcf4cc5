import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import type { Severity } from '../../server/src/engine/core/finding';
import { lint } from '../../server/src/engine/core/lint';
import { buildProjectIndex } from '../../server/src/engine/core/projectIndex';
import { presetSeverity } from '../../server/src/engine/core/presets';
import { RULES } from '../../server/src/rules';
import { expectationKey, findingsAsExpectations, parseExpectations } from '../helpers/fixtures';

// The rules about missing fields that judge a Kustomize base as its overlays deploy it.
const JUDGED = ['k8s/probe-missing', 'k8s/resources', 'k8s/image-tag'];
const ROOT = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'kustomize', 'overlays');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const files = filesUnder(ROOT).map((path) => ({ path: relative(ROOT, path).replace(/\\/g, '/'), text: readFileSync(path, 'utf8') }));
const rules = RULES.filter((rule) => JUDGED.includes(rule.id));

function lintInSet(path: string, set = files) {
  const text = set.find((file) => file.path === path)!.text;
  return lint(text, path, { rules, preset: 'strict', index: buildProjectIndex(set) });
}

describe('a Kustomize base judged as its overlays deploy it', () => {
  for (const file of files.filter((candidate) => !/kustomization\.yaml$/.test(candidate.path))) {
    it(`${file.path}: reports exactly the expected findings`, () => {
      const result = lintInSet(file.path);
      const actual = findingsAsExpectations(result, result.findings).map(expectationKey).sort();
      const expected = parseExpectations(file.text)
        .map((e) => expectationKey({ ...e, severity: e.severity ?? (presetSeverity(rules.find((rule) => rule.id === e.ruleId)!, 'strict') as Severity) }))
        .sort();
      assert.deepEqual(actual, expected);
    });
  }

  it('names the overlay that deploys the problem when the overlays differ, and no overlay when none supplies it', () => {
    const web = lintInSet('web/base/deployment.yaml').findings;
    const onWeb = web.filter((finding) => !finding.message.includes("'sidecar'"));
    assert.equal(onWeb.length, 4);
    for (const finding of onWeb) assert.match(finding.message, /Overlay '\.\.\/overlays\/dev' deploys it so; the other overlays set it\.$/, finding.message);
    const sidecar = web.find((finding) => finding.message.includes("'sidecar'"))!;
    assert.doesNotMatch(sidecar.message, /Overlay/);
  });

  it('judges a base alone when no kustomization deploys it, and again as deployed once one does', () => {
    const alone = files.filter((file) => file.path.startsWith('web/base/deployment'));
    assert.equal(lintInSet('web/base/deployment.yaml', alone).findings.length, 5);
    const prodOnly = files.filter((file) => !file.path.startsWith('web/overlays/dev/'));
    const findings = lintInSet('web/base/deployment.yaml', prodOnly).findings;
    assert.deepEqual(findings.map((finding) => finding.message.includes("'sidecar'")), [true], 'only the sidecar, which prod does not patch');
  });

  it('judges a patch file as a fragment, and as a whole object once no kustomization lists it', () => {
    assert.equal(lintInSet('web/overlays/prod/resources.yaml').findings.length, 0);
    const unlisted = files.filter((file) => file.path !== 'web/overlays/prod/kustomization.yaml');
    const whole = lintInSet('web/overlays/prod/resources.yaml', unlisted).findings.map((finding) => finding.ruleId);
    assert.ok(whole.includes('k8s/probe-missing') && whole.includes('k8s/image-tag'), whole.join(', '));
  });
});
