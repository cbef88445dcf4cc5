import type { Span } from '../core/finding';
import { memoOn, MemoKey } from './memo';
import type { CanaryStrategy, Located, Rollout, StepActionField } from './rollout';

/**
 * What makes Argo Rollouts refuse a Rollout (kubectl argo rollouts lint, or the controller marking it InvalidSpec and
 * rolling nothing out), each with where it is written. `k8s/rollout-spec` reports them; rules whose advice would be moot
 * on a Rollout the controller refuses ask whether there are any.
 */
export type RolloutProblem =
  | { kind: 'unknownStrategy'; span: Span; key: string }
  | { kind: 'twoStrategies'; span: Span }
  | { kind: 'sameServices'; span: Span; first: string; second: string; name: string }
  | { kind: 'noSurge'; span: Span }
  | { kind: 'severalActions'; span: Span; step: number; first: string; second: string }
  | { kind: 'emptyAction'; span: Span; step: number; action: string }
  | { kind: 'noAction'; span: Span; step: number }
  | { kind: 'weightRange'; span: Span; weight: number; max: number }
  | { kind: 'badPause'; span: Span; text: string }
  | { kind: 'experimentWeight'; span: Span }
  | { kind: 'needsRouting'; span: Span; action: string; routers: string }
  | { kind: 'needsManagedRoutes'; span: Span; action: string };

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

const PROBLEMS = new MemoKey<RolloutProblem[]>('rolloutProblems');

/** Every reason Argo Rollouts refuses this Rollout, in the order written (worked out once per object). */
export function rolloutProblems(rollout: Rollout): RolloutProblem[] {
  return memoOn(rollout.object, PROBLEMS, () => findProblems(rollout));
}

function findProblems(rollout: Rollout): RolloutProblem[] {
  const problems: RolloutProblem[] = [];
  for (const field of rollout.unknownStrategies) {
    const key = String(field.key.value);
    // `$patch` and other strategic-merge directives belong to patches.
    if (!key.startsWith('$')) problems.push({ kind: 'unknownStrategy', span: field.keySpan, key });
  }
  if (rollout.strategies.length > 1) problems.push({ kind: 'twoStrategies', span: rollout.strategies[1]!.keySpan });
  const { canary, blueGreen } = rollout;
  if (blueGreen) sameServices(problems, blueGreen.activeService, blueGreen.previewService, 'activeService', 'previewService');
  if (!canary) return problems;
  sameServices(problems, canary.stableService, canary.canaryService, 'stableService', 'canaryService');
  if (canary.maxSurge && canary.maxUnavailable && ZERO.test(canary.maxSurge.value.trim()) && ZERO.test(canary.maxUnavailable.value.trim())) {
    problems.push({ kind: 'noSurge', span: { start: canary.maxSurge.keySpan.start, end: canary.maxSurge.span.end } });
  }
  const weightRouting = canary.trafficRouting?.routers.some((router) => EXPERIMENT_WEIGHT_ROUTERS.includes(router)) ?? false;
  const maxWeight = canary.trafficRouting?.maxTrafficWeight ?? 100;
  for (const step of canary.steps) {
    const number = step.index + 1;
    const exclusive = step.actions.filter((action) => EXCLUSIVE_ACTIONS.has(action.type));
    if (exclusive.length > 1) {
      problems.push({ kind: 'severalActions', span: exclusive[1]!.span, step: number, first: exclusive[0]!.type, second: exclusive[1]!.type });
    } else if (step.actions.length === 0 && ![...step.fields.keys()].some((key) => key.startsWith('$'))) {
      const empty = step.emptyActions[0];
      if (empty) problems.push({ kind: 'emptyAction', span: empty.field.keySpan, step: number, action: empty.type });
      else problems.push({ kind: 'noAction', span: step.span, step: number });
    }
    if (step.setWeight && (step.setWeight.value < 0 || step.setWeight.value > maxWeight)) {
      problems.push({ kind: 'weightRange', span: step.setWeight.span, weight: step.setWeight.value, max: maxWeight });
    }
    if (step.pause?.duration.kind === 'invalid' && step.pause.durationSpan) {
      problems.push({ kind: 'badPause', span: step.pause.durationSpan, text: step.pause.duration.text });
    }
    // A patch's base may configure trafficRouting.
    if (!weightRouting && !rollout.partial) {
      for (const weight of step.experiment?.templateWeights ?? []) problems.push({ kind: 'experimentWeight', span: { start: weight.keySpan.start, end: weight.span.end } });
    }
    for (const action of step.actions) {
      const problem = rollout.partial ? undefined : routingProblem(canary, action);
      if (problem === 'routing') problems.push({ kind: 'needsRouting', span: action.field.keySpan, action: action.type, routers: routersFor(action.type) });
      else if (problem === 'managedRoutes') problems.push({ kind: 'needsManagedRoutes', span: action.field.keySpan, action: action.type });
    }
  }
  return problems;
}

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

function sameServices(problems: RolloutProblem[], first: Located<string> | undefined, second: Located<string> | undefined, firstKey: string, secondKey: string): void {
  if (!first || !second || first.value === '' || first.value !== second.value) return;
  // Where the controller points: stableService, activeService.
  problems.push({ kind: 'sameServices', span: { start: first.keySpan.start, end: first.span.end }, first: firstKey, second: secondKey, name: first.value });
}
