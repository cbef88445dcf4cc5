import type { Severity } from '../../engine/core/finding';
import { containerLabel } from '../../engine/model/k8sContainer';
import { isControllerOwned, type PodSpec } from '../../engine/model/k8s';
import { defineRule } from '../../engine/core/rule';
import { isMap, isSeq, mapFields, scalarToBoolean, scalarToString, seqItems, spanOf, type Node, type YamlDoc } from '../../engine/yaml/yamlFile';

/** Host paths whose mount hands the container the node: the container runtime's socket, the node's root, its config, its kernel views, the kubelet's state. */
const HOST_PATHS = new Map<string, string>([
  ['/var/run/docker.sock', "the Docker socket: whoever talks to it starts privileged containers on the node"],
  ['/run/containerd/containerd.sock', "containerd's socket: whoever talks to it starts privileged containers on the node"],
  ['/var/run/containerd/containerd.sock', "containerd's socket: whoever talks to it starts privileged containers on the node"],
  ['/run/crio/crio.sock', "CRI-O's socket: whoever talks to it starts privileged containers on the node"],
  ['/', "the node's whole file system"],
  ['/etc', "the node's configuration, including its users and the kubelet's credentials"],
  ['/proc', "the node's process table and kernel settings"],
  ['/sys', "the node's kernel and device settings"],
  ['/var/lib/kubelet', "the kubelet's state, including every pod's mounted Secrets"],
  ['/var/lib/kubelet/pods', "every pod's volumes on the node, their mounted Secrets and tokens included"],
  ['/etc/kubernetes', "the node's Kubernetes configuration: the kubelet's credentials, on control-plane nodes the cluster's certificates"],
  ['/run', "the node's runtime directory, where the container runtime's socket lives"],
  ['/var/run', "the node's runtime directory, where the container runtime's socket lives"],
  ['/dev', "every device of the node, its disks included"],
  ['/proc/sys', "the node's kernel settings"],
  ['/root', "the node's root home directory"],
]);
const HOST_NAMESPACES = ['hostNetwork', 'hostPID', 'hostIPC'] as const;
const DANGEROUS_CAPABILITIES = new Set(['SYS_ADMIN', 'NET_ADMIN', 'ALL']);
const CAPABILITY_WORDS: Record<string, string> = {
  SYS_ADMIN: 'It lets the process mount file systems and use most administrative kernel calls: close to privileged, and a known way out of the container.',
  NET_ADMIN: "It lets the process rewrite routes, firewall rules and interfaces: the pod's own, and the node's when it shares the host network.",
  ALL: 'It gives every capability root has: privileged in all but name.',
};

export default defineRule({
  id: 'k8s/privileged',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['change-failure-rate', 'time-to-restore'],
  capabilities: ['shift-left-security'],
  fixable: false,
  messages: {
    privileged: (container: string) =>
      `${container} runs privileged: it has every capability and every device of the node, so a compromise of this container is a compromise of the node and of every pod on it.`,
    hostNamespace: (key: string, what: string) =>
      `'${key}: true' shares the node's ${what} with this pod: its containers can see or reach what other pods and the node itself do. Leave it off unless this is a node agent.`,
    hostPath: (path: string, what: string) =>
      `A hostPath volume mounts '${path}', ${what}. Through it a compromised container reaches past its own isolation into the node.`,
    otherHostPath: (path: string, use: string) =>
      `A hostPath volume mounts the node's '${path}' into this pod: the pod sees the files of whichever node it lands on, and ${use}. Unless the pod must see the node, a PersistentVolumeClaim, an emptyDir or a ConfigMap keeps it off the node's file system.`,
    capability: (container: string, capability: string) =>
      `${container} adds the '${capability}' capability. ${CAPABILITY_WORDS[capability] ?? ''} Add only the narrow capability the program needs, if any.`,
    escalation: (container: string) =>
      `${container} sets 'allowPrivilegeEscalation: true': a setuid program in the image can gain more privileges than the process started with. Set it to false unless the image needs sudo-like programs.`,
  },
  docs: {
    summary: 'Containers should not get the node: no privileged mode, host namespaces, node paths or near-root capabilities.',
    rationale:
      "A container is isolated from the node only as far as its settings keep it so. `privileged: true` removes the isolation outright; `hostNetwork`, `hostPID` and `hostIPC` share the node's network, processes and shared memory; a `hostPath` volume of the container runtime's socket (or `/run`, `/var/run` that hold it), `/`, `/etc`, `/etc/kubernetes`, `/dev`, `/proc/sys` or the kubelet's directories lets the container start containers, read every Secret mounted on the node, reach its disks, or rewrite its configuration; `SYS_ADMIN` is nearly `privileged` under another name; `allowPrivilegeEscalation: true` lets setuid programs gain root. Any bug in the application then becomes a breach of the node and of every workload scheduled on it, which is what turns an incident into a long one.\n\nNode agents (log shippers, CNI plugins, monitoring daemons) often need some of this: they run as DaemonSets, and the rule reports their settings as notes in the strict preset and not at all in the recommended one.\n\nThe strict preset also adds a hint on a `hostPath` volume of any other path outside a DaemonSet: it ties the pod to the files of whichever node it lands on, and a container that mounts it writable can change the node's files. It says whether every mount of it is read-only; a PersistentVolumeClaim, an `emptyDir` or a ConfigMap usually does the job without the node.",
    symptom:
      'A vulnerability scan or a penetration test reports that one compromised pod gave access to the node, to other teams\' Secrets, or to the cluster\'s control plane.',
    fix: "Remove the setting. If the workload truly needs one capability, add just that one (`NET_BIND_SERVICE`, not `SYS_ADMIN`), mount a narrower host path read-only, and run it in a namespace whose Pod Security admission level is `privileged` so the exception is explicit.",
    bad: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: builder
spec:
  selector:
    matchLabels: { app: builder }
  template:
    metadata:
      labels: { app: builder }
    spec:
      containers:
        - name: builder
          image: ghcr.io/acme/builder:1.4.0
          securityContext:
            privileged: true
`,
    good: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: builder
spec:
  selector:
    matchLabels: { app: builder }
  template:
    metadata:
      labels: { app: builder }
    spec:
      containers:
        - name: builder
          image: ghcr.io/acme/builder:1.4.0
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: [ALL]
`,
  },
  visit: {
    k8sObject(object, ctx) {
      if (isControllerOwned(ctx.doc, object)) return;
      // Node agents need host access: notes in strict, nothing in recommended.
      if (object.kind === 'DaemonSet' && ctx.preset === 'recommended') return;
      const mild: Severity | undefined = object.kind === 'DaemonSet' ? 'info' : undefined;
      for (const pod of object.podSpecs) {
        for (const key of HOST_NAMESPACES) {
          const value = pod.fields.get(key)?.value;
          if (scalarToBoolean(value) === true) ctx.report({ span: spanOf(value!), message: 'hostNamespace', args: [key, NAMESPACE_WORDS[key]], severity: mild ?? 'warning' });
        }
        for (const { node, path, volume } of hostPaths(ctx.doc, pod)) {
          const what = HOST_PATHS.get(normalise(path));
          if (what) ctx.report({ span: spanOf(node), message: 'hostPath', args: [path, what], severity: mild ?? 'warning' });
          // Any other host path ties the pod to a node's files: a strict hint, except in node agents, whose job that is.
          else if (ctx.preset !== 'recommended' && object.kind !== 'DaemonSet') {
            const use = mountedReadOnly(ctx.doc, pod, volume) ? 'its containers mount it read-only' : 'a container that mounts it writable can change those files on the node';
            ctx.report({ span: spanOf(node), message: 'otherHostPath', args: [path, use], severity: 'hint' });
          }
        }
        for (const container of [...pod.initContainers, ...pod.containers, ...pod.ephemeralContainers]) {
          const security = container.fields.get('securityContext')?.value;
          if (!isMap(security)) continue;
          const fields = mapFields(ctx.doc, security);
          const label = containerLabel(container);
          const privileged = fields.get('privileged')?.value;
          if (scalarToBoolean(privileged) === true) ctx.report({ span: spanOf(privileged!), message: 'privileged', args: [label], ...(mild ? { severity: mild } : {}) });
          const escalation = fields.get('allowPrivilegeEscalation')?.value;
          // Privileged implies escalation: one finding says it. Written out, it is usually deliberate (a binary with file
          // capabilities needs it): strict only.
          if (scalarToBoolean(escalation) === true && scalarToBoolean(privileged) !== true && ctx.preset !== 'recommended') ctx.report({ span: spanOf(escalation!), message: 'escalation', args: [label], severity: mild ?? 'warning' });
          const capabilities = fields.get('capabilities')?.value;
          const add = isMap(capabilities) ? mapFields(ctx.doc, capabilities).get('add')?.value : undefined;
          if (!isSeq(add)) continue;
          for (const item of seqItems(ctx.doc, add)) {
            const name = scalarToString(item)?.toUpperCase().replace(/^CAP_/, '');
            if (name && DANGEROUS_CAPABILITIES.has(name)) ctx.report({ span: spanOf(item), message: 'capability', args: [label, name], severity: mild ?? 'warning' });
          }
        }
      }
    },
  },
});

const NAMESPACE_WORDS: Record<(typeof HOST_NAMESPACES)[number], string> = {
  hostNetwork: 'network (its interfaces, and services listening on localhost)',
  hostPID: 'process table (it can see, signal and trace their processes)',
  hostIPC: 'shared memory and semaphores',
};

/** The path without trailing slashes (`/etc/` is `/etc`), `/` itself kept. */
function normalise(path: string): string {
  let end = path.length;
  while (end > 1 && path[end - 1] === '/') end--;
  return path.slice(0, end);
}

/** The `path` values of the pod's hostPath volumes, with the volume's name. */
function hostPaths(yaml: YamlDoc, pod: PodSpec): { node: Node; path: string; volume: string | undefined }[] {
  const volumes = pod.fields.get('volumes')?.value;
  if (!isSeq(volumes)) return [];
  return seqItems(yaml, volumes).flatMap((volume) => {
    if (!isMap(volume)) return [];
    const fields = mapFields(yaml, volume);
    const hostPath = fields.get('hostPath')?.value;
    if (!isMap(hostPath)) return [];
    const node = mapFields(yaml, hostPath).get('path')?.value;
    const path = scalarToString(node);
    return node && path !== undefined ? [{ node, path, volume: scalarToString(fields.get('name')?.value) }] : [];
  });
}

/** Whether the pod's containers mount the volume, and all of them with `readOnly: true`. */
function mountedReadOnly(yaml: YamlDoc, pod: PodSpec, volume: string | undefined): boolean {
  if (volume === undefined) return false;
  const readOnly = [...pod.initContainers, ...pod.containers, ...pod.ephemeralContainers].flatMap((container) => {
    const mounts = container.fields.get('volumeMounts')?.value;
    if (!isSeq(mounts)) return [];
    return seqItems(yaml, mounts).flatMap((mount) => {
      if (!isMap(mount)) return [];
      const fields = mapFields(yaml, mount);
      return scalarToString(fields.get('name')?.value) === volume ? [scalarToBoolean(fields.get('readOnly')?.value) === true] : [];
    });
  });
  return readOnly.length > 0 && readOnly.every(Boolean);
}
