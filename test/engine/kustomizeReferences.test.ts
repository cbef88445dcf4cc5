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

// The rules about references between objects, judged as the overlays deploy them (names, namespaces, patches).
const JUDGED = ['k8s/dangling-reference', 'k8s/selector'];
const ROOT = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'kustomize', 'references');

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

describe('references judged as Kustomize overlays deploy them', () => {
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

  it('names the overlay that renames an object apart from a reference to it, and only that one', () => {
    const [template] = lintInSet('shop/base/rollout.yaml').findings;
    assert.match(template!.message, /^Overlay '\.\.\/overlays\/prod' renames the objects .*AnalysisTemplate 'success-rate'/, template!.message);
    const [workload] = lintInSet('search/base/workload.yaml').findings;
    assert.match(workload!.message, /^Overlay '\.\.\/overlays\/prod' renames the objects .*Deployment 'search'/, workload!.message);
    // Without the renaming overlay, the reference resolves as deployed.
    const devOnly = files.filter((file) => !file.path.startsWith('search/overlays/prod/'));
    assert.deepEqual(lintInSet('search/base/workload.yaml', devOnly).findings, []);
  });

  it("compares objects across the namespaces they are written in only when every overlay moves them into one", () => {
    assert.deepEqual(lintInSet('shop/base/service.yaml').findings, []);
    const alone = files.filter((file) => file.path.startsWith('shop/base/'));
    const written = lintInSet('shop/base/service.yaml', alone).findings;
    assert.equal(written.length, 1);
    assert.match(written[0]!.message, /^Service 'api' selects 'app: api'/);
    const partly = files.filter((file) => file.path !== 'shop/overlays/dev/kustomization.yaml').concat({ path: 'shop/overlays/dev/kustomization.yaml', text: 'resources:\n  - ../../base\n' });
    assert.equal(lintInSet('shop/base/service.yaml', partly).findings.length, 1);
  });

  it("judges a workload's selector with the pod labels its overlays' patches give it", () => {
    const [reviews, ...rest] = lintInSet('catalog/base/deployment.yaml').findings;
    assert.equal(rest.length, 0);
    assert.match(reviews!.message, /asks for 'app: reviews'.* Overlay '\.\.\/overlays\/prod' deploys it so\.$/, reviews!.message);
    assert.equal(reviews!.fix, undefined, 'the base is right: no fix to it');
    const alone = files.filter((file) => file.path.startsWith('catalog/base/'));
    assert.deepEqual(lintInSet('catalog/base/deployment.yaml', alone).findings.map((finding) => finding.message.match(/asks for ('[^']*')/)![1]), ["'app: catalog'"]);
  });

  it('judges a patch file as a fragment, and as whole objects once no kustomization lists it', () => {
    assert.deepEqual(lintInSet('shop/overlays/prod/service-patch.yaml').findings, []);
    const unlisted = files.filter((file) => file.path !== 'shop/overlays/prod/kustomization.yaml');
    const whole = lintInSet('shop/overlays/prod/service-patch.yaml', unlisted).findings.map((finding) => finding.ruleId).sort();
    assert.deepEqual(whole, ['k8s/dangling-reference', 'k8s/selector']);
  });
});
