import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from '../../server/src/engine/core/fixes';
import { ignoreInObjectEdit } from '../../server/src/engine/edits/ignoreObject';
import { lint } from '../../server/src/engine/core/lint';
import { parseYamlFile } from '../../server/src/engine/yaml/yamlFile';
import { ruleById } from '../../server/src/rules';

const imageTag = ruleById('k8s/image-tag')!;
const pod = (metadata: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n${metadata}spec:\n  containers:\n    - name: a\n      image: nginx:latest\n`;

function ignore(text: string, ruleId = 'k8s/image-tag'): string {
  const edit = ignoreInObjectEdit(parseYamlFile(text, 'pod.yaml'), text.indexOf('nginx'), ruleId);
  assert.ok(edit, 'no edit');
  return applyEdits(text, [edit]);
}

describe('ignoreInObjectEdit', () => {
  it('creates annotations with the id, and the finding goes away', () => {
    const fixed = ignore(pod('  name: web # the web pod\n'));
    assert.equal(fixed, pod('  name: web # the web pod\n  annotations:\n    shipcheck.dev/ignore: "k8s/image-tag"\n'));
    assert.deepEqual(lint(fixed, 'pod.yaml', { rules: [imageTag] }).findings, []);
  });

  it('adds to existing annotations, or to the list already there', () => {
    assert.equal(ignore(pod('  name: web\n  annotations:\n    team: core\n')), pod('  name: web\n  annotations:\n    team: core\n    shipcheck.dev/ignore: "k8s/image-tag"\n'));
    assert.equal(ignore(pod('  annotations:\n    shipcheck.dev/ignore: k8s/resources\n'), 'k8s/image-tag'), pod('  annotations:\n    shipcheck.dev/ignore: k8s/resources,k8s/image-tag\n'));
  });

  it('offers nothing outside an object or when the id is already there', () => {
    const text = pod('  annotations:\n    shipcheck.dev/ignore: "k8s/image-tag"\n');
    assert.equal(ignoreInObjectEdit(parseYamlFile(text, 'pod.yaml'), text.indexOf('nginx'), 'k8s/image-tag'), undefined);
    assert.equal(ignoreInObjectEdit(parseYamlFile('a: 1\n', 'x.yaml'), 1, 'k8s/image-tag'), undefined);
  });
});
