import type { TextEdit } from '../../engine/core/finding';
import type { Container } from '../../engine/model/k8s';
import { containerLabel, isAuthoredContainer } from '../../engine/model/k8sContainer';
import { defineRule } from '../../engine/core/rule';
import { appendToSeq, insertMapEntry, joinInsertions, removeMapEntry, removeSeqItem } from '../../engine/edits/yamlEdit';
import { type Field, isMap, isSeq, mapFields, type Node, scalarToString, seqItems, type YamlDoc, type YamlFile, type YAMLMap, type YAMLSeq } from '../../engine/yaml/yamlFile';

// A Secret's name as Kubernetes accepts it (DNS subdomain); anything else is a placeholder the fix cannot use.
const SECRET_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const MOUNT_ROOT = '/run/secrets';
// Variables that name where or who, not a credential: kept in a Secret for convenience, they do not rotate.
const NOT_CREDENTIAL = /(^|_)(USER|USERNAME|USER_NAME|LOGIN|EMAIL|PORT|HOST|HOSTNAME|SERVICE|DB|DATABASE|DB_NAME|NAME|ID|REGION|ZONE|NAMESPACE|PROJECT|BUCKET|AUDIENCE|ISSUER|ISSUER_URL|ENDPOINT)$/;

export default defineRule({
  id: 'k8s/secret-env',
  presets: { recommended: 'off', strict: 'info' },
  dora: ['time-to-restore'],
  capabilities: ['shift-left-security'],
  fixable: 'suggestion',
  messages: {
    keyRef: (container: string, variable: string, secret: string, key: string) =>
      `${container}: '${variable}' is read from Secret '${secret}' (key '${key}') into an environment variable, which is set once at start: after a rotation pods keep the old value until they restart. Mounting the Secret read-only at ${MOUNT_ROOT}/${secret} keeps the file current; the application must then read ${MOUNT_ROOT}/${secret}/${key} and may watch it for changes.`,
    secretRef: (container: string, secret: string) =>
      `${container}: 'envFrom' loads every key of Secret '${secret}' into environment variables, which are set once at start: after a rotation pods keep the old values until they restart. Prefer mounting the Secret as a read-only volume that the application reads (and may watch for changes).`,
  },
  docs: {
    summary: 'Prefer Secret volumes over environment variables, so rotated secrets reach running pods.',
    rationale:
      'Environment variables are copied into the process when the container starts and never change afterwards. When a database password or API key is rotated, every running pod keeps the old value, so a rotation means a coordinated restart or an outage when the old credential is revoked. A Secret mounted as a volume is updated in place by the kubelet (within about a minute), so the application can re-read or watch the file and pick up new credentials without a restart. Environment variables also leak more easily: into crash reports, `/proc/<pid>/environ`, child processes and debug output.',
    symptom:
      'After rotating a credential, pods fail with authentication errors until they are restarted by hand, or the old credential cannot be revoked because pods still depend on it.',
    fix: `Mount the Secret as a read-only volume and have the application read the file (and ideally watch it). The suggested fix replaces a \`secretKeyRef\` env entry with a Secret volume (added to the pod's \`volumes\`, reusing one that already mounts that Secret) and a read-only \`volumeMount\` at \`${MOUNT_ROOT}/<secret-name>\`; your application must then read \`${MOUNT_ROOT}/<secret-name>/<key>\` instead of the variable. Variables that hold who or where rather than a credential (\`DB_USER\`, \`DB_HOST\`, \`OIDC_CLIENT_ID\`) are not flagged. \`envFrom.secretRef\` is reported without a fix, since each key would become a file the application has to know about. Init containers are not checked.`,
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
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: api-db
                  key: url
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
            - name: DATABASE_URL_FILE
              value: /run/secrets/api-db/url
          volumeMounts:
            - name: api-db
              mountPath: /run/secrets/api-db
              readOnly: true
      volumes:
        - name: api-db
          secret:
            secretName: api-db
`,
  },
  visit: {
    container(container, ctx) {
      if (!isAuthoredContainer(ctx.doc, container)) return;
      const label = containerLabel(container);
      const env = container.fields.get('env')?.value;
      if (isSeq(env)) {
        for (const item of seqItems(ctx.doc, env)) {
          if (!isMap(item)) continue;
          const fields = mapFields(ctx.doc, item);
          const valueFrom = fields.get('valueFrom')?.value;
          if (!isMap(valueFrom)) continue;
          const ref = mapFields(ctx.doc, valueFrom).get('secretKeyRef');
          if (!ref || !isMap(ref.value)) continue;
          const refFields = mapFields(ctx.doc, ref.value);
          const secret = scalarToString(refFields.get('name')?.value);
          const key = scalarToString(refFields.get('key')?.value);
          const variable = scalarToString(fields.get('name')?.value) ?? '?';
          if (NOT_CREDENTIAL.test(variable.toUpperCase())) continue;
          const edits = secret !== undefined && SECRET_NAME.test(secret) && key !== undefined ? moveToVolume(ctx.file, ctx.doc, container, env, item, secret, refFields) : undefined;
          ctx.report({
            span: ref.keySpan,
            message: 'keyRef',
            args: [label, variable, secret ?? '?', key ?? '?'],
            ...(edits ? { fix: { title: `Mount Secret ${secret} at ${MOUNT_ROOT}/${secret} instead of env ${variable}`, edits } } : {}),
          });
        }
      }
      const envFrom = container.fields.get('envFrom')?.value;
      if (isSeq(envFrom)) {
        for (const item of seqItems(ctx.doc, envFrom)) {
          if (!isMap(item)) continue;
          const ref = mapFields(ctx.doc, item).get('secretRef');
          if (!ref || !isMap(ref.value)) continue;
          const secret = scalarToString(mapFields(ctx.doc, ref.value).get('name')?.value) ?? '?';
          ctx.report({ span: ref.keySpan, message: 'secretRef', args: [label, secret] });
        }
      }
    },
  },
});

interface NamedEntry {
  name?: string;
  fields: Map<string, Field>;
}

function entries(yaml: YamlDoc, node: Node | undefined): NamedEntry[] {
  if (!isSeq(node)) return [];
  return seqItems(yaml, node).flatMap((item) => {
    if (!isMap(item)) return [];
    const fields = mapFields(yaml, item);
    const name = scalarToString(fields.get('name')?.value);
    return [name !== undefined ? { name, fields } : { fields }];
  });
}

/** Removes the env entry and mounts the Secret instead: a volume in the pod (reused if one already holds the Secret) and a read-only mount. */
function moveToVolume(file: YamlFile, yaml: YamlDoc, container: Container, env: YAMLSeq, item: YAMLMap, secret: string, ref: Map<string, Field>): TextEdit[] | undefined {
  const pod = container.pod;
  const envField = container.fields.get('env')!;
  // Only entries written in this container can be edited here (not ones merged or aliased in from elsewhere).
  if (!container.node.items.some((pair) => pair.key === envField.key) || !env.items.includes(item)) return undefined;
  const volumesField = pod.fields.get('volumes');
  const mountsField = container.fields.get('volumeMounts');
  if ((volumesField && !isSeq(volumesField.value)) || (mountsField && !isSeq(mountsField.value))) return undefined;
  const volumes = entries(yaml, volumesField?.value);
  const mounts = entries(yaml, mountsField?.value);
  const mountPath = `${MOUNT_ROOT}/${secret}`;

  const existing = volumes.find((volume) => {
    const source = volume.fields.get('secret')?.value;
    return isMap(source) && scalarToString(mapFields(yaml, source).get('secretName')?.value) === secret;
  });
  const volumeName = existing?.name ?? freeName(withoutTrailing(secret.replace(/\./g, '-').slice(0, 63), '-'), new Set(volumes.flatMap((v) => v.name ?? [])));
  if (volumeName === undefined) return undefined;
  const mounted = mounts.find((mount) => mount.name === volumeName && scalarToString(mount.fields.get('mountPath')?.value) === mountPath);
  if (!mounted && mounts.some((mount) => scalarToString(mount.fields.get('mountPath')?.value) === mountPath)) return undefined;

  const edits: TextEdit[] = [];
  const removal = env.items.length === 1 ? removeMapEntry(file, container.node, envField.key) : removeSeqItem(file, item);
  if (!removal) return undefined;
  edits.push(removal);

  const insertions: TextEdit[] = [];
  if (!mounted) {
    const mount = `name: ${volumeName}\nmountPath: ${mountPath}\nreadOnly: true`;
    const insertion = isSeq(mountsField?.value)
      ? appendToSeq(file, mountsField.value, mount)
      : insertMapEntry(file, container.node, `volumeMounts:\n${asItem(mount)}`);
    if (!insertion) return undefined;
    insertions.push(insertion);
  }
  if (!existing) {
    // An optional key stays optional: the pod must still start without the Secret.
    const optional = scalarToString(ref.get('optional')?.value) === 'true' ? '\n  optional: true' : '';
    const volume = `name: ${volumeName}\nsecret:\n  secretName: ${secret}${optional}`;
    const insertion = isSeq(volumesField?.value) ? appendToSeq(file, volumesField.value, volume) : insertMapEntry(file, pod.node, `volumes:\n${asItem(volume)}`);
    if (!insertion) return undefined;
    insertions.push(insertion);
  }
  const all = [...edits, ...joinInsertions(insertions)];
  const sorted = [...all].sort((a, b) => a.start - b.start || a.end - b.end);
  // Insertions may touch the removed lines but must not fall inside them.
  return sorted.every((edit, i) => i === 0 || (edit.start >= sorted[i - 1]!.end && edit.start !== sorted[i - 1]!.start)) ? all : undefined;
}

/** `- a\n  b` from `a\nb`, nested under a key with two spaces. */
function asItem(block: string): string {
  return block
    .split('\n')
    .map((line, i) => `  ${i === 0 ? '- ' : '  '}${line}`)
    .join('\n');
}

/** The text without the copies of `char` it ends with. A loop, not `/-+$/`, which retries from each `-` of a run not at the end (quadratic). */
function withoutTrailing(text: string, char: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === char) end--;
  return text.slice(0, end);
}

function freeName(base: string, taken: Set<string>): string | undefined {
  if (!base) return undefined;
  for (const candidate of [base, `${base.slice(0, 56)}-secret`, ...[2, 3, 4, 5].map((n) => `${base.slice(0, 60)}-${n}`)]) {
    if (!taken.has(candidate)) return candidate;
  }
  return undefined;
}
