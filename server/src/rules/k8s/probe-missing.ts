import { LONG_RUNNING_KINDS } from '../../engine/model/k8s';
import { containerLabel, containerSpan, isAuthoredContainer } from '../../engine/model/k8sContainer';
import { defineRule } from '../../engine/core/rule';

// Ports that only serve scrapes and diagnostics: no Service sends user traffic to them, so readiness does not gate anything.
const DIAGNOSTIC_PORT = /metrics|prom|pprof|debug|profil|health|monitor/i;
// Kinds that replace their pods in a rolling update; a bare ReplicaSet or a ReplicationController only replaces and scales.
const ROLLING_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Rollout']);

export default defineRule({
  id: 'k8s/probe-missing',
  presets: { recommended: 'off', strict: 'warning' },
  dora: ['change-failure-rate', 'time-to-restore'],
  capabilities: ['monitoring-and-observability'],
  fixable: false,
  messages: {
    readiness: (container: string, kind: string) =>
      `${container} of this ${kind} serves ports but has no readinessProbe: it gets traffic the moment it starts, before it can answer, and keeps getting it when it stops answering. During a rollout the old pods go away while the new ones still fail requests.`,
    readinessNoRollout: (container: string, kind: string) =>
      `${container} of this ${kind} serves ports but has no readinessProbe: every new pod (a replacement, a scale-up) gets traffic the moment it starts, before it can answer, and keeps getting it when it stops answering.`,
    liveness: (container: string) =>
      `${container} has no livenessProbe: if the process hangs without exiting (deadlock, stuck event loop), Kubernetes never restarts it.`,
  },
  docs: {
    summary: 'Long-running containers that serve ports need a readinessProbe (and should have a livenessProbe).',
    rationale:
      'Without a readinessProbe Kubernetes treats a container as ready as soon as its process starts. A rolling update then sends requests to pods that are still warming up and removes old pods as soon as the new ones "start", so a release that cannot serve at all still completes and takes the service down with it. A livenessProbe is the safety net for a process that is alive but stuck: without one, a hung pod keeps its place until someone notices.',
    symptom:
      'Every deploy shows a burst of 502/503 errors or connection resets; a broken build rolls out to all replicas instead of stalling; a deadlocked pod stays "Running" for hours.',
    fix: 'Add a readinessProbe that answers only when the container can serve (for example `/health/ready` or `/readyz`), and a cheap livenessProbe that checks only the process itself (`/health/live`, `/livez`). Only long-running workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Argo Rollout) with `ports` are checked, except containers whose ports are all named for metrics or diagnostics (`metrics`, `http-metrics`, `pprof`); Jobs, CronJobs, init containers and Kustomize patches are not. A container whose ports are all UDP or SCTP gets no readiness advice (a probe cannot check them), and a missing livenessProbe is only a hint.',
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
      if (!isAuthoredContainer(ctx.doc, container) || object.partial || !LONG_RUNNING_KINDS.has(object.kind)) return;
      const serving = container.ports.filter((port) => port.name === undefined || !DIAGNOSTIC_PORT.test(port.name));
      if (serving.length === 0) return;
      const label = containerLabel(container);
      // A probe checks over TCP (or runs a command): a container that serves only UDP or SCTP gets no readiness advice.
      if (!container.readinessProbe && serving.some((port) => port.protocol === 'TCP')) {
        ctx.report({ span: containerSpan(container), message: ROLLING_KINDS.has(object.kind) ? 'readiness' : 'readinessNoRollout', args: [label, object.kind] });
      }
      if (!container.livenessProbe) ctx.report({ span: containerSpan(container), message: 'liveness', args: [label], severity: 'hint' });
    },
  },
});
