/**
 * Kubernetes API versions that were deprecated and then removed, by kind: from the Kubernetes deprecated API
 * migration guide (https://kubernetes.io/docs/reference/using-api/deprecation-guide/) and the release notes it cites.
 * Versions are minor releases of 1.x. `schemaUnchanged`: the replacement reads the same fields the same way, so
 * changing `apiVersion` alone is safe.
 */
export interface DeprecatedApi {
  apiVersion: string;
  kinds: readonly string[];
  deprecatedIn: number;
  removedIn: number;
  /** The apiVersion to use instead; undefined when the API is gone without one (PodSecurityPolicy). */
  replacement: string | undefined;
  schemaUnchanged: boolean;
  /** What else changes, for the message; empty when nothing does. */
  note: string;
}

const WORKLOADS = ['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet'];
const RBAC = ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'];

export const DEPRECATED_APIS: readonly DeprecatedApi[] = [
  { apiVersion: 'extensions/v1beta1', kinds: WORKLOADS.filter((kind) => kind !== 'StatefulSet'), deprecatedIn: 9, removedIn: 16, replacement: 'apps/v1', schemaUnchanged: false, note: 'apps/v1 requires spec.selector and no longer defaults it from the template labels.' },
  { apiVersion: 'apps/v1beta1', kinds: ['Deployment', 'StatefulSet'], deprecatedIn: 9, removedIn: 16, replacement: 'apps/v1', schemaUnchanged: false, note: 'apps/v1 requires spec.selector and no longer defaults it from the template labels.' },
  { apiVersion: 'apps/v1beta2', kinds: WORKLOADS, deprecatedIn: 9, removedIn: 16, replacement: 'apps/v1', schemaUnchanged: false, note: 'apps/v1 requires spec.selector.' },
  { apiVersion: 'extensions/v1beta1', kinds: ['NetworkPolicy'], deprecatedIn: 9, removedIn: 16, replacement: 'networking.k8s.io/v1', schemaUnchanged: true, note: '' },
  { apiVersion: 'extensions/v1beta1', kinds: ['PodSecurityPolicy'], deprecatedIn: 10, removedIn: 16, replacement: 'policy/v1beta1', schemaUnchanged: false, note: 'policy/v1beta1 itself was removed in 1.25: Pod Security admission replaces PodSecurityPolicy.' },
  { apiVersion: 'extensions/v1beta1', kinds: ['Ingress'], deprecatedIn: 14, removedIn: 22, replacement: 'networking.k8s.io/v1', schemaUnchanged: false, note: "Backends become 'service: { name, port: { number } }' and every path needs a 'pathType'." },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['Ingress'], deprecatedIn: 19, removedIn: 22, replacement: 'networking.k8s.io/v1', schemaUnchanged: false, note: "Backends become 'service: { name, port: { number } }' and every path needs a 'pathType'." },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['IngressClass'], deprecatedIn: 19, removedIn: 22, replacement: 'networking.k8s.io/v1', schemaUnchanged: true, note: '' },
  { apiVersion: 'admissionregistration.k8s.io/v1beta1', kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], deprecatedIn: 16, removedIn: 22, replacement: 'admissionregistration.k8s.io/v1', schemaUnchanged: false, note: "v1 requires 'sideEffects' and 'admissionReviewVersions' and changes several defaults." },
  { apiVersion: 'apiextensions.k8s.io/v1beta1', kinds: ['CustomResourceDefinition'], deprecatedIn: 16, removedIn: 22, replacement: 'apiextensions.k8s.io/v1', schemaUnchanged: false, note: 'v1 requires a structural schema per version.' },
  { apiVersion: 'apiregistration.k8s.io/v1beta1', kinds: ['APIService'], deprecatedIn: 19, removedIn: 22, replacement: 'apiregistration.k8s.io/v1', schemaUnchanged: true, note: '' },
  { apiVersion: 'certificates.k8s.io/v1beta1', kinds: ['CertificateSigningRequest'], deprecatedIn: 19, removedIn: 22, replacement: 'certificates.k8s.io/v1', schemaUnchanged: false, note: "v1 requires 'signerName'." },
  { apiVersion: 'coordination.k8s.io/v1beta1', kinds: ['Lease'], deprecatedIn: 19, removedIn: 22, replacement: 'coordination.k8s.io/v1', schemaUnchanged: true, note: '' },
  { apiVersion: 'rbac.authorization.k8s.io/v1beta1', kinds: RBAC, deprecatedIn: 17, removedIn: 22, replacement: 'rbac.authorization.k8s.io/v1', schemaUnchanged: true, note: '' },
  { apiVersion: 'rbac.authorization.k8s.io/v1alpha1', kinds: RBAC, deprecatedIn: 17, removedIn: 22, replacement: 'rbac.authorization.k8s.io/v1', schemaUnchanged: true, note: '' },
  { apiVersion: 'scheduling.k8s.io/v1beta1', kinds: ['PriorityClass'], deprecatedIn: 14, removedIn: 22, replacement: 'scheduling.k8s.io/v1', schemaUnchanged: true, note: '' },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], deprecatedIn: 19, removedIn: 22, replacement: 'storage.k8s.io/v1', schemaUnchanged: true, note: '' },
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], deprecatedIn: 21, removedIn: 25, replacement: 'batch/v1', schemaUnchanged: true, note: '' },
  { apiVersion: 'discovery.k8s.io/v1beta1', kinds: ['EndpointSlice'], deprecatedIn: 21, removedIn: 25, replacement: 'discovery.k8s.io/v1', schemaUnchanged: false, note: "In v1, endpoints' 'topology' becomes 'zone' and 'deprecatedTopology'." },
  { apiVersion: 'events.k8s.io/v1beta1', kinds: ['Event'], deprecatedIn: 19, removedIn: 25, replacement: 'events.k8s.io/v1', schemaUnchanged: false, note: 'Several fields are renamed.' },
  { apiVersion: 'autoscaling/v2beta1', kinds: ['HorizontalPodAutoscaler'], deprecatedIn: 22, removedIn: 25, replacement: 'autoscaling/v2', schemaUnchanged: false, note: "Metric targets become 'target: { type, averageUtilization }'." },
  { apiVersion: 'policy/v1beta1', kinds: ['PodDisruptionBudget'], deprecatedIn: 21, removedIn: 25, replacement: 'policy/v1', schemaUnchanged: true, note: 'In policy/v1 an empty selector selects every pod of the namespace instead of none.' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodSecurityPolicy'], deprecatedIn: 21, removedIn: 25, replacement: undefined, schemaUnchanged: false, note: 'PodSecurityPolicy is gone; Pod Security admission (namespace labels) or a policy engine replaces it.' },
  { apiVersion: 'node.k8s.io/v1beta1', kinds: ['RuntimeClass'], deprecatedIn: 20, removedIn: 25, replacement: 'node.k8s.io/v1', schemaUnchanged: true, note: '' },
  { apiVersion: 'autoscaling/v2beta2', kinds: ['HorizontalPodAutoscaler'], deprecatedIn: 23, removedIn: 26, replacement: 'autoscaling/v2', schemaUnchanged: true, note: '' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], deprecatedIn: 23, removedIn: 26, replacement: 'flowcontrol.apiserver.k8s.io/v1', schemaUnchanged: false, note: '' },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIStorageCapacity'], deprecatedIn: 24, removedIn: 27, replacement: 'storage.k8s.io/v1', schemaUnchanged: true, note: '' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], deprecatedIn: 26, removedIn: 29, replacement: 'flowcontrol.apiserver.k8s.io/v1', schemaUnchanged: false, note: '' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], deprecatedIn: 29, removedIn: 32, replacement: 'flowcontrol.apiserver.k8s.io/v1', schemaUnchanged: false, note: '' },
];

/** The newest minor release the table was checked against: the version assumed when none is configured. */
export const NEWEST_KNOWN_MINOR = 34;

export function deprecatedApi(apiVersion: string, kind: string): DeprecatedApi | undefined {
  return DEPRECATED_APIS.find((entry) => entry.apiVersion === apiVersion && entry.kinds.includes(kind));
}
