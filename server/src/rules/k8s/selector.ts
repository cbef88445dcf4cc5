import type { TextEdit } from '../../engine/core/finding';
import { labelsAsDeployed } from '../../engine/model/deployed';
import { isControllerOwned, type K8sObject } from '../../engine/model/k8s';
import { plainEntries } from '../../engine/model/k8sSelection';
import { defineRule, type RuleContext } from '../../engine/core/rule';
import { appendToFlowMap, insertMapEntry } from '../../engine/edits/yamlEdit';
import { type Field, isMap, mapFields, type YamlDoc, type YAMLMap } from '../../engine/yaml/yamlFile';

// Workloads whose API rejects a selector that does not select the template's labels (Jobs generate theirs).
const SELECTING_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Rollout']);

/** The core ReplicationController and OpenShift's DeploymentConfig: their selector is a plain label map, held to the template the same way. */
function selectsByMap(object: { kind: string; apiVersion: string }): boolean {
  if (object.kind === 'ReplicationController') return object.apiVersion === 'v1';
  return object.kind === 'DeploymentConfig' && (object.apiVersion === 'apps.openshift.io/v1' || object.apiVersion === 'v1');
}

const messages = {
  mismatch: (kind: string, missing: string, note = '') =>
    `The ${kind}'s selector asks for ${missing}, which its pod template's labels do not have: the API server rejects the ${kind} ('selector does not match template labels'), so the apply fails.${note}`,
  empty: (kind: string) =>
    `The ${kind}'s selector is empty. In apps/v1 it would select every pod of the namespace, so the API server rejects it; select the pod template's labels.`,
};

export default defineRule({
  id: 'k8s/selector',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['change-failure-rate'],
  capabilities: ['deployment-automation'],
  fixable: 'suggestion',
  messages,
  docs: {
    summary: "A workload's selector must select its own pod template's labels.",
    rationale:
      "A Deployment, StatefulSet, DaemonSet, ReplicaSet or Argo Rollout finds the pods it owns through `spec.selector`. The API server checks that the pod template carries every label the selector asks for, and refuses the object otherwise; it also refuses an empty selector, which would claim every pod of the namespace. So the mistake never reaches production, but it fails the deploy at apply time — usually after a label was renamed in one place and not the other, and after the pipeline has already built and pushed the image. The selector is also immutable once created: fixing it by changing the selector of a live Deployment needs the Deployment deleted and recreated. A ReplicationController and an OpenShift DeploymentConfig, whose `selector` is a plain label map, are held to their template's labels the same way (unless a kustomization deploys them). A Kustomize base is judged as its overlays deploy it: the selector and pod labels that their strategic-merge patches set count, and when only some overlays deploy a mismatch the finding names them (a file a kustomization applies as a patch is never judged on its own).",
    symptom: "`kubectl apply` fails with `selector does not match template labels` (or `empty selector is invalid for deployment`), and the release job goes red after a label rename.",
    fix: "Add the selector's labels to `spec.template.metadata.labels` (the suggestion does so). Do not change the selector of a workload that already runs: it is immutable.",
    bad: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api-server
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
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
        tier: backend
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:3.2.0
`,
  },
  visit: {
    k8sObject(object, ctx) {
      if (selectsByMap(object)) {
        if (!object.partial && !isControllerOwned(ctx.doc, object)) checkMapSelector(object, ctx);
        return;
      }
      if (!SELECTING_KINDS.has(object.kind) || object.partial || isControllerOwned(ctx.doc, object)) return;
      if (object.kind === 'Rollout' && !object.apiVersion.startsWith('argoproj.io/')) return;
      const spec = object.fields.get('spec')?.value;
      if (!isMap(spec)) return;
      const specFields = mapFields(ctx.doc, spec);
      const selectorField = specFields.get('selector');
      const selector = selectorField?.value;
      // A Rollout with workloadRef selects the referenced Deployment's pods, which another document holds.
      if (!selectorField || !isMap(selector) || specFields.has('workloadRef')) return;
      const selectorFields = mapFields(ctx.doc, selector);
      const matchLabelsField = selectorFields.get('matchLabels');
      const matchLabels = matchLabelsField?.value;
      const expressions = selectorFields.get('matchExpressions')?.value;
      if (selectorFields.size === 0 || (isMap(matchLabels) && matchLabels.items.length === 0 && !expressions)) {
        ctx.report({ span: selectorField.keySpan, message: 'empty', args: [object.kind] });
        return;
      }
      if (!matchLabelsField || !isMap(matchLabels)) return;
      const wanted = plainEntries(ctx.doc, matchLabels);
      const labelsField = templateLabels(ctx.doc, specFields.get('template'));
      if (wanted === undefined || labelsField === undefined) return;
      const have = labelsField.value ? plainEntries(ctx.doc, labelsField.value) : new Map<string, string>();
      // Labels written by a template engine or a variable cannot be compared.
      if (have === undefined) return;
      const missingFrom = (selector: ReadonlyMap<string, string>, labels: ReadonlyMap<string, string>) => [...selector].filter(([key, value]) => labels.get(key) !== value);
      let missing = missingFrom(wanted, have);
      // As kustomize overlays deploy it: their patches may add the labels the selector asks for, or change either side.
      const deployed = labelsAsDeployed(ctx, object, wanted, have);
      const breaking = deployed.filter((variant) => !variant.unknown && missingFrom(variant.selector, variant.template).length > 0);
      let note = '';
      if (deployed.length > 0) {
        if (breaking.length === 0) return;
        if (missing.length === 0 || breaking.length < deployed.length) {
          if (missing.length === 0) missing = missingFrom(breaking[0]!.selector, breaking[0]!.template);
          const names = breaking.map((variant) => `'${variant.overlay}'`);
          note = names.length === 1 ? ` Overlay ${names[0]} deploys it so.` : ` Overlays ${names.join(', ')} deploy it so.`;
        }
      }
      if (missing.length === 0) return;
      const edit = note === '' ? addLabels(ctx, labelsField.value, missing.filter(([key]) => !have.has(key))) : undefined;
      const fixable = edit && missing.every(([key]) => !have.has(key));
      ctx.report({
        span: matchLabelsField.keySpan,
        message: 'mismatch',
        args: [object.kind, missing.map(([key, value]) => `'${key}: ${value}'`).join(' and '), note],
        ...(fixable ? { fix: { title: `Add ${missing.map(([key, value]) => `'${key}: ${value}'`).join(', ')} to the pod template's labels`, edits: [edit] } } : {}),
      });
    },
  },
});

/**
 * A ReplicationController's or DeploymentConfig's `selector: { key: value }` against its template's labels. An empty or
 * missing selector is left alone (a ReplicationController's defaults to the template's labels), and so is a workload a
 * kustomization deploys (its patches' selectors are read in the apps/v1 shape only).
 */
function checkMapSelector(object: K8sObject, ctx: RuleContext<typeof messages>): void {
  const spec = object.fields.get('spec')?.value;
  if (!isMap(spec)) return;
  const specFields = mapFields(ctx.doc, spec);
  const selectorField = specFields.get('selector');
  if (!selectorField || !isMap(selectorField.value) || ctx.index.overlays().length > 0) return;
  const wanted = plainEntries(ctx.doc, selectorField.value);
  const labelsField = templateLabels(ctx.doc, specFields.get('template'));
  if (wanted === undefined || wanted.size === 0 || labelsField === undefined) return;
  const have = labelsField.value ? plainEntries(ctx.doc, labelsField.value) : new Map<string, string>();
  if (have === undefined) return;
  const missing = [...wanted].filter(([key, value]) => have.get(key) !== value);
  if (missing.length === 0) return;
  const edit = addLabels(ctx, labelsField.value, missing.filter(([key]) => !have.has(key)));
  const fixable = edit && missing.every(([key]) => !have.has(key));
  ctx.report({
    span: selectorField.keySpan,
    message: 'mismatch',
    args: [object.kind, missing.map(([key, value]) => `'${key}: ${value}'`).join(' and ')],
    ...(fixable ? { fix: { title: `Add ${missing.map(([key, value]) => `'${key}: ${value}'`).join(', ')} to the pod template's labels`, edits: [edit] } } : {}),
  });
}

/** `template.metadata.labels`, as a field (its value undefined when the template has no labels map), or undefined when the template is not a mapping. */
function templateLabels(yaml: YamlDoc, template: Field | undefined): { value: YAMLMap | undefined } | undefined {
  if (!template || !isMap(template.value)) return undefined;
  const metadata = mapFields(yaml, template.value).get('metadata')?.value;
  if (!isMap(metadata)) return { value: undefined };
  const labels = mapFields(yaml, metadata).get('labels')?.value;
  if (labels === undefined || labels === null) return { value: undefined };
  return isMap(labels) ? { value: labels } : undefined;
}

function addLabels(ctx: { file: Parameters<typeof insertMapEntry>[0] }, labels: YAMLMap | undefined, entries: [string, string][]): TextEdit | undefined {
  if (!labels || entries.length === 0) return undefined;
  // Quoted unless plainly a word YAML reads as a string (`true`, `1.0` would not be).
  const plain = (value: string) => /^[A-Za-z][\w./-]*$/.test(value) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(value);
  const text = (key: string, value: string) => `${key}: ${plain(value) ? value : JSON.stringify(value)}`;
  if (labels.flow) return entries.length === 1 ? appendToFlowMap(ctx.file, labels, text(...entries[0]!)) : undefined;
  return insertMapEntry(ctx.file, labels, entries.map(([key, value]) => text(key, value)).join('\n'));
}

