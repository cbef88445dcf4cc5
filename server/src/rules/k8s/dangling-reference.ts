import type { Span } from '../../engine/core/finding';
import type { IndexView } from '../../engine/core/projectIndex';
import { defineRule, type RuleContext } from '../../engine/core/rule';
import { namespaceSetAsDeployed, overlaysRenamingApart } from '../../engine/model/deployed';
import { isFlaggerCanary } from '../../engine/model/flagger';
import type { K8sObject } from '../../engine/model/k8s';
import { rolloutAnalyses, rolloutOf } from '../../engine/model/rollout';
import { asksForOperatorLabel, holdsOperatorPods, podMakers, type PodMaker, readLabelSelector, readServiceSelector, REPLICATED_KINDS, scaleTargetOf, selects, type Selector } from '../../engine/model/k8sSelection';
import { type Field, isMap, isSeq, mapFields, type Node, scalarToNumber, scalarToString, seqItems, spanOf, type YamlDoc } from '../../engine/yaml/yamlFile';

const messages = {
    serviceSelectsNothing: (service: string, selector: string) =>
    `Service ${service} selects ${selector}, which no pod template checked with it carries: the Service has no endpoints and every connection to it fails.`,
  serviceOtherNamespace: (service: string, namespace: string, selector: string, makers: string, other: string) =>
    `Service ${service} in namespace '${namespace}' selects ${selector}, which the pods of ${makers} carry, but in namespace '${other}': a Service routes only to pods of its own namespace, so it has no endpoints. Move one of them, or give both the same 'metadata.namespace'.`,
  targetPortName: (port: string) =>
    `targetPort '${port}' is a port name, but no container of the pods this Service selects declares a port named '${port}': traffic sent to it has nowhere to go.`,
  ingressService: (service: string) =>
    `This Ingress sends traffic to Service '${service}', which is not among the objects checked with it: the controller answers 503 for this path.`,
  oldBackendForm: (service: string) =>
    `networking.k8s.io/v1 has no 'serviceName' or 'servicePort' (the v1beta1 form): the API server rejects this backend or drops the fields, so it routes to no Service. Write 'service: { name: ${service}, port: … }' instead.`,
  ingressPort: (service: string, port: string) =>
    `Service '${service}' has no port ${port}: the Ingress controller cannot route this backend.`,
  autoscalerTarget: (kind: string, name: string) =>
    `This autoscaler scales ${kind} '${name}', which is not among the objects checked with it: it scales nothing.`,
  pdbSelectsNothing: (selector: string) =>
    `This PodDisruptionBudget selects ${selector}, which no pod template checked with it carries: it protects nothing during a drain.`,
  workloadRef: (owner: string, kind: string, name: string) =>
    `This ${owner} takes its pods from ${kind} '${name}', which is not among the objects checked with it: it has nothing to roll out.`,
  analysisTemplate: (kind: string, name: string, known: string) =>
    `No ${kind} named '${name}' is among the objects checked with this Rollout (${known}): the analysis fails to start and the Rollout is aborted at this point.`,
  renamedApart: (overlays: string, owner: string, kind: string, name: string, consequence: string) =>
    `${overlays} the objects with 'namePrefix' / 'nameSuffix', ${kind} '${name}' among them, but kustomize does not rewrite this ${owner}'s reference to it without reference configuration ('configurations:' with the ${owner}'s transformer config): as deployed it names no ${kind}, and ${consequence}.`,
};

export default defineRule({
  id: 'k8s/dangling-reference',
  presets: { recommended: 'off', strict: 'warning' },
  dora: ['change-failure-rate', 'time-to-restore'],
  capabilities: ['deployment-automation'],
  fixable: false,
  messages,
  docs: {
    summary: 'Services, Ingresses, autoscalers, PodDisruptionBudgets, Flagger Canaries and Argo Rollouts should point at objects that exist.',
    rationale:
      'References between Kubernetes objects are names and label selectors, and nothing checks them at apply time: a Service whose selector no pod carries applies cleanly and has no endpoints; an Ingress backend naming a Service that does not exist answers 503 (and a `networking.k8s.io/v1` Ingress backend written in the v1beta1 form, `serviceName` / `servicePort`, names none that the API version reads); an autoscaler whose target is misspelt scales nothing; a PodDisruptionBudget that selects no pods protects nothing during a node drain; a Flagger `Canary` `targetRef` or an Argo Rollout `workloadRef` naming no workload has nothing to roll out, and a Rollout analysis naming an AnalysisTemplate that does not exist aborts the rollout when it is reached. These usually come from a label or a name renamed in one file and not in the other. shipcheck checks them within the objects deployed together (the same file and the files one kustomization lists with it), as kustomize deploys them: when every overlay sets a `namespace:`, the objects share it whatever each one says; when an overlay renames objects (`namePrefix` / `nameSuffix`) and gives kustomize no reference configuration (`configurations:`, `openapi:`, `crds:`, where Argo Rollouts\' transformer config goes), a Rollout\'s `workloadRef` or analysis template, or a Canary\'s `targetRef`, naming a renamed object is reported with the overlays that deploy it so, since kustomize rewrites the names but not these references; a file a kustomization applies as a patch is not judged on its own. It reports in the file that holds the reference, and says nothing about a namespace the set holds no workloads (or, for an Ingress, no Services) of, nor about selectors of labels a controller or an operator adds (`statefulset.kubernetes.io/pod-name`, `controller-revision-hash`, …); an AnalysisTemplate name is checked only when the set holds AnalysisTemplates (or, for `clusterScope: true`, ClusterAnalysisTemplates) of its own, since shared templates often live elsewhere.',
    symptom: '`kubectl get endpoints` shows `<none>` for the Service, the Ingress answers 503, `kubectl describe hpa` says it failed to get the scale target, a Rollout stops with `AnalysisTemplate ... not found`.',
    fix: 'Make the selector or name match the object it means (usually the label or name that changed in the other file), or add the missing object to the set.',
    bad: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:3.2.0
          ports:
            - name: http
              containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: api-server
  ports:
    - port: 80
      targetPort: http
`,
    good: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:3.2.0
          ports:
            - name: http
              containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: api
  ports:
    - port: 80
      targetPort: http
`,
  },
  visit: {
    k8sObject(object, ctx) {
      // A patch (a file a kustomization applies as one, or a fragment) is judged with the object it patches, never alone.
      if (object.partial) return;
      const spec = object.fields.get('spec')?.value;
      if (!isMap(spec)) return;
      const fields = mapFields(ctx.doc, spec);
      // Kustomize's `namespace:` moves every object it builds into one namespace: compare them all, whatever each says.
      const near = namespaceSetAsDeployed(ctx) ? undefined : object;
      if (object.kind === 'Service' && object.apiVersion === 'v1') checkService(object, near, fields, ctx);
      else if (object.kind === 'Ingress' && /^(networking\.k8s\.io|extensions)\/v1/.test(object.apiVersion)) checkIngress(object, near, fields, ctx);
      else if (object.kind === 'HorizontalPodAutoscaler' && object.apiVersion.startsWith('autoscaling/')) checkAutoscaler(object, near, ctx);
      else if (object.kind === 'PodDisruptionBudget' && object.apiVersion.startsWith('policy/')) checkBudget(near, fields, ctx);
      else if (isFlaggerCanary(object)) checkWorkloadRef(object, near, 'Canary', fields.get('targetRef'), ctx);
      else if (object.kind === 'Rollout' && object.apiVersion.startsWith('argoproj.io/')) {
        checkWorkloadRef(object, near, 'Rollout', fields.get('workloadRef'), ctx);
        checkAnalysisTemplates(object, near, ctx);
      }
    },
  },
});

type Context = RuleContext<typeof messages>;

/** The pod makers in the object's namespace, or undefined when the set cannot say (none at all, or unreadable labels). */
function knownMakers(index: IndexView, near: K8sObject | undefined): (PodMaker & { labels: Map<string, string> })[] | undefined {
  const makers = podMakers(index, near);
  if (makers.length === 0 || makers.some((maker) => maker.labels === undefined || !maker.complete) || holdsOperatorPods(index, near)) return undefined;
  return makers as (PodMaker & { labels: Map<string, string> })[];
}

function checkService(object: K8sObject, near: K8sObject | undefined, fields: Map<string, Field>, ctx: Context): void {
  if (scalarToString(fields.get('type')?.value) === 'ExternalName') return;
  const selectorField = fields.get('selector');
  const selector = readServiceSelector(ctx.doc, selectorField?.value);
  // No selector: endpoints are managed by hand or by a controller.
  if (!selectorField || !selector || selector.matchLabels.size === 0 || asksForOperatorLabel(selector)) return;
  const makers = knownMakers(ctx.index, near);
  if (!makers) {
    checkOtherNamespaces(object, near, selectorField, selector, ctx);
    return;
  }
  const selected = makers.filter((maker) => selects(selector, maker.labels));
  if (selected.length === 0) {
    ctx.report({ span: selectorField.keySpan, message: 'serviceSelectsNothing', args: [object.name ? `'${object.name}'` : 'This', describe(selector.matchLabels)] });
    return;
  }
  // A port name is looked up in the selected pods' containers; a patch or an unmodelled kind may declare it elsewhere.
  if (selected.some((maker) => maker.object.partial || maker.object.podSpecs.length === 0)) return;
  const declared = new Set(selected.flatMap((maker) => maker.object.podSpecs.flatMap((pod) => pod.containers.flatMap((container) => container.ports.flatMap((port) => port.name ?? [])))));
  const ports = fields.get('ports')?.value;
  if (!isSeq(ports)) return;
  for (const port of seqItems(ctx.doc, ports)) {
    if (!isMap(port)) continue;
    const target = mapFields(ctx.doc, port).get('targetPort')?.value;
    const name = scalarToString(target);
    // A port name is lower-case letters, digits and '-' (IANA_SVC_NAME); anything else is a placeholder or a template.
    if (!target || name === undefined || scalarToNumber(target) !== undefined || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) || declared.has(name)) continue;
    ctx.report({ span: spanOf(target), message: 'targetPortName', args: [name] });
  }
}

/**
 * A Service in a namespace the set holds no workloads of says nothing, unless workloads of another namespace written
 * in the set carry its labels: both namespaces are written out, so the pair is a namespace mix-up, not pods deployed
 * elsewhere.
 */
function checkOtherNamespaces(object: K8sObject, near: K8sObject | undefined, selectorField: Field, selector: Selector, ctx: Context): void {
  const namespace = object.namespace;
  if (near === undefined || namespace === undefined || podMakers(ctx.index, near).length > 0) return;
  const elsewhere = podMakers(ctx.index, undefined).filter(
    (maker) => maker.complete && maker.labels !== undefined && maker.object.namespace !== undefined && maker.object.namespace !== namespace && selects(selector, maker.labels),
  );
  const other = elsewhere[0]?.object.namespace;
  if (other === undefined || elsewhere.some((maker) => maker.object.namespace !== other)) return;
  const names = elsewhere.map((maker) => `${maker.object.kind} '${maker.object.name ?? '(unnamed)'}'`).join(', ');
  ctx.report({ span: selectorField.keySpan, message: 'serviceOtherNamespace', args: [object.name ? `'${object.name}'` : 'This', namespace, describe(selector.matchLabels), names, other] });
}

function checkIngress(object: K8sObject, near: K8sObject | undefined, fields: Map<string, Field>, ctx: Context): void {
  const backends = ingressBackends(ctx.doc, fields);
  // networking.k8s.io/v1 reads only 'service:'; the older form names a Service the API version does not see.
  const v1 = object.apiVersion === 'networking.k8s.io/v1';
  for (const backend of backends) if (v1 && backend.form === 'v1beta1') ctx.report({ span: backend.nameField.keySpan, message: 'oldBackendForm', args: [backend.service] });
  const services = ctx.index.objects('Service', near);
  if (services.length === 0) return;
  for (const backend of backends) {
    if (v1 && backend.form === 'v1beta1') continue;
    // The AWS Load Balancer Controller reads such a backend's name as an action in the Ingress's annotations.
    if (backend.port === 'use-annotation') continue;
    const found = services.filter((entry) => entry.object.name === backend.service);
    if (found.length === 0) {
      ctx.report({ span: spanOf(backend.nameNode), message: 'ingressService', args: [backend.service] });
      continue;
    }
    if (backend.port === undefined) continue;
    const ports = found.map((entry) => servicePorts(entry.doc, entry.object));
    if (ports.some((list) => list === undefined || list.some((port) => port === backend.port))) continue;
    ctx.report({ span: spanOf(backend.portNode!), message: 'ingressPort', args: [backend.service, /^\d+$/.test(backend.port) ? backend.port : `named '${backend.port}'`] });
  }
}

interface Backend {
  service: string;
  nameNode: Node;
  nameField: Field;
  /** `service: { name, port }` (v1) or `serviceName` / `servicePort` (v1beta1). */
  form: 'v1' | 'v1beta1';
  /** The port asked for, a number or a name as written; undefined when not given. */
  port: string | undefined;
  portNode: Node | undefined;
}

/** The Service backends of an Ingress: `defaultBackend` / `backend` and every rule path's, in the v1 and v1beta1 forms. */
function ingressBackends(yaml: YamlDoc, spec: Map<string, Field>): Backend[] {
  const nodes: Node[] = [];
  for (const key of ['defaultBackend', 'backend']) {
    const node = spec.get(key)?.value;
    if (node) nodes.push(node);
  }
  const rules = spec.get('rules')?.value;
  for (const rule of isSeq(rules) ? seqItems(yaml, rules) : []) {
    const http = isMap(rule) ? mapFields(yaml, rule).get('http')?.value : undefined;
    const paths = isMap(http) ? mapFields(yaml, http).get('paths')?.value : undefined;
    for (const path of isSeq(paths) ? seqItems(yaml, paths) : []) {
      const backend = isMap(path) ? mapFields(yaml, path).get('backend')?.value : undefined;
      if (backend) nodes.push(backend);
    }
  }
  return nodes.flatMap((node): Backend[] => {
    if (!isMap(node)) return [];
    const fields = mapFields(yaml, node);
    const service = fields.get('service')?.value;
    if (isMap(service)) {
      const serviceFields = mapFields(yaml, service);
      const port = serviceFields.get('port')?.value;
      const portFields = isMap(port) ? mapFields(yaml, port) : undefined;
      const portNode = portFields?.get('number')?.value ?? portFields?.get('name')?.value;
      return backend('v1', serviceFields.get('name'), portNode);
    }
    return backend('v1beta1', fields.get('serviceName'), fields.get('servicePort')?.value);
  });
}

function backend(form: Backend['form'], nameField: Field | undefined, portNode: Node | undefined): Backend[] {
  const nameNode = nameField?.value;
  const service = scalarToString(nameNode);
  if (!nameField || !nameNode || service === undefined || /\{\{|\$\{|\$\(/.test(service)) return [];
  const port = scalarToString(portNode);
  const readable = port !== undefined && !/\{\{|\$\{|\$\(/.test(port);
  return [{ service, nameNode, nameField, form, port: readable ? port : undefined, portNode: readable ? portNode : undefined }];
}

/** A Service's ports, each by number and by name; undefined when one cannot be read. */
function servicePorts(yaml: YamlDoc, service: K8sObject): string[] | undefined {
  const spec = service.fields.get('spec')?.value;
  const ports = isMap(spec) ? mapFields(yaml, spec).get('ports')?.value : undefined;
  if (!isSeq(ports)) return undefined;
  const known: string[] = [];
  for (const port of seqItems(yaml, ports)) {
    if (!isMap(port)) return undefined;
    const fields = mapFields(yaml, port);
    const number = scalarToNumber(fields.get('port')?.value);
    if (number === undefined) return undefined;
    known.push(String(number));
    const name = scalarToString(fields.get('name')?.value);
    if (name !== undefined) known.push(name);
  }
  return known;
}

function checkAutoscaler(object: K8sObject, near: K8sObject | undefined, ctx: Context): void {
  const target = scaleTargetOf(ctx.doc, object);
  if (!target?.kind || !target.name || !target.nameNode || !REPLICATED_KINDS.includes(target.kind) || /\{\{|\$\{|\$\(/.test(target.name)) return;
  if (podMakers(ctx.index, near).length === 0) return;
  if (ctx.index.objects(target.kind, near).some((entry) => entry.object.name === target.name)) return;
  ctx.report({ span: spanOf(target.nameNode), message: 'autoscalerTarget', args: [target.kind, target.name] });
}

function checkBudget(near: K8sObject | undefined, fields: Map<string, Field>, ctx: Context): void {
  const selectorField = fields.get('selector');
  const selector = readLabelSelector(ctx.doc, selectorField?.value);
  if (!selectorField || !selector || asksForOperatorLabel(selector)) return;
  if (selector.matchLabels.size === 0 && selector.expressions.length === 0) return;
  const makers = knownMakers(ctx.index, near);
  if (!makers || makers.some((maker) => selects(selector, maker.labels))) return;
  ctx.report({ span: selectorField.keySpan, message: 'pdbSelectsNothing', args: [describe(selector.matchLabels, selector.expressions.length)] });
}

/** A Flagger Canary's `targetRef` or a Rollout's `workloadRef`: the workload whose pod template it takes over. */
function checkWorkloadRef(object: K8sObject, near: K8sObject | undefined, owner: string, field: Field | undefined, ctx: Context): void {
  if (!field || !isMap(field.value)) return;
  const ref = mapFields(ctx.doc, field.value);
  const kind = scalarToString(ref.get('kind')?.value);
  const nameNode = ref.get('name')?.value;
  const name = scalarToString(nameNode);
  if (!kind || !name || !nameNode || !REPLICATED_KINDS.concat('DaemonSet').includes(kind) || /\{\{|\$\{|\$\(/.test(name)) return;
  // Only a set that holds workloads of that kind can say that the named one is missing (a renamed one, usually).
  const candidates = ctx.index.objects(kind, near).filter((entry) => entry.object !== object);
  if (candidates.length === 0 || candidates.some((entry) => entry.object.name === undefined || /\{\{|\$\{|\$\(/.test(entry.object.name))) return;
  if (!candidates.some((entry) => entry.object.name === name)) {
    ctx.report({ span: spanOf(nameNode), message: 'workloadRef', args: [owner, kind, name] });
    return;
  }
  reportRenamedApart(ctx, spanOf(nameNode), owner, kind, name, 'the rollout has no pods to take over');
}

/** A Rollout's analyses name AnalysisTemplates (or, with `clusterScope: true`, ClusterAnalysisTemplates) that must exist. */
function checkAnalysisTemplates(object: K8sObject, near: K8sObject | undefined, ctx: Context): void {
  const rollout = rolloutOf(object, ctx.doc);
  if (!rollout) return;
  for (const analysis of rolloutAnalyses(rollout)) {
    for (const template of analysis.templates) {
      if (/\{\{|\$\{|\$\(/.test(template.name)) continue;
      const kind = template.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
      const defined = ctx.index.objects(kind, near).filter((entry) => entry.object.apiVersion.startsWith('argoproj.io/'));
      // Templates are often shared from elsewhere (a platform chart, the cluster): only a set that holds some can say one is missing.
      if (defined.length === 0 || defined.some((entry) => entry.object.name === undefined || /\{\{|\$\{|\$\(/.test(entry.object.name))) continue;
      if (defined.some((entry) => entry.object.name === template.name)) {
        reportRenamedApart(ctx, template.span, 'Rollout', kind, template.name, 'the analysis fails to start and the Rollout is aborted at this point');
        continue;
      }
      const names = [...new Set(defined.map((entry) => `'${entry.object.name}'`))];
      const known = names.length > 5 ? `it holds ${names.length} others` : `it holds ${names.join(', ')}`;
      ctx.report({ span: template.span, message: 'analysisTemplate', args: [kind, template.name, known] });
    }
  }
}

/**
 * A reference to an object of the set that kustomize renames (`namePrefix` / `nameSuffix`) while leaving the reference as
 * written, in a custom resource it knows nothing of: reported once, naming the overlays that deploy it so.
 */
function reportRenamedApart(ctx: Context, span: Span, owner: string, kind: string, name: string, consequence: string): void {
  const { overlays } = overlaysRenamingApart(ctx);
  if (overlays.length === 0) return;
  const names = overlays.map((overlay) => `'${overlay}'`);
  const who = names.length === 1 ? `Overlay ${names[0]} renames` : `Overlays ${names.join(', ')} rename`;
  ctx.report({ span, message: 'renamedApart', args: [who, owner, kind, name, consequence] });
}

function describe(labels: ReadonlyMap<string, string>, expressions = 0): string {
  const parts = [...labels].map(([key, value]) => `'${key}: ${value}'`);
  if (expressions > 0) parts.push(expressions === 1 ? 'one match expression' : `${expressions} match expressions`);
  return parts.join(' and ');
}
