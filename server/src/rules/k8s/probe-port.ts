import type { Span } from '../../engine/core/finding';
import type { Container, Probe } from '../../engine/model/k8s';
import { containerLabel, isAuthoredContainer } from '../../engine/model/k8sContainer';
import { defineRule } from '../../engine/core/rule';
import { isScalar, isSeq, scalarToNumber, scalarToString, spanOf } from '../../engine/yaml/yamlFile';
import type { Scalar } from 'yaml';

// A port name as Kubernetes accepts it (IANA_SVC_NAME); anything else is a placeholder we cannot judge.
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;
const PROBES = ['readinessProbe', 'livenessProbe', 'startupProbe'] as const;

export default defineRule({
  id: 'k8s/probe-port',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['change-failure-rate'],
  capabilities: ['monitoring-and-observability'],
  // Unquoting a number the API server rejects as a port name: the object could not be applied before.
  fixable: 'safe',
  messages: {
    quotedNumber: (container: string, probe: string, port: string) =>
      `${container}: the ${probe}'s port is the string '${port}', which Kubernetes reads as a port name, and a port name must contain a letter: the API server rejects the object. Write the number without quotes.`,
    unknownName: (container: string, probe: string, port: string, declared: string) =>
      `${container}: the ${probe} uses port '${port}', but no entry of 'ports' has that name (declared: ${declared}). The kubelet cannot resolve it, so the probe fails every time.`,
    noPorts: (container: string, probe: string, port: string) =>
      `${container}: the ${probe} uses port '${port}', but the container declares no 'ports', so no port has that name. The kubelet cannot resolve it, so the probe fails every time.`,
    notTcp: (container: string, probe: string, port: string, protocol: string) =>
      `${container}: the ${probe} checks port '${port}' over TCP, but that port is declared as ${protocol}. The probe connects to a TCP port nothing listens on and fails every time.`,
    undeclaredNumber: (container: string, probe: string, port: string, declared: string) =>
      `${container}: the ${probe} checks port ${port}, which is not among the container's declared ports (${declared}). If nothing listens on ${port} the probe fails; if it is a separate health or management port, declaring it in 'ports' (with a name) documents it and lets a Service or NetworkPolicy refer to it.`,
  },
  docs: {
    summary: 'A probe that names its port must use a TCP port name from the container\'s `ports`; strict also hints at a probe port number the container does not declare.',
    rationale:
      'Probes are the only thing that tells Kubernetes whether a pod can serve. A probe that names its port (`port: http`) is resolved against the container\'s `ports` list; when no entry has that name (it was renamed, or spelled `web` in one place and `http` in the other) the kubelet cannot resolve it and the probe fails every time: readiness never passes, so a rollout stalls or the pod gets no traffic, and liveness restarts the container in a loop. The mistake is easy to miss in review because both names look plausible on their own.',
    symptom:
      'New pods stay 0/1 Ready with "connection refused" or "port not found" probe events, or restart over and over in CrashLoopBackOff, although the application logs look healthy.',
    fix: 'Use a name that the container\'s `ports` list declares (names are compared exactly: `http` is not `web` or `HTTP`), or rename the port. A numeric port that is not declared is legal and common (a separate management or health port, such as 10254 in ingress-nginx or 8081 in controller-runtime), so the default preset does not report it; `strict` gives a hint when the container declares its ports and the number is not among them: if nothing listens there the probe fails, and if it is a separate port, declaring it (with a name) documents it and lets a Service or NetworkPolicy refer to it. A port number written in quotes (`port: "8080"`) is a name to Kubernetes, and names must contain a letter, so the API server rejects the object; the quick-fix removes the quotes. A container that declares no `ports` at all has no port names, so a named probe port there is reported too (except in a Kustomize patch, whose base may declare them); a name declared for a UDP or SCTP port is reported for HTTP and TCP probes, which connect over TCP. Probes that set `host` are not checked.',
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
            - name: http
              containerPort: 3000
          readinessProbe:
            httpGet: { path: /health/ready, port: web }
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
            - name: http
              containerPort: 3000
          readinessProbe:
            httpGet: { path: /health/ready, port: http }
`,
  },
  visit: {
    container(container, ctx) {
      if (!isAuthoredContainer(ctx.doc, container)) return;
      // No 'ports' at all: a patch may leave them to its base; a whole object declares none, so no name resolves.
      const noPorts = !container.fields.has('ports') && !container.pod.owner.partial;
      for (const key of PROBES) {
        const probe = container[key];
        const problem = probe && checkProbe(container, probe);
        if (!problem) continue;
        const label = containerLabel(container);
        if (problem.quoted) {
          const [start, end] = problem.quoted.range!;
          ctx.report({ span: problem.span, message: 'quotedNumber', args: [label, key, problem.name], fix: { title: `Write the port as the number ${problem.name}`, edits: [{ start, end, newText: problem.name }] } });
        } else if (container.ports.length === 0 && !noPorts) continue;
        else if (problem.number) {
          // Strict only: an undeclared health or management port is legal and common (ingress-nginx 10254, controller-runtime 8081).
          if (ctx.preset !== 'recommended') ctx.report({ span: problem.span, message: 'undeclaredNumber', args: [label, key, problem.name, describePorts(container)], severity: 'hint' });
        } else if (problem.protocol) ctx.report({ span: problem.span, message: 'notTcp', args: [label, key, problem.name, problem.protocol] });
        else if (noPorts) ctx.report({ span: problem.span, message: 'noPorts', args: [label, key, problem.name] });
        else ctx.report({ span: problem.span, message: 'unknownName', args: [label, key, problem.name, describePorts(container)] });
      }
    },
  },
});

interface PortProblem {
  span: Span;
  name: string;
  /** Set when the name is declared, but for UDP or SCTP, which an HTTP or TCP probe cannot reach. */
  protocol?: string;
  /** Set when the port is a number the container's readable `ports` do not declare. */
  number?: true;
  /** Set when the port is a number in quotes, which Kubernetes takes for a name. */
  quoted?: Scalar;
}

function checkProbe(container: Container, probe: Probe): PortProblem | undefined {
  const handler = probe.handler;
  if (!handler || handler.type === 'exec') return undefined;
  const node = handler.fields.get('port')?.value;
  if (!isScalar(node) || !node.range) return undefined;
  // An IntOrString: "8080" is a name to Kubernetes, and names need a letter. gRPC's port is a plain integer.
  if (typeof node.value === 'string' && /^\d+$/.test(node.value) && handler.type !== 'grpc') return { span: spanOf(node), name: node.value, quoted: node };
  // A probe aimed at another host checks that host's port, not ours.
  if (handler.fields.has('host')) return undefined;
  const number = scalarToNumber(node);
  if (number !== undefined) return declaresAllPorts(container) && !container.ports.some((port) => port.containerPort === number) ? { span: spanOf(node), name: String(number), number: true } : undefined;
  const name = scalarToString(node);
  if (name === undefined || !PORT_NAME.test(name) || handler.type === 'grpc') return undefined;
  // A declared name we cannot read (a template value) might be the one.
  if (container.ports.some((port) => port.name !== undefined && !PORT_NAME.test(port.name))) return undefined;
  const declared = container.ports.find((port) => port.name === name);
  if (!declared) return { span: spanOf(node), name };
  return declared.protocol === 'UDP' || declared.protocol === 'SCTP' ? { span: spanOf(node), name, protocol: declared.protocol } : undefined;
}

/** Whether every entry of the container's `ports` is there to read, with its number (no template writes one). */
function declaresAllPorts(container: Container): boolean {
  const list = container.fields.get('ports')?.value;
  return isSeq(list) && list.items.length > 0 && list.items.length === container.ports.length && container.ports.every((port) => port.containerPort !== undefined);
}

function describePorts(container: Container): string {
  return container.ports.map((port) => (port.name !== undefined ? `${port.name} (${port.containerPort ?? '?'})` : String(port.containerPort ?? '?'))).join(', ');
}
