import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { json, shipcheck, workspace } from '../helpers/cli';

const VALUES = 'image:\n  repository: ghcr.io/acme/api\n  tag: latest\n';
const TEMPLATE = `apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}
spec:
  containers:
    - name: api
      image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
`;
const IMAGE = { line: 8, column: 14, endLine: 8, endColumn: 70 };

describe('a Helm template’s finding on a default of its values.yaml, in the CLI', () => {
  const root = workspace({ 'chart/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.0.0\n', 'chart/values.yaml': VALUES, 'chart/templates/pod.yaml': TEMPLATE });

  it('is located at the value in JSON, the template related', () => {
    const tags = json(shipcheck(root, '--format', 'json')).findings.filter((finding) => finding.ruleId === 'k8s/image-tag') as unknown as Record<string, unknown>[];
    assert.equal(tags.length, 1);
    const { file, line, column, endLine, endColumn, related } = tags[0]!;
    assert.deepEqual({ file, line, column, endLine, endColumn }, { file: 'chart/values.yaml', line: 3, column: 8, endLine: 3, endColumn: 14 });
    assert.deepEqual(related, [{ file: 'chart/templates/pod.yaml', ...IMAGE, message: 'The template prints the value here.' }]);
  });

  it('is located at the value in SARIF, the template a related location', () => {
    type Location = { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } };
    const sarif = JSON.parse(shipcheck(root, '--format', 'sarif').stdout) as { runs: { results: { ruleId: string; locations: Location[]; relatedLocations?: Location[] }[] }[] };
    const tag = sarif.runs[0]!.results.find((result) => result.ruleId === 'k8s/image-tag')!;
    const where = (location: Location) => [location.physicalLocation.artifactLocation.uri, location.physicalLocation.region.startLine, location.physicalLocation.region.startColumn];
    assert.deepEqual(tag.locations.map(where), [['chart/values.yaml', 3, 8]]);
    assert.deepEqual(tag.relatedLocations?.map(where), [['chart/templates/pod.yaml', IMAGE.line, IMAGE.column]]);
  });

  it('names both places in the compact format', () => {
    const line = shipcheck(root, '--format', 'compact').stdout.split('\n').find((text) => text.includes('[k8s/image-tag]'));
    assert.match(line ?? '', /^chart\/values\.yaml:3:8: warning: .* \[k8s\/image-tag\] \(printed at chart\/templates\/pod\.yaml:8:14\)$/);
  });
});
