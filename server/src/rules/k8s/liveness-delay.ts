import type { Probe } from '../../engine/model/k8s';
import { containerLabel, isAuthoredContainer } from '../../engine/model/k8sContainer';
import { defineRule } from '../../engine/core/rule';
import { setMapNumber } from '../../engine/edits/yamlEdit';
import { scalarToNumber, spanOf } from '../../engine/yaml/yamlFile';

/** Seconds the fix puts liveness's initialDelaySeconds above readiness's (k8s/probe-identical uses the same). */
export const LIVENESS_DELAY_MARGIN = 10;

export default defineRule({
  id: 'k8s/liveness-delay',
  presets: { recommended: 'info', strict: 'info' },
  dora: ['time-to-restore', 'change-failure-rate'],
  fixable: 'suggestion',
  messages: {
    early: (container: string, live: number, ready: number) =>
      `${container}: the livenessProbe starts after ${live}s, no later than the readinessProbe (${ready}s), and there is no startupProbe. A slow start (cold cache, migrations, a busy node) can get the container restarted before it was ever ready, over and over.`,
  },
  docs: {
    summary: 'Without a startupProbe, liveness should start checking later than readiness.',
    rationale:
      'Readiness failing during startup is harmless: the pod simply gets no traffic yet. Liveness failing during startup restarts the container, which starts the slow startup again. If liveness begins no later than readiness, any start that takes longer than usual (a cold JIT, a large cache to load, a node under pressure) turns into a restart loop that never lets the pod become ready, and it tends to happen exactly when many pods restart at once.',
    symptom:
      'After a node failure or a large rollout, pods restart repeatedly with liveness failures in their events and never reach Ready, although each one would have started fine given a few more seconds.',
    fix: `Give the container a startupProbe that covers the worst-case start time (liveness and readiness wait for it), or set the livenessProbe's \`initialDelaySeconds\` above the readinessProbe's; the suggested fix sets it to readiness's plus ${LIVENESS_DELAY_MARGIN} seconds. Containers with a startupProbe are not flagged.`,
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
            initialDelaySeconds: 10
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
            initialDelaySeconds: 10
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
      const live = delayOf(liveness, partial);
      const ready = delayOf(readiness, partial);
      if (live === undefined || ready === undefined || live > ready) return;
      const node = liveness.fields.get('initialDelaySeconds')?.value;
      const target = ready + LIVENESS_DELAY_MARGIN;
      const edit = readiness.node === liveness.node ? undefined : setMapNumber(ctx.file, ctx.doc, liveness.node, 'initialDelaySeconds', target);
      ctx.report({
        span: node ? spanOf(node) : liveness.keySpan,
        message: 'early',
        args: [containerLabel(container), live, ready],
        ...(edit ? { fix: { title: `Set liveness initialDelaySeconds: ${target}`, edits: [edit] } } : {}),
      });
    },
  },
});

/** The probe's initialDelaySeconds; undefined when unreadable, or unset in a patch (the base decides). */
function delayOf(probe: Probe, partial: boolean): number | undefined {
  const node = probe.fields.get('initialDelaySeconds')?.value;
  if (node === undefined) return partial ? undefined : 0;
  return scalarToNumber(node);
}
