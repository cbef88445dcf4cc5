import { isUnknownNode, renderedTogether } from '../../engine/model/k8s';
import { defineRule } from '../../engine/core/rule';
import { isMap, isScalar, isSeq, scalarToString, spanOf, type Node, type YAMLMap } from '../../engine/yaml/yamlFile';

export default defineRule({
  id: 'k8s/duplicate-key',
  // Off by default until measured: the corpus's repositories hold one file with duplicates, a design doc's pasted examples.
  presets: { recommended: 'off', strict: 'error' },
  dora: ['change-failure-rate'],
  capabilities: ['deployment-automation'],
  fixable: false,
  messages: {
    duplicate: (key: string) =>
      `'${key}' is written a second time in this mapping. YAML does not allow that, and tools disagree on what to do with it: some reject the file, others keep one of the two values without a word, so part of what is written here never reaches the cluster. Keep one.`,
    pasted: (key: string) =>
      `'${key}' appears again at the top of this document: a second object starts here without a '---' line, so both are read as one mapping and one object's fields replace the other's. Put '---' on the line before it.`,
  },
  docs: {
    summary: 'A Kubernetes manifest must not repeat a key in one mapping.',
    rationale:
      'YAML requires the keys of a mapping to be unique, but many tools in a Kubernetes pipeline read duplicates anyway and keep one of the values, and which one depends on the tool and its version. A second `annotations:` or `selector:` block added during a merge, or two manifests pasted together without `---` between them, then loses half of what is written without an error: the labels, the image or the probe someone reviewed are not the ones that run. shipcheck\'s other rules read the first value, so they too may judge what never runs.',
    symptom:
      'A field that is visibly set in the manifest has no effect after `kubectl apply` (an annotation missing from the live object, an old image still running), or a tool such as a stricter YAML parser or policy engine rejects a file that `kubectl` accepted.',
    fix: 'Merge the two entries into one, or delete the one that is wrong. When two whole objects were pasted together, put `---` between them. In a chart template, keys are compared only when the same conditions (`if`, `with`, `range`) surround both: a key written once under `with .Values.x` and again under `if not .Values.x` is never rendered twice.',
    bad: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    team: payments
  annotations:
    owner: checkout
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:2.1.0
`,
    good: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    team: payments
    owner: checkout
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:2.1.0
`,
  },
  visit: {
    k8sObject(object, ctx) {
      const together = (a: Node, b: Node): boolean => renderedTogether(ctx.file, a, b);
      const top = repeatedKeys(object.node, together);
      // Two objects pasted into one document: said once, where the second starts, not again for each of its keys.
      const pasted = top.find(({ name }) => name === 'apiVersion' || name === 'kind');
      if (pasted) ctx.report({ span: spanOf(pasted.key), message: 'pasted', args: [pasted.name] });
      const walk = (node: Node | null | undefined, depth: number): void => {
        // Aliases are not followed: their anchor's mapping is checked where it is written.
        if (depth > 200) return;
        if (isSeq(node)) for (const item of node.items) walk(item as Node, depth + 1);
        if (!isMap(node)) return;
        for (const pair of node.items) walk(pair.value as Node | null, depth + 1);
        for (const { name, key } of depth === 0 ? top : repeatedKeys(node, together)) {
          if (!pasted || spanOf(key).start < spanOf(pasted.key).start) ctx.report({ span: spanOf(key), message: 'duplicate', args: [name] });
        }
      };
      walk(object.node, 0);
    },
  },
});

/** The keys of a mapping written again after an earlier one that is rendered with them. */
function repeatedKeys(map: YAMLMap, together: (a: Node, b: Node) => boolean): { name: string; key: Node }[] {
  const seen = new Map<string, Node[]>();
  const repeated: { name: string; key: Node }[] = [];
  for (const pair of map.items) {
    const name = keyName(pair.key);
    if (name === undefined) continue;
    const key = pair.key as Node;
    const earlier = seen.get(name);
    if (!earlier) seen.set(name, [key]);
    else {
      if (earlier.some((other) => together(other, key))) repeated.push({ name, key });
      earlier.push(key);
    }
  }
  return repeated;
}

/** A key's text, or undefined for a key a template writes, a non-scalar key and a merge key (`<<` may repeat). */
function keyName(key: unknown): string | undefined {
  if (!isScalar(key) || isUnknownNode(key)) return undefined;
  const name = scalarToString(key);
  return name === '<<' && key.type === 'PLAIN' ? undefined : name;
}
