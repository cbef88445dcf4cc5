import { containerLabel } from '../../engine/model/k8sContainer';
import { isControllerOwned, isUnknownNode, renderedApart } from '../../engine/model/k8s';
import { defineRule } from '../../engine/core/rule';
import { removeSeqItem } from '../../engine/edits/yamlEdit';
import { isMap, isSeq, mapFields, scalarToString, seqItems, spanOf, type Node } from '../../engine/yaml/yamlFile';

export default defineRule({
  id: 'k8s/duplicate-env',
  presets: { recommended: 'warning', strict: 'warning' },
  dora: ['change-failure-rate'],
  capabilities: ['deployment-automation'],
  fixable: 'suggestion',
  messages: {
    duplicate: (container: string, variable: string) =>
      `${container} sets '${variable}' again further down, and the last entry of a name wins: this one is silently ignored. Keep one.`,
  },
  docs: {
    summary: 'A container must not list the same environment variable twice.',
    rationale:
      "When two `env` entries share a name, Kubernetes keeps the last one without a warning (`kubectl apply` may even drop one of them when it merges, because `env` is merged by name). Whoever edits the first entry — to rotate a value or point at another service — sees the change accepted and nothing happen. Such duplicates usually come from a merge or a copy-paste, and they cost an incident's worth of \"but I changed it\".",
    symptom: 'A changed environment variable has no effect after a rollout; `kubectl describe pod` shows the old value, and the manifest shows the new one a few lines above.',
    fix: 'Delete the entry that does not win (the earlier one) or merge the two into one. The suggestion removes the earlier entry, which changes nothing about what runs.',
    bad: `apiVersion: v1
kind: Pod
metadata:
  name: api
spec:
  containers:
    - name: api
      image: ghcr.io/acme/api:3.2.0
      env:
        - name: LOG_LEVEL
          value: debug
        - name: LOG_LEVEL
          value: info
`,
    good: `apiVersion: v1
kind: Pod
metadata:
  name: api
spec:
  containers:
    - name: api
      image: ghcr.io/acme/api:3.2.0
      env:
        - name: LOG_LEVEL
          value: info
`,
  },
  visit: {
    container(container, ctx) {
      if (isControllerOwned(ctx.doc, container.pod.owner)) return;
      const env = container.fields.get('env')?.value;
      if (!isSeq(env)) return;
      // Each name's entries in order; every entry but the last is ignored.
      const byName = new Map<string, { item: Node; name: Node }[]>();
      for (const item of seqItems(ctx.doc, env)) {
        if (!isMap(item)) continue;
        const name = mapFields(ctx.doc, item).get('name')?.value;
        const variable = scalarToString(name);
        // A name a template writes (`{{ $key }}`) is not known until rendered.
        if (!name || variable === undefined || isUnknownNode(name)) continue;
        byName.set(variable, [...(byName.get(variable) ?? []), { item, name }]);
      }
      for (const [variable, entries] of byName) {
        // Entries in different branches of a template's `if` / `else` are never rendered together.
        for (const { item, name } of entries.slice(0, -1).filter((entry, index) => entries.slice(index + 1).some((later) => !renderedApart(ctx.file, entry.item, later.item)))) {
          const edit = removeSeqItem(ctx.file, item);
          ctx.report({
            span: spanOf(name),
            message: 'duplicate',
            args: [containerLabel(container), variable],
            ...(edit ? { fix: { title: `Remove this '${variable}' entry (the later one wins)`, edits: [edit] } } : {}),
          });
        }
      }
    },
  },
});
