import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kustomizeFixtures } from '../helpers/kustomizeFixtures';

// The rules about references between objects, judged as the overlays deploy them (names, namespaces, patches).
const JUDGED = ['k8s/dangling-reference', 'k8s/selector'];
const { files, lintInSet, itReportsTheExpectedFindings } = kustomizeFixtures('references', JUDGED);

describe('references judged as Kustomize overlays deploy them', () => {
  itReportsTheExpectedFindings();

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
