import { PROBE_DEFAULTS, type Probe } from '../../engine/model/k8s';
import { containerLabel, isAuthoredContainer } from '../../engine/model/k8sContainer';
import { defineRule } from '../../engine/core/rule';
import { setMapNumber } from '../../engine/edits/yamlEdit';
import { scalarToNumber, spanOf } from '../../engine/yaml/yamlFile';

/**
 * The shortest liveness failure window (failureThreshold × periodSeconds) that is not clearly too short: half of
 * Kubernetes' default (3 × 10s). Below it a stall of a few seconds restarts the container; above it, how much
 * patience a service needs is a judgement about that service, not a defect.
 */
const MIN_FAILURE_WINDOW = 15;

export default defineRule({
  id: 'k8s/liveness-threshold',
  presets: { recommended: 'off', strict: 'info' },
  dora: ['time-to-restore', 'change-failure-rate'],
  capabilities: ['monitoring-and-observability'],
  fixable: 'suggestion',
  messages: {
    short: (container: string, threshold: number, set: boolean, window: number, suggested: number) =>
      `${container}: the livenessProbe restarts the container after ${threshold} failed check${threshold === 1 ? '' : 's'} (${set ? '' : 'the default; '}about ${window}s of failing checks). A short stall (GC pause, CPU throttling, a slow request burst) is then enough for a restart, and restarts under load feed more restarts; allow at least ${MIN_FAILURE_WINDOW}s (failureThreshold: ${suggested}).`,
    single: (container: string, suggested: number) =>
      `${container}: the livenessProbe restarts the container after a single failed check, so one slow or lost answer (GC pause, CPU throttling, a dropped connection) is enough for a restart, and restarts under load feed more restarts; use failureThreshold: ${suggested}.`,
  },
  docs: {
    summary: `A livenessProbe should not restart a container after a single failed check, or after less than ${MIN_FAILURE_WINDOW} seconds of failing checks.`,
    rationale: `A failed liveness check kills the container, which is the most disruptive thing a probe can do. The time a container may fail its checks before the restart is about \`failureThreshold × periodSeconds\` (3 × 10s = 30s with Kubernetes' defaults). When that window is shorter than ${MIN_FAILURE_WINDOW} seconds (half the default), or \`failureThreshold: 1\` makes a single failed check enough, a stall of a few seconds (a garbage-collection pause, CPU throttling under a tight limit, a controller waiting on the API server) restarts a process that was about to recover, and slow answers are exactly what a pod under load produces: the restart removes capacity, the remaining pods get more load, they fail liveness too, and the service spirals into a restart loop. Windows of ${MIN_FAILURE_WINDOW} seconds and more, Kubernetes' default among them, are left alone: how much patience a service needs beyond that depends on the service.`,
    symptom:
      'Restart counts climb during traffic peaks or garbage-collection pauses, pods flap in and out of CrashLoopBackOff, and the outage outlasts the load spike that started it.',
    fix: `Raise \`failureThreshold\` (or \`periodSeconds\`) until \`failureThreshold × periodSeconds\` reaches at least ${MIN_FAILURE_WINDOW} seconds; the suggested fix sets \`failureThreshold\` to the smallest value that does, and to at least 3 (Kubernetes' default). Readiness can stay strict: failing it only takes the pod out of traffic. Init containers, and Kustomize patches that leave the threshold or period to their base, are not checked.`,
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
          livenessProbe:
            httpGet: { path: /health/live, port: 8080 }
            periodSeconds: 3
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
          livenessProbe:
            httpGet: { path: /health/live, port: 8080 }
            periodSeconds: 3
            failureThreshold: 5
`,
  },
  visit: {
    container(container, ctx) {
      const liveness = container.livenessProbe;
      if (!isAuthoredContainer(ctx.doc, container) || !liveness) return;
      const partial = container.pod.owner.partial;
      const node = liveness.fields.get('failureThreshold')?.value;
      // A patch that does not set the field leaves the base's value alone: nothing to judge.
      if (node === undefined && (partial || liveness.unknown || !liveness.handler)) return;
      // The API server turns an explicit 0 into the default, like an absent field.
      const written = node === undefined ? undefined : scalarToNumber(node);
      const threshold = written === undefined || written === 0 ? PROBE_DEFAULTS.failureThreshold : written;
      if (node !== undefined && (written === undefined || written < 0)) return;
      const period = periodOf(liveness, partial || liveness.unknown);
      const window = period === undefined ? undefined : threshold * period;
      const single = written === 1;
      if (!single && (window === undefined || window >= MIN_FAILURE_WINDOW)) return;
      const suggested = Math.max(PROBE_DEFAULTS.failureThreshold, period === undefined ? 0 : Math.ceil(MIN_FAILURE_WINDOW / period));
      // A probe shared with readiness through an alias would change both.
      const shared = container.readinessProbe?.node === liveness.node || container.startupProbe?.node === liveness.node;
      const edit = shared || !liveness.node ? undefined : setMapNumber(ctx.file, ctx.doc, liveness.node, 'failureThreshold', suggested);
      const label = containerLabel(container);
      const span = node ? spanOf(node) : liveness.keySpan;
      const fix = edit ? { fix: { title: `Set liveness failureThreshold: ${suggested}`, edits: [edit] } } : {};
      if (single || window === undefined) ctx.report({ span, message: 'single', args: [label, suggested], ...fix });
      else ctx.report({ span, message: 'short', args: [label, threshold, written !== undefined && written !== 0, window, suggested], ...fix });
    },
  },
});

/** `periodSeconds` with Kubernetes' default (also for 0, as the API server does); undefined when it cannot be read (a template) or a patch leaves it to its base. */
function periodOf(probe: Probe, partial: boolean): number | undefined {
  const node = probe.fields.get('periodSeconds')?.value;
  if (node === undefined) return partial ? undefined : PROBE_DEFAULTS.periodSeconds;
  const period = scalarToNumber(node);
  if (period === 0) return PROBE_DEFAULTS.periodSeconds;
  return period !== undefined && period > 0 ? period : undefined;
}
