import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/engine/core/lint';
import { RULES } from '../../server/src/rules';

// Chart templates: a key written twice is rendered twice only when the same conditions surround both.
const PATH = 'charts/web/templates/deployment.yaml';

function duplicateLines(body: string): number[] {
  const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  template:
    metadata:
${body}    spec:
      containers:
        - name: web
          image: "ghcr.io/acme/web:{{ .Values.tag }}"
`;
  const { findings } = lint(text, PATH, { rules: RULES, preset: 'strict' });
  return findings.filter((finding) => finding.ruleId === 'k8s/duplicate-key').map((finding) => text.slice(0, finding.span.start).split('\n').length);
}

describe('k8s/duplicate-key in chart templates', () => {
  it('leaves alone a key under `with .Values.x` and again under `if not .Values.x` (cert-manager\'s webhook)', () => {
    const body = `      {{- with .Values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if .Values.prometheus.enabled }}
      {{- if not .Values.podAnnotations }}
      annotations:
      {{- end }}
        prometheus.io/scrape: 'true'
      {{- end }}
`;
    assert.deepEqual(duplicateLines(body), []);
  });

  it('leaves alone the branches of one if / else', () => {
    const body = `      {{- if .Values.a }}
      annotations: { a: "1" }
      {{- else }}
      annotations: { b: "2" }
      {{- end }}
`;
    assert.deepEqual(duplicateLines(body), []);
  });

  it('reports a key written twice under the same conditions', () => {
    const body = `      {{- if .Values.a }}
      annotations: { a: "1" }
      annotations: { b: "2" }
      {{- end }}
      labels: { app: web }
      labels: { tier: front }
`;
    assert.deepEqual(duplicateLines(body), [10, 13]);
  });
});

describe('k8s/duplicate-key: objects pasted together', () => {
  it('says so once where the second object starts, and not for a kind chosen by if / else', () => {
    const pasted = 'apiVersion: v1\nkind: Service\nmetadata: { name: a }\napiVersion: v1\nkind: Service\nmetadata: { name: b }\n';
    const messages = lint(pasted, 'svc.yaml', { rules: RULES, preset: 'strict' }).findings.filter((finding) => finding.ruleId === 'k8s/duplicate-key').map((finding) => finding.messageId);
    assert.deepEqual(messages, ['pasted']);
    const chosen = 'apiVersion: rbac.authorization.k8s.io/v1\n{{- if .Values.scoped }}\nkind: Role\n{{- else }}\nkind: ClusterRole\n{{- end }}\nmetadata:\n  name: {{ .Release.Name }}\nrules: []\n';
    assert.deepEqual(lint(chosen, PATH, { rules: RULES, preset: 'strict' }).findings.filter((finding) => finding.ruleId === 'k8s/duplicate-key'), []);
  });
});
