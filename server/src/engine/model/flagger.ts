import type { Span } from '../core/finding';
import { parseGoDuration } from '../languages/duration';
import { type Field, isMap, isScalar, isSeq, mapFields, scalarToNumber, scalarToString, seqItems, spanOf, type YamlDoc, type YAMLMap } from '../yaml/yamlFile';
import type { K8sObject } from './k8s';
import { MemoKey, memoOn } from './memo';
import type { Located } from './rollout';

/**
 * A typed view of a Flagger `Canary` (flagger.app/v1beta1) and its `analysis`, with spans. Defaults and
 * clamps are the controller's (fluxcd/flagger pkg/apis/flagger/v1beta1/canary.go, pkg/controller/scheduler.go):
 * the interval defaults to 60s, reads below 10s as 10s and falls back to 60s when Go cannot parse it; a
 * threshold below 1 counts as 1; `iterations` > 0 makes the run blue/green (or A/B with `match`) and the
 * weights are then ignored; the weights stop at `maxWeight` (100 when unset), or the last of `stepWeights`.
 */

/** Flagger's analysis interval when none is written or it cannot be read, and the shortest it honours. */
export const FLAGGER_DEFAULT_INTERVAL_SECONDS = 60;
export const FLAGGER_MIN_INTERVAL_SECONDS = 10;

export interface FlaggerAnalysis {
  /** `analysis`, or the older `canaryAnalysis` the controller reads when `analysis` is absent. */
  key: 'analysis' | 'canaryAnalysis';
  keySpan: Span;
  node: YAMLMap;
  fields: Map<string, Field>;
  /** `interval` as written; `seconds` undefined when Go's `time.ParseDuration` rejects it. */
  interval?: Located<string> & { seconds: number | undefined };
  threshold?: Located<number>;
  maxWeight?: Located<number>;
  stepWeight?: Located<number>;
  /** Each number of `stepWeights`, its span the item's. */
  stepWeights?: { keySpan: Span; items: Located<number>[] };
  stepWeightPromotion?: Located<number>;
  iterations?: Located<number>;
  /** Whether `match` (A/B header or cookie conditions) is set. */
  match: boolean;
  mirror: boolean;
  /** `metrics` / `webhooks` fields, when written (possibly empty lists). */
  metrics?: Field;
  webhooks?: Field;
}

export interface FlaggerCanary {
  object: K8sObject;
  /** `spec.skipAnalysis: true`: promotion without checks. */
  skipAnalysis: boolean;
  analysis?: FlaggerAnalysis;
}

const CANARY = new MemoKey<FlaggerCanary | null>('flaggerCanary');

export function isFlaggerCanary(object: K8sObject): boolean {
  return object.kind === 'Canary' && object.apiVersion.startsWith('flagger.app/');
}

/** The Flagger Canary view of an object (built once), or undefined when it is not one. */
export function flaggerCanaryOf(object: K8sObject, yaml: YamlDoc): FlaggerCanary | undefined {
  return memoOn(object, CANARY, () => (isFlaggerCanary(object) ? buildCanary(object, yaml) : null)) ?? undefined;
}

function buildCanary(object: K8sObject, yaml: YamlDoc): FlaggerCanary {
  const spec = object.fields.get('spec')?.value;
  const specFields = isMap(spec) ? mapFields(yaml, spec) : new Map<string, Field>();
  const canary: FlaggerCanary = { object, skipAnalysis: isScalar(specFields.get('skipAnalysis')?.value) && scalarToString(specFields.get('skipAnalysis')?.value) === 'true' };
  for (const key of ['analysis', 'canaryAnalysis'] as const) {
    const field = specFields.get(key);
    if (field && isMap(field.value)) {
      canary.analysis = buildAnalysis(yaml, key, field, field.value);
      break;
    }
  }
  return canary;
}

function buildAnalysis(yaml: YamlDoc, key: FlaggerAnalysis['key'], field: Field, node: YAMLMap): FlaggerAnalysis {
  const fields = mapFields(yaml, node);
  const analysis: FlaggerAnalysis = { key, keySpan: field.keySpan, node, fields, match: isSeq(fields.get('match')?.value) || isMap(fields.get('match')?.value), mirror: scalarToString(fields.get('mirror')?.value) === 'true' };
  const number = (name: string): Located<number> | undefined => {
    const entry = fields.get(name);
    const value = scalarToNumber(entry?.value);
    return entry?.value && value !== undefined ? { value, span: spanOf(entry.value), keySpan: entry.keySpan } : undefined;
  };
  const assign = <K extends 'threshold' | 'maxWeight' | 'stepWeight' | 'stepWeightPromotion' | 'iterations'>(name: K) => {
    const located = number(name);
    if (located) analysis[name] = located;
  };
  assign('threshold');
  assign('maxWeight');
  assign('stepWeight');
  assign('stepWeightPromotion');
  assign('iterations');
  const interval = fields.get('interval');
  const text = scalarToString(interval?.value);
  if (interval?.value && text !== undefined && isScalar(interval.value)) {
    analysis.interval = { value: text, span: spanOf(interval.value), keySpan: interval.keySpan, seconds: parseGoDuration(text) };
  }
  const weights = fields.get('stepWeights');
  if (weights && isSeq(weights.value)) {
    const items = seqItems(yaml, weights.value).flatMap((item) => {
      const value = scalarToNumber(item);
      return value === undefined ? [] : [{ value, span: spanOf(item), keySpan: spanOf(item) }];
    });
    analysis.stepWeights = { keySpan: weights.keySpan, items };
  }
  if (fields.has('metrics')) analysis.metrics = fields.get('metrics')!;
  if (fields.has('webhooks')) analysis.webhooks = fields.get('webhooks')!;
  return analysis;
}

/** Whether a `metrics` or `webhooks` field holds at least one entry. */
export function hasEntries(field: Field | undefined): boolean {
  return isSeq(field?.value) && field.value.items.length > 0;
}

export type FlaggerStrategy = 'canary' | 'blue-green' | 'a/b';

/** What the controller runs: iterations make it blue/green (A/B with `match`), else weighted canary. */
export function flaggerStrategy(analysis: FlaggerAnalysis): FlaggerStrategy {
  if (analysis.iterations && analysis.iterations.value > 0) return analysis.match ? 'a/b' : 'blue-green';
  return 'canary';
}

/** The interval the controller uses, in seconds: the default for none or unreadable, clamped to 10s. */
export function effectiveInterval(analysis: FlaggerAnalysis): number {
  const seconds = analysis.interval?.seconds;
  if (seconds === undefined) return FLAGGER_DEFAULT_INTERVAL_SECONDS;
  return Math.max(seconds, FLAGGER_MIN_INTERVAL_SECONDS);
}

/** The threshold the controller uses (1 when unset or below 1). */
export function effectiveThreshold(analysis: FlaggerAnalysis): number {
  const value = analysis.threshold?.value;
  return value !== undefined && value > 0 ? Math.floor(value) : 1;
}

/**
 * The canary's weights, one a check, until the controller promotes: from `stepWeights` (stopping at the first
 * that reaches the last, capped at 100), else `stepWeight` increments up to `maxWeight` (100 when unset).
 * Empty when no weight can be worked out (no step, or a step of 0).
 */
export function weightSchedule(analysis: FlaggerAnalysis): number[] {
  const max = (analysis.stepWeights?.items.length ?? 0) > 0 ? Math.min(100, analysis.stepWeights!.items.at(-1)!.value) : analysis.maxWeight && analysis.maxWeight.value > 0 ? analysis.maxWeight.value : 100;
  const step = analysis.stepWeight?.value ?? 0;
  const weights: number[] = [];
  if (step > 0) {
    for (let weight = step; ; weight += step) {
      weights.push(Math.min(weight, 100));
      if (weight >= max || weights.length >= 1000) break;
    }
    return weights;
  }
  for (const { value } of analysis.stepWeights?.items ?? []) {
    weights.push(Math.min(value, 100));
    if (value >= max) break;
  }
  return weights;
}
