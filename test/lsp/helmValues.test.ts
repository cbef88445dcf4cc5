import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { rangeOf, type Session, startInFolder, stopSession, TIMEOUT_MS } from '../helpers/session';
import { tempWorkspace } from '../helpers/tempWorkspace';

const VALUES = `replicaCount: 1
image:
  repository: ghcr.io/acme/api
  tag: latest
`;
const TEMPLATE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "api.fullname" . }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      {{- include "api.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "api.selectorLabels" . | nindent 8 }}
    spec:
      containers:
        - name: api
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
`;
const HELPERS = '{{- define "api.fullname" -}}\n{{ .Release.Name }}-api\n{{- end }}\n{{- define "api.selectorLabels" -}}\napp: api\n{{- end }}\n';
const TAG = 'k8s/image-tag';

describe('a Helm template in the server: a finding on a default is shown in values.yaml', { timeout: 6 * TIMEOUT_MS }, () => {
  const { root, write } = tempWorkspace('shipcheck-helm-values-');
  write('.shipcheck.yaml', 'preset: strict\n');
  write('chart/Chart.yaml', 'apiVersion: v2\nname: api\nversion: 1.0.0\n');
  write('chart/templates/_helpers.tpl', HELPERS);
  const values = write('chart/values.yaml', VALUES);
  const template = write('chart/templates/deployment.yaml', TEMPLATE);
  let session: Session;

  const tags = (diagnostics: Diagnostic[]): Diagnostic[] => diagnostics.filter((diagnostic) => diagnostic.code === TAG);
  const until = (from: number, uri: string, test: (params: PublishDiagnosticsParams) => boolean) =>
    session.waitForDiagnostics(from, (params) => params.uri === uri && test(params));

  before(async () => {
    ({ session } = await startInFolder(root, { textDocument: { publishDiagnostics: { versionSupport: true, relatedInformation: true } } }));
  }, { timeout: TIMEOUT_MS });

  after(async () => {
    await stopSession(session);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('publishes the latest tag at values.yaml’s tag, the template’s image as related information; and takes it back when the tag is pinned', async () => {
    assert.deepEqual(tags(await session.open(values, VALUES)), [], 'values.yaml alone has no finding');
    let from = session.published.length;
    const own = await session.open(template, TEMPLATE);
    assert.deepEqual(tags(own), [], 'not shown in the template');
    const shown = tags((await until(from, values, (params) => tags(params.diagnostics).length > 0)).diagnostics);
    assert.equal(shown.length, 1);
    assert.deepEqual(shown[0]!.range, rangeOf(VALUES, 'latest'));
    assert.deepEqual(
      shown[0]!.relatedInformation?.map((related) => [related.location.uri, related.location.range]),
      [[template, rangeOf(TEMPLATE, '"{{ .Values.image.repository }}:{{ .Values.image.tag }}"')]],
    );

    // values.yaml edited in the editor: the template (open, not edited) is read with the new default.
    from = session.published.length;
    await session.applyEdits(values, [{ range: rangeOf(VALUES, 'latest'), newText: '3.2.0' }]);
    await until(from, values, (params) => tags(params.diagnostics).length === 0);
    await session.idle();
    const last = session.published.filter((params) => params.uri === values).at(-1)!;
    assert.deepEqual(tags(last.diagnostics), []);
    assert.deepEqual(tags(session.published.filter((params) => params.uri === template).at(-1)!.diagnostics), []);
  });
});
