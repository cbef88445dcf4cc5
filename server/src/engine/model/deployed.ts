import { asMap, plainHas, type Overlay, type OverlayPatch, type PlainMap } from '../core/overlays';
import type { IndexView } from '../core/projectIndex';
import { parseImage } from './image';
import type { Container, K8sObject } from './k8s';
import { isMap, mapFields, scalarToString, type Node, type YamlDoc, type YamlFile } from '../yaml/yamlFile';

/** What of a rule's context the questions read: the checked file and document, and the files checked together. */
export interface DeployedContext {
  file: YamlFile;
  doc: YamlDoc;
  index: IndexView;
}

/**
 * A container as one kustomize overlay deploys it: its base, with the strategic-merge patches (merged by container
 * name) and JSON 6902 operations (by position) of every kustomization on the way, and their `images:` transformers.
 */
export interface DeployedContainer {
  /** The overlay's folder, relative to the checked file's folder (`../overlays/dev`): how a message names it. */
  overlay: string;
  /** Whether the container as deployed sets the field at `path` (`'resources', 'limits', 'memory'`). */
  has(...path: string[]): boolean;
  /** Its image as deployed: the base's, a patch's, then the `images:` transformers'. */
  image: string | undefined;
  /** Whether a patch or an `images:` transformer (with `newTag` or `digest`) of the overlay sets the image. */
  imageSet: boolean;
  /** A patch the set does not hold (or cannot read) applies to it: it may set anything. */
  unknown: boolean;
}

/**
 * The container as each overlay in the files checked together deploys it; empty when no kustomization deploys its file
 * (judge it as written). Reads `ctx.index.overlays()`, so the engine checks again when a kustomization or patch changes.
 */
export function asDeployed(ctx: DeployedContext, container: Container): DeployedContainer[] {
  const overlays = ctx.index.overlays();
  if (overlays.length === 0) return [];
  return overlays.map((overlay) => deploy(ctx, overlay, container));
}

/**
 * What a rule about a missing field asks: `supplies` says whether a deployed container has what the rule looks for.
 * Undefined when every overlay that deploys the container supplies it (the base is fine as deployed); else the finding
 * stands, with `note` to end its message: empty when no overlay deploys the file or none supplies it, else a sentence
 * naming the overlays that deploy it without.
 */
export function missingAsDeployed(ctx: DeployedContext, container: Container, supplies: (deployed: DeployedContainer) => boolean): { note: string } | undefined {
  const deployed = asDeployed(ctx, container);
  const without = deployed.filter((variant) => !variant.unknown && !supplies(variant));
  if (deployed.length > 0 && without.length === 0) return undefined;
  if (without.length === deployed.length) return { note: '' };
  const names = without.map((variant) => `'${variant.overlay}'`);
  const who = names.length === 1 ? `Overlay ${names[0]} deploys` : `Overlays ${names.join(', ')} deploy`;
  return { note: ` ${who} it so; the other overlays set it.` };
}

function deploy(ctx: DeployedContext, overlay: Overlay, container: Container): DeployedContainer {
  const object = container.pod.owner;
  const role = container.role === 'init' ? 'initContainers' : 'containers';
  const position = (container.role === 'init' ? container.pod.initContainers : container.pod.containers).indexOf(container);
  const names = new Set(object.name === undefined ? [] : [object.name]);
  const namespaces = new Set(object.namespace === undefined ? [] : [object.namespace]);
  const patches: PlainMap[] = [];
  let image = scalarToString(container.fields.get('image')?.value);
  let unknown = false;
  let imageSet = false;
  for (const layer of overlay.layers) {
    for (const patch of layer.patches) {
      if (!applies(patch, object, names, namespaces)) continue;
      if (patch.unread) unknown = true;
      for (const found of patch.containers?.[role] ?? []) {
        if (container.name === undefined || found.name !== container.name) continue;
        patches.push(found);
        if (typeof found.image === 'string') [image, imageSet] = [found.image, true];
      }
      for (const operation of patch.operations ?? []) {
        if (operation.role !== role || operation.index !== position) continue;
        const value = operation.path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), operation.value);
        const map = asMap(value);
        if (!map) continue;
        patches.push(map);
        if (typeof map.image === 'string') [image, imageSet] = [map.image, true];
      }
    }
    for (const setting of layer.images) {
      if (image === undefined || parseImage(setting.name).repository !== parseImage(image).repository) continue;
      const ref = parseImage(image);
      const repository = setting.newName ?? ref.repository;
      image = setting.digest !== undefined ? `${repository}@${setting.digest}` : `${repository}:${setting.newTag ?? ref.tag ?? ''}`;
      imageSet = true;
    }
    const name = [...names].pop();
    if (name !== undefined && (layer.namePrefix !== undefined || layer.nameSuffix !== undefined)) names.add(`${layer.namePrefix ?? ''}${name}${layer.nameSuffix ?? ''}`);
    if (layer.namespace !== undefined) namespaces.add(layer.namespace);
  }
  return {
    overlay: relativeFolder(ctx.file.path, overlay.kustomization),
    image,
    imageSet,
    unknown,
    has: (...path) => baseHas(ctx.doc, container, path) || patches.some((patch) => plainHas(patch, path)),
  };
}

/** Whether a patch applies to the object: its kind, and a name and namespace the object has had on the way. */
function applies(patch: OverlayPatch, object: K8sObject, names: Set<string>, namespaces: Set<string>): boolean {
  if (patch.kind !== undefined && patch.kind !== object.kind) return false;
  if (patch.namespace !== undefined && namespaces.size > 0 && !namespaces.has(patch.namespace)) return false;
  if (patch.name === undefined) return true;
  let pattern: RegExp | undefined;
  try {
    pattern = new RegExp(`^(?:${patch.name})$`);
  } catch {
    pattern = undefined;
  }
  return [...names].some((name) => name === patch.name || (pattern?.test(name) ?? false));
}

function baseHas(doc: YamlDoc, container: Container, path: readonly string[]): boolean {
  let fields = container.fields;
  let node: Node | undefined;
  for (const [index, key] of path.entries()) {
    node = fields.get(key)?.value;
    if (node === undefined || node === null) return false;
    if (index < path.length - 1) {
      if (!isMap(node)) return false;
      fields = mapFields(doc, node);
    }
  }
  return node !== undefined && scalarToString(node) !== 'null';
}

/** The folder of `kustomization`, relative to the folder of `from` (`../overlays/dev`). */
export function relativeFolder(from: string, kustomization: string): string {
  const split = (path: string): string[] => path.replace(/\\/g, '/').split('/').filter((segment) => segment !== '' && segment !== '.');
  const source = split(from).slice(0, -1);
  const target = split(kustomization).slice(0, -1);
  let common = 0;
  while (common < source.length && common < target.length && source[common] === target[common]) common++;
  const relative = [...source.slice(common).map(() => '..'), ...target.slice(common)].join('/');
  return relative === '' ? '.' : relative;
}

/**
 * Whether every overlay that deploys the file being checked moves it into a namespace (`namespace:` in a kustomization
 * on the way): kustomize then sets that namespace on every object it builds, whatever each one says, so the objects
 * deployed with it share one namespace. False when no overlay deploys the file.
 */
export function namespaceSetAsDeployed(ctx: DeployedContext): boolean {
  const overlays = ctx.index.overlays();
  return overlays.length > 0 && overlays.every((overlay) => overlay.layers.some((layer) => layer.namespace !== undefined));
}

/**
 * The overlays that rename the objects they build (`namePrefix` / `nameSuffix`) with no reference configuration of their
 * own on the way (`configurations:`, `openapi:`, `crds:`): kustomize then rewrites the names of custom resources but not
 * the references inside them (an Argo Rollout's `workloadRef` and analysis templates, a Flagger Canary's `targetRef`),
 * which it knows nothing of. Each overlay by its folder relative to the checked file's (`../overlays/prod`); with
 * `total`, how many overlays deploy the file.
 */
export function overlaysRenamingApart(ctx: DeployedContext): { overlays: string[]; total: number } {
  const all = ctx.index.overlays();
  const overlays = all
    .filter((overlay) => overlay.layers.some((layer) => layer.namePrefix !== undefined || layer.nameSuffix !== undefined) && !overlay.layers.some((layer) => layer.customReferences))
    .map((overlay) => relativeFolder(ctx.file.path, overlay.kustomization));
  return { overlays, total: all.length };
}

/**
 * A workload's selector and pod template labels as each overlay deploys them: the labels as written, with the
 * strategic-merge patches that apply to it on the way (a null value deletes a label). Empty when no overlay deploys the
 * file. `unknown` when a patch the set cannot read, or a JSON 6902 patch of the selector or labels, applies to it.
 */
export function labelsAsDeployed(ctx: DeployedContext, object: K8sObject, selector: ReadonlyMap<string, string>, template: ReadonlyMap<string, string>): { overlay: string; selector: Map<string, string>; template: Map<string, string>; unknown: boolean }[] {
  return ctx.index.overlays().map((overlay) => {
    const names = new Set(object.name === undefined ? [] : [object.name]);
    const namespaces = new Set(object.namespace === undefined ? [] : [object.namespace]);
    const deployed = { overlay: relativeFolder(ctx.file.path, overlay.kustomization), selector: new Map(selector), template: new Map(template), unknown: false };
    for (const layer of overlay.layers) {
      for (const patch of layer.patches) {
        if (!applies(patch, object, names, namespaces)) continue;
        if (patch.unread || patch.labelsUnread) deployed.unknown = true;
        for (const key of ['selector', 'template'] as const) {
          for (const [label, value] of Object.entries(patch.labels?.[key] ?? {})) {
            if (value === null) deployed[key].delete(label);
            else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') deployed[key].set(label, String(value));
            else deployed.unknown = true;
          }
        }
      }
      const name = [...names].pop();
      if (name !== undefined && (layer.namePrefix !== undefined || layer.nameSuffix !== undefined)) names.add(`${layer.namePrefix ?? ''}${name}${layer.nameSuffix ?? ''}`);
      if (layer.namespace !== undefined) namespaces.add(layer.namespace);
    }
    return deployed;
  });
}
