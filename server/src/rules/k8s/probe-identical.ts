import type { TextEdit } from '../../engine/core/finding';
import { type Container, LIVENESS_FAILURE_THRESHOLD, type Probe, type ProbeHandler, probeFailureWindow, probeNumber } from '../../engine/model/k8s';
import { containerLabel } from '../../engine/model/k8sContainer';
import { defineRule } from '../../engine/core/rule';
import { setMapNumber } from '../../engine/edits/yamlEdit';
import { isMap, isSeq, mapFields, scalarToNumber, scalarToString, seqItems, type YamlFile, type YamlDoc } from '../../engine/yaml/yamlFile';

export default defineRule({
  id: 'k8s/probe-identical',
  presets: { recommended: 'off', strict: 'warning' },
  dora: ['change-failure-rate', 'time-to-restore'],
  capabilities: ['monitoring-and-observability'],
  fixable: 'suggestion',
  messages: {
    identical: (container: string, handler: string, live: number, ready: number) =>
      `${container}: readinessProbe and livenessProbe both check ${handler}, and liveness acts no later than readiness (after ${live}s of failing checks, against ${ready}s). Whenever the check fails for a while (a slow start, a stall under load), the container is restarted instead of only being taken out of traffic until it recovers. Let liveness tolerate failures longer (a higher failureThreshold), or give it a check of its own.`,
  },
  docs: {
    summary: 'When readiness and liveness call the same check, liveness must tolerate failures longer than readiness.',
    rationale:
      'The two probes answer different questions. Readiness asks "should this pod get traffic right now?"; failing it only removes the pod from the Service endpoints until the check passes again. Liveness asks "is this process wedged beyond repair?"; failing it restarts the container. Both may call the same cheap endpoint (the Kubernetes documentation suggests exactly that), as long as liveness gives up later: then a pod that is slow for a while is first taken out of traffic and gets time to recover. If liveness gives up no later than readiness, every failure long enough to take the pod out of traffic restarts it too; under load the restarts remove capacity, the remaining pods slow down as well, and a brownout becomes an outage. How long a probe waits before acting is its failure window, `initialDelaySeconds + failureThreshold × periodSeconds` (0 + 3 × 10 seconds when unset).',
    symptom:
      'During a load spike or a slow dependency pods go into CrashLoopBackOff although the processes were fine; restarts pile up, capacity drops and the incident lasts far longer than the slowdown that caused it.',
    fix: `Raise the livenessProbe's \`failureThreshold\` until its failure window is longer than readiness's (the suggested fix does, to at least ${LIVENESS_FAILURE_THRESHOLD}), or point liveness at a check of its own that looks only at the process (\`/livez\`, \`/health/live\`). Only containers whose two probes call the same handler (the same path and port, resolving named ports; the same TCP port; the same command; the same gRPC port and service) and whose liveness window is no longer than readiness's are flagged.`,
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
          image: ghcr.io/acme/api:1.4.2
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            httpGet:
              path: /health
              port: http
          livenessProbe:
            httpGet:
              path: /health
              port: 8080
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
          image: ghcr.io/acme/api:1.4.2
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            httpGet:
              path: /health
              port: http
          livenessProbe:
            httpGet:
              path: /health
              port: 8080
            failureThreshold: 5
`,
  },
  visit: {
    container(container, ctx) {
      if (container.role !== 'container') return;
      const readiness = container.readinessProbe;
      const liveness = container.livenessProbe;
      if (!readiness?.handler || !liveness?.handler) return;
      const ready = describeHandler(ctx.doc, container, readiness.handler);
      const live = describeHandler(ctx.doc, container, liveness.handler);
      if (ready === undefined || ready.key !== live?.key) return;
      const partial = container.pod.owner.partial;
      const liveWindow = probeFailureWindow(liveness, partial);
      const readyWindow = probeFailureWindow(readiness, partial);
      // Liveness that waits longer than readiness is the pattern the Kubernetes documentation recommends.
      if (liveWindow === undefined || readyWindow === undefined || liveWindow > readyWindow) return;
      const fix = tolerateLonger(ctx.file, ctx.doc, readiness, liveness, readyWindow);
      ctx.report({ span: liveness.keySpan, message: 'identical', args: [containerLabel(container), live.label, liveWindow, readyWindow], ...(fix ? { fix } : {}) });
    },
  },
});

interface HandlerIdentity {
  /** Equal keys mean the same check. */
  key: string;
  label: string;
}

function describeHandler(yaml: YamlDoc, container: Container, handler: ProbeHandler): HandlerIdentity | undefined {
  const fields = handler.fields;
  const port = resolvePort(container, fields.get('port')?.value);
  switch (handler.type) {
    case 'httpGet': {
      if (port === undefined) return undefined;
      const path = scalarToString(fields.get('path')?.value) ?? '/';
      const scheme = (scalarToString(fields.get('scheme')?.value) ?? 'HTTP').toUpperCase();
      const host = scalarToString(fields.get('host')?.value) ?? '';
      // Some servers answer liveness and readiness on one path, told apart by a header.
      const headers = fields.get('httpHeaders')?.value;
      const headerKey = isSeq(headers)
        ? JSON.stringify(seqItems(yaml, headers).map((item) => (isMap(item) ? [...mapFields(yaml, item)].map(([key, field]) => `${key}=${scalarToString(field.value) ?? ''}`) : [])))
        : '';
      return { key: `http ${scheme} ${host} ${port.key} ${path} ${headerKey}`, label: `GET ${path} on port ${port.label}` };
    }
    case 'tcpSocket':
      return port === undefined ? undefined : { key: `tcp ${port.key}`, label: `TCP port ${port.label}` };
    case 'grpc': {
      if (port === undefined) return undefined;
      const service = scalarToString(fields.get('service')?.value) ?? '';
      return { key: `grpc ${port.key} ${service}`, label: `gRPC port ${port.label}${service ? ` (service ${service})` : ''}` };
    }
    case 'exec': {
      const command = fields.get('command')?.value;
      if (!isSeq(command)) return undefined;
      const words = seqItems(yaml, command).map((item) => scalarToString(item) ?? '');
      if (words.length === 0) return undefined;
      return { key: `exec ${JSON.stringify(words)}`, label: `'${words.join(' ')}'` };
    }
  }
}

/** A probe port as a comparable key: named ports resolve through the container's ports; unknown names stay names. */
function resolvePort(container: Container, node: unknown): { key: string; label: string } | undefined {
  const number = scalarToNumber(node);
  if (number !== undefined) return { key: `#${number}`, label: String(number) };
  const name = scalarToString(node);
  if (name === undefined) return undefined;
  const declared = container.ports.find((port) => port.name === name)?.containerPort;
  return declared !== undefined ? { key: `#${declared}`, label: `${name} (${declared})` } : { key: `name:${name}`, label: name };
}

/**
 * Raises liveness's failureThreshold (to at least LIVENESS_FAILURE_THRESHOLD) until its failure window is longer than
 * readiness's; undefined when the probes are one node (an alias: both would change) or the period is not positive.
 */
function tolerateLonger(file: YamlFile, yaml: YamlDoc, readiness: Probe, liveness: Probe, readyWindow: number): { title: string; edits: TextEdit[] } | undefined {
  const period = probeNumber(liveness, 'periodSeconds');
  if (readiness.node === liveness.node || !liveness.node || period <= 0) return undefined;
  const needed = Math.floor((readyWindow - probeNumber(liveness, 'initialDelaySeconds')) / period) + 1;
  const threshold = Math.max(needed, LIVENESS_FAILURE_THRESHOLD);
  const edit = setMapNumber(file, yaml, liveness.node, 'failureThreshold', threshold);
  return edit && { title: `Set liveness failureThreshold: ${threshold} (longer than readiness's window)`, edits: [edit] };
}
