import type { Span } from '../core/finding';
import { isMap, mapFields, scalarToString, type YamlDoc } from '../yaml/yamlFile';
import { effectiveInterval, flaggerCanaryOf, flaggerStrategy, weightSchedule, type FlaggerAnalysis } from './flagger';
import type { K8sObject } from './k8s';
import { rolloutOf, type CanaryStrategy } from './rollout';

/**
 * How a workload releases a new version, as data a report or an editor draws: the strategy and, for progressive ones,
 * the share of traffic on the new version over time (a step function).
 */
export interface ReleasePlan {
  /** `Rollout`, `Canary` (Flagger), `Deployment`, `StatefulSet`, `DaemonSet`. */
  kind: string;
  name: string | undefined;
  namespace: string | undefined;
  strategy: ReleaseStrategy;
  /**
   * The new version's share of traffic (0-100) from the moment the release starts: each point holds until the next.
   * Empty when the strategy moves no traffic by weight (rolling update, recreate).
   */
  weights: WeightPoint[];
  /** Where the release stops for someone to promote it (`pause: {}`, blue-green without auto-promotion). */
  manualGates: number;
  /** Analyses and checks on the way, by name where the manifest gives one. */
  checks: string[];
  /** The least time from start to full traffic the manifest allows (timed pauses, Flagger intervals), in seconds. */
  minimumSeconds: number;
  /** The object's `kind:` key, to point at. */
  span: Span;
}

export type ReleaseStrategy =
  | 'argo-canary'
  | 'argo-blue-green'
  | 'flagger-canary'
  | 'flagger-blue-green'
  | 'flagger-a/b'
  | 'rolling-update'
  | 'recreate'
  | 'on-delete';

export interface WeightPoint {
  seconds: number;
  /** 0-100. */
  weight: number;
  /** What happens at this point: `pause 5m`, `analysis`, `manual promotion`. */
  note?: string;
  /** The release waits here for someone to promote it: the time after is not known. */
  manual?: boolean;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** The release plan of a Rollout, a Flagger Canary or a Deployment/StatefulSet/DaemonSet; undefined for other objects. */
export function releasePlanOf(object: K8sObject, yaml: YamlDoc): ReleasePlan | undefined {
  const base = { kind: object.kind, name: object.name, namespace: object.namespace, span: object.fields.get('kind')?.keySpan ?? { start: 0, end: 0 } };
  const rollout = rolloutOf(object, yaml);
  if (rollout) {
    if (rollout.canary) return { ...base, strategy: 'argo-canary', ...canaryWeights(rollout.canary) };
    if (rollout.blueGreen) {
      const blueGreen = rollout.blueGreen;
      const checks = [blueGreen.prePromotionAnalysis && 'pre-promotion analysis', blueGreen.postPromotionAnalysis && 'post-promotion analysis'].filter((check): check is string => !!check);
      const manual = !blueGreen.autoPromotionEnabled;
      return {
        ...base,
        strategy: 'argo-blue-green',
        weights: [
          { seconds: 0, weight: 0, note: blueGreen.prePromotionAnalysis ? 'preview, pre-promotion analysis' : 'preview' },
          { seconds: 0, weight: 100, note: manual ? 'manual promotion' : 'promotion', ...(manual ? { manual: true } : {}) },
        ],
        manualGates: manual ? 1 : 0,
        checks,
        minimumSeconds: 0,
      };
    }
    return undefined;
  }
  const canary = flaggerCanaryOf(object, yaml);
  if (canary) {
    if (!canary.analysis) return undefined;
    return { ...base, ...flaggerWeights(canary.analysis) };
  }
  if (!WORKLOADS.has(object.kind)) return undefined;
  const spec = object.fields.get('spec')?.value;
  const specFields = isMap(spec) ? mapFields(yaml, spec) : undefined;
  const strategyNode = specFields?.get(object.kind === 'Deployment' ? 'strategy' : 'updateStrategy')?.value;
  const type = isMap(strategyNode) ? scalarToString(mapFields(yaml, strategyNode).get('type')?.value) : undefined;
  const strategy: ReleaseStrategy = type === 'Recreate' ? 'recreate' : type === 'OnDelete' ? 'on-delete' : 'rolling-update';
  return { ...base, strategy, weights: [], manualGates: 0, checks: [], minimumSeconds: 0 };
}

function canaryWeights(canary: CanaryStrategy): Pick<ReleasePlan, 'weights' | 'manualGates' | 'checks' | 'minimumSeconds'> {
  const scale = canary.trafficRouting?.maxTrafficWeight ?? 100;
  const percent = (weight: number): number => Math.max(0, Math.min(100, (weight / (scale > 0 ? scale : 100)) * 100));
  const weights: WeightPoint[] = [{ seconds: 0, weight: 0 }];
  const checks: string[] = [];
  let seconds = 0;
  let weight = 0;
  let manualGates = 0;
  if (canary.backgroundAnalysis) checks.push(`background analysis${templateNames(canary.backgroundAnalysis.templates)}`);
  for (const step of canary.steps) {
    if (step.setWeight) {
      weight = percent(step.setWeight.value);
      weights.push({ seconds, weight });
    } else if (step.pause) {
      const duration = step.pause.duration;
      if (duration.kind === 'indefinite') {
        manualGates++;
        weights.push({ seconds, weight, note: 'manual promotion', manual: true });
      } else if (duration.kind === 'timed') {
        seconds += duration.seconds;
        weights.push({ seconds, weight, note: `pause ${duration.text}` });
      }
    } else if (step.analysis) {
      const name = `analysis${templateNames(step.analysis.templates)}`;
      checks.push(name);
      weights.push({ seconds, weight, note: name });
    } else if (step.experiment) {
      if (step.experiment.duration?.kind === 'timed') seconds += step.experiment.duration.seconds;
      checks.push('experiment');
      weights.push({ seconds, weight, note: 'experiment' });
    }
  }
  if (weight !== 100) weights.push({ seconds, weight: 100, note: 'promotion' });
  return { weights, manualGates, checks, minimumSeconds: seconds };
}

function templateNames(templates: readonly { name: string }[]): string {
  return templates.length > 0 ? ` (${templates.map((template) => template.name).join(', ')})` : '';
}

function flaggerWeights(analysis: FlaggerAnalysis): Pick<ReleasePlan, 'strategy' | 'weights' | 'manualGates' | 'checks' | 'minimumSeconds'> {
  const interval = effectiveInterval(analysis);
  const kind = flaggerStrategy(analysis);
  const checks = ['metrics and webhooks each interval'];
  if (kind === 'canary') {
    const schedule = weightSchedule(analysis);
    const weights: WeightPoint[] = [{ seconds: 0, weight: 0 }];
    schedule.forEach((weight, i) => weights.push({ seconds: i * interval, weight }));
    const end = schedule.length * interval;
    if (schedule.length > 0) weights.push({ seconds: end, weight: 100, note: 'promotion' });
    return { strategy: 'flagger-canary', weights, manualGates: 0, checks, minimumSeconds: end };
  }
  const end = Math.floor(analysis.iterations!.value) * interval;
  return {
    strategy: kind === 'a/b' ? 'flagger-a/b' : 'flagger-blue-green',
    weights: [
      { seconds: 0, weight: 0, note: kind === 'a/b' ? 'matched users only' : 'checks without live traffic' },
      { seconds: end, weight: 100, note: 'promotion' },
    ],
    manualGates: 0,
    checks,
    minimumSeconds: end,
  };
}
