import { optionValue, stepCommands, type ResolvedCommand } from '../../engine/languages/commandLine';
import { defineRule } from '../../engine/core/rule';
import type { ShellWord } from '../../engine/languages/shell';

// What kubectl's `--timeout` takes: a positive Go duration.
const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

// kubectl's global options that take the next word as their value.
const KUBECTL_VALUE_OPTIONS = new Set([
  '-n', '--namespace', '--context', '--kubeconfig', '--cluster', '--user', '-s', '--server', '--token', '--as', '--as-group', '--as-uid',
  '--request-timeout', '--certificate-authority', '--client-certificate', '--client-key', '--tls-server-name', '--cache-dir', '-v', '--v',
  '--log-file', '--password', '--username', '--profile', '--profile-output', '--vmodule',
]);

// `kubectl rollout status` options that take the next word as their value.
const STATUS_VALUE_OPTIONS = new Set(['-f', '--filename', '-k', '--kustomize', '-l', '--selector', '--revision', '--timeout', '-o', '--output', '--template']);
// What `kubectl rollout status` waits on, by resource name (plural, singular, short): only a Deployment has a
// progress deadline (`progressDeadlineSeconds`, 600 s by default) after which kubectl gives up with an error.
const RESOURCE_KINDS: Readonly<Record<string, Kind>> = {
  deployment: 'Deployment', deployments: 'Deployment', deploy: 'Deployment',
  statefulset: 'StatefulSet', statefulsets: 'StatefulSet', sts: 'StatefulSet',
  daemonset: 'DaemonSet', daemonsets: 'DaemonSet', ds: 'DaemonSet',
};

type Kind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

interface RolloutWait {
  /** `kubectl rollout status` or `kubectl argo rollouts status`, as written. */
  first: ShellWord;
  status: ShellWord;
  args: ShellWord[];
  /** What it waits on: an Argo Rollout, or the kind `kubectl rollout status` names (undefined when it cannot be told). */
  kind: Kind | 'Rollout' | undefined;
}

export default defineRule({
  id: 'gha/rollout-wait-timeout',
  presets: { recommended: 'warning', strict: 'warning' },
  dora: ['time-to-restore', 'lead-time'],
  capabilities: ['deployment-automation', 'monitoring-and-observability'],
  // A deploy that used to wait on now fails after the timeout: that changes the pipeline's outcome.
  fixable: 'suggestion',
  options: {
    timeout: { type: 'string', pattern: GO_DURATION, default: '10m', description: 'The `--timeout` the suggested fix appends (a Go duration such as `10m` or `1h30m`).' },
  },
  messages: {
    noDeadline: (command: string, kind: 'StatefulSet' | 'DaemonSet') =>
      `'${command}' has no --timeout, and a ${kind} has no progress deadline: if its new pods never become ready (crash loop, unpullable image, failing readiness probe) the command waits until the job itself times out (6 hours by default), and steps guarded by 'if: failure()', such as a rollback, never run.`,
    argoNoTimeout: (command: string) =>
      `'${command}' has no --timeout: it returns only once the Rollout is Healthy or Degraded, and a canary paused at a 'pause: {}' step is neither until someone promotes it, so the command waits until the job itself times out (6 hours by default), and steps guarded by 'if: failure()' never run.`,
  },
  docs: {
    summary: 'Bound `kubectl rollout status` of StatefulSets and DaemonSets, and `kubectl argo rollouts status`, with `--timeout`.',
    rationale:
      'Both commands watch a rollout until it ends, and their default timeout of 0 means "no limit of their own". For a Deployment that is fine: kubectl stops with an error once the Deployment passes its `progressDeadlineSeconds` (600 seconds unless set), so Deployments are not flagged. StatefulSets and DaemonSets have no progress deadline: when the new pods never become ready (CrashLoopBackOff, ImagePullBackOff, a failing readiness probe) `kubectl rollout status` waits on them for as long as the job lives. `kubectl argo rollouts status` returns only when the Rollout is Healthy or Degraded, and a canary paused at a `pause: {}` step waiting for promotion is neither. A timeout turns the stuck rollout into a failed step within minutes, so the failure is visible, alerts fire, and any rollback or notification step that runs on failure gets its chance; a job cancelled by its own timeout skips such steps.',
    symptom:
      'A deploy job shows "Waiting for partitioned roll out to finish: 0 out of 3 new pods have been updated" (or "Paused - CanaryPauseStep") for hours and ends cancelled, while production runs half old, half broken pods.',
    fix: 'Append `--timeout 10m` (configurable as `timeout`), or a value a bit above your slowest healthy rollout. Deployments (`deployment/…`, `deploy/…`), resources the command line does not name (`-f`, a variable), commands wrapped in `timeout`, `--watch=false` checks and steps with their own `timeout-minutes` are not flagged.',
    bad: `on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: |
          kubectl apply -f k8s/postgres.yaml
          kubectl rollout status statefulset/postgres
`,
    good: `on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: |
          kubectl apply -f k8s/
          kubectl rollout status deployment/web
          kubectl rollout status statefulset/postgres --timeout 10m
`,
  },
  scope: 'job',
  visit: {
    step(step, ctx) {
      const run = step.run;
      if (!run || !/rollout/.test(run.value)) return;
      // A step timeout already bounds the wait, and fails the step (not the whole job) when it hits.
      if (step.fields.has('timeout-minutes')) return;
      for (const command of stepCommands(step)) {
        const wait = rolloutWait(command);
        // `timeout 600 kubectl rollout status …` is bounded by its launcher.
        if (!wait || waitIsBounded(wait.args) || command.launchers.includes('timeout')) continue;
        const kind = wait.kind;
        if (kind !== 'Rollout' && kind !== 'StatefulSet' && kind !== 'DaemonSet') continue;
        const allWords = command.command.allWords;
        const last = allWords[allWords.length - 1]!;
        const written = run.value.slice(wait.first.start, last.end).replace(/\s+/g, ' ');
        const span = run.text?.sourceSpan(wait.first.start, wait.status.end);
        const lastSpan = run.text?.sourceSpan(last.start, last.end);
        const timeout = ctx.option('timeout');
        const fix = span && lastSpan ? { fix: { title: `Append '--timeout ${timeout}'`, edits: [{ start: lastSpan.end, end: lastSpan.end, newText: ` --timeout ${timeout}` }] } } : {};
        if (kind === 'Rollout') ctx.report({ span: span ?? run.span, message: 'argoNoTimeout', args: [written], ...fix });
        else ctx.report({ span: span ?? run.span, message: 'noDeadline', args: [written, kind], ...fix });
      }
    },
  },
});

function rolloutWait(command: ResolvedCommand): RolloutWait | undefined {
  let args = command.args;
  let first = command.programWord;
  const program = command.program;
  if (program === 'kubectl-argo-rollouts') {
    return args[0]?.value === 'status' ? { first, status: args[0], args: args.slice(1), kind: 'Rollout' } : undefined;
  }
  if ((program === 'microk8s' || program === 'k3s') && args[0]?.value === 'kubectl') {
    first = args[0];
    args = args.slice(1);
  } else if (program === 'minikube' && args[0]?.value === 'kubectl') {
    const dashes = args.findIndex((word) => word.value === '--');
    if (dashes < 0) return undefined;
    args = args.slice(dashes + 1);
  } else if (program !== 'kubectl' && program !== 'oc') {
    return undefined;
  }
  const rest = skipGlobalOptions(args);
  if (rest[0]?.value === 'rollout' && rest[1]?.value === 'status') return { first, status: rest[1], args: rest.slice(2), kind: statusKind(rest.slice(2)) };
  if (rest[0]?.value === 'argo' && rest[1]?.value === 'rollouts') {
    const sub = skipGlobalOptions(rest.slice(2));
    if (sub[0]?.value === 'status') return { first, status: sub[0], args: sub.slice(1), kind: 'Rollout' };
  }
  return undefined;
}

/**
 * The kind `kubectl rollout status` waits on: `statefulset/db`, `sts db`, `daemonset.apps/agent`. Undefined for a
 * resource given by file (`-f`), selector or variable, or one kubectl has no status for.
 */
function statusKind(args: ShellWord[]): Kind | undefined {
  let resource: string | undefined;
  for (let i = 0; i < args.length && resource === undefined; i++) {
    const word = args[i]!.value;
    if (word.startsWith('-')) {
      if (!word.includes('=') && (STATUS_VALUE_OPTIONS.has(word) || KUBECTL_VALUE_OPTIONS.has(word))) i++;
      continue;
    }
    resource = word;
  }
  if (resource === undefined) return undefined;
  // `TYPE/NAME` or `TYPE NAME`; a type may carry its group and version (`statefulsets.v1.apps`).
  const type = resource.split('/')[0]!.split('.')[0]!.toLowerCase();
  return Object.hasOwn(RESOURCE_KINDS, type) ? RESOURCE_KINDS[type] : undefined;
}

function skipGlobalOptions(args: ShellWord[]): ShellWord[] {
  let i = 0;
  while (i < args.length && args[i]!.value.startsWith('-')) i += KUBECTL_VALUE_OPTIONS.has(args[i]!.value) ? 2 : 1;
  return args.slice(i);
}

// An explicit timeout (even 0, which is a choice) or a one-shot check (`--watch=false`) does not wait forever.
function waitIsBounded(args: ShellWord[]): boolean {
  if (optionValue(args, ['--timeout', '-t'])) return true;
  const watch = optionValue(args, ['--watch', '-w']);
  return watch !== undefined && watch.flag === watch.word && /=(false|0)$/.test(watch.flag.value);
}
