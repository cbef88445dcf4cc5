import { type Container, type Probe, probeNumber } from '../engine/model/k8s';
import { scalarToNumber } from '../engine/yaml/yamlFile';

export type ProbeKind = 'readinessProbe' | 'livenessProbe' | 'startupProbe';

const MEANING: Record<ProbeKind, { lead: string; belongs: string }> = {
  readinessProbe: {
    lead: '**Readiness** decides whether this pod gets traffic: while it fails, the pod is taken out of the Service, and nothing restarts.',
    belongs: 'Check what the pod needs to serve requests: its database, caches, downstream services. A pod can be alive but not ready, which is the right state during a dependency outage.',
  },
  livenessProbe: {
    lead: '**Liveness** decides whether this container is restarted: when it fails `failureThreshold` times in a row, the kubelet kills it.',
    belongs: 'Check only the process itself (event loop running, no deadlock), never a dependency: a slow database must not restart every replica at once. Use a failureThreshold of 5 or more so a brief stall is not fatal.',
  },
  startupProbe: {
    lead: '**Startup** holds liveness and readiness back until the application has started, so slow starts are not mistaken for hangs.',
    belongs: 'Use it instead of a long liveness `initialDelaySeconds`: it waits only as long as the start really takes.',
  },
};

function value(probe: Probe, key: 'initialDelaySeconds' | 'periodSeconds' | 'failureThreshold' | 'timeoutSeconds'): string {
  const written = probe.fields.has(key);
  return `${probeNumber(probe, key)}${written ? '' : ' (default)'}`;
}

/** What the probe under the cursor means, with this container's effective timings (defaults filled in). */
export function probeHoverMarkdown(container: Container, kind: ProbeKind): string {
  const probe = container[kind];
  const meaning = MEANING[kind];
  const parts = [meaning.lead, meaning.belongs];
  if (probe) {
    const window = probeNumber(probe, 'failureThreshold') * probeNumber(probe, 'periodSeconds');
    const success = scalarToNumber(probe.fields.get('successThreshold')?.value) ?? 1;
    const effect =
      kind === 'readinessProbe'
        ? `traffic stops after about **${window}s** of failures (failureThreshold × periodSeconds), and returns after ${success} success${success === 1 ? '' : 'es'}`
        : kind === 'livenessProbe'
          ? `a restart comes after about **${window}s** of failures (failureThreshold × periodSeconds)`
          : `the application gets up to **${probeNumber(probe, 'initialDelaySeconds') + window}s** to start before it is restarted`;
    parts.push(
      `For ${container.name ? `\`${container.name}\`` : 'this container'}: ${effect}.`,
      `| initialDelaySeconds | periodSeconds | timeoutSeconds | failureThreshold |\n|---|---|---|---|\n| ${value(probe, 'initialDelaySeconds')} | ${value(probe, 'periodSeconds')} | ${value(probe, 'timeoutSeconds')} | ${value(probe, 'failureThreshold')} |`,
    );
  }
  return parts.join('\n\n');
}
