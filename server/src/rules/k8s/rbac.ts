import { isControllerOwned, type K8sObject } from '../../engine/model/k8s';
import { defineRule } from '../../engine/core/rule';
import { type Field, isMap, isSeq, mapFields, scalarToString, seqItems, spanOf, type Node, type YamlDoc } from '../../engine/yaml/yamlFile';
import { listWords } from '../../knowledge/plainText';

const ESCALATING_VERBS: Record<string, string> = {
  escalate: 'lets its holder create or edit Roles with permissions it does not have itself',
  bind: 'lets its holder bind any Role to itself, including ones with more rights than it has',
  impersonate: 'lets its holder act as another user, group or ServiceAccount, with all of their rights',
};
const READ_VERBS = new Set(['get', 'list', 'watch', '*']);
// Resources whose '*' verbs include 'escalate' and 'bind'.
const RBAC_RESOURCES = new Set(['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings']);

export default defineRule({
  id: 'k8s/rbac',
  presets: { recommended: 'off', strict: 'warning' },
  dora: ['change-failure-rate', 'time-to-restore'],
  capabilities: ['shift-left-security'],
  fixable: false,
  messages: {
    escalating: (kind: string, verb: string, what: string) =>
      `This ${kind} grants '${verb}', which ${what}: whoever holds it can raise their own rights up to cluster-admin.`,
    allResources: (kind: string, groups: string) =>
      `This ${kind} grants access to every resource (resources '*') of ${groups}, Secrets and pods included, now and in future versions. List the resources it needs.`,
    namedGroupResources: (kind: string, groups: string) =>
      `This ${kind} grants access to every resource (resources '*') of ${groups}. That stays inside the group, but list the resources it needs so a new resource type is not granted by default.`,
    secrets: (kind: string, verbs: string) =>
      `This ${kind} lets its holder read every Secret in its reach (${verbs}), which includes other workloads' credentials and ServiceAccount tokens. Name the Secrets it needs in 'resourceNames', or keep the data it reads elsewhere.`,
    allVerbsRbac: (kind: string) =>
      `This ${kind} grants every verb (verbs '*') on RBAC objects, 'escalate' and 'bind' included: whoever holds it can grant themselves any right. List the verbs it needs.`,
    allVerbs: (kind: string, resources: string) =>
      `This ${kind} grants every verb (verbs '*') on ${resources}, including 'delete' and 'deletecollection' and any verb added later. List the verbs it needs.`,
    secretsBinding: (binding: string, role: string, subjects: string) =>
      `This ${binding} gives ${role}, which can read every Secret in its reach, to ${subjects}: whoever acts as them can read those credentials. The finding on the role shows the rule to narrow.`,
    clusterAdmin: (binding: string, subjects: string) =>
      `This ${binding} gives 'cluster-admin' to ${subjects}: full control of ${binding === 'ClusterRoleBinding' ? 'the whole cluster' : 'the namespace'}, so a compromise of it is a compromise of everything there. Bind a Role with the rights it needs.`,
  },
  docs: {
    summary: 'Roles should grant what a workload needs, not wildcards, Secrets, privilege escalation or cluster-admin.',
    rationale:
      "RBAC is the blast radius of a compromised pod or a leaked token. A Role granting `*` resources reaches Secrets, pods and every resource a later version adds; `get`, `list` or `watch` on all `secrets` hands over every credential in reach, ServiceAccount tokens included; the `escalate`, `bind` and `impersonate` verbs let the holder raise its own rights; and a binding of `cluster-admin` to a ServiceAccount makes every pod that runs as it an administrator of the cluster. An incident with such a grant is no longer one pod's incident, and recovering means rotating every credential it could read.\n\nOperators and controllers (cert-manager, Argo CD, ingress controllers) legitimately need broad rights on their own resources: the rule reports `*` within a named API group, `*` verbs on named resources and reading all Secrets (ingress controllers read TLS certificates, GitOps tools cluster credentials) only as notes in the strict preset. ClusterRoles built by aggregation (`aggregationRule`) are skipped: their rules come from other ClusterRoles.\n\nThe strict preset also adds a hint on a RoleBinding or ClusterRoleBinding of a Role or ClusterRole checked with it that reads every Secret in its reach (the role's own note), naming who it is given to: the role is where to narrow the grant, the binding shows who gets it.",
    symptom: 'A security review or a tool such as `kubectl auth can-i --list --as=system:serviceaccount:app:default` shows a workload able to read every Secret or to create RoleBindings.',
    fix: 'List the API groups, resources and verbs the workload uses (`kubectl auth can-i`, or audit logs, tell you which), name the Secrets in `resourceNames`, and bind a purpose-made Role instead of `cluster-admin`.',
    bad: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reporter
rules:
  - apiGroups: [""]
    resources: [secrets]
    verbs: [get, list, watch]
`,
    good: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reporter
  namespace: reports
rules:
  - apiGroups: [""]
    resources: [secrets]
    resourceNames: [reporter-db]
    verbs: [get]
`,
  },
  visit: {
    k8sObject(object, ctx) {
      if (!object.apiVersion.startsWith('rbac.authorization.k8s.io/') || isControllerOwned(ctx.doc, object)) return;
      const strict = ctx.preset !== 'recommended';
      if (object.kind === 'Role' || object.kind === 'ClusterRole') {
        // Aggregated roles get their rules from others; a copy of the built-in cluster-admin is reported where it is bound.
        if (object.fields.has('aggregationRule') || (object.kind === 'ClusterRole' && object.name === 'cluster-admin')) return;
        const rules = object.fields.get('rules')?.value;
        if (!isSeq(rules)) return;
        for (const rule of seqItems(ctx.doc, rules)) {
          if (!isMap(rule)) continue;
          const fields = mapFields(ctx.doc, rule);
          const groups = strings(ctx.doc, fields.get('apiGroups'));
          const resources = strings(ctx.doc, fields.get('resources'));
          const verbs = strings(ctx.doc, fields.get('verbs'));
          if (verbs.length === 0 || resources.length === 0) continue;
          for (const verb of verbs) {
            const what = ESCALATING_VERBS[verb.value];
            if (what) ctx.report({ span: spanOf(verb.node), message: 'escalating', args: [object.kind, verb.value, what] });
          }
          const reachesCore = groups.some((group) => group.value === '' || group.value === '*');
          const allResources = resources.find((resource) => resource.value === '*');
          if (allResources && reachesCore) {
            ctx.report({ span: spanOf(allResources.node), message: 'allResources', args: [object.kind, groupWords(groups.map((group) => group.value))] });
            continue;
          }
          if (allResources && strict) {
            ctx.report({ span: spanOf(allResources.node), message: 'namedGroupResources', args: [object.kind, groupWords(groups.map((group) => group.value))], severity: 'info' });
          }
          const secrets = resources.find((resource) => resource.value === 'secrets');
          const reads = verbs.filter((verb) => READ_VERBS.has(verb.value)).map((verb) => verb.value);
          if (secrets && reachesCore && reads.length > 0 && !fields.has('resourceNames')) {
            if (strict) ctx.report({ span: spanOf(secrets.node), message: 'secrets', args: [object.kind, reads.map((verb) => `'${verb}'`).join(', ')], severity: 'info' });
            continue;
          }
          const allVerbs = verbs.find((verb) => verb.value === '*');
          if (!allVerbs || allResources) continue;
          if (resources.some((resource) => RBAC_RESOURCES.has(resource.value))) ctx.report({ span: spanOf(allVerbs.node), message: 'allVerbsRbac', args: [object.kind] });
          else if (strict) ctx.report({ span: spanOf(allVerbs.node), message: 'allVerbs', args: [object.kind, resources.map((resource) => `'${resource.value}'`).join(', ')], severity: 'info' });
        }
        return;
      }
      if (object.kind !== 'ClusterRoleBinding' && object.kind !== 'RoleBinding') return;
      if (object.name?.startsWith('system:')) return;
      const roleRef = object.fields.get('roleRef')?.value;
      if (!isMap(roleRef)) return;
      const ref = mapFields(ctx.doc, roleRef);
      const name = ref.get('name')?.value;
      const refKind = scalarToString(ref.get('kind')?.value);
      const refName = scalarToString(name);
      if (refKind !== 'ClusterRole' || refName !== 'cluster-admin') {
        // The binding of a role that reads all Secrets: the role's finding is where to fix it, this one says who gets it.
        if (!strict || !name || refName === undefined || (refKind !== 'Role' && refKind !== 'ClusterRole')) return;
        const roles = refKind === 'Role' ? ctx.index.objects('Role', object) : ctx.index.objects('ClusterRole');
        if (!roles.some((role) => role.name === refName && readsAllSecrets(role.doc, role.object))) return;
        const subjects = subjectNames(ctx.doc, object.fields.get('subjects')?.value);
        if (subjects.length > 0) ctx.report({ span: spanOf(name), message: 'secretsBinding', args: [object.kind, `${refKind} '${refName}'`, listWords(subjects)], severity: 'hint' });
        return;
      }
      const kinds = subjectKinds(ctx.doc, object.fields.get('subjects')?.value);
      if (kinds.includes('ServiceAccount')) ctx.report({ span: spanOf(name!), message: 'clusterAdmin', args: [object.kind, 'a ServiceAccount, and so to every pod that runs as it'] });
      else if (strict && kinds.length > 0) ctx.report({ span: spanOf(name!), message: 'clusterAdmin', args: [object.kind, kinds.includes('Group') ? 'a group' : 'a user'], severity: 'info' });
    },
  },
});

/** The string items of a list field, with their nodes. */
function strings(yaml: YamlDoc, field: Field | undefined): { node: Node; value: string }[] {
  if (!field || !isSeq(field.value)) return [];
  return seqItems(yaml, field.value).flatMap((node) => {
    const value = scalarToString(node);
    return value === undefined ? [] : [{ node, value }];
  });
}

function groupWords(groups: string[]): string {
  if (groups.includes('*')) return 'every API group';
  const named = groups.map((group) => (group === '' ? 'the core API group' : `'${group}'`));
  return named.join(' and ');
}

/** Whether a Role or ClusterRole (not aggregated) has a rule that reads every Secret in its reach: the rule's `secrets` and `allResources` findings. */
function readsAllSecrets(yaml: YamlDoc, role: K8sObject): boolean {
  if (role.fields.has('aggregationRule')) return false;
  const rules = role.fields.get('rules')?.value;
  if (!isSeq(rules)) return false;
  return seqItems(yaml, rules).some((rule) => {
    if (!isMap(rule)) return false;
    const fields = mapFields(yaml, rule);
    if (fields.has('resourceNames')) return false;
    const reachesCore = strings(yaml, fields.get('apiGroups')).some((group) => group.value === '' || group.value === '*');
    const resources = strings(yaml, fields.get('resources')).some((resource) => resource.value === 'secrets' || resource.value === '*');
    return reachesCore && resources && strings(yaml, fields.get('verbs')).some((verb) => READ_VERBS.has(verb.value));
  });
}

/** The subjects of a binding in words: `ServiceAccount 'app'`, at most three and how many more. */
function subjectNames(yaml: YamlDoc, subjects: Node | undefined): string[] {
  if (!isSeq(subjects)) return [];
  const named = seqItems(yaml, subjects).flatMap((subject) => {
    if (!isMap(subject)) return [];
    const fields = mapFields(yaml, subject);
    const kind = scalarToString(fields.get('kind')?.value);
    const name = scalarToString(fields.get('name')?.value);
    return kind === undefined || name === undefined ? [] : [`${kind} '${name}'`];
  });
  return named.length > 3 ? [...named.slice(0, 3), `${named.length - 3} more`] : named;
}

function subjectKinds(yaml: YamlDoc, subjects: Node | undefined): string[] {
  if (!isSeq(subjects)) return [];
  return seqItems(yaml, subjects).flatMap((subject) => {
    const kind = isMap(subject) ? scalarToString(mapFields(yaml, subject).get('kind')?.value) : undefined;
    return kind === undefined ? [] : [kind];
  });
}
