import type { Span } from '../core/finding';
import { isScalar, spanOf, type YamlDoc } from '../yaml/yamlFile';
import { type Container, isControllerOwned } from './k8s';

/** How messages name a container: `Container 'api'`, or `This container` when it has no name. */
export function containerLabel(container: Container): string {
  return container.name !== undefined ? `Container '${container.name}'` : 'This container';
}

/** Where a finding about something a container lacks points: its `name` value, else its first key. */
export function containerSpan(container: Container): Span {
  const name = container.fields.get('name');
  if (name && isScalar(name.value) && name.value.range) return spanOf(name.value);
  const first = container.fields.values().next().value;
  return first ? first.keySpan : spanOf(container.node);
}

/** A regular container (not init or ephemeral) of an object people write, not a controller's copy of one. */
export function isAuthoredContainer(yaml: YamlDoc, container: Container): boolean {
  return container.role === 'container' && !isControllerOwned(yaml, container.pod.owner);
}
