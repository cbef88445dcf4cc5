import { containerLabel, isAuthoredContainer } from '../../engine/model/k8sContainer';
import { defineRule } from '../../engine/core/rule';
import { isMap, isScalar, isSeq, mapFields, scalarToString, seqItems, spanOf } from '../../engine/yaml/yamlFile';

// Words of a variable name that say its value is a credential.
const SECRET_WORDS = new Set(['PASSWORD', 'PASSWD', 'PASS', 'SECRET', 'TOKEN', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS', 'PASSPHRASE']);
const SECRET_PAIRS = [['API', 'KEY'], ['PRIVATE', 'KEY'], ['ACCESS', 'KEY'], ['SECRET', 'KEY'], ['AUTH', 'KEY'], ['ENCRYPTION', 'KEY'], ['SIGNING', 'KEY']];
// A last word that makes the variable about a credential, not the credential itself (`TOKEN_URL`, `PASSWORD_FILE`).
const METADATA_WORDS = new Set([
  'FILE', 'PATH', 'DIR', 'NAME', 'REF', 'URL', 'URI', 'ENDPOINT', 'HOST', 'PORT', 'HEADER', 'TTL', 'EXPIRY', 'EXPIRATION', 'LENGTH', 'TIMEOUT',
  'ENABLED', 'ENABLE', 'DISABLED', 'SECONDS', 'TYPE', 'ID', 'MOUNT', 'LOCATION', 'ISSUER', 'AUDIENCE', 'PREFIX', 'FIELD', 'KIND', 'MODE', 'FORMAT',
  'VERSION', 'NAMESPACE', 'STORE', 'PROVIDER', 'SOURCE', 'ALGORITHM', 'SCOPE', 'SCOPES', 'LIFETIME', 'DURATION', 'INTERVAL', 'SIZE', 'COUNT', 'POLICY',
  'AUTH', 'REQUIRED', 'KEYS',
]);
const KUBERNETES_WORDS = new Set(['KUBE', 'K8S', 'KUBERNETES']);
// Values that hold no credential: empty, a reference to another variable (`$(DB_PASSWORD)`, which may come from a Secret), a setting.
// The word itself (`password`, Java's `changeit`) is a dummy that anyone knows: nothing to leak.
const NOT_A_CREDENTIAL = [
  /^\s*$|\$\(/,
  /^(true|false|yes|no|on|off|none|null|nil|disabled?|enabled?|required|optional)$/i,
  /^(changeit|secret|password|passwd|token)$/i,
];
// Values that stand for a credential still to be filled in: template and envsubst variables, `<…>`, obvious dummies.
const PLACEHOLDER = [
  // `<[^<>]*>`, not `<[^>]*>`: the same test (is a `<` followed by a `>`?) without rescanning to the end from every `<`.
  /\$\{|\{\{|<[^<>]*>|^\$[A-Za-z_]\w*$/,
  /^(x+|\*+|\.+|-+)$|^(todo|tbd|redacted)$/i,
  /(change|replace)[-_]?me|placeholder|dummy|example|^your|^(insert|enter|put)[-_ ]/i,
  // An upper-case identifier (`GOOGLE_API_KEY_VAL`, `HF_TOKEN`) is a name waiting to be substituted, also after a
  // key's fixed prefix (`nvapi-NVKEY`).
  /^([a-z0-9]+[-_])?[A-Z][A-Z0-9_]{2,}$/,
];
// A PEM private key block (`-----BEGIN RSA PRIVATE KEY-----`, `-----BEGIN OPENSSH PRIVATE KEY-----`, PGP's `... PRIVATE KEY BLOCK`),
// whatever the variable is called. Certificates and public keys are not secret and do not match. The dashes around
// it are not part of the pattern, and the words before 'PRIVATE' are at most three (labels have one or two): either,
// unbounded, made it quadratic.
const PRIVATE_KEY = /\bBEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?\b/;
// `scheme://user:password@host`, with a password that is not a reference.
const URL_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:([^/\s@]+)@/i;

export default defineRule({
  id: 'k8s/secret-literal-env',
  presets: { recommended: 'off', strict: 'warning' },
  dora: ['change-failure-rate'],
  capabilities: ['shift-left-security'],
  fixable: false,
  messages: {
    literal: (container: string, variable: string) =>
      `${container}: '${variable}' holds a literal credential in the manifest. Anyone who can read the repository or the object ('kubectl get -o yaml') can read it, and rotating it means a commit and a redeploy; reference a Secret instead.`,
    urlCredentials: (container: string, variable: string) =>
      `${container}: '${variable}' is a connection URL with a password written into it. Anyone who can read the repository or the object can read it; keep the URL (or its password) in a Secret.`,
    privateKey: (container: string, variable: string) =>
      `${container}: '${variable}' holds a private key written into the manifest. Anyone who can read the repository or the object ('kubectl get -o yaml') can read it; keep the key in a Secret and mount it as a file.`,
    placeholder: (container: string, variable: string, value: string) =>
      `${container}: '${variable}' holds a placeholder ('${value}'), not a credential yet. Whatever fills it in (by hand, envsubst, a template) is written into the manifest or the applied object, where anyone who can read them reads it; pass the credential through a Secret ('valueFrom.secretKeyRef') instead.`,
  },
  docs: {
    summary: 'Credentials must not be written as literal env values in a manifest.',
    rationale:
      'A value written in the manifest lives in Git history forever, in every clone and CI log that prints the rendered manifest, and in the object itself, readable by anyone with `get` on pods or deployments (a much wider group than those allowed to read Secrets). Rotating it needs a commit and a rollout, and revoking a leaked one means hunting down every copy. Secrets can be access-controlled separately, encrypted at rest, synced from a vault (External Secrets) and rotated without touching the manifest.',
    symptom:
      'A secret scanner flags the repository, or a credential turns up in a support bundle or a pasted `kubectl get -o yaml`; rotating it means editing and redeploying every manifest that copied it.',
    fix: 'Store the value in a Secret (ideally synced from a secret manager) and mount it as a file, or at least reference it with `valueFrom.secretKeyRef`. Placeholders (`${VAR}`, `{{ }}`, `<password>`, `changeme`, `INSERT_TOKEN`, an upper-case name waiting to be substituted) get an info note instead of a warning: they are no credential yet, but whatever fills them in lands in the manifest or the object. A value holding a PEM private key block is reported whatever the variable is called. Empty values and `$(VAR)` references are not flagged; a variable that names a credential\'s location or settings (`TOKEN_URL`, `PASSWORD_FILE`, `SECRET_NAME`) is not a credential.',
    bad: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:3.2.0
          env:
            - name: STRIPE_API_KEY
              value: sk_live_51HxRk2eZvKYlo2C
`,
    good: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:3.2.0
          env:
            - name: STRIPE_API_KEY_FILE
              value: /run/secrets/stripe/api-key
`,
  },
  visit: {
    container(container, ctx) {
      if (!isAuthoredContainer(ctx.doc, container)) return;
      const env = container.fields.get('env')?.value;
      if (!isSeq(env)) return;
      for (const item of seqItems(ctx.doc, env)) {
        if (!isMap(item)) continue;
        const fields = mapFields(ctx.doc, item);
        const variable = scalarToString(fields.get('name')?.value);
        const node = fields.get('value')?.value;
        if (variable === undefined || !isScalar(node) || typeof node.value !== 'string') continue;
        const value = node.value.trim();
        if (PRIVATE_KEY.test(value)) {
          // A block scalar's span runs over its lines: point at 'value' then.
          const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
          ctx.report({ span: block ? fields.get('value')!.keySpan : spanOf(node), message: 'privateKey', args: [containerLabel(container), variable] });
          continue;
        }
        const password = URL_CREDENTIALS.exec(value)?.[1];
        const secret = password ?? (namesSecret(variable) ? value : undefined);
        if (secret === undefined || NOT_A_CREDENTIAL.some((pattern) => pattern.test(secret)) || (password === undefined && value.startsWith('/'))) continue;
        const label = containerLabel(container);
        if (PLACEHOLDER.some((pattern) => pattern.test(secret))) {
          ctx.report({ span: spanOf(node), message: 'placeholder', args: [label, variable, shorten(secret)], severity: 'info' });
        } else {
          ctx.report({ span: spanOf(node), message: password === undefined ? 'literal' : 'urlCredentials', args: [label, variable] });
        }
      }
    },
  },
});

/** A value as the message quotes it: at most 40 characters. */
function shorten(value: string): string {
  return value.length > 40 ? `${value.slice(0, 39)}…` : value;
}

/** Whether a variable name (`DB_PASSWORD`, `stripeApiKey`) names a credential itself. */
export function namesSecret(variable: string): boolean {
  const words = variable
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
  if (words.length === 0 || METADATA_WORDS.has(words[words.length - 1]!)) return false;
  // `TS_KUBE_SECRET`, `K8S_SECRET`: the name of a Kubernetes Secret, not its content.
  if (words.length >= 2 && words[words.length - 1] === 'SECRET' && KUBERNETES_WORDS.has(words[words.length - 2]!)) return false;
  if (words.some((word) => SECRET_WORDS.has(word))) return true;
  return SECRET_PAIRS.some(([a, b]) => words.some((word, i) => word === a && words[i + 1] === b));
}
