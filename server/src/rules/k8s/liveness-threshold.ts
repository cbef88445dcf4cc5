import { LIVENESS_FAILURE_THRESHOLD, PROBE_DEFAULTS, probeNumber } from '../../engine/model/k8s';
import { containerLabel, isAuthoredContainer } from '../../engine/model/k8sContainer';
import { defineRule } from '../../engine/core/rule';
import { setMapNumber } from '../../engine/edits/yamlEdit';
import { scalarToNumber, spanOf } from '../../engine/yaml/yamlFile';

const DEFAULT_FAILURE_THRESHOLD = 3;

export default defineRule({
  id: 'k8s/liveness-threshold',
  presets: { recommended: 'info', strict: 'info' },
  dora: ['time-to-restore', 'change-failure-rate'],
  fixable: 'suggestion',
  messages: {
    low: (container: string, threshold: number, set: boolean, window: number) =>
      `${container}: the livenessProbe restarts the container after ${threshold} failed check${threshold === 1 ? '' : 's'}${set ? '' : ' (the default)'} (about ${window}s of failing checks). A short stall (GC pause, CPU throttling, a slow request burst) is then enough for a restart, and restarts under load feed more restarts; use at least ${LIVENESS_FAILURE_THRESHOLD}.`,
  },
  docs: {
    summary: `A livenessProbe should tolerate at least ${LIVENESS_FAILURE_THRESHOLD} consecutive failures before restarting.`,
    rationale:
      'A failed liveness check kills the container, which is the most disruptive thing a probe can do. With the default `failureThreshold: 3` a few slow answers in a row are enough, and slow answers are exactly what a pod under load produces: the restart removes capacity, the remaining pods get more load, they fail liveness too, and the service spirals into a restart loop. Liveness exists for processes that are truly stuck, which a few extra periods of patience do not hurt.',
    symptom:
      'Restart counts climb during traffic peaks or garbage-collection pauses, pods flap in and out of CrashLoopBackOff, and the outage outlasts the load spike that started it.',
    fix: `Set \`failureThreshold: ${LIVENESS_FAILURE_THRESHOLD}\` (or more) on the livenessProbe; the suggested fix does. Readiness can stay strict: failing it only takes the pod out of traffic. A probe whose \`failureThreshold × periodSeconds\` already reaches 50 seconds (say 3 × 20s) is not flagged; init containers and Kustomize patches that do not set the field are not checked.`,
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
            failureThreshold: 2
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
            failureThreshold: 5
`,
  },
  visit: {
    container(container, ctx) {
      const liveness = container.livenessProbe;
      if (!isAuthoredContainer(ctx.doc, container) || !liveness) return;
      const node = liveness.fields.get('failureThreshold')?.value;
      // A patch that does not set the field leaves the base's value alone: nothing to judge.
      if (node === undefined && (container.pod.owner.partial || !liveness.handler)) return;
      const threshold = node === undefined ? DEFAULT_FAILURE_THRESHOLD : scalarToNumber(node);
      if (threshold === undefined || threshold >= LIVENESS_FAILURE_THRESHOLD) return;
      // A slow period already gives a long enough grace (3 × 30s): the count alone is not the problem.
      const window = threshold * probeNumber(liveness, 'periodSeconds');
      if (window >= LIVENESS_FAILURE_THRESHOLD * PROBE_DEFAULTS.periodSeconds) return;
      // A probe shared with readiness through an alias would change both.
      const shared = container.readinessProbe?.node === liveness.node || container.startupProbe?.node === liveness.node;
      const edit = shared ? undefined : setMapNumber(ctx.file, ctx.doc, liveness.node, 'failureThreshold', LIVENESS_FAILURE_THRESHOLD);
      ctx.report({
        span: node ? spanOf(node) : liveness.keySpan,
        message: 'low',
        args: [containerLabel(container), threshold, node !== undefined, window],
        ...(edit ? { fix: { title: `Set liveness failureThreshold: ${LIVENESS_FAILURE_THRESHOLD}`, edits: [edit] } } : {}),
      });
    },
  },
});
