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
// Values that are not a credential: empty, references to other variables, template or example placeholders, booleans.
const NOT_A_SECRET = [
  // `<[^<>]*>`, not `<[^>]*>`: the same test (is a `<` followed by a `>`?) without rescanning to the end from every `<`.
  /^\s*$|\$\(|\$\{|\{\{|<[^<>]*>/,
  /^(true|false|yes|no|on|off|none|null|nil|disabled?|enabled?|required|optional)$/i,
  /^(x+|\*+|\.+|-+)$|^(changeit|todo|tbd|redacted|secret|password|token)$/i,
  /(change|replace)[-_]?me|placeholder|dummy|example|^(insert|your|enter|put)[-_ ]/i,
  // An upper-case identifier (`GOOGLE_API_KEY_VAL`, `HF_TOKEN`) is a name waiting to be substituted.
  /^[A-Z][A-Z0-9_]*$/,
];
// `scheme://user:password@host`, with a password that is not a reference.
const URL_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:([^/\s@]+)@/i;

export default defineRule({
  id: 'k8s/secret-literal-env',
  presets: { recommended: 'warning', strict: 'warning' },
  dora: ['change-failure-rate'],
  fixable: false,
  messages: {
    literal: (container: string, variable: string) =>
      `${container}: \`${variable}\` holds a literal credential in the manifest. Anyone who can read the repository or the object (\`kubectl get -o yaml\`) can read it, and rotating it means a commit and a redeploy; reference a Secret instead.`,
    urlCredentials: (container: string, variable: string) =>
      `${container}: \`${variable}\` is a connection URL with a password written into it. Anyone who can read the repository or the object can read it; keep the URL (or its password) in a Secret.`,
  },
  docs: {
    summary: 'Credentials must not be written as literal env values in a manifest.',
    rationale:
      'A value written in the manifest lives in Git history forever, in every clone and CI log that prints the rendered manifest, and in the object itself, readable by anyone with `get` on pods or deployments (a much wider group than those allowed to read Secrets). Rotating it needs a commit and a rollout, and revoking a leaked one means hunting down every copy. Secrets can be access-controlled separately, encrypted at rest, synced from a vault (External Secrets) and rotated without touching the manifest.',
    symptom:
      'A secret scanner flags the repository, or a credential turns up in a support bundle or a pasted `kubectl get -o yaml`; rotating it means editing and redeploying every manifest that copied it.',
    fix: 'Store the value in a Secret (ideally synced from a secret manager) and mount it as a file, or at least reference it with `valueFrom.secretKeyRef`. Empty values, `$(VAR)` references, template placeholders (`${VAR}`, `{{ }}`, `<password>`) and obvious dummies (`changeme`, `INSERT_TOKEN`, an upper-case name waiting to be substituted) are not flagged; a variable that names a credential\'s location or settings (`TOKEN_URL`, `PASSWORD_FILE`, `SECRET_NAME`) is not a credential.',
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
        const password = URL_CREDENTIALS.exec(value)?.[1];
        if (password !== undefined && !isPlaceholder(password) && !/^\$/.test(password)) {
          ctx.report({ span: spanOf(node), message: 'urlCredentials', args: [containerLabel(container), variable] });
        } else if (password === undefined && namesSecret(variable) && !isPlaceholder(value) && !value.startsWith('/')) {
          ctx.report({ span: spanOf(node), message: 'literal', args: [containerLabel(container), variable] });
        }
      }
    },
  },
});

function isPlaceholder(value: string): boolean {
  return NOT_A_SECRET.some((pattern) => pattern.test(value));
}

/** Whether a variable name (`DB_PASSWORD`, `stripeApiKey`) names a credential itself. */
export function namesSecret(variable: string): boolean {
  const words = variable
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
  if (words.length === 0 || METADATA_WORDS.has(words[words.length - 1]!)) return false;
  if (words.some((word) => SECRET_WORDS.has(word))) return true;
  return SECRET_PAIRS.some(([a, b]) => words.some((word, i) => word === a && words[i + 1] === b));
}
