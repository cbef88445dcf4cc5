import { deprecatedApi, NEWEST_KNOWN_MINOR } from '../../knowledge/deprecatedApis';
import { isControllerOwned, type K8sObject } from '../../engine/model/k8s';
import { defineRule } from '../../engine/core/rule';
import { replaceScalar } from '../../engine/edits/yamlEdit';
import { isMap, isScalar, isSeq, mapFields, spanOf, type YamlDoc } from '../../engine/yaml/yamlFile';

export default defineRule({
  id: 'k8s/deprecated-api',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['change-failure-rate', 'deployment-frequency'],
  capabilities: ['deployment-automation'],
  fixable: 'safe',
  options: {
    kubernetesVersion: {
      type: 'string',
      default: `1.${NEWEST_KNOWN_MINOR}`,
      pattern: /^1\.\d{1,2}$/,
      description: 'The Kubernetes version the manifests are applied to, as "1.29" (quoted, or YAML reads it as a number): APIs removed by then are errors, those deprecated by then warnings.',
    },
  },
  messages: {
    removed: (apiVersion: string, kind: string, removedIn: string, replacement: string, note: string) =>
      `${kind} ${apiVersion} was removed in Kubernetes ${removedIn}: the API server rejects this object${replacement ? `; use ${replacement}` : ''}.${note ? ` ${note}` : ''}`,
    deprecated: (apiVersion: string, kind: string, deprecatedIn: string, removedIn: string, replacement: string, note: string) =>
      `${kind} ${apiVersion} is deprecated since Kubernetes ${deprecatedIn} and is removed in ${removedIn}, when applying this manifest starts to fail${replacement ? `; use ${replacement}` : ''}.${note ? ` ${note}` : ''}`,
  },
  docs: {
    summary: 'Manifests must not use API versions the target Kubernetes release has removed.',
    rationale:
      "Kubernetes removes beta API versions a few releases after their stable replacement ships. A manifest still written against a removed version keeps working until the day the cluster is upgraded; then every deploy of it fails, and a rollback to the previous release of the application fails the same way, because the old manifest uses the same removed API. Upgrades get postponed, and deploys become the thing that breaks during one. Moving to the stable version ahead of time is usually a one-line change.\n\nThe rule knows the built-in APIs the Kubernetes deprecation guide lists (not custom resources). It assumes the newest release it knows; set `kubernetesVersion` in the rule's options in `.shipcheck.yaml` to the version your clusters run to hear about removals before they bite (deprecations as warnings).",
    symptom: '`kubectl apply` fails right after a cluster upgrade with `no matches for kind "Ingress" in version "extensions/v1beta1"`, and rolling back the application does not help.',
    fix: 'Change `apiVersion` to the replacement and adjust the fields the message names. Where the replacement reads the same fields (RBAC, CronJob, PriorityClass, StorageClass, HPA v2beta2, PDB with a selector) the fix changes `apiVersion` for you.',
    bad: `apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: nightly-report
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: ghcr.io/acme/report:2.1.0
`,
    good: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: ghcr.io/acme/report:2.1.0
`,
  },
  visit: {
    k8sObject(object, ctx) {
      const entry = deprecatedApi(object.apiVersion, object.kind);
      if (!entry || isControllerOwned(ctx.doc, object)) return;
      const target = Number(ctx.option('kubernetesVersion').split('.')[1]);
      if (target < entry.deprecatedIn) return;
      const node = object.fields.get('apiVersion')?.value;
      if (!isScalar(node)) return;
      const removed = target >= entry.removedIn;
      const edit = entry.replacement && entry.schemaUnchanged && !emptyPdbSelector(object, ctx.doc) ? replaceScalar(node, entry.replacement) : undefined;
      const fix = edit ? { fix: { title: `Change apiVersion to ${entry.replacement}`, edits: [edit] } } : {};
      const replacement = entry.replacement ?? '';
      if (removed) ctx.report({ span: spanOf(node), message: 'removed', args: [object.apiVersion, object.kind, `1.${entry.removedIn}`, replacement, entry.note], ...fix });
      else ctx.report({ span: spanOf(node), message: 'deprecated', args: [object.apiVersion, object.kind, `1.${entry.deprecatedIn}`, `1.${entry.removedIn}`, replacement, entry.note], severity: 'warning', ...fix });
    },
  },
});

/** An empty PodDisruptionBudget selector selects nothing in policy/v1beta1 and everything in policy/v1: not a safe rename. */
function emptyPdbSelector(object: K8sObject, yaml: YamlDoc): boolean {
  if (object.kind !== 'PodDisruptionBudget') return false;
  const spec = object.fields.get('spec')?.value;
  const selector = isMap(spec) ? mapFields(yaml, spec).get('selector')?.value : undefined;
  if (!isMap(selector)) return true;
  return ![...mapFields(yaml, selector).values()].some(({ value }) => (isMap(value) || isSeq(value)) && value.items.length > 0);
}
