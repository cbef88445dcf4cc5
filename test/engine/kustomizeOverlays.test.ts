import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kustomizeFixtures } from '../helpers/kustomizeFixtures';

// The rules about missing fields that judge a Kustomize base as its overlays deploy it.
const JUDGED = ['k8s/probe-missing', 'k8s/resources', 'k8s/image-tag'];
const { files, lintInSet, itReportsTheExpectedFindings } = kustomizeFixtures('overlays', JUDGED);

describe('a Kustomize base judged as its overlays deploy it', () => {
  itReportsTheExpectedFindings();

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
    assert.equal(lintInSet('web/base/deployment.yaml', alone).findings.length, 6);
    const prodOnly = files.filter((file) => !file.path.startsWith('web/overlays/dev/'));
    const findings = lintInSet('web/base/deployment.yaml', prodOnly).findings;
    assert.deepEqual(findings.map((finding) => finding.message.includes("'sidecar'")), [true, true], 'only the sidecar (resources, no probe at all), which prod does not patch');
  });

  it('judges a patch file as a fragment, and as a whole object once no kustomization lists it', () => {
    assert.equal(lintInSet('web/overlays/prod/resources.yaml').findings.length, 0);
    const unlisted = files.filter((file) => file.path !== 'web/overlays/prod/kustomization.yaml');
    const whole = lintInSet('web/overlays/prod/resources.yaml', unlisted).findings.map((finding) => finding.ruleId);
    assert.ok(whole.includes('k8s/probe-missing') && whole.includes('k8s/image-tag'), whole.join(', '));
  });
});
