import type { TextEdit } from '../../engine/core/finding';
import { defineRule } from '../../engine/core/rule';
import { appendToSeq, insertMapEntry, joinInsertions, replaceEmptyValue, replaceScalar } from '../../engine/edits/yamlEdit';
import { isControllerOwned, isUnknownNode, type Container, type PodSpec } from '../../engine/model/k8s';
import { containerLabel, containerSpan } from '../../engine/model/k8sContainer';
import { type Field, type Node, type Scalar, isMap, isScalar, isSeq, mapFields, scalarToBoolean, scalarToString, seqItems, spanOf, type YamlDoc, type YamlFile } from '../../engine/yaml/yamlFile';
import { listWords } from '../../knowledge/plainText';

/** The settings the rule asks for, in the order messages and the fix write them. */
type Setting = 'runAsNonRoot' | 'allowPrivilegeEscalation' | 'readOnlyRootFilesystem' | 'capabilities' | 'addedCapabilities' | 'seccompProfile';

const WANTED: Record<Setting, { words: string; block: string }> = {
  runAsNonRoot: { words: "'runAsNonRoot: true'", block: 'runAsNonRoot: true' },
  allowPrivilegeEscalation: { words: "'allowPrivilegeEscalation: false'", block: 'allowPrivilegeEscalation: false' },
  readOnlyRootFilesystem: { words: "'readOnlyRootFilesystem: true'", block: 'readOnlyRootFilesystem: true' },
  capabilities: { words: "'capabilities.drop' with 'ALL'", block: 'capabilities:\n  drop: [ALL]' },
  // No block: which added capability the program needs is for its owner to decide.
  addedCapabilities: { words: "no 'capabilities.add' but 'NET_BIND_SERVICE'", block: '' },
  seccompProfile: { words: "a 'RuntimeDefault' or 'Localhost' seccomp profile", block: 'seccompProfile:\n  type: RuntimeDefault' },
};
const ORDER: Setting[] = ['runAsNonRoot', 'allowPrivilegeEscalation', 'readOnlyRootFilesystem', 'capabilities', 'addedCapabilities', 'seccompProfile'];

/** The one capability the restricted standard lets a container add back. */
const ALLOWED_ADDED_CAPABILITY = 'NET_BIND_SERVICE';
/** Added capabilities k8s/privileged reports (louder); a patch adding them is left to it. */
const PRIVILEGED_CAPABILITIES = new Set(['SYS_ADMIN', 'NET_ADMIN', 'ALL']);

export default defineRule({
  id: 'k8s/security-context',
  presets: { recommended: 'off', strict: 'info' },
  dora: ['change-failure-rate', 'time-to-restore'],
  capabilities: ['shift-left-security'],
  fixable: 'suggestion',
  messages: {
    missing: (container: string, missing: string) =>
      `${container} does not meet the restricted Pod Security Standard with a read-only root: it lacks ${missing}. Each of these limits what an attacker who gets code running in the container can do next.`,
    weakened: (container: string, setting: string, effect: string) =>
      `${container} sets ${setting}, which ${effect}. This patch overrides whatever its base sets, so the container cannot meet the restricted Pod Security Standard.`,
  },
  docs: {
    summary: 'Containers should run with the restricted security context: non-root, no privilege escalation, no capabilities, a seccomp profile and a read-only root file system.',
    rationale:
      "Kubernetes starts a container with whatever user the image names (often root), lets setuid programs gain privileges, keeps a default set of Linux capabilities, runs without a seccomp filter and leaves the root file system writable. The restricted Pod Security Standard closes these: `runAsNonRoot: true` makes the kubelet refuse an image that would run as root; `allowPrivilegeEscalation: false` stops setuid binaries from raising privileges; `capabilities.drop: [ALL]` removes the kernel privileges a web service never uses; a `RuntimeDefault` (or `Localhost`) seccomp profile blocks rarely used system calls that container escapes rely on; `readOnlyRootFilesystem: true` keeps an intruder from dropping tools or changing the program on disk. None of them changes what a well-behaved program does, and together they turn many remote-code bugs into dead ends.\n\nOne finding per container names every setting it lacks, reading the pod's `securityContext` for `runAsNonRoot` and `seccompProfile` (which a container inherits). Privileged containers are left to `k8s/privileged`, objects a controller made are skipped, and so are Windows pods. A patch (which a base completes) is not asked for what it leaves out, only for what it sets: a container setting of a patch that defeats the standard (`runAsNonRoot: false`, `runAsUser: 0`, `readOnlyRootFilesystem: false`, an `Unconfined` seccomp profile, an added capability other than `NET_BIND_SERVICE`) overrides the base, and is reported where it is written.",
    symptom: 'A compromised container writes to its own file system, installs tools, escalates with a setuid binary, or uses a kernel capability it never needed; a namespace enforcing the restricted standard rejects the pod.',
    fix: 'Add the settings to the container\'s `securityContext` (the suggestion adds only those missing). Check that the image runs as a non-root user (`USER 10001` in the Dockerfile, or `runAsUser`) and mount an `emptyDir` where the program must write (`/tmp`, caches) before enabling `readOnlyRootFilesystem`.',
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
          image: ghcr.io/acme/api:2.1.0
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
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: api
          image: ghcr.io/acme/api:2.1.0
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
`,
  },
  visit: {
    k8sObject(object, ctx) {
      if (isControllerOwned(ctx.doc, object)) return;
      for (const pod of object.podSpecs) {
        if (isWindows(ctx.doc, pod)) continue;
        if (object.partial) {
          for (const container of [...pod.initContainers, ...pod.containers]) {
            const security = mapOf(ctx.doc, container.fields.get('securityContext'));
            if (!security || scalarToBoolean(security.get('privileged')?.value) === true) continue;
            for (const weakening of weakenings(ctx.doc, security)) {
              const edit = weakening.replacement !== undefined && isScalar(weakening.node) ? replaceScalar(weakening.node, weakening.replacement) : undefined;
              ctx.report({
                span: spanOf(weakening.node),
                message: 'weakened',
                args: [containerLabel(container), weakening.setting, weakening.effect],
                ...(edit ? { fix: { title: `Set ${weakening.replacementWords}`, edits: [edit] } } : {}),
              });
            }
          }
          continue;
        }
        // A template that writes a securityContext leaves its settings unknown.
        if (isUnknownNode(pod.fields.get('securityContext')?.value)) continue;
        const podSecurity = mapOf(ctx.doc, pod.fields.get('securityContext'));
        for (const container of [...pod.initContainers, ...pod.containers]) {
          if (isUnknownNode(container.fields.get('securityContext')?.value)) continue;
          const security = mapOf(ctx.doc, container.fields.get('securityContext'));
          if (security && scalarToBoolean(security.get('privileged')?.value) === true) continue;
          const missing = ORDER.filter((setting) => !meets(ctx.doc, setting, security, podSecurity));
          if (missing.length === 0) continue;
          const edits = fixEdits(ctx.file, ctx.doc, container, missing);
          ctx.report({
            span: containerSpan(container),
            message: 'missing',
            args: [containerLabel(container), listWords(missing.map((setting) => WANTED[setting].words))],
            ...(edits ? { fix: { title: `Add the restricted securityContext settings to ${containerLabel(container).replace(/^This container$/, 'this container')}`, edits } } : {}),
          });
        }
      }
    },
  },
});

/** A container setting that defeats the restricted standard whatever the base sets, with the value that meets it when there is one. */
interface Weakening {
  node: Node;
  setting: string;
  effect: string;
  replacement?: string;
  replacementWords?: string;
}

function weakenings(yaml: YamlDoc, security: Map<string, Field>): Weakening[] {
  const found: Weakening[] = [];
  const scalar = (key: string): Scalar | undefined => {
    const value = security.get(key)?.value;
    return isScalar(value) ? value : undefined;
  };
  const runAsNonRoot = scalar('runAsNonRoot');
  if (runAsNonRoot?.value === false) found.push({ node: runAsNonRoot, setting: "'runAsNonRoot: false'", effect: 'lets it run as root', replacement: 'true', replacementWords: "'runAsNonRoot: true'" });
  const runAsUser = scalar('runAsUser');
  if (runAsUser && scalarToString(runAsUser) === '0') found.push({ node: runAsUser, setting: "'runAsUser: 0'", effect: 'runs it as root' });
  const readOnly = scalar('readOnlyRootFilesystem');
  if (readOnly?.value === false) found.push({ node: readOnly, setting: "'readOnlyRootFilesystem: false'", effect: 'leaves its root file system writable', replacement: 'true', replacementWords: "'readOnlyRootFilesystem: true'" });
  const profileType = mapOf(yaml, security.get('seccompProfile'))?.get('type')?.value;
  if (isScalar(profileType) && scalarToString(profileType) === 'Unconfined')
    found.push({ node: profileType, setting: "seccomp profile 'Unconfined'", effect: 'turns the system-call filter off', replacement: 'RuntimeDefault', replacementWords: "seccomp profile 'RuntimeDefault'" });
  const added = mapOf(yaml, security.get('capabilities'))?.get('add')?.value;
  if (isSeq(added)) {
    for (const item of seqItems(yaml, added)) {
      const name = scalarToString(item)?.toUpperCase().replace(/^CAP_/, '');
      if (!item || !name || name === ALLOWED_ADDED_CAPABILITY || PRIVILEGED_CAPABILITIES.has(name)) continue;
      found.push({ node: item, setting: `capability '${name}' in 'capabilities.add'`, effect: `gives back a kernel privilege the standard lets a container add only for '${ALLOWED_ADDED_CAPABILITY}'` });
    }
  }
  return found;
}

function mapOf(yaml: YamlDoc, field: Field | undefined): Map<string, Field> | undefined {
  return field && isMap(field.value) ? mapFields(yaml, field.value) : undefined;
}

function isWindows(yaml: YamlDoc, pod: PodSpec): boolean {
  const os = mapOf(yaml, pod.fields.get('os'));
  return scalarToString(os?.get('name')?.value) === 'windows';
}

/** Whether the container (or, for the inherited settings, its pod) has the setting as the restricted standard wants it. */
function meets(yaml: YamlDoc, setting: Setting, own: Map<string, Field> | undefined, pod: Map<string, Field> | undefined): boolean {
  switch (setting) {
    case 'runAsNonRoot': {
      return scalarToBoolean((own?.get('runAsNonRoot') ?? pod?.get('runAsNonRoot'))?.value) === true;
    }
    case 'allowPrivilegeEscalation': {
      return scalarToBoolean(own?.get('allowPrivilegeEscalation')?.value) === false;
    }
    case 'readOnlyRootFilesystem':
      return scalarToBoolean(own?.get('readOnlyRootFilesystem')?.value) === true;
    case 'capabilities': {
      const drop = mapOf(yaml, own?.get('capabilities'))?.get('drop')?.value;
      return isSeq(drop) && seqItems(yaml, drop).some((item) => scalarToString(item)?.toUpperCase() === 'ALL');
    }
    case 'addedCapabilities': {
      const added = mapOf(yaml, own?.get('capabilities'))?.get('add')?.value;
      return !isSeq(added) || seqItems(yaml, added).every((item) => scalarToString(item)?.toUpperCase().replace(/^CAP_/, '') === ALLOWED_ADDED_CAPABILITY);
    }
    case 'seccompProfile': {
      const profile = own?.get('seccompProfile') ?? pod?.get('seccompProfile');
      const type = scalarToString(mapOf(yaml, profile)?.get('type')?.value);
      return type === 'RuntimeDefault' || type === 'Localhost';
    }
  }
}

/**
 * The edits that add what is missing to the container's own `securityContext`: absent keys inserted as one block,
 * wrong values replaced, `ALL` appended to an existing block `drop` list. Undefined when any part cannot be written
 * without rewriting the user's layout (flow mappings, anchors, unusual values).
 */
function fixEdits(file: YamlFile, yaml: YamlDoc, container: Container, missing: Setting[]): TextEdit[] | undefined {
  if (missing.includes('addedCapabilities')) return undefined;
  const field = container.fields.get('securityContext');
  const block = (settings: Setting[]) => settings.map((setting) => WANTED[setting].block).join('\n');
  if (!field) {
    const edit = insertMapEntry(file, container.node, `securityContext:\n${indent(block(missing))}`);
    return edit ? [edit] : undefined;
  }
  const value = field.value;
  if (!value || (isMap(value) && value.items.length === 0) || (isScalar(value) && (value.value === null || value.value === ''))) {
    return replaceEmptyValue(file, field.key, value, block(missing));
  }
  if (!isMap(value) || value.flow) return undefined;
  const own = mapFields(yaml, value);
  const absent: Setting[] = [];
  const edits: TextEdit[] = [];
  for (const setting of missing) {
    const current = own.get(setting);
    if (!current) {
      absent.push(setting);
      continue;
    }
    if (!value.items.some((pair) => pair.key === current.key)) return undefined; // merged in from an anchor
    const node = current.value;
    if (setting === 'capabilities') {
      if (!isMap(node) || node.flow) return undefined;
      const drop = mapFields(yaml, node).get('drop');
      const edit = !drop ? insertMapEntry(file, node, 'drop: [ALL]') : isSeq(drop.value) && !drop.value.flow ? appendToSeq(file, drop.value, 'ALL') : undefined;
      if (!edit) return undefined;
      edits.push(edit);
    } else if (setting === 'seccompProfile') {
      const type = isMap(node) ? mapFields(yaml, node).get('type')?.value : undefined;
      const edit = isScalar(type) ? replaceScalar(type, 'RuntimeDefault') : undefined;
      if (!edit) return undefined;
      edits.push(edit);
    } else {
      const edit = isScalar(node) ? replaceScalar(node, WANTED[setting].block.split(': ')[1]!) : undefined;
      if (!edit) return undefined;
      edits.push(edit);
    }
  }
  if (absent.length > 0) {
    const edit = insertMapEntry(file, value, block(absent));
    if (!edit) return undefined;
    edits.push(edit);
  }
  return joinInsertions(edits);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
