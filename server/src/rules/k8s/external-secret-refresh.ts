import { parseGoDuration } from '../../engine/languages/duration';
import { pairSpan } from '../../engine/model/rollout';
import { defineRule } from '../../engine/core/rule';
import { type Field, isMap, mapFields, scalarToNumber, scalarToString } from '../../engine/yaml/yamlFile';

/** Policies under which refreshInterval does not matter: the author chose not to poll. */
const NON_PERIODIC_POLICIES = new Set(['CreatedOnce', 'OnChange']);

export default defineRule({
  id: 'k8s/external-secret-refresh',
  presets: { recommended: 'warning', strict: 'warning' },
  dora: ['time-to-restore'],
  capabilities: ['shift-left-security'],
  fixable: false,
  messages: {
    never: (kind: string, name: string, value: string) =>
      `${kind} ${name} has 'refreshInterval: ${value}': the Secret is fetched once and never updated, so a rotated credential in the provider never reaches the cluster. Leave it unset (1h) or set the interval your rotation needs.`,
  },
  docs: {
    summary: 'An ExternalSecret with `refreshInterval: 0` never picks up rotated secrets.',
    rationale:
      'External Secrets Operator copies a secret from the provider (Vault, AWS Secrets Manager, GCP Secret Manager, …) into a Kubernetes Secret and re-reads it every `refreshInterval` (default 1h). Zero means "fetch once at creation": after that, rotating the credential in the provider changes nothing in the cluster. Rotation then breaks the application (the old credential is revoked) or silently does not happen. Setting `refreshPolicy: CreatedOnce` or `OnChange` states that choice explicitly and is not reported.',
    symptom:
      'After a scheduled credential rotation the application fails to authenticate, although the new value is visible in the secrets manager; the Kubernetes Secret still holds the old one until someone deletes or edits the ExternalSecret.',
    fix: 'Remove `refreshInterval` (the default is 1h) or set it to match your rotation schedule (`15m`, `1h`). Pair it with a volume-mounted Secret (not env vars) so pods see the new value without a restart.',
    bad: `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: checkout-db
spec:
  refreshInterval: "0"
  secretStoreRef:
    kind: ClusterSecretStore
    name: vault
  target:
    name: checkout-db
  data:
    - secretKey: password
      remoteRef:
        key: payments/checkout-db
        property: password
`,
    good: `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: checkout-db
spec:
  refreshInterval: 1h
  secretStoreRef:
    kind: ClusterSecretStore
    name: vault
  target:
    name: checkout-db
  data:
    - secretKey: password
      remoteRef:
        key: payments/checkout-db
        property: password
`,
  },
  visit: {
    k8sObject(object, ctx) {
      if (!object.apiVersion.startsWith('external-secrets.io/')) return;
      const specNode = object.fields.get('spec')?.value;
      if (!isMap(specNode)) return;
      let spec = mapFields(ctx.doc, specNode);
      if (object.kind === 'ClusterExternalSecret') {
        const inner = spec.get('externalSecretSpec')?.value;
        if (!isMap(inner)) return;
        spec = mapFields(ctx.doc, inner);
      } else if (object.kind !== 'ExternalSecret') {
        return;
      }
      const policy = scalarToString(spec.get('refreshPolicy')?.value);
      if (policy !== undefined && NON_PERIODIC_POLICIES.has(policy)) return;
      const interval = spec.get('refreshInterval');
      if (!interval || !isZero(interval)) return;
      const name = object.name ? `'${object.name}'` : '(unnamed)';
      ctx.report({ span: pairSpan(interval), message: 'never', args: [object.kind, name, scalarToString(interval.value) ?? '0'] });
    },
  },
});

function isZero(field: Field): boolean {
  if (scalarToNumber(field.value) === 0) return true;
  const text = scalarToString(field.value)?.trim();
  return text !== undefined && parseGoDuration(text) === 0;
}
