import type { Span } from '../core/finding';
import { peerAnnotationSuppressions } from '../core/suppress';
import { hasUnknownKey, inExclusiveBranches, isUnknownNode } from '../yaml/helmTemplate';

export { isUnknownNode };

/** Whether a chart template never renders two nodes together (they sit in different branches of one `if` / `else`). */
export function renderedApart(file: YamlFile, a: Node, b: Node): boolean {
  return file.template !== undefined && !!a.range && !!b.range && inExclusiveBranches(file.template, a.range[0], b.range[0]);
}

/**
 * Whether two nodes are always rendered together: true outside a chart template; in one, when both sit in the same
 * branches of its `if` / `with` / `range` blocks (conditions the template may pair in ways no reading can follow).
 */
export function renderedTogether(file: YamlFile, a: Node, b: Node): boolean {
  if (file.template === undefined) return true;
  if (!a.range || !b.range) return false;
  const within = (at: number) => file.template!.branches.filter((branch) => branch.start <= at && at < branch.end).map((branch) => branch.start).join(',');
  return within(a.range[0]) === within(b.range[0]);
}
import type { Memoizing } from './memo';
import {
  type Field,
  isMap,
  isSeq,
  mapFields,
  type Node,
  scalarToNumber,
  scalarToString,
  seqItems,
  type YamlDoc,
  type YamlFile,
  type YAMLMap,
} from '../yaml/yamlFile';

export const IGNORE_ANNOTATION = 'shipcheck.dev/ignore';

/** One Kubernetes object (a document with `apiVersion` and `kind`, or an item of a `List`). */
export interface K8sObject extends Memoizing {
  apiVersion: string;
  kind: string;
  name?: string;
  /** `metadata.namespace`; undefined when left to `kubectl -n`. */
  namespace?: string;
  node: YAMLMap;
  fields: Map<string, Field>;
  /** Rule ids listed in the `shipcheck.dev/ignore` annotation. */
  ignoredRules: Set<string>;
  /** What the peers' annotations (kube-linter, Polaris, kube-score) hide: rule id → message ids, or `all`. */
  peerIgnored: Map<string, Set<string> | 'all'>;
  podSpecs: PodSpec[];
  /**
   * A fragment to be merged onto a whole object (Kustomize patch): rules about missing fields skip it. True when a
   * kustomization in the files checked together lists its file as a patch, and when its shape says so (`fragment`)
   * unless the project reads objects whole (`kubernetes: { patches: listed }`). Set by `lint`.
   */
  partial: boolean;
  /** Whether its shape alone makes it a fragment (`isPartialObject`). */
  fragment: boolean;
  /** Whether its shape may make it a fragment (`kubernetes: { patches: auto }`, the default); false reads it whole. Set by `lint`. */
  shapeMayPatch: boolean;
}

export interface PodSpec {
  node: YAMLMap;
  fields: Map<string, Field>;
  owner: K8sObject;
  /** `containers` only: probes, resources and env rules read these. */
  containers: Container[];
  initContainers: Container[];
  ephemeralContainers: Container[];
}

export type ContainerRole = 'container' | 'init' | 'ephemeral';

export interface Container {
  name?: string;
  role: ContainerRole;
  node: YAMLMap;
  fields: Map<string, Field>;
  pod: PodSpec;
  ports: ContainerPort[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
}

export interface ContainerPort {
  name?: string;
  containerPort?: number;
  /** As written (`TCP`, `UDP`, `SCTP`); `TCP`, Kubernetes' default, when not. */
  protocol: string;
}

export interface Probe {
  /** The probe's key (`livenessProbe`), where findings about the probe as a whole point. */
  keySpan: Span;
  /** Undefined when a template writes the whole probe (`livenessProbe: {{ toYaml .Values.livenessProbe }}`). */
  node: YAMLMap | undefined;
  fields: Map<string, Field>;
  handler?: ProbeHandler;
  /** A template writes the probe or part of it: what it lacks may be there once rendered. */
  unknown: boolean;
}

export type ProbeHandlerType = 'httpGet' | 'tcpSocket' | 'exec' | 'grpc';

export interface ProbeHandler {
  type: ProbeHandlerType;
  keySpan: Span;
  node: YAMLMap;
  fields: Map<string, Field>;
}

/** Where each workload kind keeps its pod template's spec, as a path of keys from the object root. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Rollout: ['spec', 'template', 'spec'],
  // OpenShift's apps.openshift.io/v1 workload.
  DeploymentConfig: ['spec', 'template', 'spec'],
};

/** Long-running workloads: readiness matters for them, unlike Jobs. */
export const LONG_RUNNING_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Rollout', 'DeploymentConfig']);

// Classification and rules that read other documents ask for the same objects: build them once per node.
const built = new WeakMap<YAMLMap, K8sObject[]>();

/** The Kubernetes objects of a document: the document itself, or the items of a `List`. */
export function buildK8sObjects(yaml: YamlDoc, root: YAMLMap): K8sObject[] {
  let objects = built.get(root);
  if (!objects) {
    objects = buildObjects(yaml, root);
    built.set(root, objects);
  }
  return objects;
}

function buildObjects(yaml: YamlDoc, root: YAMLMap): K8sObject[] {
  const object = buildObject(yaml, root);
  if (!object) return [];
  if (object.kind !== 'List' && !object.kind.endsWith('List')) return [object];
  const items = object.fields.get('items')?.value;
  if (!isSeq(items)) return [object];
  return seqItems(yaml, items).flatMap((item) => (isMap(item) ? (buildObject(yaml, item) ?? []) : []));
}

function buildObject(yaml: YamlDoc, node: YAMLMap): K8sObject | undefined {
  const fields = mapFields(yaml, node);
  const apiVersion = scalarToString(fields.get('apiVersion')?.value);
  const kind = scalarToString(fields.get('kind')?.value);
  if (apiVersion === undefined || kind === undefined) return undefined;
  const metadata = fields.get('metadata')?.value;
  const metadataFields = isMap(metadata) ? mapFields(yaml, metadata) : undefined;
  const annotations = annotationsOf(yaml, metadataFields);
  const ignore = annotations.get(IGNORE_ANNOTATION);
  const object: K8sObject = {
    apiVersion,
    kind,
    node,
    fields,
    ignoredRules: new Set((ignore ?? '').split(',').map((id) => id.trim()).filter(Boolean)),
    peerIgnored: new Map(),
    podSpecs: [],
    partial: false,
    fragment: false,
    shapeMayPatch: true,
    memos: undefined,
  };
  const name = scalarToString(metadataFields?.get('name')?.value);
  if (name !== undefined) object.name = name;
  const namespace = scalarToString(metadataFields?.get('namespace')?.value);
  if (namespace !== undefined) object.namespace = namespace;
  const path = isRollout(object) && fields.get('spec') && hasWorkloadRef(yaml, fields) ? undefined : POD_SPEC_PATHS[kind];
  const specNode = path ? walk(yaml, node, path) : undefined;
  if (isMap(specNode)) object.podSpecs.push(buildPodSpec(yaml, specNode, object));
  // kube-score also reads the pod template's annotations (the metadata beside the pod spec).
  const template = path ? walk(yaml, node, [...path.slice(0, -1), 'metadata']) : undefined;
  object.peerIgnored = peerAnnotationSuppressions(annotations, annotationsOf(yaml, isMap(template) ? mapFields(yaml, template) : undefined));
  object.partial = object.fragment = isPartialObject(yaml, object);
  return object;
}

/** Where a workload kind keeps its pod template's spec (keys from the object's root); undefined for other kinds. */
export function podSpecPath(kind: string): readonly string[] | undefined {
  return Object.hasOwn(POD_SPEC_PATHS, kind) ? POD_SPEC_PATHS[kind] : undefined;
}

export function isRollout(object: K8sObject): boolean {
  return object.kind === 'Rollout' && object.apiVersion.startsWith('argoproj.io/');
}

function hasWorkloadRef(yaml: YamlDoc, fields: Map<string, Field>): boolean {
  const spec = fields.get('spec')?.value;
  return isMap(spec) && mapFields(yaml, spec).has('workloadRef');
}

/** A `metadata`'s annotations as strings (other values as undefined). */
function annotationsOf(yaml: YamlDoc, metadata: Map<string, Field> | undefined): Map<string, string | undefined> {
  const annotations = metadata?.get('annotations')?.value;
  if (!isMap(annotations)) return new Map();
  return new Map([...mapFields(yaml, annotations)].map(([key, field]) => [key, scalarToString(field.value)]));
}

function walk(yaml: YamlDoc, node: YAMLMap, path: string[]): Node | undefined {
  let current: Node | undefined = node;
  for (const key of path) {
    if (!isMap(current)) return undefined;
    current = mapFields(yaml, current).get(key)?.value;
  }
  return current;
}

function buildPodSpec(yaml: YamlDoc, node: YAMLMap, owner: K8sObject): PodSpec {
  const fields = mapFields(yaml, node);
  const pod: PodSpec = { node, fields, owner, containers: [], initContainers: [], ephemeralContainers: [] };
  pod.containers = buildContainers(yaml, fields.get('containers')?.value, pod, 'container');
  pod.initContainers = buildContainers(yaml, fields.get('initContainers')?.value, pod, 'init');
  pod.ephemeralContainers = buildContainers(yaml, fields.get('ephemeralContainers')?.value, pod, 'ephemeral');
  return pod;
}

function buildContainers(yaml: YamlDoc, list: Node | undefined, pod: PodSpec, role: ContainerRole): Container[] {
  if (!isSeq(list)) return [];
  return seqItems(yaml, list).flatMap((item) => {
    if (!isMap(item)) return [];
    const fields = mapFields(yaml, item);
    const container: Container = { role, node: item, fields, pod, ports: buildPorts(yaml, fields.get('ports')?.value) };
    const name = scalarToString(fields.get('name')?.value);
    if (name !== undefined) container.name = name;
    for (const key of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
      const probe = buildProbe(yaml, fields.get(key));
      if (probe) container[key] = probe;
    }
    return [container];
  });
}

function buildPorts(yaml: YamlDoc, list: Node | undefined): ContainerPort[] {
  if (!isSeq(list)) return [];
  return seqItems(yaml, list).flatMap((item) => {
    if (!isMap(item)) return [];
    const fields = mapFields(yaml, item);
    const port: ContainerPort = { protocol: scalarToString(fields.get('protocol')?.value) ?? 'TCP' };
    const name = scalarToString(fields.get('name')?.value);
    const number = scalarToNumber(fields.get('containerPort')?.value);
    if (name !== undefined) port.name = name;
    if (number !== undefined) port.containerPort = number;
    return [port];
  });
}

const HANDLER_TYPES: ProbeHandlerType[] = ['httpGet', 'tcpSocket', 'exec', 'grpc'];

function buildProbe(yaml: YamlDoc, field: Field | undefined): Probe | undefined {
  if (field && isUnknownNode(field.value) && !isMap(field.value)) return { keySpan: field.keySpan, node: undefined, fields: new Map(), unknown: true };
  if (!field || !isMap(field.value)) return undefined;
  const fields = mapFields(yaml, field.value);
  const probe: Probe = { keySpan: field.keySpan, node: field.value, fields, unknown: hasUnknownKey(field.value) };
  for (const type of HANDLER_TYPES) {
    const handler = fields.get(type);
    if (handler && isMap(handler.value)) {
      probe.handler = { type, keySpan: handler.keySpan, node: handler.value, fields: mapFields(yaml, handler.value) };
      break;
    }
  }
  return probe;
}

/** A probe timing field with Kubernetes' default filled in. */
export function probeNumber(probe: Probe, key: 'initialDelaySeconds' | 'periodSeconds' | 'failureThreshold' | 'timeoutSeconds'): number {
  const value = scalarToNumber(probe.fields.get(key)?.value);
  if (value !== undefined) return value;
  return PROBE_DEFAULTS[key];
}

export const PROBE_DEFAULTS = { initialDelaySeconds: 0, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 1 } as const;

export interface ProbeTimings {
  initialDelaySeconds: number;
  failureThreshold: number;
  periodSeconds: number;
}

/**
 * The timings that decide when a probe acts, with Kubernetes' defaults for those not written. Undefined when a field
 * cannot be read (a template), or in a patch (`partial`) that leaves one to the base.
 */
export function probeTimings(probe: Probe, partial: boolean): ProbeTimings | undefined {
  const read = (key: keyof ProbeTimings): number | undefined => {
    const node = probe.fields.get(key)?.value;
    if (node === undefined) return partial || probe.unknown ? undefined : PROBE_DEFAULTS[key];
    return scalarToNumber(node);
  };
  const initialDelaySeconds = read('initialDelaySeconds');
  const failureThreshold = read('failureThreshold');
  const periodSeconds = read('periodSeconds');
  if (initialDelaySeconds === undefined || failureThreshold === undefined || periodSeconds === undefined) return undefined;
  return { initialDelaySeconds, failureThreshold, periodSeconds };
}

/**
 * The probe's failure window: seconds from the container's start until the probe acts on a check that never passes,
 * `initialDelaySeconds + failureThreshold × periodSeconds` with Kubernetes' defaults (timeouts aside). Undefined as
 * `probeTimings` is.
 */
export function probeFailureWindow(probe: Probe, partial: boolean): number | undefined {
  const timings = probeTimings(probe, partial);
  return timings && timings.initialDelaySeconds + timings.failureThreshold * timings.periodSeconds;
}

/** The fewest consecutive liveness failures before a restart that rules recommend (probe-identical's fix, liveness-threshold). */
export const LIVENESS_FAILURE_THRESHOLD = 5;

// apps/v1 and Argo Rollouts reject a workload without `spec.selector`: a document without one is a patch.
const SELECTOR_REQUIRED = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Rollout']);
// Strategic-merge-patch directives (`$patch: delete`, `$setElementOrder/containers`, …) only appear in patches.
const PATCH_DIRECTIVE = /^\$(patch$|setElementOrder\/|retainKeys$|deleteFromPrimitiveList\/)/;

/**
 * Whether a workload is a fragment to be merged onto another (a Kustomize patch or overlay) rather than a
 * whole object: an apps/v1 or Rollout workload without `spec.selector`, a container without `image`, or a
 * strategic-merge directive. Rules about what is missing skip fragments; what is present still counts.
 */
export function isPartialObject(yaml: YamlDoc, object: K8sObject): boolean {
  if (object.podSpecs.length === 0) return false;
  if (SELECTOR_REQUIRED.has(object.kind) && requiresSelector(object) && !hasSelector(yaml, object)) return true;
  return object.podSpecs.some(isPartialPodSpec);
}

function requiresSelector(object: K8sObject): boolean {
  return object.apiVersion === 'apps/v1' || (object.kind === 'Rollout' && object.apiVersion.startsWith('argoproj.io/'));
}

function hasSelector(yaml: YamlDoc, object: K8sObject): boolean {
  const spec = object.fields.get('spec')?.value;
  return isMap(spec) && mapFields(yaml, spec).has('selector');
}

function isPartialPodSpec(pod: PodSpec): boolean {
  if (hasDirective(pod.fields)) return true;
  // A template's `include` among the pod's or a container's keys may write any of them.
  if (hasUnknownKey(pod.node) || [...pod.containers, ...pod.initContainers].some((container) => hasUnknownKey(container.node))) return true;
  return [...pod.containers, ...pod.initContainers].some((container) => !container.fields.has('image') || hasDirective(container.fields));
}

function hasDirective(fields: Map<string, Field>): boolean {
  for (const key of fields.keys()) if (PATCH_DIRECTIVE.test(key)) return true;
  return false;
}

/**
 * Whether a controller made this object (a ReplicaSet of a Deployment, a Pod of a ReplicaSet: `ownerReferences`
 * with `controller: true`), as in `kubectl get -o yaml` dumps. Findings belong on the owner people edit.
 */
export function isControllerOwned(yaml: YamlDoc, object: K8sObject): boolean {
  const metadata = object.fields.get('metadata')?.value;
  const owners = isMap(metadata) ? mapFields(yaml, metadata).get('ownerReferences')?.value : undefined;
  if (!isSeq(owners)) return false;
  return seqItems(yaml, owners).some((owner) => isMap(owner) && scalarToString(mapFields(yaml, owner).get('controller')?.value) === 'true');
}
