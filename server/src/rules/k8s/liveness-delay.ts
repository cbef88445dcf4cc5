import { probeFailureWindow, probeNumber } from '../../engine/model/k8s';
import { containerLabel, isAuthoredContainer } from '../../engine/model/k8sContainer';
import { defineRule } from '../../engine/core/rule';
import { setMapNumber } from '../../engine/edits/yamlEdit';
import { spanOf } from '../../engine/yaml/yamlFile';

/** Seconds the fix puts liveness's failure window beyond readiness's. */
const LIVENESS_DELAY_MARGIN = 10;

export default defineRule({
  id: 'k8s/liveness-delay',
  presets: { recommended: 'off', strict: 'info' },
  dora: ['time-to-restore', 'change-failure-rate'],
  capabilities: ['monitoring-and-observability'],
  fixable: 'suggestion',
  messages: {
    early: (container: string, live: number, ready: number) =>
      `${container}: with no startupProbe, the livenessProbe restarts a container whose check still fails ${live}s after it started (initialDelaySeconds + failureThreshold × periodSeconds), no later than the readinessProbe's window of ${ready}s. A slow start (cold cache, migrations, a busy node) can get the container restarted before it was ever ready, over and over.`,
  },
  docs: {
    summary: 'Without a startupProbe, liveness should give a starting container more time than readiness does.',
    rationale:
      'Readiness failing during startup is harmless: the pod simply gets no traffic yet. Liveness failing during startup restarts the container, which starts the slow startup again. How long each probe gives a container that does not answer is its failure window, `initialDelaySeconds + failureThreshold × periodSeconds` (0 + 3 × 10 seconds when unset). If liveness\'s window is no longer than readiness\'s, any start that takes longer than usual (a cold JIT, a large cache to load, a node under pressure) turns into a restart loop that never lets the pod become ready, and it tends to happen exactly when many pods restart at once.',
    symptom:
      'After a node failure or a large rollout, pods restart repeatedly with liveness failures in their events and never reach Ready, although each one would have started fine given a few more seconds.',
    fix: `Give the container a startupProbe that covers the worst-case start time (liveness and readiness wait for it), or make liveness\'s failure window longer than readiness\'s (a later \`initialDelaySeconds\` or a higher \`failureThreshold\`); the suggested fix raises liveness\'s \`initialDelaySeconds\` until its window is ${LIVENESS_DELAY_MARGIN} seconds longer. Containers with a startupProbe are not flagged, nor Kustomize patches that leave a timing field to the base.`,
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
          readinessProbe:
            httpGet: { path: /health/ready, port: 8080 }
            initialDelaySeconds: 30
          livenessProbe:
            httpGet: { path: /health/live, port: 8080 }
            initialDelaySeconds: 10
            failureThreshold: 5
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
          readinessProbe:
            httpGet: { path: /health/ready, port: 8080 }
            initialDelaySeconds: 30
          livenessProbe:
            httpGet: { path: /health/live, port: 8080 }
            initialDelaySeconds: 30
            failureThreshold: 5
`,
  },
  visit: {
    container(container, ctx) {
      const liveness = container.livenessProbe;
      const readiness = container.readinessProbe;
      if (!isAuthoredContainer(ctx.doc, container) || container.startupProbe || !liveness?.handler || !readiness?.handler) return;
      const partial = container.pod.owner.partial;
      const live = probeFailureWindow(liveness, partial);
      const ready = probeFailureWindow(readiness, partial);
      if (live === undefined || ready === undefined || live > ready) return;
      const node = liveness.fields.get('initialDelaySeconds')?.value;
      // Known numbers: probeFailureWindow read them all.
      const target = probeNumber(liveness, 'initialDelaySeconds') + ready - live + LIVENESS_DELAY_MARGIN;
      const edit = readiness.node === liveness.node || !liveness.node ? undefined : setMapNumber(ctx.file, ctx.doc, liveness.node, 'initialDelaySeconds', target);
      ctx.report({
        span: node ? spanOf(node) : liveness.keySpan,
        message: 'early',
        args: [containerLabel(container), live, ready],
        ...(edit ? { fix: { title: `Set liveness initialDelaySeconds: ${target}`, edits: [edit] } } : {}),
      });
    },
  },
});
