import type { TextEdit } from '../../engine/core/finding';
import { type Container, LIVENESS_FAILURE_THRESHOLD, type Probe, type ProbeHandler, probeNumber } from '../../engine/model/k8s';
import { defineRule } from '../../engine/core/rule';
import { insertMapEntry, replaceScalar } from '../../engine/edits/yamlEdit';
import { isMap, isScalar, isSeq, mapFields, scalarToNumber, scalarToString, seqItems, type YamlFile, type YamlDoc } from '../../engine/yaml/yamlFile';

/** Liveness failureThreshold the fix raises to: tolerates a transient stall of five periods. */

export default defineRule({
  id: 'k8s/probe-identical',
  presets: { recommended: 'warning', strict: 'warning' },
  dora: ['change-failure-rate', 'time-to-restore'],
  fixable: 'suggestion',
  messages: {
    identical: (container: string, handler: string) =>
      `${container}: readinessProbe and livenessProbe both check ${handler}. When a dependency slows down, Kubernetes will restart healthy pods instead of only taking them out of traffic. Give liveness its own in-process check.`,
    softened: (container: string, handler: string, live: number, ready: number) =>
      `${container}: readinessProbe and livenessProbe both check ${handler}. Liveness waits ${live}s before a restart against ${ready}s for readiness, which softens the restart loop but does not remove it: give liveness its own in-process check.`,
  },
  docs: {
    summary: 'Readiness and liveness probes must not call the same check.',
    rationale:
      'The two probes answer different questions. Readiness asks "should this pod get traffic right now?" and may depend on the database or downstream services; failing it only removes the pod from the Service endpoints. Liveness asks "is this process wedged beyond repair?" and failing it restarts the container. Wiring both to the same endpoint means a slow dependency makes every replica fail liveness together, so Kubernetes restarts all of them, the restarts add load, and a brownout becomes an outage. A pod should be able to be live but not ready.',
    symptom:
      'During a database slowdown pods go into CrashLoopBackOff although the application itself was fine; restarts pile up, capacity drops and the incident lasts far longer than the slowdown that caused it.',
    fix: 'Point liveness at a cheap in-process check (`/livez`, `/health/live`: event loop alive, no deadlock) and readiness at the dependency-aware one (`/readyz`, `/health/ready`). The suggested fix renames the paths (`/healthz` → `/livez` + `/readyz`, otherwise `<path>/live` + `<path>/ready`) — your application must serve them — and gives liveness a failureThreshold of at least 5 and a later initialDelaySeconds than readiness. Findings are softened to info when liveness already waits at least twice as long as readiness before acting (failure window = initialDelaySeconds + failureThreshold × periodSeconds).',
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
              path: /health/ready
              port: http
          livenessProbe:
            httpGet:
              path: /health/live
              port: http
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

      const name = container.name ? `Container \`${container.name}\`` : 'This container';
      const liveWindow = failureWindow(liveness);
      const readyWindow = failureWindow(readiness);
      const fix = splitProbes(ctx.file, container, readiness, liveness);
      const report = liveWindow >= 2 * readyWindow
        ? { message: 'softened' as const, args: [name, live.label, liveWindow, readyWindow] as [string, string, number, number], severity: 'info' as const }
        : { message: 'identical' as const, args: [name, live.label] as [string, string] };
      ctx.report({ span: liveness.keySpan, ...report, ...(fix ? { fix } : {}) });
    },
  },
});

/** Seconds of consecutive failures before the probe acts (ignoring timeouts). */
export function failureWindow(probe: Probe): number {
  return probeNumber(probe, 'initialDelaySeconds') + probeNumber(probe, 'failureThreshold') * probeNumber(probe, 'periodSeconds');
}

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
      return { key: `exec ${JSON.stringify(words)}`, label: `\`${words.join(' ')}\`` };
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

/** Split paths: `/healthz` → `/livez` + `/readyz`; otherwise `<path>/live` + `<path>/ready`. */
export function splitPath(path: string): { live: string; ready: string } {
  const query = path.indexOf('?');
  const base = query >= 0 ? path.slice(0, query) : path;
  const rest = query >= 0 ? path.slice(query) : '';
  if (base === '/healthz') return { live: `/livez${rest}`, ready: `/readyz${rest}` };
  const trimmed = withoutTrailing(base, '/');
  return { live: `${trimmed}/live${rest}`, ready: `${trimmed}/ready${rest}` };
}

/** The text without the copies of `char` it ends with. A loop, not `/\/+$/`, which retries from each `/` of a run not at the end (quadratic). */
function withoutTrailing(text: string, char: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === char) end--;
  return text.slice(0, end);
}

function splitProbes(file: YamlFile, container: Container, readiness: Probe, liveness: Probe): { title: string; edits: TextEdit[] } | undefined {
  // A probe shared through a YAML alias cannot be split by editing one place.
  if (readiness.node === liveness.node || readiness.handler?.type !== 'httpGet' || liveness.handler?.type !== 'httpGet') return undefined;
  const readyPath = readiness.handler.fields.get('path')?.value;
  const livePath = liveness.handler.fields.get('path')?.value;
  if (!isScalar(readyPath) || !isScalar(livePath) || readyPath === livePath) return undefined;
  const paths = splitPath(scalarToString(livePath) ?? '/');
  const edits = [replaceScalar(livePath, paths.live), replaceScalar(readyPath, paths.ready)];

  const threshold = liveness.fields.get('failureThreshold')?.value;
  if (probeNumber(liveness, 'failureThreshold') < LIVENESS_FAILURE_THRESHOLD) {
    edits.push(isScalar(threshold) ? replaceScalar(threshold, String(LIVENESS_FAILURE_THRESHOLD)) : insertMapEntry(file, liveness.node, `failureThreshold: ${LIVENESS_FAILURE_THRESHOLD}`));
  }
  const readyDelay = probeNumber(readiness, 'initialDelaySeconds');
  if (!container.startupProbe && probeNumber(liveness, 'initialDelaySeconds') <= readyDelay) {
    const delay = liveness.fields.get('initialDelaySeconds')?.value;
    const target = String(readyDelay + 10);
    edits.push(isScalar(delay) ? replaceScalar(delay, target) : insertMapEntry(file, liveness.node, `initialDelaySeconds: ${target}`));
  }
  if (edits.some((edit) => edit === undefined)) return undefined;
  return { title: `Split probes: liveness ${paths.live}, readiness ${paths.ready}`, edits: edits as TextEdit[] };
}
