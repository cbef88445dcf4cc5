import type { IndexView } from '../core/projectIndex';
import { type Field, isMap, isSeq, mapFields, type Node, scalarToNumber, scalarToString, seqItems, type YamlDoc } from '../yaml/yamlFile';
import type { K8sObject } from './k8s';

/**
 * Objects that make pods, and where the labels of their pods are written (from the object root). OpenShift's
 * DeploymentConfig is one too; a bare Pod's own labels are its pods' labels.
 */
const POD_LABEL_PATHS: Record<string, string[]> = {
  Pod: ['metadata', 'labels'],
  Deployment: ['spec', 'template', 'metadata', 'labels'],
  StatefulSet: ['spec', 'template', 'metadata', 'labels'],
  DaemonSet: ['spec', 'template', 'metadata', 'labels'],
  ReplicaSet: ['spec', 'template', 'metadata', 'labels'],
  ReplicationController: ['spec', 'template', 'metadata', 'labels'],
  Job: ['spec', 'template', 'metadata', 'labels'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels'],
  Rollout: ['spec', 'template', 'metadata', 'labels'],
  DeploymentConfig: ['spec', 'template', 'metadata', 'labels'],
};

/** The kinds that make pods (`podLabels` reads them). */
export const POD_MAKING_KINDS = Object.keys(POD_LABEL_PATHS);

/** Workloads that keep a number of identical pods running (`spec.replicas`): what a PDB or HA advice is about. */
export const REPLICATED_KINDS = ['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Rollout', 'DeploymentConfig'];

/** Labels a controller or an operator sets on the pods it makes: a selector asking for one selects pods the set cannot show. */
const OPERATOR_LABEL = /^(pod-template-hash|controller-revision-hash|controller-uid|job-name|statefulset\.kubernetes\.io\/|apps\.kubernetes\.io\/|batch\.kubernetes\.io\/|rollouts-pod-template-hash|deploymentconfig$|deployment$)/;

/**
 * Custom resources whose operator makes pods (Prometheus Operator, Strimzi, ECK, Zalando and Crunchy Postgres, CloudNativePG,
 * RabbitMQ, Flagger, VictoriaMetrics, …): a set holding one holds pods it cannot show.
 */
const OPERATOR_KINDS = ['Prometheus', 'PrometheusAgent', 'Alertmanager', 'ThanosRuler', 'Kafka', 'KafkaConnect', 'KafkaMirrorMaker2', 'KafkaNodePool', 'Elasticsearch', 'Kibana', 'ApmServer', 'Beat', 'Agent', 'Logstash', 'postgresql', 'PostgresCluster', 'Cluster', 'RabbitmqCluster', 'MongoDBCommunity', 'RedisFailover', 'Canary', 'VMAgent', 'VMSingle', 'VMCluster', 'VMAlert', 'VMAlertmanager', 'Jaeger', 'OpenTelemetryCollector', 'Grafana', 'Keycloak', 'Tenant', 'ClickHouseInstallation', 'FlinkDeployment', 'SparkApplication', 'Workflow', 'CronWorkflow'];

/** Whether the set holds, in `near`'s namespace (in any without `near`), a custom resource whose operator makes pods. */
export function holdsOperatorPods(index: IndexView, near: K8sObject | undefined): boolean {
  const knative = index.objects('Service', near).some(({ object }) => object.apiVersion.startsWith('serving.knative.dev/'));
  return knative || OPERATOR_KINDS.some((kind) => index.objects(kind, near).some(({ object }) => object.apiVersion.includes('.')));
}

/** A pod-making object as the set shows it: its kind and name, and its pods' labels. */
export interface PodMaker {
  object: K8sObject;
  doc: YamlDoc;
  /** The pods' labels; undefined when they cannot be read (a template expression). */
  labels: Map<string, string> | undefined;
  /** False when the object has no pod template (a patch): `labels` are then only those its selector asks for. */
  complete: boolean;
}

/** Every pod-making object checked together with `near` (in its namespace, see `IndexView.objects`; every one without `near`). */
export function podMakers(index: IndexView, near: K8sObject | undefined): PodMaker[] {
  return POD_MAKING_KINDS.flatMap((kind) =>
    index.objects(kind, near).flatMap(({ object, doc }): PodMaker[] => {
      // A DeploymentConfig is OpenShift's; a Rollout Argo's: other groups' kinds of the same name are not workloads.
      if (kind === 'DeploymentConfig' && !object.apiVersion.startsWith('apps.openshift.io/') && object.apiVersion !== 'v1') return [];
      if (kind === 'Rollout' && !object.apiVersion.startsWith('argoproj.io/')) return [];
      const labels = podLabels(doc, object);
      if (labels !== null) return [{ object, doc, labels, complete: true }];
      // Without a template, the pods carry at least the labels the selector asks for.
      return [{ object, doc, labels: selectorLabels(doc, object), complete: false }];
    }),
  );
}

/** The labels of the pods an object makes; undefined when they cannot be read, null when it has no pod template. */
export function podLabels(yaml: YamlDoc, object: K8sObject): Map<string, string> | undefined | null {
  const path = POD_LABEL_PATHS[object.kind];
  if (!path) return undefined;
  let node: Node | undefined = object.node;
  for (const key of path) {
    if (node === undefined && (key === 'metadata' || key === 'labels')) return null;
    if (!isMap(node)) return undefined;
    const next: Field | undefined = mapFields(yaml, node).get(key);
    // A template (or Pod) without metadata or labels makes pods without labels.
    if (!next && (key === 'metadata' || key === 'labels')) return new Map();
    node = next?.value;
  }
  if (node === null || node === undefined) return new Map();
  return isMap(node) ? plainEntries(yaml, node) : undefined;
}

/** A workload's `spec.selector.matchLabels`, or undefined when it has none or it cannot be read. */
function selectorLabels(yaml: YamlDoc, object: K8sObject): Map<string, string> | undefined {
  const spec = object.fields.get('spec')?.value;
  const selector = isMap(spec) ? mapFields(yaml, spec).get('selector')?.value : undefined;
  return readLabelSelector(yaml, selector)?.matchLabels;
}

/** A label selector: what a pod's labels must have. Undefined from `readSelector` when it cannot be read. */
export interface Selector {
  matchLabels: Map<string, string>;
  expressions: { key: string; operator: string; values: string[] }[];
}

/** A Service's `selector` (a plain map of labels). */
export function readServiceSelector(yaml: YamlDoc, node: Node | undefined): Selector | undefined {
  if (!isMap(node)) return undefined;
  const matchLabels = plainEntries(yaml, node);
  return matchLabels && { matchLabels, expressions: [] };
}

/** A LabelSelector (`matchLabels`, `matchExpressions`), as PDBs and workloads write it. */
export function readLabelSelector(yaml: YamlDoc, node: Node | undefined): Selector | undefined {
  if (!isMap(node)) return undefined;
  const fields = mapFields(yaml, node);
  const labelsNode = fields.get('matchLabels')?.value;
  const matchLabels = labelsNode === undefined || labelsNode === null ? new Map<string, string>() : isMap(labelsNode) ? plainEntries(yaml, labelsNode) : undefined;
  if (!matchLabels) return undefined;
  const expressions: Selector['expressions'] = [];
  const list = fields.get('matchExpressions')?.value;
  if (list !== undefined && list !== null) {
    if (!isSeq(list)) return undefined;
    for (const item of seqItems(yaml, list)) {
      if (!isMap(item)) return undefined;
      const expression = mapFields(yaml, item);
      const key = scalarToString(expression.get('key')?.value);
      const operator = scalarToString(expression.get('operator')?.value);
      const valuesNode = expression.get('values')?.value;
      const values = isSeq(valuesNode) ? seqItems(yaml, valuesNode).map((value) => scalarToString(value)) : [];
      if (key === undefined || operator === undefined || values.some((value) => value === undefined || templated(value))) return undefined;
      if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(operator) || templated(key)) return undefined;
      expressions.push({ key, operator, values: values as string[] });
    }
  }
  return { matchLabels, expressions };
}

/** Whether pods with `labels` are selected (an empty selector selects every pod, as a PDB's does). */
export function selects(selector: Selector, labels: ReadonlyMap<string, string>): boolean {
  for (const [key, value] of selector.matchLabels) if (labels.get(key) !== value) return false;
  return selector.expressions.every(({ key, operator, values }) => {
    const value = labels.get(key);
    if (operator === 'In') return value !== undefined && values.includes(value);
    if (operator === 'NotIn') return value === undefined || !values.includes(value);
    if (operator === 'Exists') return value !== undefined;
    return value === undefined;
  });
}

/** Whether a selector asks for a label that a controller or an operator puts on pods (the set cannot show those pods). */
export function asksForOperatorLabel(selector: Selector): boolean {
  return [...selector.matchLabels.keys(), ...selector.expressions.map(({ key }) => key)].some((key) => OPERATOR_LABEL.test(key));
}

/**
 * `spec.replicas` of a replicated workload: the number written, 1 when unset (Kubernetes' default), undefined when it
 * cannot be read (a template expression) or is left to the base of a patch.
 */
export function replicasOf(yaml: YamlDoc, object: K8sObject): { count: number; field: Field | undefined } | undefined {
  const spec = object.fields.get('spec')?.value;
  if (!isMap(spec)) return undefined;
  const field = mapFields(yaml, spec).get('replicas');
  if (!field) return object.partial ? undefined : { count: 1, field: undefined };
  const count = scalarToNumber(field.value);
  return count === undefined ? undefined : { count, field };
}

/** The HorizontalPodAutoscalers checked together with `workload` whose `scaleTargetRef` names it. */
export function autoscalersOf(index: IndexView, workload: K8sObject): { object: K8sObject; doc: YamlDoc; minReplicas: number }[] {
  if (workload.name === undefined) return [];
  return index.objects('HorizontalPodAutoscaler', workload).flatMap(({ object, doc }) => {
    const target = scaleTargetOf(doc, object);
    if (target?.kind !== workload.kind || target.name !== workload.name) return [];
    const spec = object.fields.get('spec')?.value;
    const minReplicas = isMap(spec) ? (scalarToNumber(mapFields(doc, spec).get('minReplicas')?.value) ?? 1) : 1;
    return [{ object, doc, minReplicas }];
  });
}

/** An autoscaler's `scaleTargetRef`: the kind and name it scales, and the name's node. */
export function scaleTargetOf(yaml: YamlDoc, hpa: K8sObject): { kind: string | undefined; name: string | undefined; nameNode: Node | undefined; field: Field } | undefined {
  const spec = hpa.fields.get('spec')?.value;
  const field = isMap(spec) ? mapFields(yaml, spec).get('scaleTargetRef') : undefined;
  if (!field || !isMap(field.value)) return undefined;
  const target = mapFields(yaml, field.value);
  const nameNode = target.get('name')?.value;
  return { kind: scalarToString(target.get('kind')?.value), name: scalarToString(nameNode), nameNode, field };
}

/** A mapping of plain strings, or undefined when a key or value is not one (a template expression, a nested value). */
export function plainEntries(yaml: YamlDoc, map: Node): Map<string, string> | undefined {
  if (!isMap(map)) return undefined;
  const entries = new Map<string, string>();
  for (const [key, field] of mapFields(yaml, map)) {
    const value = scalarToString(field.value);
    if (value === undefined || templated(key) || templated(value)) return undefined;
    entries.set(key, value);
  }
  return entries;
}

function templated(text: string): boolean {
  return /\{\{|\$\{|\$\(|<%|__[A-Z]/.test(text);
}
