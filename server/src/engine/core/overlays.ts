import type { KustomizeImage, KustomizePatch } from './projectIndex';
import { podSpecPath } from '../model/k8s';
import { isMap, isSeq, parseYamlFile, type YamlFile } from '../yaml/yamlFile';

/**
 * How one kustomization deploys a file: the kustomization at the top (one that no other kustomization in the set builds
 * on) and the layers on the way, innermost first (the kustomization that lists the file, then its components, then the
 * kustomizations that build on it). Plain data: equal JSON, equal answer.
 */
export interface Overlay {
  kustomization: string;
  layers: OverlayLayer[];
}

export interface OverlayLayer {
  kustomization: string;
  namePrefix?: string;
  nameSuffix?: string;
  namespace?: string;
  /** The kustomization gives reference configuration of its own (`configurations:`, `openapi:`, `crds:`): it may rewrite references in custom resources. */
  customReferences?: boolean;
  images: KustomizeImage[];
  patches: OverlayPatch[];
}

/**
 * A patch as the layer applies it: the objects of a strategic-merge patch (kind, name, namespace and the containers of
 * its pod template, as plain values), or the operations of a JSON 6902 patch with the target it names.
 */
export interface OverlayPatch {
  /** Which objects it applies to: its `target:`, else the kind and name the patch itself gives. */
  kind?: string;
  name?: string;
  namespace?: string;
  /** A `target:` that selects by label or annotation: it may apply to any object of its kind. */
  bySelector?: boolean;
  /** A strategic-merge patch's containers, by role (`containers`, `initContainers`). */
  containers?: { containers: PlainMap[]; initContainers: PlainMap[] };
  /** A JSON 6902 patch's `add` / `replace` operations under a pod template's containers. */
  operations?: ContainerOperation[];
  /** A strategic-merge patch's `spec.selector.matchLabels` and `spec.template.metadata.labels`, as plain values (null deletes a label). */
  labels?: { selector?: PlainMap; template?: PlainMap };
  /** A JSON 6902 patch that touches `spec.selector` or `spec.template.metadata`: the labels as deployed cannot be said. */
  labelsUnread?: boolean;
  /** A patch whose text the set does not hold or cannot be read. */
  unread?: boolean;
}

export interface ContainerOperation {
  role: 'containers' | 'initContainers';
  /** The container's position in the list. */
  index: number;
  /** The keys below the container (`['readinessProbe']`); empty when the operation sets the whole container. */
  path: string[];
  value: unknown;
}

export type PlainMap = Record<string, unknown>;

/** The objects of a strategic-merge patch's text, or the operations of a JSON 6902 patch. */
export function readPatch(text: string, path: string, entry: KustomizePatch): OverlayPatch[] {
  const file = parseYamlFile(text, path);
  if (file.documents.some((yaml) => yaml.hasErrors)) return [{ ...targetOf(entry), unread: true }];
  const root = file.documents[0]?.doc.contents;
  if (entry.json6902 || isSeq(root)) {
    const patch: OverlayPatch = { ...targetOf(entry), operations: operationsOf(file) };
    if (touchesLabels(file)) patch.labelsUnread = true;
    return [patch];
  }
  return file.documents.flatMap((yaml) => {
    if (!isMap(yaml.doc.contents)) return [];
    const value = yaml.doc.toJS() as PlainMap;
    const kind = typeof value.kind === 'string' ? value.kind : undefined;
    const metadata = asMap(value.metadata);
    const patch: OverlayPatch = {};
    if (kind !== undefined) patch.kind = kind;
    if (typeof metadata?.name === 'string') patch.name = metadata.name;
    if (typeof metadata?.namespace === 'string') patch.namespace = metadata.namespace;
    Object.assign(patch, targetOf(entry));
    // A patch without apiVersion is not a Kubernetes document to classify, but its pod template reads the same.
    const spec = kind === undefined ? undefined : at(value, podSpecPath(kind) ?? []);
    const specMap = asMap(spec);
    patch.containers = { containers: maps(specMap?.containers), initContainers: maps(specMap?.initContainers) };
    const selector = asMap(at(value, ['spec', 'selector', 'matchLabels']));
    const template = asMap(at(value, ['spec', 'template', 'metadata', 'labels']));
    if (selector || template) patch.labels = { ...(selector ? { selector } : {}), ...(template ? { template } : {}) };
    return [patch];
  });
}

/** A patch file the set does not hold: it may supply anything to the objects it names. */
export function unreadPatch(entry: KustomizePatch): OverlayPatch {
  return { ...targetOf(entry), unread: true };
}

function targetOf(entry: KustomizePatch): Omit<OverlayPatch, 'containers' | 'operations' | 'unread'> {
  const target = entry.target;
  if (!target) return {};
  const found: OverlayPatch = {};
  if (target.kind !== undefined) found.kind = target.kind;
  if (target.name !== undefined) found.name = target.name;
  if (target.namespace !== undefined) found.namespace = target.namespace;
  if (target.bySelector) found.bySelector = true;
  return found;
}

const CONTAINER_PATH = /^\/spec\/(?:template\/spec|jobTemplate\/spec\/template\/spec)\/(containers|initContainers)\/(\d+)((?:\/[^/]+)*)$/;

function operationsOf(file: YamlFile): ContainerOperation[] {
  const value = file.documents[0]?.doc.toJS() as unknown;
  if (!Array.isArray(value)) return [];
  return value.flatMap((operation): ContainerOperation[] => {
    const map = asMap(operation);
    if (!map || (map.op !== 'add' && map.op !== 'replace') || typeof map.path !== 'string') return [];
    const match = CONTAINER_PATH.exec(map.path);
    if (!match) return [];
    const keys = match[3] ? match[3].slice(1).split('/').map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~')) : [];
    return [{ role: match[1] as 'containers' | 'initContainers', index: Number(match[2]), path: keys, value: map.value }];
  });
}

function touchesLabels(file: YamlFile): boolean {
  const value = file.documents[0]?.doc.toJS() as unknown;
  if (!Array.isArray(value)) return false;
  return value.some((operation) => {
    const path = asMap(operation)?.path;
    return typeof path === 'string' && /^\/spec\/(selector|template\/metadata)(\/|$)|^\/spec\/template$|^\/spec$/.test(path);
  });
}

function at(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) current = asMap(current)?.[key];
  return current;
}

function maps(value: unknown): PlainMap[] {
  return Array.isArray(value) ? value.flatMap((item: unknown): PlainMap[] => { const map = asMap(item); return map ? [map] : []; }) : [];
}

export function asMap(value: unknown): PlainMap | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as PlainMap) : undefined;
}

/** Whether `value` holds `path` with something other than null (what a strategic merge deletes with). */
export function plainHas(value: unknown, path: readonly string[]): boolean {
  let current = value;
  for (const key of path) {
    const map = asMap(current);
    if (!map || !(key in map)) return false;
    current = map[key];
  }
  return current !== null && current !== undefined;
}
