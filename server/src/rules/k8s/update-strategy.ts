import { isControllerOwned, type K8sObject, type PodSpec } from '../../engine/model/k8s';
import { podLabels, readServiceSelector, selects } from '../../engine/model/k8sSelection';
import { defineRule } from '../../engine/core/rule';
import { type Field, isMap, isSeq, mapFields, scalarToNumber, scalarToString, seqItems, spanOf, type Node, type YamlDoc } from '../../engine/yaml/yamlFile';

const DEPLOYMENT_TYPES = ['RollingUpdate', 'Recreate'];
const DAEMONSET_TYPES = ['RollingUpdate', 'OnDelete'];
// OpenShift's DeploymentConfig (apps.openshift.io/v1, or v1 in OpenShift 3): its own names, and 'rollingParams'.
const DEPLOYMENT_CONFIG_TYPES = ['Rolling', 'Recreate', 'Custom'];

/** A `maxSurge` / `maxUnavailable` value as written: a count or a percentage. */
type Amount = { count: number } | { percent: number };

export default defineRule({
  id: 'k8s/update-strategy',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['change-failure-rate', 'deployment-frequency'],
  capabilities: ['deployment-automation', 'continuous-delivery'],
  fixable: false,
  messages: {
    unknownType: (type: string, kind: string, types: string) =>
      `'${type}' is not an update strategy of a ${kind}: the API server rejects it. Use ${types}.`,
    stuck: (kind: string) =>
      `'maxSurge' and 'maxUnavailable' are both 0: the ${kind} may neither add a pod nor take one away, so no rollout can make progress and the API server rejects it. Let one of them be at least 1 (for example 'maxSurge: 1').`,
    allDown: (value: string, replicas: string) =>
      `'maxUnavailable: ${value}' lets a rollout take ${replicas} down at once: every release is an outage until the new pods are ready. Keep it below the replica count (for example 'maxUnavailable: 0' with 'maxSurge: 1').`,
    recreate: () =>
      "'Recreate' stops every pod before the new ones start, so each release is an outage for the Service that selects these pods; 'RollingUpdate' replaces them a few at a time and keeps serving. Use Recreate only when two versions must never run together.",
  },
  docs: {
    summary: "A workload's update strategy must let a rollout progress without taking every pod down.",
    rationale:
      "A Deployment's rolling update replaces pods within two bounds: `maxSurge` (how many extra pods may exist) and `maxUnavailable` (how many may be missing). With both 0 the rollout can do nothing, and the API server refuses the object, as it refuses a strategy `type` other than `RollingUpdate` or `Recreate` (`OnDelete` for a DaemonSet; `Rolling`, `Recreate` or `Custom` for an OpenShift `DeploymentConfig`, whose `rollingParams` take the same two bounds). With `maxUnavailable` at 100 %, or at least the replica count, a rollout may stop every old pod before any new one is ready: each deploy becomes a short outage, and a bad image becomes a full one, which is what change failure rate and time to restore count.\n\nThe `maxUnavailable` warnings are reported in the strict preset only. In the strict preset the rule also notes `strategy: Recreate` on a Deployment that a Service in the files checked together selects: Recreate stops all pods before starting the new ones, so the Service has no endpoints during each release. It stays silent for pods that mount a `persistentVolumeClaim` (a ReadWriteOnce volume cannot be attached to old and new pods at once, so Recreate is the honest choice there). Hover `strategy` to compare rolling, blue-green and canary releases.",
    symptom: '`kubectl apply` fails with `may not be 0 when maxSurge is 0`; or every deploy shows a burst of 503s while the Service has no ready endpoints.',
    fix: 'Use `maxSurge: 1` with `maxUnavailable: 0` for a zero-downtime rollout (one extra pod at a time), or keep `maxUnavailable` below the replica count; use `RollingUpdate` unless two versions truly cannot run side by side.',
    bad: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  strategy:
    rollingUpdate:
      maxSurge: 0
      maxUnavailable: 0
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:3.2.0
`,
    good: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  strategy:
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:3.2.0
`,
  },
  visit: {
    k8sObject(object, ctx) {
      const config = object.kind === 'DeploymentConfig' && (object.apiVersion.startsWith('apps.openshift.io/') || object.apiVersion === 'v1');
      if ((!config && !object.apiVersion.startsWith('apps/')) || isControllerOwned(ctx.doc, object)) return;
      const deployment = object.kind === 'Deployment';
      if (!deployment && !config && object.kind !== 'DaemonSet') return;
      const spec = child(ctx.doc, object.fields.get('spec')?.value);
      if (!spec) return;
      const strategyField = spec.get(object.kind === 'DaemonSet' ? 'updateStrategy' : 'strategy');
      const strategy = child(ctx.doc, strategyField?.value);
      const typeNode = strategy?.get('type')?.value;
      const type = scalarToString(typeNode);
      const types = deployment ? DEPLOYMENT_TYPES : config ? DEPLOYMENT_CONFIG_TYPES : DAEMONSET_TYPES;
      if (type !== undefined && !types.includes(type)) {
        ctx.report({ span: spanOf(typeNode!), message: 'unknownType', args: [type, object.kind, alternatives(types)] });
        return;
      }
      if (type === 'Recreate' || type === 'OnDelete' || type === 'Custom') {
        if (deployment && type === 'Recreate' && ctx.preset !== 'recommended' && !mountsClaim(ctx.doc, object.podSpecs) && selectedByService(ctx.doc, object, ctx.index.objects('Service', object))) {
          ctx.report({ span: spanOf(strategy!.get('type')!.value!), message: 'recreate', args: [], severity: 'info' });
        }
        return;
      }
      const rolling = child(ctx.doc, strategy?.get(config ? 'rollingParams' : 'rollingUpdate')?.value);
      if (!rolling) return;
      // Kubernetes' defaults: 25 % / 25 % for Deployments (and OpenShift's DeploymentConfigs), surge 0 / unavailable 1 for DaemonSets.
      const surgeNode = rolling.get('maxSurge')?.value;
      const unavailableNode = rolling.get('maxUnavailable')?.value;
      const surge = surgeNode ? amount(surgeNode) : deployment || config ? { percent: 25 } : { count: 0 };
      const unavailable = unavailableNode ? amount(unavailableNode) : deployment || config ? { percent: 25 } : { count: 1 };
      if (!surge || !unavailable) return;
      if (isZero(surge) && isZero(unavailable)) {
        ctx.report({ span: spanOf(unavailableNode ?? surgeNode!), message: 'stuck', args: [object.kind] });
        return;
      }
      // Some run one replica on purpose: strict only until measured.
      if (!deployment || !unavailableNode || ctx.preset === 'recommended') return;
      const replicas = scalarToNumber(spec.get('replicas')?.value);
      const written = scalarToString(unavailableNode)!;
      if ('percent' in unavailable && unavailable.percent >= 100) {
        ctx.report({ span: spanOf(unavailableNode), message: 'allDown', args: [written, 'every pod'], severity: 'warning' });
      } else if ('count' in unavailable && replicas !== undefined && replicas > 0 && unavailable.count >= replicas && !mountsClaim(ctx.doc, object.podSpecs)) {
        ctx.report({ span: spanOf(unavailableNode), message: 'allDown', args: [written, replicas === 1 ? 'its only pod' : `all ${replicas} pods`], severity: 'warning' });
      }
    },
  },
});

/** `'a' or 'b'`, `'a', 'b' or 'c'`. */
function alternatives(names: readonly string[]): string {
  const quoted = names.map((name) => `'${name}'`);
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}` : quoted.join('');
}

function child(yaml: YamlDoc, node: Node | undefined): Map<string, Field> | undefined {
  return isMap(node) ? mapFields(yaml, node) : undefined;
}

function amount(node: Node): Amount | undefined {
  const text = scalarToString(node)?.trim();
  if (text === undefined) return undefined;
  const percent = /^(\d{1,3})%$/.exec(text);
  if (percent) return { percent: Number(percent[1]) };
  return /^\d+$/.test(text) ? { count: Number(text) } : undefined;
}

function isZero(value: Amount): boolean {
  return 'percent' in value ? value.percent === 0 : value.count === 0;
}

/** Whether a pod spec mounts a PersistentVolumeClaim (old and new pods could not share a ReadWriteOnce volume). */
function mountsClaim(yaml: YamlDoc, pods: PodSpec[]): boolean {
  return pods.some((pod) => {
    const volumes = pod.fields.get('volumes')?.value;
    return isSeq(volumes) && seqItems(yaml, volumes).some((volume) => isMap(volume) && mapFields(yaml, volume).has('persistentVolumeClaim'));
  });
}

/** Whether one of the Services selects the pods of the workload's template (the model's label matching). */
function selectedByService(yaml: YamlDoc, object: K8sObject, services: readonly { object: K8sObject; doc: YamlDoc }[]): boolean {
  const labels = podLabels(yaml, object);
  if (!labels) return false;
  return services.some((service) => {
    const spec = child(service.doc, service.object.fields.get('spec')?.value);
    const selector = readServiceSelector(service.doc, spec?.get('selector')?.value);
    return selector !== undefined && selector.matchLabels.size > 0 && selects(selector, labels);
  });
}
