import { MemoKey, memoOn } from './memo';
import { isNode, isPair } from 'yaml';
import { parseGoDuration } from '../languages/duration';
import type { Span } from '../core/finding';
import { type Field, isMap, isScalar, isSeq, mapFields, type Node, scalarToBoolean, scalarToNumber, scalarToString, seqItems, spanOf, type YamlDoc, type YAMLMap } from '../yaml/yamlFile';
import { isRollout, type K8sObject } from './k8s';

/**
 * Typed views of Argo Rollouts objects: a Rollout's strategy (canary steps with their single action,
 * pauses, analysis, traffic routing, services) and the metrics of (Cluster)AnalysisTemplates. Every
 * piece keeps its spans, so rules and hovers (the rollout timeline) point at the exact field or step.
 * Defaults are the controller's (argoproj/argo-rollouts pkg/apis/rollouts, utils/defaults).
 */

/** A value the model read, with where it is written. */
export interface Located<T> {
  value: T;
  /** The value's span. */
  span: Span;
  keySpan: Span;
}

/** The canary step actions the controller knows; a step must set exactly one. */
export const STEP_ACTIONS = ['setWeight', 'pause', 'analysis', 'experiment', 'setCanaryScale', 'setHeaderRoute', 'setMirrorRoute', 'plugin'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

export interface StepActionField {
  type: StepAction;
  field: Field;
  /** From the key to the end of its value (`setWeight: 20`). */
  span: Span;
}

/**
 * A pause or experiment duration. `indefinite` (`pause: {}`) waits for a manual promotion; `invalid` is
 * a string the controller cannot read (it rejects the Rollout); `timed` 0 does not wait at all.
 */
export type Duration = { kind: 'indefinite' } | { kind: 'timed'; seconds: number; text: string } | { kind: 'invalid'; text: string };

export interface Pause {
  keySpan: Span;
  duration: Duration;
  /** The `duration` value, when written. */
  durationSpan?: Span;
}

export interface TemplateRef {
  name: string;
  clusterScope: boolean;
  /** The `templateName` value. */
  span: Span;
}

/** An analysis the Rollout starts: a step's, the canary's background one, or blue-green pre/post promotion. */
export interface AnalysisRef {
  keySpan: Span;
  templates: TemplateRef[];
}

export interface ExperimentStep {
  keySpan: Span;
  duration?: Duration;
  /** Analyses run by the experiment (they gate it like an analysis step). */
  analyses: AnalysisRef[];
  /** `weight` of each experiment template that sets one (traffic sent to it). */
  templateWeights: Located<number>[];
}

export interface CanaryStep {
  index: number;
  node: Node;
  /** The whole step item. */
  span: Span;
  fields: Map<string, Field>;
  /** Every action set on the step, in the order written; the controller wants exactly one. */
  actions: StepActionField[];
  /** Action keys with a null value (`- pause:`): the API server drops them, so they act as nothing. */
  emptyActions: StepActionField[];
  /** The step's action when it has exactly one. */
  action?: StepActionField;
  /** Absent when not a number. */
  setWeight?: Located<number>;
  pause?: Pause;
  analysis?: AnalysisRef;
  experiment?: ExperimentStep;
}

export interface TrafficRouting {
  keySpan: Span;
  fields: Map<string, Field>;
  /** The router keys set (`istio`, `nginx`, `alb`, `smi`, `plugins`, …). */
  routers: string[];
  /** The weight that means "all traffic" (`maxTrafficWeight`, default 100). */
  maxTrafficWeight: number;
}

export interface CanaryStrategy {
  type: 'canary';
  keySpan: Span;
  node: YAMLMap;
  fields: Map<string, Field>;
  steps: CanaryStep[];
  stepsKeySpan?: Span;
  trafficRouting?: TrafficRouting;
  /** `canary.analysis`: runs in the background for the whole rollout. */
  backgroundAnalysis?: AnalysisRef;
  canaryService?: Located<string>;
  stableService?: Located<string>;
  /** `maxSurge` as written (an int or a percentage); the default is 25%. */
  maxSurge?: Located<string>;
  /** `maxUnavailable` as written; the default is 25%. */
  maxUnavailable?: Located<string>;
}

export interface BlueGreenStrategy {
  type: 'blueGreen';
  keySpan: Span;
  node: YAMLMap;
  fields: Map<string, Field>;
  activeService?: Located<string>;
  previewService?: Located<string>;
  prePromotionAnalysis?: AnalysisRef;
  postPromotionAnalysis?: AnalysisRef;
  /** Default true: the new version goes live as soon as it is ready. */
  autoPromotionEnabled: boolean;
}

export type Strategy = CanaryStrategy | BlueGreenStrategy;

export interface Rollout {
  object: K8sObject;
  /**
   * A fragment merged onto a whole Rollout (a Kustomize patch): the object is one, or (unless the project reads
   * objects whole) it has no `selector` and no `workloadRef`, which a whole Rollout needs. What it leaves out (traffic routing, background analysis, replicas) may be in the base.
   */
  partial: boolean;
  /** `spec.replicas`, default 1. */
  replicas: number;
  replicasField?: Located<number>;
  strategyKeySpan?: Span;
  /** Every strategy written, in order: the controller accepts exactly one. */
  strategies: Strategy[];
  /** Keys under `strategy` that are no strategy (`rollingUpdate`, typos): strict decoding rejects them. */
  unknownStrategies: Field[];
  canary?: CanaryStrategy;
  blueGreen?: BlueGreenStrategy;
}

const ROLLOUT = new MemoKey<Rollout | null>('rollout');

/** The Rollout view of an object (built once, shared by every rule), or undefined when it is not a Rollout. */
export function rolloutOf(object: K8sObject, yaml: YamlDoc): Rollout | undefined {
  return memoOn(object, ROLLOUT, () => (isRollout(object) ? buildRollout(object, yaml) : null)) ?? undefined;
}

/** Every analysis a Rollout starts: step analyses, experiment analyses, background, pre- and post-promotion. */
export function rolloutAnalyses(rollout: Rollout): AnalysisRef[] {
  const analyses: AnalysisRef[] = [];
  const { canary, blueGreen } = rollout;
  if (canary) {
    if (canary.backgroundAnalysis) analyses.push(canary.backgroundAnalysis);
    for (const step of canary.steps) {
      if (step.analysis) analyses.push(step.analysis);
      if (step.experiment) for (const analysis of step.experiment.analyses) analyses.push(analysis);
    }
  }
  if (blueGreen?.prePromotionAnalysis) analyses.push(blueGreen.prePromotionAnalysis);
  if (blueGreen?.postPromotionAnalysis) analyses.push(blueGreen.postPromotionAnalysis);
  return analyses;
}

function buildRollout(object: K8sObject, yaml: YamlDoc): Rollout {
  const spec = mapAt(yaml, object.fields, 'spec');
  const rollout: Rollout = { object, partial: true, replicas: 1, strategies: [], unknownStrategies: [] };
  if (!spec) return rollout;
  rollout.partial = object.partial || (object.shapeMayPatch && !spec.has('selector') && !spec.has('workloadRef'));
  const replicas = locatedNumber(spec.get('replicas'));
  if (replicas) {
    rollout.replicasField = replicas;
    rollout.replicas = replicas.value;
  }
  const strategyField = spec.get('strategy');
  const strategy = mapAt(yaml, spec, 'strategy');
  if (!strategyField || !strategy) return rollout;
  rollout.strategyKeySpan = strategyField.keySpan;
  for (const [key, field] of strategy) {
    if (key !== 'canary' && key !== 'blueGreen') rollout.unknownStrategies.push(field);
    if (!isMap(field.value)) continue;
    if (key === 'canary') {
      rollout.canary ??= buildCanary(yaml, field, field.value);
      rollout.strategies.push(rollout.canary);
    } else if (key === 'blueGreen') {
      rollout.blueGreen ??= buildBlueGreen(yaml, field, field.value);
      rollout.strategies.push(rollout.blueGreen);
    }
  }
  return rollout;
}

function buildCanary(yaml: YamlDoc, field: Field, node: YAMLMap): CanaryStrategy {
  const fields = mapFields(yaml, node);
  const canary: CanaryStrategy = { type: 'canary', keySpan: field.keySpan, node, fields, steps: [] };
  const steps = fields.get('steps');
  if (steps) {
    canary.stepsKeySpan = steps.keySpan;
    if (isSeq(steps.value)) canary.steps = seqItems(yaml, steps.value).map((item, index) => buildStep(yaml, item, index));
  }
  const routing = fields.get('trafficRouting');
  if (routing && isMap(routing.value)) {
    const routingFields = mapFields(yaml, routing.value);
    canary.trafficRouting = {
      keySpan: routing.keySpan,
      fields: routingFields,
      routers: [...routingFields.keys()].filter((key) => key !== 'managedRoutes' && key !== 'maxTrafficWeight'),
      maxTrafficWeight: scalarToNumber(routingFields.get('maxTrafficWeight')?.value) ?? 100,
    };
  }
  const background = analysisRef(yaml, fields.get('analysis'));
  if (background) canary.backgroundAnalysis = background;
  setString(canary, 'canaryService', fields.get('canaryService'));
  setString(canary, 'stableService', fields.get('stableService'));
  setString(canary, 'maxSurge', fields.get('maxSurge'));
  setString(canary, 'maxUnavailable', fields.get('maxUnavailable'));
  return canary;
}

function buildBlueGreen(yaml: YamlDoc, field: Field, node: YAMLMap): BlueGreenStrategy {
  const fields = mapFields(yaml, node);
  const blueGreen: BlueGreenStrategy = { type: 'blueGreen', keySpan: field.keySpan, node, fields, autoPromotionEnabled: true };
  setString(blueGreen, 'activeService', fields.get('activeService'));
  setString(blueGreen, 'previewService', fields.get('previewService'));
  const pre = analysisRef(yaml, fields.get('prePromotionAnalysis'));
  if (pre) blueGreen.prePromotionAnalysis = pre;
  const post = analysisRef(yaml, fields.get('postPromotionAnalysis'));
  if (post) blueGreen.postPromotionAnalysis = post;
  const auto = fields.get('autoPromotionEnabled')?.value;
  if (isScalar(auto) && typeof auto.value === 'boolean') blueGreen.autoPromotionEnabled = auto.value;
  return blueGreen;
}

function buildStep(yaml: YamlDoc, node: Node, index: number): CanaryStep {
  const fields = isMap(node) ? mapFields(yaml, node) : new Map<string, Field>();
  const step: CanaryStep = { index, node, span: contentSpan(node), fields, actions: [], emptyActions: [] };
  for (const [key, field] of fields) {
    if (!(STEP_ACTIONS as readonly string[]).includes(key)) continue;
    const action: StepActionField = { type: key as StepAction, field, span: pairSpan(field) };
    const empty = field.value === undefined || (isScalar(field.value) && field.value.value === null);
    (empty ? step.emptyActions : step.actions).push(action);
  }
  if (step.actions.length === 1) step.action = step.actions[0]!;
  const weight = locatedNumber(fields.get('setWeight'));
  if (weight) step.setWeight = weight;
  const pause = fields.get('pause');
  if (pause && isMap(pause.value)) {
    const durationField = mapFields(yaml, pause.value).get('duration');
    step.pause = { keySpan: pause.keySpan, duration: readDuration(durationField?.value) };
    if (durationField?.value) step.pause.durationSpan = spanOf(durationField.value);
  }
  const analysis = analysisRef(yaml, fields.get('analysis'));
  if (analysis) step.analysis = analysis;
  const experiment = fields.get('experiment');
  if (experiment && isMap(experiment.value)) {
    const experimentFields = mapFields(yaml, experiment.value);
    const analyses = experimentFields.get('analyses')?.value;
    const experimentTemplates = experimentFields.get('templates')?.value;
    step.experiment = {
      keySpan: experiment.keySpan,
      analyses: isSeq(analyses) ? seqItems(yaml, analyses).flatMap((item) => (isMap(item) ? [templatesOf(yaml, mapFields(yaml, item), spanOf(item))] : [])) : [],
      templateWeights: isSeq(experimentTemplates)
        ? seqItems(yaml, experimentTemplates).flatMap((item) => (isMap(item) ? (locatedNumber(mapFields(yaml, item).get('weight')) ?? []) : []))
        : [],
    };
    const duration = experimentFields.get('duration')?.value;
    if (duration) step.experiment.duration = readDuration(duration);
  }
  return step;
}

/** A pause duration: an int (seconds), a string of digits (seconds) or a Go duration string. */
function readDuration(node: Node | undefined): Duration {
  if (node === undefined || (isScalar(node) && node.value === null)) return { kind: 'indefinite' };
  const text = scalarToString(node);
  if (text === undefined) return { kind: 'invalid', text: '' };
  const seconds = /^[-+]?\d+$/.test(text.trim()) ? Number(text.trim()) : parseGoDuration(text.trim());
  return seconds === undefined || seconds < 0 ? { kind: 'invalid', text } : { kind: 'timed', seconds, text };
}

function analysisRef(yaml: YamlDoc, field: Field | undefined): AnalysisRef | undefined {
  if (!field || !isMap(field.value)) return undefined;
  return templatesOf(yaml, mapFields(yaml, field.value), field.keySpan);
}

function templatesOf(yaml: YamlDoc, fields: Map<string, Field>, keySpan: Span): AnalysisRef {
  const list = fields.get('templates')?.value;
  const templates: TemplateRef[] = [];
  if (isSeq(list)) {
    for (const item of seqItems(yaml, list)) {
      if (!isMap(item)) continue;
      const itemFields = mapFields(yaml, item);
      const name = itemFields.get('templateName')?.value;
      const text = scalarToString(name);
      if (name === undefined || text === undefined) continue;
      const clusterScope = itemFields.get('clusterScope')?.value;
      templates.push({ name: text, clusterScope: scalarToBoolean(clusterScope) === true, span: spanOf(name) });
    }
  }
  // Old single-template form: `templateName:` directly on the analysis.
  const single = fields.get('templateName')?.value;
  const singleName = scalarToString(single);
  if (single && singleName !== undefined) templates.push({ name: singleName, clusterScope: false, span: spanOf(single) });
  return { keySpan, templates };
}

// ---------------------------------------------------------------------------------------------
// AnalysisTemplate / ClusterAnalysisTemplate

export const ANALYSIS_TEMPLATE_KINDS = new Set(['AnalysisTemplate', 'ClusterAnalysisTemplate']);
/** The kinds whose `spec.metrics` Argo Rollouts measures: the templates, and AnalysisRuns (made from them, or written by hand). */
const ANALYSIS_KINDS = new Set([...ANALYSIS_TEMPLATE_KINDS, 'AnalysisRun']);

/** An IntOrString setting; `value` is undefined when the text is not a number (`{{args.count}}`). */
export interface CountSetting {
  value?: number;
  text: string;
  span: Span;
  keySpan: Span;
}

/** A Go duration setting (`interval`, `initialDelay`); `seconds` is undefined when Go would reject the text. */
export interface DurationSetting {
  seconds?: number;
  text: string;
  span: Span;
  keySpan: Span;
}

export interface MetricProvider {
  /** `prometheus`, `job`, `web`, `kayenta`, `plugin`, … */
  type: string;
  keySpan: Span;
  /** The provider's settings (`query`, `address`, …) when written as a mapping. */
  fields: Map<string, Field>;
}

export interface Metric {
  index: number;
  node: YAMLMap;
  fields: Map<string, Field>;
  /** The whole metric item. */
  span: Span;
  name?: Located<string>;
  providerKeySpan?: Span;
  providers: MetricProvider[];
  successCondition?: Located<string>;
  failureCondition?: Located<string>;
  count?: CountSetting;
  failureLimit?: CountSetting;
  consecutiveSuccessLimit?: CountSetting;
  inconclusiveLimit?: CountSetting;
  consecutiveErrorLimit?: CountSetting;
  interval?: DurationSetting;
  initialDelay?: DurationSetting;
}

export interface AnalysisTemplate {
  object: K8sObject;
  cluster: boolean;
  metricsKeySpan?: Span;
  metrics: Metric[];
}

const TEMPLATE = new MemoKey<AnalysisTemplate | null>('analysisTemplate');

/** The AnalysisTemplate view of an object (built once), or undefined when it is not one. */
export function analysisTemplateOf(object: K8sObject, yaml: YamlDoc): AnalysisTemplate | undefined {
  return ANALYSIS_TEMPLATE_KINDS.has(object.kind) ? analysisOf(object, yaml) : undefined;
}

/** The metrics of an AnalysisTemplate, a ClusterAnalysisTemplate or an AnalysisRun (the same shape), or undefined for another object. */
export function analysisOf(object: K8sObject, yaml: YamlDoc): AnalysisTemplate | undefined {
  return memoOn(object, TEMPLATE, () => (ANALYSIS_KINDS.has(object.kind) && object.apiVersion.startsWith('argoproj.io/') ? buildTemplate(object, yaml) : null)) ?? undefined;
}

function buildTemplate(object: K8sObject, yaml: YamlDoc): AnalysisTemplate {
  const template: AnalysisTemplate = { object, cluster: object.kind === 'ClusterAnalysisTemplate', metrics: [] };
  const spec = mapAt(yaml, object.fields, 'spec');
  const metrics = spec?.get('metrics');
  if (!metrics) return template;
  template.metricsKeySpan = metrics.keySpan;
  if (!isSeq(metrics.value)) return template;
  seqItems(yaml, metrics.value).forEach((item, index) => {
    if (isMap(item)) template.metrics.push(buildMetric(yaml, item, index));
  });
  return template;
}

function buildMetric(yaml: YamlDoc, node: YAMLMap, index: number): Metric {
  const fields = mapFields(yaml, node);
  const metric: Metric = { index, node, fields, span: contentSpan(node), providers: [] };
  setString(metric, 'name', fields.get('name'));
  setString(metric, 'successCondition', fields.get('successCondition'));
  setString(metric, 'failureCondition', fields.get('failureCondition'));
  for (const key of ['count', 'failureLimit', 'consecutiveSuccessLimit', 'inconclusiveLimit', 'consecutiveErrorLimit'] as const) {
    const setting = countSetting(fields.get(key));
    if (setting) metric[key] = setting;
  }
  for (const key of ['interval', 'initialDelay'] as const) {
    const field = fields.get(key);
    const text = scalarToString(field?.value);
    if (!field?.value || text === undefined) continue;
    const setting: DurationSetting = { text, span: spanOf(field.value), keySpan: field.keySpan };
    const seconds = parseGoDuration(text);
    if (seconds !== undefined) setting.seconds = seconds;
    metric[key] = setting;
  }
  const provider = fields.get('provider');
  if (provider) {
    metric.providerKeySpan = provider.keySpan;
    if (isMap(provider.value)) {
      for (const [type, field] of mapFields(yaml, provider.value)) {
        metric.providers.push({ type, keySpan: field.keySpan, fields: isMap(field.value) ? mapFields(yaml, field.value) : new Map() });
      }
    }
  }
  return metric;
}

function countSetting(field: Field | undefined): CountSetting | undefined {
  const text = scalarToString(field?.value);
  if (!field?.value || text === undefined) return undefined;
  const setting: CountSetting = { text, span: spanOf(field.value), keySpan: field.keySpan };
  const value = scalarToNumber(field.value);
  if (value !== undefined) setting.value = value;
  return setting;
}

// ---------------------------------------------------------------------------------------------

function mapAt(yaml: YamlDoc, fields: Map<string, Field>, key: string): Map<string, Field> | undefined {
  const value = fields.get(key)?.value;
  return isMap(value) ? mapFields(yaml, value) : undefined;
}

function locatedNumber(field: Field | undefined): Located<number> | undefined {
  const value = scalarToNumber(field?.value);
  if (!field?.value || value === undefined) return undefined;
  return { value, span: spanOf(field.value), keySpan: field.keySpan };
}

function setString<K extends string>(target: { [key in K]?: Located<string> }, key: K, field: Field | undefined): void {
  const value = scalarToString(field?.value);
  if (!field?.value || value === undefined) return;
  target[key] = { value, span: spanOf(field.value), keySpan: field.keySpan };
}

/** A node's span without the line break and comments a block collection's range runs on to. */
function contentSpan(node: Node): Span {
  const span = spanOf(node);
  if ((isMap(node) || isSeq(node)) && !node.flow && node.items.length > 0) {
    const last: unknown = node.items[node.items.length - 1];
    const inner = isPair(last) ? (last.value ?? last.key) : last;
    if (isNode(inner) && inner.range) span.end = Math.min(span.end, contentSpan(inner).end);
  }
  return span;
}

/** From a field's key to the end of its value (the key alone when the value is elsewhere, via an alias). */
export function pairSpan(field: Field): Span {
  const value = field.value;
  if (!value?.range || value.range[0] < field.keySpan.start) return field.keySpan;
  return { start: field.keySpan.start, end: Math.max(field.keySpan.end, contentSpan(value).end) };
}
