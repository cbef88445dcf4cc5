import type { IndexView } from '../../engine/core/projectIndex';
import { type Container, type K8sObject, LONG_RUNNING_KINDS } from '../../engine/model/k8s';
import { containerLabel, containerSpan, isAuthoredContainer } from '../../engine/model/k8sContainer';
import { podLabels, readServiceSelector, selects } from '../../engine/model/k8sSelection';
import { defineRule } from '../../engine/core/rule';
import type { YamlDoc } from '../../engine/yaml/yamlFile';
import { isMap, isSeq, mapFields, scalarToString, seqItems } from '../../engine/yaml/yamlFile';
import { missingAsDeployed } from '../../engine/model/deployed';
import { scriptCommands } from '../../engine/languages/commandLine';

// Ports that only serve scrapes and diagnostics: no Service sends user traffic to them, so readiness does not gate anything.
const DIAGNOSTIC_PORT = /metrics|prom|pprof|debug|profil|health|monitor/i;
// Kinds that replace their pods in a rolling update; a bare ReplicaSet or a ReplicationController only replaces and scales.
const ROLLING_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Rollout', 'DeploymentConfig']);

export default defineRule({
  id: 'k8s/probe-missing',
  presets: { recommended: 'off', strict: 'warning' },
  dora: ['change-failure-rate', 'time-to-restore'],
  capabilities: ['monitoring-and-observability'],
  fixable: false,
  messages: {
    readiness: (container: string, kind: string, overlays = '') =>
      `${container} of this ${kind} serves ports but has no readinessProbe: it gets traffic the moment it starts, before it can answer, and keeps getting it when it stops answering. During a rollout the old pods go away while the new ones still fail requests.${overlays}`,
    readinessNoRollout: (container: string, kind: string, overlays = '') =>
      `${container} of this ${kind} serves ports but has no readinessProbe: every new pod (a replacement, a scale-up) gets traffic the moment it starts, before it can answer, and keeps getting it when it stops answering.${overlays}`,
    readinessPod: (container: string, overlays = '') =>
      `${container} of this Pod serves ports but has no readinessProbe: Services send it traffic the moment it starts, before it can answer, and keep sending it when it stops answering.${overlays}`,
    readinessService: (container: string, kind: string, service: string, overlays = '') =>
      `${container} of this ${kind} declares no ports, but Service '${service}' sends its pods traffic, and it has no readinessProbe: it gets requests the moment it starts, before it can answer, and keeps getting them when it stops answering.${overlays}`,
    liveness: (container: string, overlays = '') =>
      `${container} has no livenessProbe: if the process hangs without exiting (deadlock, stuck event loop), Kubernetes never restarts it.${overlays}`,
    noProbes: (container: string, kind: string, overlays = '') =>
      `${container} of this ${kind} has no readinessProbe or livenessProbe: Kubernetes only knows that its process is running, not whether it works. A process that hangs without exiting keeps running, and nothing restarts it.${overlays}`,
  },
  docs: {
    summary: 'Long-running containers that serve ports need a readinessProbe (and should have a livenessProbe); strict also hints at any long-running container with no probe at all.',
    rationale:
      'Without a readinessProbe Kubernetes treats a container as ready as soon as its process starts. A rolling update then sends requests to pods that are still warming up and removes old pods as soon as the new ones "start", so a release that cannot serve at all still completes and takes the service down with it. A livenessProbe is the safety net for a process that is alive but stuck: without one, a hung pod keeps its place until someone notices.',
    symptom:
      'Every deploy shows a burst of 502/503 errors or connection resets; a broken build rolls out to all replicas instead of stalling; a deadlocked pod stays "Running" for hours.',
    fix: 'Add a readinessProbe that answers only when the container can serve (for example `/health/ready` or `/readyz`), and a cheap livenessProbe that checks only the process itself (`/health/live`, `/livez`). Only long-running workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Argo Rollout, OpenShift DeploymentConfig, and bare Pods that restart always) are checked, when a container declares `ports` or, with no `ports`, is the only container of pods that a Service checked with it selects; except containers whose ports are all named for metrics or diagnostics (`metrics`, `http-metrics`, `pprof`); Jobs, CronJobs, init containers and Kustomize patches are not; a Kustomize base is judged as its overlays deploy it (a probe that a patch of every overlay adds counts). A container whose ports are all UDP or SCTP gets no readiness advice (a probe cannot check them), and a missing livenessProbe is only a hint. In `strict` (and `all`), a long-running container that gets none of this advice (no `ports`, or only metrics ports, and no Service that picks it) but has neither a readinessProbe nor a livenessProbe gets a hint: Kubernetes only knows its process is running, not whether it works. Not for containers whose command only waits (`sleep infinity`, `while true; do sleep 30; done`, `tail -f /dev/null`), nor for Jobs, init containers or patches.',
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
          image: ghcr.io/acme/web:2.1.0
          ports:
            - containerPort: 8080
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
      containers:
        - name: web
          image: ghcr.io/acme/web:2.1.0
          ports:
            - containerPort: 8080
          readinessProbe:
            httpGet: { path: /health/ready, port: 8080 }
          livenessProbe:
            httpGet: { path: /health/live, port: 8080 }
            failureThreshold: 5
`,
  },
  visit: {
    container(container, ctx) {
      const object = container.pod.owner;
      if (!isAuthoredContainer(ctx.doc, container) || object.partial || !longRunning(object, container)) return;
      const label = containerLabel(container);
      // No ports declared: it serves only if a Service sends its pods traffic, and then only a lone container can be the one.
      const service = container.fields.has('ports') || container.pod.containers.length !== 1 || idles(ctx.doc, container) ? undefined : selectingService(ctx.index, ctx.doc, object);
      const serving = container.ports.filter((port) => port.name === undefined || !DIAGNOSTIC_PORT.test(port.name));
      if (service === undefined && serving.length === 0) {
        // Strict only: a container that serves nothing we can see still runs unwatched when it has no probe at all.
        if (ctx.preset === 'recommended' || container.readinessProbe || container.livenessProbe || onlyWaits(ctx.doc, container)) return;
        const none = missingAsDeployed(ctx, container, (deployed) => deployed.has('readinessProbe') || deployed.has('livenessProbe'));
        if (none) ctx.report({ span: containerSpan(container), message: 'noProbes', args: [label, object.kind, none.note], severity: 'hint' });
        return;
      }
      if (service !== undefined) {
        const readiness = container.readinessProbe ? undefined : missingAsDeployed(ctx, container, (deployed) => deployed.has('readinessProbe'));
        if (readiness) ctx.report({ span: containerSpan(container), message: 'readinessService', args: [label, object.kind, service, readiness.note] });
      } else {
        // A probe checks over TCP (or runs a command): a container that serves only UDP or SCTP gets no readiness advice.
        // A base is judged as its kustomize overlays deploy it: a probe a patch adds counts.
        const readiness = container.readinessProbe || !serving.some((port) => port.protocol === 'TCP') ? undefined : missingAsDeployed(ctx, container, (deployed) => deployed.has('readinessProbe'));
        if (readiness) {
          const message = object.kind === 'Pod' ? 'readinessPod' : ROLLING_KINDS.has(object.kind) ? 'readiness' : 'readinessNoRollout';
          ctx.report({ span: containerSpan(container), message, args: message === 'readinessPod' ? [label, readiness.note] : [label, object.kind, readiness.note] });
        }
      }
      const liveness = container.livenessProbe ? undefined : missingAsDeployed(ctx, container, (deployed) => deployed.has('livenessProbe'));
      if (liveness) ctx.report({ span: containerSpan(container), message: 'liveness', args: [label, liveness.note], severity: 'hint' });
    },
  },
});

/** A long-running workload, or a bare Pod that restarts always (one that runs to completion is a task, like a Job). */
function longRunning(object: K8sObject, container: Container): boolean {
  if (object.kind === 'DeploymentConfig') return object.apiVersion.startsWith('apps.openshift.io/') || object.apiVersion === 'v1';
  if (LONG_RUNNING_KINDS.has(object.kind)) return true;
  if (object.kind !== 'Pod' || object.apiVersion !== 'v1') return false;
  const policy = container.pod.fields.get('restartPolicy');
  return policy === undefined || scalarToString(policy.value) === 'Always';
}

/** A container that only waits (`sleep infinity`, `tail -f /dev/null`): a client or a shell kept around, not a server. */
function idles(yaml: YamlDoc, container: Container): boolean {
  const words = ['command', 'args'].flatMap((key) => {
    const node = container.fields.get(key)?.value;
    return isSeq(node) ? seqItems(yaml, node).map((item) => scalarToString(item) ?? '') : [];
  });
  return /(^|[\s/;&])(sleep\s+(infinity|inf|\d+[smhd]?)|tail\s+-f\s+\/dev\/null)(\s|$|;)/.test(words.join(' '));
}

// What a container that only waits runs: `sleep 3600`, `while true; do sleep 30; done`, `trap : TERM; sleep infinity & wait`, `tail -f /dev/null`.
const WAITING = new Set(['sleep', 'true', ':', 'done', 'wait', 'trap']);

/** A container whose command does nothing but wait (a shell or client kept around): it has no work a probe could check. */
function onlyWaits(yaml: YamlDoc, container: Container): boolean {
  const words = ['command', 'args'].flatMap((key) => {
    const node = container.fields.get(key)?.value;
    return isSeq(node) ? seqItems(yaml, node).map((item) => scalarToString(item)) : [];
  });
  if (words.length === 0 || words.some((word) => word === undefined)) return false;
  const commands = scriptCommands(words.map((word) => `'${word!.replaceAll("'", `'\\''`)}'`).join(' '));
  return commands.length > 0 && commands.every(({ program, args }) => WAITING.has(program) || (program === 'tail' && args.some((arg) => arg.value === '/dev/null')));
}

/** The name of a Service checked with the workload whose selector selects its pods, if any. */
function selectingService(index: IndexView, yaml: YamlDoc, object: K8sObject): string | undefined {
  const labels = podLabels(yaml, object);
  if (!labels || labels.size === 0) return undefined;
  for (const { object: service, doc } of index.objects('Service', object)) {
    if (service.apiVersion !== 'v1') continue;
    const spec = service.fields.get('spec')?.value;
    if (!isMap(spec)) continue;
    const fields = mapFields(doc, spec);
    if (scalarToString(fields.get('type')?.value) === 'ExternalName') continue;
    const selector = readServiceSelector(doc, fields.get('selector')?.value);
    if (!selector || selector.matchLabels.size === 0 || !selects(selector, labels)) continue;
    // A Service only for scrapes (every port named for metrics or diagnostics) sends no user traffic.
    const ports = fields.get('ports')?.value;
    const names = isSeq(ports) ? seqItems(doc, ports).map((port) => (isMap(port) ? [scalarToString(mapFields(doc, port).get('name')?.value), scalarToString(mapFields(doc, port).get('targetPort')?.value)].filter(Boolean).join(' ') : '')) : [];
    if (names.length > 0 && names.every((name) => DIAGNOSTIC_PORT.test(name))) continue;
    return service.name ?? 'unnamed';
  }
  return undefined;
}
