import { isMap, isSeq, mapFields, scalarToString, seqItems, type Field, type YamlDoc } from '../yamlFile';
import type { K8sObject, PodSpec } from './k8s';

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
