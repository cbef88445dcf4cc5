import { classify } from '../core/classify';
import type { TextEdit } from '../core/finding';
import { IGNORE_ANNOTATION } from '../model/k8s';
import { insertMapEntry, replaceScalar } from './yamlEdit';
import { isMap, isScalar, mapFields, scalarToString, type YamlFile } from '../yaml/yamlFile';

/**
 * The edit that exempts the Kubernetes object around `offset` from a rule: adds the id to its
 * `shipcheck.dev/ignore` annotation, creating `annotations:` when needed. Undefined outside an object or
 * where the edit would need flow-style rewriting.
 */
export function ignoreInObjectEdit(file: YamlFile, offset: number, ruleId: string): TextEdit | undefined {
  const yaml = file.documents.find((doc) => doc.doc.range[0] <= offset && offset <= doc.doc.range[2]);
  if (!yaml || yaml.hasErrors) return undefined;
  const classified = classify(file, yaml);
  if (classified.type !== 'k8s') return undefined;
  const object = classified.objects.find((candidate) => {
    const range = candidate.node.range;
    return range !== undefined && range !== null && range[0] <= offset && offset <= range[2];
  });
  const metadata = object?.fields.get('metadata')?.value;
  if (!object || !isMap(metadata)) return undefined;
  const annotations = mapFields(yaml, metadata).get('annotations')?.value;
  if (isMap(annotations)) {
    const current = mapFields(yaml, annotations).get(IGNORE_ANNOTATION)?.value;
    if (isScalar(current)) {
      const ids = (scalarToString(current) ?? '').split(',').map((id) => id.trim()).filter(Boolean);
      return ids.includes(ruleId) ? undefined : replaceScalar(current, [...ids, ruleId].join(','));
    }
    return insertMapEntry(file, annotations, `${IGNORE_ANNOTATION}: ${JSON.stringify(ruleId)}`);
  }
  if (annotations !== undefined && annotations !== null && !(isScalar(annotations) && annotations.value === null)) return undefined;
  if (mapFields(yaml, metadata).has('annotations')) return undefined;
  return insertMapEntry(file, metadata, `annotations:\n  ${IGNORE_ANNOTATION}: ${JSON.stringify(ruleId)}`);
}
