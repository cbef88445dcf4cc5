import type { Span } from '../../engine/core/finding';
import { defineRule } from '../../engine/core/rule';
import { insertMapEntry, replaceScalar } from '../../engine/edits/yamlEdit';
import { isControllerOwned, type K8sObject, type PodSpec } from '../../engine/model/k8s';
import { isMap, isScalar, isSeq, mapFields, scalarToBoolean, scalarToString, seqItems, spanOf, type YamlDoc } from '../../engine/yaml/yamlFile';

/**
 * Names and images of programs that talk to the Kubernetes API as their job: operators and controllers, kubectl and
 * Helm, GitOps and CI agents, metrics and log collectors that read pod metadata, ingress and DNS controllers,
 * autoscalers. A workload that shows one is left alone.
 */
const API_CLIENT = /operator|controller|kube|k8s|kubectl|helm|argo|flux|tekton|jenkins|gitlab-runner|prometheus|grafana-agent|alloy|otel|opentelemetry|datadog|fluent|promtail|filebeat|vector|traefik|ingress|external-dns|cert-manager|keda|autoscaler|dashboard|vault|consul|istio|linkerd|cilium|calico|velero|spark|airflow|dask|ray|rancher|crossplane|kyverno|gatekeeper|falco|reloader|sealed-secrets|external-secrets|leader/i;

const BINDING_KINDS = ['RoleBinding', 'ClusterRoleBinding'];

export default defineRule({
  id: 'k8s/service-account-token',
  presets: { recommended: 'off', strict: 'info' },
  dora: ['change-failure-rate'],
  capabilities: ['shift-left-security'],
  fixable: 'suggestion',
  messages: {
    mounted: (workload: string) =>
      `${workload} runs under the namespace's 'default' ServiceAccount with its API token mounted, and nothing in it looks like a Kubernetes API client. Set 'automountServiceAccountToken: false' so a compromised container does not get a credential for the cluster's API.`,
    mountedOwn: (workload: string, how: string) =>
      `${workload} ${how}. If nothing in the pod calls the Kubernetes API, 'automountServiceAccountToken: false' removes a credential an intruder in a container would use.`,
  },
  docs: {
    summary: 'Pods that do not call the Kubernetes API should not get a ServiceAccount token.',
    rationale:
      "Unless told otherwise, Kubernetes mounts a token for the pod's ServiceAccount at `/var/run/secrets/kubernetes.io/serviceaccount`. A web service, a worker or a database never uses it, but whoever gets code running in the container does: with it they can list what the ServiceAccount may see, and anything a RoleBinding granted to `default` in that namespace becomes theirs. `automountServiceAccountToken: false` on the pod (or on its ServiceAccount) removes the credential at no cost.\n\nThe rule is deliberately narrow, to stay right: it reports only workloads that run as the namespace's `default` ServiceAccount (none named, or `default`), when the pod spec does not set `automountServiceAccountToken` either way, no ServiceAccount `default` checked with it sets it, and no RoleBinding or ClusterRoleBinding checked with it binds that account. Workloads that look like API clients are left alone: a DaemonSet (node agents read pod metadata), or a workload, container or image whose name mentions an operator, a controller, kubectl, Helm, GitOps, CI, metrics or log collection, ingress, DNS, certificates or autoscaling. A workload with its own ServiceAccount has chosen an identity and gets no note.\n\nThe strict preset adds a hint where the token is mounted by choice rather than by default: a pod spec that writes `automountServiceAccountToken: true`, and a pod under its own ServiceAccount that does not set it to false, when that ServiceAccount, if checked with it, does not either. Neither is wrong for a program that calls the API; the hint says the token is there, for a team to turn it off where nothing uses it. Workloads that look like API clients, and ServiceAccounts a RoleBinding or ClusterRoleBinding checked with them grants a role, get no hint.",
    symptom: 'A security review or a scanner (checkov CKV_K8S_38) reports pods with an API token they never use; after a breach, the attacker used the mounted token to explore the cluster.',
    fix: 'Add `automountServiceAccountToken: false` to the pod spec (the suggestion does), or to the namespace\'s `default` ServiceAccount for every pod at once. A pod that does need the API gets its own ServiceAccount with the least RBAC it needs.',
    bad: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:3.2.0
`,
    good: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      automountServiceAccountToken: false
      containers:
        - name: web
          image: ghcr.io/acme/web:3.2.0
`,
  },
  visit: {
    k8sObject(object, ctx) {
      if (object.partial || object.kind === 'DaemonSet' || object.kind === 'PodTemplate' || isControllerOwned(ctx.doc, object)) return;
      if (object.name !== undefined && API_CLIENT.test(object.name)) return;
      const strict = ctx.preset !== 'recommended';
      for (const pod of object.podSpecs) {
        const automount = pod.fields.get('automountServiceAccountToken');
        // An empty name is the namespace's 'default', as no name is.
        const account = scalarToString(pod.fields.get('serviceAccountName')?.value) || scalarToString(pod.fields.get('serviceAccount')?.value) || 'default';
        if (looksLikeApiClient(pod)) continue;
        // In strict, a hint where the token is mounted by choice: 'true' written on the pod, or an own ServiceAccount
        // that does not turn it off. A binding checked with it says the account is meant to call the API.
        if (automount || account !== 'default') {
          const explicit = isScalar(automount?.value) && automount.value.value === true;
          if (!strict || (automount && !explicit)) continue;
          const own = ctx.index.objects('ServiceAccount', object).filter((entry) => entry.name === account);
          if (!explicit && own.some((entry) => scalarToBoolean(entry.object.fields.get('automountServiceAccountToken')?.value) === false)) continue;
          if (BINDING_KINDS.some((kind) => ctx.index.objects(kind).some((binding) => bindsAccount(binding.doc, binding.object, account, object.namespace)))) continue;
          const workload = `${object.kind}${object.name !== undefined ? ` '${object.name}'` : ''}`;
          if (explicit) {
            const edit = replaceScalar(automount.value, 'false');
            ctx.report({
              span: spanOf(automount.value),
              message: 'mountedOwn',
              args: [workload, "sets 'automountServiceAccountToken: true', so its containers get a token for the Kubernetes API"],
              severity: 'hint',
              ...(edit ? { fix: { title: "Set 'automountServiceAccountToken: false'", edits: [edit] } } : {}),
            });
          } else {
            const edit = insertMapEntry(ctx.file, pod.node, 'automountServiceAccountToken: false');
            const accountNode = pod.fields.get('serviceAccountName')?.value ?? pod.fields.get('serviceAccount')?.value;
            ctx.report({
              span: accountNode ? spanOf(accountNode) : anchor(ctx.doc, object),
              message: 'mountedOwn',
              args: [
                workload,
                own.length > 0
                  ? `runs under its own ServiceAccount '${account}', which does not turn the token off, so its containers get a token for the Kubernetes API`
                  : `runs under its own ServiceAccount '${account}' and does not turn the token off, so its containers get a token for the Kubernetes API unless that ServiceAccount (not among the files checked with it) does`,
              ],
              severity: 'hint',
              ...(edit ? { fix: { title: "Add 'automountServiceAccountToken: false' to the pod spec", edits: [edit] } } : {}),
            });
          }
          continue;
        }
        const accounts = ctx.index.objects('ServiceAccount', object).filter((entry) => entry.name === 'default');
        if (accounts.some((entry) => entry.object.fields.has('automountServiceAccountToken'))) continue;
        if (BINDING_KINDS.some((kind) => ctx.index.objects(kind).some((binding) => bindsAccount(binding.doc, binding.object, 'default', object.namespace)))) continue;
        const edit = insertMapEntry(ctx.file, pod.node, 'automountServiceAccountToken: false');
        ctx.report({
          span: anchor(ctx.doc, object),
          message: 'mounted',
          args: [`${object.kind}${object.name !== undefined ? ` '${object.name}'` : ''}`],
          ...(edit ? { fix: { title: "Add 'automountServiceAccountToken: false' to the pod spec", edits: [edit] } } : {}),
        });
      }
    },
  },
});

function looksLikeApiClient(pod: PodSpec): boolean {
  return [...pod.initContainers, ...pod.containers].some((container) => {
    const image = scalarToString(container.fields.get('image')?.value) ?? '';
    return API_CLIENT.test(container.name ?? '') || API_CLIENT.test(image);
  });
}

/** Whether a (Cluster)RoleBinding names the ServiceAccount `account` of this namespace (or of any, when unknown). */
function bindsAccount(yaml: YamlDoc, binding: K8sObject, account: string, namespace: string | undefined): boolean {
  const subjects = binding.fields.get('subjects')?.value;
  if (!isSeq(subjects)) return false;
  return seqItems(yaml, subjects).some((subject) => {
    if (!isMap(subject)) return false;
    const fields = mapFields(yaml, subject);
    if (scalarToString(fields.get('kind')?.value) !== 'ServiceAccount' || scalarToString(fields.get('name')?.value) !== account) return false;
    const subjectNamespace = scalarToString(fields.get('namespace')?.value) ?? binding.namespace;
    return namespace === undefined || subjectNamespace === undefined || subjectNamespace === namespace;
  });
}

/** The workload's `metadata.name` value, else its `kind` value: one finding a workload. */
function anchor(yaml: YamlDoc, object: K8sObject): Span {
  const metadata = object.fields.get('metadata')?.value;
  const name = isMap(metadata) ? mapFields(yaml, metadata).get('name')?.value : undefined;
  if (name) return spanOf(name);
  const kind = object.fields.get('kind')!;
  return kind.value ? spanOf(kind.value) : kind.keySpan;
}
