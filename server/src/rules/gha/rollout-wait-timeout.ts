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

interface RolloutWait {
  /** `kubectl rollout status` or `kubectl argo rollouts status`, as written. */
  first: ShellWord;
  status: ShellWord;
  args: ShellWord[];
}

export default defineRule({
  id: 'gha/rollout-wait-timeout',
  presets: { recommended: 'warning', strict: 'warning' },
  dora: ['time-to-restore', 'lead-time'],
  // A deploy that used to wait on now fails after the timeout: that changes the pipeline's outcome.
  fixable: 'suggestion',
  options: {
    timeout: { type: 'string', pattern: GO_DURATION, default: '10m', description: 'The `--timeout` the suggested fix appends (a Go duration such as `10m` or `1h30m`).' },
  },
  messages: {
    noTimeout: (command: string) =>
      `\`${command}\` has no --timeout and by default waits forever: a rollout stuck on a crash-looping pod or an unpullable image holds the job until GitHub kills it hours later, and rollback steps guarded by \`if: failure()\` never run.`,
  },
  docs: {
    summary: 'Bound `kubectl rollout status` and `kubectl argo rollouts status` with `--timeout`.',
    rationale:
      'Both commands watch a rollout until it completes, and their default timeout of 0 means "forever". When the new version never becomes ready (CrashLoopBackOff, ImagePullBackOff, a failing readiness probe, a paused canary), the deploy job just sits there. A timeout turns the stuck rollout into a failed step within minutes, so the failure is visible, alerts fire, and any rollback or notification step that runs on failure gets its chance; a job killed by its own timeout is cancelled instead, and such steps are skipped.',
    symptom:
      'A deploy job shows "Waiting for deployment … rollout to finish: 0 of 3 updated replicas are available" for hours and ends cancelled, while production runs half old, half broken pods.',
    fix: 'Append `--timeout 10m` (configurable as `timeout`), or a value a bit above your slowest healthy rollout. Commands wrapped in `timeout`, `--watch=false` checks and steps with their own `timeout-minutes` are not flagged.',
    bad: `on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: |
          kubectl set image deployment/web web=ghcr.io/acme/web:\${{ github.sha }}
          kubectl rollout status deployment/web
`,
    good: `on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: |
          kubectl set image deployment/web web=ghcr.io/acme/web:\${{ github.sha }}
          kubectl rollout status deployment/web --timeout 10m
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
        const written = run.value.slice(wait.first.start, wait.status.end);
        const span = run.text?.sourceSpan(wait.first.start, wait.status.end);
        const allWords = command.command.allWords;
        const last = allWords[allWords.length - 1]!;
        const lastSpan = run.text?.sourceSpan(last.start, last.end);
        const timeout = ctx.option('timeout');
        ctx.report({
          span: span ?? run.span,
          message: 'noTimeout',
          args: [written.replace(/\s+/g, ' ')],
          ...(span && lastSpan ? { fix: { title: `Append \`--timeout ${timeout}\``, edits: [{ start: lastSpan.end, end: lastSpan.end, newText: ` --timeout ${timeout}` }] } } : {}),
        });
      }
    },
  },
});

function rolloutWait(command: ResolvedCommand): RolloutWait | undefined {
  let args = command.args;
  let first = command.programWord;
  const program = command.program;
  if (program === 'kubectl-argo-rollouts') {
    return args[0]?.value === 'status' ? { first, status: args[0], args: args.slice(1) } : undefined;
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
  if (rest[0]?.value === 'rollout' && rest[1]?.value === 'status') return { first, status: rest[1], args: rest.slice(2) };
  if (rest[0]?.value === 'argo' && rest[1]?.value === 'rollouts') {
    const sub = skipGlobalOptions(rest.slice(2));
    if (sub[0]?.value === 'status') return { first, status: sub[0], args: sub.slice(1) };
  }
  return undefined;
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
