import type { Span } from '../../engine/core/finding';
import { type CanaryStrategy, type Located, rolloutOf, type StepActionField } from '../../engine/model/rollout';
import { defineRule } from '../../engine/core/rule';

/** The step actions the controller counts when it rejects a step with several (validation hasMultipleStepsType). */
const EXCLUSIVE_ACTIONS = new Set(['setWeight', 'pause', 'experiment', 'analysis']);
/** Routers that implement each route step (validation.go: InvalidSetHeaderRouteTrafficPolicy, InvalidSetMirrorRouteTrafficPolicy). */
const ROUTE_ROUTERS: Record<'setHeaderRoute' | 'setMirrorRoute', string[]> = {
  setHeaderRoute: ['istio', 'alb', 'apisix', 'plugins'],
  setMirrorRoute: ['istio', 'plugins'],
};
/** Routers that can send traffic to experiment templates by `weight`. */
const EXPERIMENT_WEIGHT_ROUTERS = ['smi', 'alb', 'istio', 'plugins'];
const ZERO = /^0%?$/;

export default defineRule({
  id: 'k8s/rollout-spec',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['deployment-frequency', 'change-failure-rate'],
  fixable: false,
  messages: {
    unknownStrategy: (key: string) =>
      `\`${key}\` is not a Rollout strategy (only \`canary\` or \`blueGreen\`); \`kubectl argo rollouts lint\` and strict validation reject it, and without a known strategy the controller refuses the Rollout.`,
    noSurge: () =>
      '`maxSurge` and `maxUnavailable` are both 0, so the controller could neither add a canary pod nor remove a stable one; Argo Rollouts rejects the Rollout.',
    experimentWeight: () =>
      'An experiment template `weight` needs `trafficRouting` with SMI, ALB, Istio or a plugin; otherwise Argo Rollouts rejects the Rollout.',
    twoStrategies: () => 'A Rollout takes exactly one strategy, `canary` or `blueGreen`; with both, Argo Rollouts rejects the spec and deploys nothing.',
    noAction: (index: number) =>
      `Step ${index} sets no action; each step needs exactly one of setWeight, pause, analysis, experiment, setCanaryScale, setHeaderRoute, setMirrorRoute or plugin, or Argo Rollouts rejects the Rollout.`,
    emptyAction: (index: number, action: string) =>
      `Step ${index}: \`${action}:\` has no value, so the API server drops it and the step is empty; Argo Rollouts rejects the Rollout.${action === 'pause' ? ' Write `pause: {}` for a manual pause.' : ''}`,
    severalActions: (index: number, first: string, second: string) =>
      `Step ${index} sets both \`${first}\` and \`${second}\`; Argo Rollouts rejects a step with more than one action. Split it into two steps.`,
    weightRange: (weight: number, max: number) => `\`setWeight: ${weight}\` is outside 0–${max}; Argo Rollouts rejects the Rollout.`,
    badPause: (text: string) =>
      `Pause duration \`${text}\` is negative or not a duration Argo Rollouts can read (seconds, or a number with a unit such as \`30s\`, \`5m\`, \`1h\`); it rejects the Rollout.`,
    needsRouting: (action: string, routers: string) =>
      `\`${action}\` needs \`trafficRouting\`${routers ? ` with ${routers}` : ''}; without it Argo Rollouts rejects the Rollout.`,
    needsManagedRoutes: (action: string) =>
      `\`${action}\` needs the route listed in \`trafficRouting.managedRoutes\`; without it Argo Rollouts rejects the Rollout.`,
    sameServices: (first: string, second: string, name: string) =>
      `\`${first}\` and \`${second}\` are both \`${name}\`; Argo Rollouts needs two different Services and rejects the Rollout.`,
  },
  docs: {
    summary: 'Rollout specs that Argo Rollouts refuses: steps with no or several actions, weights out of range, route steps without traffic routing, shared Services, two strategies.',
    rationale:
      'The Rollout CRD accepts these specs, so `kubectl apply` succeeds; the controller then validates the spec, marks the Rollout InvalidSpec and does not roll anything out. The pipeline reports a successful deploy while the old version keeps running, and the mistake is found only when someone wonders why the change is not live.',
    symptom:
      '`kubectl argo rollouts get rollout` shows status Degraded / InvalidSpec with messages such as "Step must have one of the following set", "SetCanaryScale requires TrafficRouting to be set" or "This rollout uses the same service for the active and preview services".',
    fix: 'Give each step exactly one action (split `{ setWeight: 20, pause: {} }` into two steps), keep setWeight within 0–100 (or `trafficRouting.maxTrafficWeight`), configure `trafficRouting` (and `managedRoutes`) before using setCanaryScale / setHeaderRoute / setMirrorRoute, use distinct Services, and keep one strategy.',
    bad: `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: checkout
spec:
  replicas: 10
  selector:
    matchLabels: { app: checkout }
  template:
    metadata:
      labels: { app: checkout }
    spec:
      containers:
        - name: checkout
          image: ghcr.io/acme/checkout:1.8.0
  strategy:
    canary:
      steps:
        - setWeight: 20
          pause: { duration: 5m }
`,
    good: `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: checkout
spec:
  replicas: 10
  selector:
    matchLabels: { app: checkout }
  template:
    metadata:
      labels: { app: checkout }
    spec:
      containers:
        - name: checkout
          image: ghcr.io/acme/checkout:1.8.0
  strategy:
    canary:
      steps:
        - setWeight: 20
        - pause: { duration: 5m }
`,
  },
  visit: {
    k8sObject(object, ctx) {
      const rollout = rolloutOf(object, ctx.doc);
      if (!rollout) return;
      for (const field of rollout.unknownStrategies) {
        if (!String(field.key.value).startsWith('$')) ctx.report({ span: field.keySpan, message: 'unknownStrategy', args: [String(field.key.value)] });
      }
      if (rollout.strategies.length > 1) ctx.report({ span: rollout.strategies[1]!.keySpan, message: 'twoStrategies', args: [] });
      const { canary, blueGreen } = rollout;
      if (blueGreen) sameServices(blueGreen.activeService, blueGreen.previewService, 'activeService', 'previewService', (span, args) => ctx.report({ span, message: 'sameServices', args }));
      if (!canary) return;
      sameServices(canary.stableService, canary.canaryService, 'stableService', 'canaryService', (span, args) => ctx.report({ span, message: 'sameServices', args }));
      if (canary.maxSurge && canary.maxUnavailable && ZERO.test(canary.maxSurge.value.trim()) && ZERO.test(canary.maxUnavailable.value.trim())) {
        ctx.report({ span: { start: canary.maxSurge.keySpan.start, end: canary.maxSurge.span.end }, message: 'noSurge', args: [] });
      }
      const weightRouting = canary.trafficRouting?.routers.some((router) => EXPERIMENT_WEIGHT_ROUTERS.includes(router)) ?? false;
      const maxWeight = canary.trafficRouting?.maxTrafficWeight ?? 100;
      for (const step of canary.steps) {
        const number = step.index + 1;
        const exclusive = step.actions.filter((action) => EXCLUSIVE_ACTIONS.has(action.type));
        if (exclusive.length > 1) {
          ctx.report({ span: exclusive[1]!.span, message: 'severalActions', args: [number, exclusive[0]!.type, exclusive[1]!.type] });
        } else if (step.actions.length === 0 && ![...step.fields.keys()].some((key) => key.startsWith('$'))) {
          const empty = step.emptyActions[0];
          if (empty) ctx.report({ span: empty.field.keySpan, message: 'emptyAction', args: [number, empty.type] });
          else ctx.report({ span: step.span, message: 'noAction', args: [number] });
        }
        if (step.setWeight && (step.setWeight.value < 0 || step.setWeight.value > maxWeight)) {
          ctx.report({ span: step.setWeight.span, message: 'weightRange', args: [step.setWeight.value, maxWeight] });
        }
        if (step.pause?.duration.kind === 'invalid' && step.pause.durationSpan) {
          ctx.report({ span: step.pause.durationSpan, message: 'badPause', args: [step.pause.duration.text] });
        }
        // A patch's base may configure trafficRouting.
        if (!weightRouting && !rollout.partial) {
          for (const weight of step.experiment?.templateWeights ?? []) ctx.report({ span: { start: weight.keySpan.start, end: weight.span.end }, message: 'experimentWeight', args: [] });
        }
        for (const action of step.actions) {
          const problem = rollout.partial ? undefined : routingProblem(canary, action);
          if (problem === 'routing') ctx.report({ span: action.field.keySpan, message: 'needsRouting', args: [action.type, routersFor(action.type)] });
          else if (problem === 'managedRoutes') ctx.report({ span: action.field.keySpan, message: 'needsManagedRoutes', args: [action.type] });
        }
      }
    },
  },
});

function routersFor(action: string): string {
  if (action === 'setHeaderRoute' || action === 'setMirrorRoute') return ROUTE_ROUTERS[action].join(', ').replace(/, ([^,]*)$/, ' or $1');
  return '';
}

function routingProblem(canary: CanaryStrategy, action: StepActionField): 'routing' | 'managedRoutes' | undefined {
  if (action.type === 'setCanaryScale') return canary.trafficRouting ? undefined : 'routing';
  const type = action.type;
  if (type !== 'setHeaderRoute' && type !== 'setMirrorRoute') return undefined;
  const routing = canary.trafficRouting;
  if (!routing || !routing.routers.some((router) => ROUTE_ROUTERS[type].includes(router))) return 'routing';
  return routing.fields.has('managedRoutes') ? undefined : 'managedRoutes';
}

function sameServices(
  first: Located<string> | undefined,
  second: Located<string> | undefined,
  firstKey: string,
  secondKey: string,
  report: (span: Span, args: [string, string, string]) => void,
): void {
  if (!first || !second || first.value === '' || first.value !== second.value) return;
  // Where the controller points: stableService, activeService.
  report({ start: first.keySpan.start, end: first.span.end }, [firstKey, secondKey, first.value]);
}
