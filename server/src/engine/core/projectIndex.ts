import { chartDefaults, chartValuesPath, isChartTemplatePath, type ChartDefaults } from '../yaml/helmTemplate';
import { classify } from './classify';
import { ACTION_SCHEMA } from '../schema/schemaData.generated';
import { readPatch, unreadPatch, type Overlay, type OverlayLayer } from './overlays';
export type { Overlay, OverlayLayer, OverlayPatch } from './overlays';
import type { K8sObject } from '../model/k8s';
import type { ActionRef } from '../model/action';
import { metadataProblemsOf } from '../model/actionMetadataProblems';
import { isMap, mapFields, scalarToString, seqItems, isSeq, parseYamlFile, type Field, type YamlDoc, type YamlFile } from '../yaml/yamlFile';

/** A Kubernetes object as the index lists it, with the document it was read from. */
export interface IndexedObject {
  path: string;
  kind: string;
  apiVersion: string;
  name: string | undefined;
  namespace: string | undefined;
  labels: Readonly<Record<string, string>>;
  object: K8sObject;
  doc: YamlDoc;
  /** The text of the object's document: the same text reads as the same object (what the engine compares). */
  source: string;
}

/** What one file contributes to the index. */
export interface IndexedFile {
  path: string;
  objects: IndexedObject[];
  /** A workflow (reusable when it has `on: workflow_call`) or a local composite action. */
  workflow: { kind: 'workflow' | 'composite-action'; reusable: boolean } | undefined;
  /** An action's metadata file (`action.yml` / `action.yaml`), whatever it runs: what a step using it may pass. */
  action: ActionMetadata | undefined;
  /** A reusable workflow: what its `on.workflow_call` declares. */
  workflowCall: WorkflowCallInterface | undefined;
  /**
   * A `kustomization.yaml`: the resources it lists (`bases:` too) and its components, as written, and the image names
   * its `images:` gives a tag or digest (`newTag`, `digest`).
   */
  kustomization: Kustomization | undefined;
  /** A Skaffold configuration (`skaffold.yaml`): the images its `build.artifacts` (profiles' too) build. */
  skaffold: { images: string[] } | undefined;
  /** A chart's `values.yaml` (next to a `Chart.yaml` is not checked: the index holds no file system). */
  chartValues: boolean;
  /** A `values.yaml`'s defaults, what the chart's templates are read with (`parseYamlFile`). */
  chartDefaults?: ChartDefaults;
}

/** What a kustomization says, as written (paths relative to its folder). */
export interface Kustomization {
  resources: string[];
  components: string[];
  /** The image names whose tag or digest `images:` sets. */
  images: string[];
  /** `images:` entries that set a tag or digest, with what they set (`newName`, `newTag`, `digest`). */
  imageSettings?: KustomizeImage[];
  /** `patches:`, `patchesStrategicMerge:` and `patchesJson6902:`, in that order. */
  patches?: KustomizePatch[];
  namePrefix?: string;
  nameSuffix?: string;
  namespace?: string;
  /** It gives kustomize reference configuration of its own (`configurations:`, `openapi:`, `crds:`). */
  customReferences?: boolean;
}

export interface KustomizeImage {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

/** A patch a kustomization applies: a file (`path`) or inline text (`patch`), and the objects it `target`s when it says. */
export interface KustomizePatch {
  path?: string;
  patch?: string;
  /** `target:` as written (`kind`, `name`, `namespace`, and whether it selects by label or annotation). */
  target?: { kind?: string; name?: string; namespace?: string; bySelector: boolean };
  /** A JSON 6902 patch (`patchesJson6902:`, or a list of operations). */
  json6902?: boolean;
}

/** What an action's `action.yml` declares (objects without prototype: any input name is safe to look up). */
export interface ActionMetadata {
  /** `runs.using` as written (`node20`, `composite`, `docker`); undefined when missing. */
  using: string | undefined;
  inputs: Readonly<Record<string, ActionInput>>;
  outputs: readonly string[];
  /**
   * A JavaScript or Docker action's `runs` that the runner cannot use as written: the keys its kind requires and it
   * lacks (`main`, `image`), and the keys it gives that its kind does not take (`env` in a JavaScript action). Absent
   * when there are none, and for composite actions (their action.yml is checked as a file of its own).
   */
  runsProblem?: RunsProblem;
  /**
   * What its metadata gets wrong by GitHub's metadata syntax without stopping the runner (`model/actionMetadataProblems.ts`):
   * no `description`, a `branding` icon or color outside GitHub's lists. Absent when there is none, and for composite
   * actions (their action.yml is checked as a file of its own).
   */
  metadataProblems?: readonly ActionMetadataProblem[];
}

export type ActionMetadataProblem = { kind: 'description' } | { kind: 'icon' | 'color'; value: string };

export interface RunsProblem {
  /** `runs.using` as written (`node20`, `docker`). */
  using: string;
  missing: readonly string[];
  foreign: readonly string[];
}

export interface ActionInput {
  required: boolean;
  default?: string;
  deprecationMessage?: string;
}

/** What a reusable workflow declares under `on.workflow_call` (objects without prototype). */
export interface WorkflowCallInterface {
  inputs: Readonly<Record<string, { required: boolean; type: string | undefined; hasDefault: boolean }>>;
  secrets: Readonly<Record<string, { required: boolean }>>;
  outputs: readonly string[];
}

/**
 * A local file a rule asked about through `ctx.index` (`localAction`, `localWorkflow`): `unknown` when the file being
 * checked has no repository root to resolve `./…` from (it is not under a `.github/` folder), `absent` when the set of
 * files checked together has no such file (it may still be on disk outside the set), else what the file declares.
 */
export type LocalRead<T> = { state: 'unknown' } | { state: 'absent'; path: string } | { state: 'found'; path: string; value: T };

/** An image name whose tag or digest a build tool sets when it deploys a file: its manifest's tag is not what runs. */
export interface FilledImage {
  /** As the tool names it, without tag (`emailservice`, `ghcr.io/acme/web`). */
  name: string;
  tool: 'kustomize' | 'skaffold';
  /** The kustomization or Skaffold file that says so. */
  source: string;
}

/**
 * The set of files checked together (one CLI run, a workspace), for rules that read facts across files. Built once
 * per CLI run from the run's files and kept current by the server's document and file events; a file is read and
 * parsed only when something asks about it. Rules read it through `ctx.index`, which limits it to the files checked
 * together with theirs and lets the engine know what they read.
 */
export class ProjectIndex {
  // A file's text is the editor's (`text`) or read from disk when first needed (`read`, one function for every file:
  // a workspace holds thousands, and a closure per path would cost more than the path).
  private readonly files = new Map<string, { read?: (path: string) => string | undefined; text?: string; indexed?: IndexedFile }>();
  // What the kustomizations say (who is listed with whom, what each builds, the images they set); worked out when first asked.
  private listed: Kustomized | undefined;
  // The Skaffold files' paths (worked out when first asked; again when one comes, goes or changes).
  private skaffolds: string[] | undefined;
  // Every file by its normalised path, kept as files come and go; and the paths kustomizations list (when worked out).
  private readonly byKey = new Map<string, string>();
  private referenced: Set<string> | undefined;
  // The folders that hold a `.github/` folder (worked out when first asked; again when a file comes or goes).
  private githubParents: Set<string> | undefined;

  setFile(path: string, text: string): void {
    const entry = this.files.get(path);
    if (entry?.text === text) return;
    this.changed(path, entry !== undefined);
    this.files.set(path, { text });
  }

  /** A file whose text `read(path)` gives when first asked for (from disk, say); undefined from it means it is gone. */
  setFileSource(path: string, read: (path: string) => string | undefined): void {
    this.changed(path, this.files.has(path));
    this.files.set(path, { read });
  }

  removeFile(path: string): void {
    if (this.files.delete(path)) this.changed(path, true, true);
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  get size(): number {
    return this.files.size;
  }

  /** Every file's path. */
  paths(): Iterable<string> {
    return this.files.keys();
  }

  /** What a file contributes, read and parsed on first ask; undefined for a file not in the set (or gone). */
  file(path: string): IndexedFile | undefined {
    const entry = this.files.get(path);
    if (!entry) return undefined;
    if (!entry.indexed) {
      // A text read from disk is not kept: what it contributes is.
      const text = entry.text ?? entry.read?.(path);
      if (text === undefined) return undefined;
      entry.indexed = indexFile(parseYamlFile(text, path));
    }
    return entry.indexed;
  }

  /** The defaults of the chart a template belongs to (its `values.yaml`), when that file is in the set. */
  chartDefaultsFor(templatePath: string): ChartDefaults | undefined {
    const values = chartValuesPath(templatePath);
    return values === undefined ? undefined : this.file(values)?.chartDefaults;
  }

  /** The chart templates in the set whose defaults a `values.yaml` gives (none for another file); read by path only. */
  chartTemplatesOf(valuesPath: string): string[] {
    if (!VALUES_PATH.test(valuesPath)) return [];
    return [...this.files.keys()].filter((path) => isChartTemplatePath(path) && chartValuesPath(path) === valuesPath);
  }

  /** Every file's entry (reads and parses all of them). */
  *entries(): Iterable<IndexedFile> {
    for (const path of this.files.keys()) {
      const indexed = this.file(path);
      if (indexed) yield indexed;
    }
  }

  /**
   * The other files one kustomization lists with `path` in its `resources:` (relative to the kustomization's folder):
   * they are deployed together. Only kustomization files are read to work it out.
   */
  listedWith(path: string): readonly string[] {
    return this.kustomized().listedWith.get(pathKey(path)) ?? [];
  }

  /** The files a kustomization lists that are in the set (none for another file). */
  listedBy(path: string): readonly string[] {
    return this.kustomized().listedBy.get(pathKey(path)) ?? [];
  }

  /**
   * The images a build tool fills in when it deploys `path`: the `images:` (with `newTag` or `digest`) of every
   * kustomization that builds it (listing it directly, or through bases and components), and the artifacts of the
   * Skaffold files in its folder or a folder above.
   */
  imagesFilledIn(path: string): readonly FilledImage[] {
    const key = pathKey(path);
    const kustomize = this.kustomized().images.get(key) ?? [];
    const skaffold = this.skaffoldPaths().flatMap((source) => {
      if (!key.startsWith(folderOf(pathKey(source)))) return [];
      return (this.file(source)?.skaffold?.images ?? []).map((name): FilledImage => ({ name, tool: 'skaffold', source }));
    });
    return skaffold.length === 0 ? kustomize : [...kustomize, ...skaffold];
  }

  /**
   * The files whose `imagesFilledIn` a kustomization or Skaffold file decides (none for another file): for a
   * kustomization, the files it builds, and for a component those that the kustomizations including it build; for a
   * Skaffold file, the files in its folder and below.
   */
  imagesFilledInBy(path: string): readonly string[] {
    const key = pathKey(path);
    if (SKAFFOLD_PATH.test(path)) {
      const folder = folderOf(key);
      return [...this.files.keys()].filter((other) => other !== path && pathKey(other).startsWith(folder));
    }
    if (!KUSTOMIZATION_PATH.test(path)) return [];
    const { builds, includedBy } = this.kustomized();
    const files = new Set<string>();
    const above = new Set<string>([key]);
    for (const kustomization of above) for (const parent of includedBy.get(kustomization) ?? []) above.add(parent);
    for (const kustomization of above) for (const file of builds.get(kustomization) ?? []) files.add(file);
    return [...files];
  }

  /** Whether a kustomization in the set lists `path` as a patch: its objects are fragments, never judged whole. */
  isPatch(path: string): boolean {
    return this.kustomized().patchFiles.has(pathKey(path));
  }

  /**
   * The files whose deployment a kustomization or patch file decides (none for another file): for a kustomization, the
   * files it builds and the patch files it lists; for a patch, the files the kustomizations applying it build.
   */
  deployedBy(path: string): readonly string[] {
    const key = pathKey(path);
    const { patchFiles } = this.kustomized();
    const files = new Set<string>();
    if (KUSTOMIZATION_PATH.test(path)) {
      for (const file of this.imagesFilledInBy(path)) files.add(file);
      for (const [patch, users] of patchFiles) if (users.includes(key)) files.add(this.byKey.get(patch) ?? patch);
    }
    for (const user of patchFiles.get(key) ?? []) for (const file of this.imagesFilledInBy(this.byKey.get(user) ?? user)) files.add(file);
    return [...files];
  }

  /**
   * How the kustomizations in the set deploy `path`: one entry for each kustomization at the top (one no other builds
   * on) that builds the file, through its bases and components, with the patches, name changes and images of every
   * kustomization on the way. Empty for a file no kustomization lists (it is judged as written).
   */
  overlaysOf(path: string): readonly Overlay[] {
    const key = pathKey(path);
    const listed = this.kustomized();
    let overlays = listed.overlays.get(key);
    if (overlays) return overlays;
    overlays = [];
    for (const root of listed.roots) {
      for (const chain of this.chainsTo(key, root, listed.graph, new Set())) {
        overlays.push({ kustomization: listed.graph.get(root)!.path, layers: chain.flatMap((kustomization) => this.layersOf(kustomization, listed.graph)) });
      }
    }
    listed.overlays.set(key, overlays);
    return overlays;
  }

  /** The paths of kustomizations (innermost first) from one that lists `file` up to `from`, through bases. */
  private chainsTo(file: string, from: string, graph: Map<string, KustomizationNode>, seen: Set<string>): string[][] {
    const node = graph.get(from);
    if (!node || seen.has(from)) return [];
    const chains: string[][] = node.files.includes(file) ? [[from]] : [];
    const inner = new Set([...seen, from]);
    for (const base of node.bases) for (const chain of this.chainsTo(file, base, graph, inner)) chains.push([...chain, from]);
    // Two ways to the same file through one top are one deployment of it: the first is kept.
    return chains.slice(0, 1);
  }

  /** A kustomization's layer, after those of its components (their patches and images apply to what it builds). */
  private layersOf(key: string, graph: Map<string, KustomizationNode>): OverlayLayer[] {
    const node = graph.get(key);
    if (!node) return [];
    return [...node.components.flatMap((component) => this.layersOf(component, graph)), this.layerOf(node.path)];
  }

  private layerOf(path: string): OverlayLayer {
    const kustomization = this.file(path)?.kustomization;
    const folder = folderOf(pathKey(path));
    const layer: OverlayLayer = { kustomization: path, images: kustomization?.imageSettings ?? [], patches: [] };
    for (const key of ['namePrefix', 'nameSuffix', 'namespace'] as const) if (kustomization?.[key] !== undefined) layer[key] = kustomization[key];
    if (kustomization?.customReferences) layer.customReferences = true;
    (kustomization?.patches ?? []).forEach((entry, index) => {
      if (entry.patch !== undefined) {
        layer.patches.push(...readPatch(entry.patch, `${path}#patch${index}`, entry));
        return;
      }
      const file = this.byKey.get(pathKey(folder + entry.path!));
      const entryOf = file === undefined ? undefined : this.files.get(file);
      const text = entryOf ? (entryOf.text ?? entryOf.read?.(file!)) : undefined;
      layer.patches.push(...(text === undefined ? [unreadPatch(entry)] : readPatch(text, file!, entry)));
    });
    return layer;
  }

  /**
   * A local action (`uses: ./path`, resolved from the repository root of `from`): its metadata file, action.yml or
   * action.yaml.
   */
  localAction(from: string, usesPath: string): LocalRead<ActionMetadata | undefined> {
    const folder = this.localPath(from, usesPath);
    if (folder === undefined) return { state: 'unknown' };
    const base = folder === '' ? '' : `${folder}/`;
    for (const name of ['action.yml', 'action.yaml']) {
      const known = this.byKey.get(base + name);
      if (known !== undefined && this.has(known)) return { state: 'found', path: known, value: this.file(known)?.action };
    }
    return { state: 'absent', path: `${base}action.yml` };
  }

  /** A local reusable workflow (`uses: ./.github/workflows/x.yml` on a job, resolved from the repository root of `from`). */
  localWorkflow(from: string, usesPath: string): LocalRead<WorkflowCallInterface | undefined> {
    const key = this.localPath(from, usesPath);
    if (key === undefined) return { state: 'unknown' };
    const known = this.byKey.get(key);
    if (known === undefined || !this.has(known)) return { state: 'absent', path: key };
    return { state: 'found', path: known, value: this.file(known)?.workflowCall };
  }

  /**
   * The key of `./path` (as `uses:` names it, relative to the repository root) from a file: the root is the folder
   * holding the file's last `.github/` folder, or for a file outside one, the nearest folder above it that holds a
   * `.github/` folder in the set. Undefined without either.
   */
  private localPath(from: string, usesPath: string): string | undefined {
    let root = repositoryRootOf(from);
    if (root === undefined) {
      this.githubParents ??= new Set([...this.byKey.keys()].flatMap((key) => (/(^|\/)\.github\//.test(key) ? [key.slice(0, key.lastIndexOf('.github/'))] : [])));
      for (let folder = folderOf(pathKey(from)); root === undefined; folder = folderOf(folder.slice(0, -1))) {
        if (this.githubParents.has(folder)) root = folder;
        if (folder === '') break;
      }
      if (root === undefined) return undefined;
    }
    return pathKey(root + usesPath.replace(/^(\.\/+)+/, '')).replace(/\/$/, '');
  }

  private skaffoldPaths(): string[] {
    return (this.skaffolds ??= [...this.files.keys()].filter((path) => SKAFFOLD_PATH.test(path)));
  }

  private kustomized(): Kustomized {
    if (this.listed) return this.listed;
    const listed: Kustomized = { listedWith: new Map(), listedBy: new Map(), images: new Map(), builds: new Map(), includedBy: new Map(), graph: new Map(), roots: [], patchFiles: new Map(), overlays: new Map() };
    const referenced = new Set<string>();
    // Per kustomization (by key): the files it lists, the kustomizations it builds on (bases, components), its images.
    const graph = listed.graph;
    for (const known of this.files.keys()) {
      if (!KUSTOMIZATION_PATH.test(known)) continue;
      const key = pathKey(known);
      const folder = folderOf(key);
      const kustomization = this.file(known)?.kustomization;
      const resources = (kustomization?.resources ?? []).map((resource) => pathKey(folder + resource));
      for (const resource of resources) referenced.add(resource);
      const members = resources.flatMap((resource) => this.byKey.get(resource) ?? []);
      listed.listedBy.set(key, members);
      for (const member of members) {
        const memberKey = pathKey(member);
        const others = members.filter((other) => other !== member);
        listed.listedWith.set(memberKey, [...new Set([...(listed.listedWith.get(memberKey) ?? []), ...others])]);
      }
      const components = (kustomization?.components ?? []).flatMap((component) => this.kustomizationIn(pathKey(folder + component)) ?? []);
      const bases = resources.flatMap((resource) => (this.byKey.has(resource) ? [] : (this.kustomizationIn(resource) ?? [])));
      graph.set(key, { path: known, files: members.map(pathKey), children: [...bases, ...components], bases, components, images: kustomization?.images ?? [] });
      for (const patch of kustomization?.patches ?? []) {
        if (patch.path === undefined) continue;
        const patchKey = pathKey(folder + patch.path);
        listed.patchFiles.set(patchKey, [...(listed.patchFiles.get(patchKey) ?? []), key]);
      }
    }
    // A component's images apply to everything the kustomization that includes it builds.
    const imagesOf = (key: string, seen = new Set<string>()): FilledImage[] => {
      const node = graph.get(key);
      if (!node || seen.has(key)) return [];
      seen.add(key);
      return [...node.images.map((name): FilledImage => ({ name, tool: 'kustomize', source: node.path })), ...node.components.flatMap((component) => imagesOf(component, seen))];
    };
    const below = new Set([...graph.values()].flatMap((node) => node.children));
    listed.roots = [...graph.keys()].filter((key) => !below.has(key));
    for (const [key, node] of graph) {
      for (const component of node.components) listed.includedBy.set(component, [...(listed.includedBy.get(component) ?? []), key]);
      // Everything this kustomization builds, through bases and components.
      const built = new Set<string>();
      const seen = new Set<string>([key]);
      const pending = [key];
      while (pending.length > 0) {
        const next = graph.get(pending.pop()!)!;
        for (const file of next.files) built.add(file);
        for (const child of next.children) {
          if (seen.has(child) || !graph.has(child)) continue;
          seen.add(child);
          pending.push(child);
        }
      }
      listed.builds.set(key, [...built].map((file) => this.byKey.get(file) ?? file));
      const images = imagesOf(key);
      if (images.length === 0) continue;
      // A patch this kustomization applies, or one below it does, is deployed with these images too.
      for (const [patch, users] of listed.patchFiles) if (users.some((user) => seen.has(user))) built.add(patch);
      for (const file of built) listed.images.set(file, [...(listed.images.get(file) ?? []), ...images]);
    }
    this.referenced = referenced;
    return (this.listed = listed);
  }

  /** The key of the kustomization file in a folder (given by key), if the set holds one. */
  private kustomizationIn(folder: string): string | undefined {
    for (const name of KUSTOMIZATION_NAMES) {
      const key = folder === '' ? name : `${folder}/${name}`;
      if (this.byKey.has(key)) return key;
    }
    return undefined;
  }

  /**
   * The files kustomized together change when a kustomization changes, or when a file a kustomization lists comes or
   * goes; any other file coming or going changes nothing (opening a whole workspace stays linear).
   */
  private changed(path: string, existed: boolean, removed = false): void {
    const key = pathKey(path);
    if (removed) this.byKey.delete(key);
    else this.byKey.set(key, path);
    if (!existed || removed) this.githubParents = undefined;
    if (KUSTOMIZATION_PATH.test(path) || ((!existed || removed) && (this.referenced === undefined || this.referenced.has(key)))) this.listed = undefined;
    // A patch's text is part of how the files it patches are deployed.
    else if (this.listed?.patchFiles.has(key)) this.listed.overlays.clear();
    if (SKAFFOLD_PATH.test(path)) this.skaffolds = undefined;
  }
}

/**
 * The objects of the files one kustomization lists with `path` (see `listedWith`), for `CheckedTogether` after the
 * objects of the file itself.
 */
export function* listedObjects(index: ProjectIndex | undefined, path: string): Iterable<IndexedObject> {
  if (!index) return;
  for (const other of index.listedWith(path)) yield* index.file(other)?.objects ?? [];
}

/** A path with backslashes as `/`, and `.` and `..` segments resolved where they can be: what two spellings of a file share. */
function pathKey(path: string): string {
  const segments: string[] = [];
  for (const segment of path.replace(/\\/g, '/').split('/')) {
    if (segment === '.' || (segment === '' && segments.length > 0)) continue;
    if (segment === '..' && segments.length > 0 && segments[segments.length - 1] !== '..' && segments[segments.length - 1] !== '') segments.pop();
    else segments.push(segment);
  }
  const key = segments.join('/');
  // Most paths are their own key: the index keeps one string for both, not two equal ones.
  return key === path ? path : key;
}

/**
 * The repository root of a file, as a key with its trailing `/`: the folder that holds its last `.github/` folder
 * (workflows live in `.github/workflows`, local actions mostly under `.github/`); undefined for a file elsewhere.
 */
export function repositoryRootOf(path: string): string | undefined {
  const key = pathKey(path);
  const at = key.lastIndexOf('.github/');
  if (at < 0 || (at > 0 && key[at - 1] !== '/')) return undefined;
  return key.slice(0, at);
}

/** A key's folder, with its trailing `/` (`''` at the top). */
function folderOf(key: string): string {
  return key.slice(0, key.lastIndexOf('/') + 1);
}

/** What `kustomized` works out, by normalised path. */
interface Kustomized {
  /** A file: the other files one kustomization lists with it. */
  listedWith: Map<string, string[]>;
  /** A kustomization: the files it lists directly. */
  listedBy: Map<string, string[]>;
  /** A file: the images that the kustomizations building it set the tag or digest of. */
  images: Map<string, FilledImage[]>;
  /** A kustomization: every file it builds, through bases and components (as the set spells them). */
  builds: Map<string, string[]>;
  /** A component: the kustomizations that include it. */
  includedBy: Map<string, string[]>;
  /** Per kustomization: its path as the set spells it, the files it lists, the kustomizations it builds on. */
  graph: Map<string, KustomizationNode>;
  /** The kustomizations no other one in the set builds on: what is deployed. */
  roots: string[];
  /** A patch file: the kustomizations that apply it. */
  patchFiles: Map<string, string[]>;
  /** A file: how the kustomizations deploy it (worked out when first asked). */
  overlays: Map<string, Overlay[]>;
}

interface KustomizationNode {
  path: string;
  files: string[];
  children: string[];
  bases: string[];
  components: string[];
  images: string[];
}

/** The index of the files of one run, each given as its path and text. */
export function buildProjectIndex(files: Iterable<{ path: string; text: string }>): ProjectIndex {
  const index = new ProjectIndex();
  for (const { path, text } of files) index.setFile(path, text);
  return index;
}

const KUSTOMIZATION_PATH = /(^|[\\/])kustomization\.ya?ml$/i;
// The names kustomize looks for in a folder a kustomization lists (`Kustomization`, without extension, is not YAML here).
const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml'];
// `skaffold.yaml`, and the variants projects keep next to it (`skaffold-dev.yaml`); the content says whether it is one.
const SKAFFOLD_PATH = /(^|[\\/])skaffold[^\\/]*\.ya?ml$/i;
const VALUES_PATH = /(^|[\\/])values\.ya?ml$/i;
const ACTION_METADATA_PATH = /(^|[\\/])action\.ya?ml$/i;

/** What a parsed file contributes to the index. */
export function indexFile(file: YamlFile): IndexedFile {
  const indexed: IndexedFile = { path: file.path, objects: [], workflow: undefined, action: undefined, workflowCall: undefined, kustomization: undefined, skaffold: undefined, chartValues: VALUES_PATH.test(file.path) };
  if (indexed.chartValues) {
    const values = file.documents[0];
    if (values && !values.hasErrors) indexed.chartDefaults = chartDefaults(values.doc.contents, file);
  }
  for (const yaml of file.documents) {
    if (yaml.hasErrors) continue;
    const classified = classify(file, yaml);
    // A kustomization says `kind: Kustomization`, or nothing of the sort: its name says what it is.
    if (ACTION_METADATA_PATH.test(file.path)) indexed.action ??= actionMetadataOf(yaml);
    if (KUSTOMIZATION_PATH.test(file.path)) indexed.kustomization = kustomizationOf(yaml);
    else if (SKAFFOLD_PATH.test(file.path) && isSkaffold(yaml)) (indexed.skaffold ??= { images: [] }).images.push(...skaffoldImages(yaml));
    else if (classified.type === 'k8s') indexed.objects.push(...indexObjects(file.path, file.text, yaml, classified.objects));
    else if (classified.type === 'workflow') {
      const call = workflowCallOf(yaml);
      indexed.workflow = { kind: classified.workflow.kind, reusable: call !== undefined };
      if (call) indexed.workflowCall = call;
    }
  }
  return indexed;
}

/** The index entries of a document's objects; `text` is what the document's offsets point into. */
export function indexObjects(path: string, text: string, yaml: YamlDoc, objects: readonly K8sObject[]): IndexedObject[] {
  const source = text.slice(yaml.doc.range[0], yaml.doc.range[2]);
  return objects.map((object) => {
    const metadata = object.fields.get('metadata')?.value;
    const metadataFields = isMap(metadata) ? mapFields(yaml, metadata) : undefined;
    const labelsNode = metadataFields?.get('labels')?.value;
    const labels: Record<string, string> = Object.create(null) as Record<string, string>;
    if (isMap(labelsNode)) {
      for (const [key, field] of mapFields(yaml, labelsNode)) {
        const value = scalarToString(field.value);
        if (value !== undefined) labels[key] = value;
      }
    }
    return { path, kind: object.kind, apiVersion: object.apiVersion, name: object.name, namespace: object.namespace, labels, object, doc: yaml, source };
  });
}

/** What the rules checking a document read through `ctx.index`: kind → what the read saw, and which rules read. */
export interface IndexReads {
  kinds: Map<string, readonly string[]>;
  /** What a read of `imagesFilledIn` saw (`filledInAnswer`), when one was made. */
  filledIn?: readonly string[];
  /** Reads of local files (`localAction`, `localWorkflow`): the question (`localQuestion`) → what it saw (`localAnswer`). */
  locals?: Map<LocalQuestion, string>;
  /** What a read of `overlays` saw (`overlaysAnswer`), when one was made. */
  overlays?: string;
  readers: Set<string>;
}

/** A question about a local file, as `CheckedTogether.localAnswer` takes it. */
export type LocalQuestion = `action ${string}` | `workflow ${string}`;

/** What a rule reads of the objects checked together with its document (`ctx.index`). */
export interface IndexView {
  /**
   * The Kubernetes objects of `kind` checked together with the document being checked: those of the same file and of
   * the files one kustomization lists with it (files of unrelated projects sit side by side in one folder, so a folder
   * is not a unit; a kustomization is what deploys files together), and when `near` is given only
   * those in its namespace (an object without one is applied with `kubectl -n` and may be in any).
   */
  objects(kind: string, near?: K8sObject): readonly IndexedObject[];
  /** The images a build tool (kustomize, Skaffold) fills in when it deploys the file being checked (`ProjectIndex.imagesFilledIn`). */
  imagesFilledIn(): readonly FilledImage[];
  /**
   * The metadata of a local action a step uses (`uses: ./path`, kind `local`), from its action.yml in the files checked
   * together (`ProjectIndex.localAction`); the engine checks again what read it when that file changes, comes or goes.
   */
  localAction(action: ActionRef): LocalRead<ActionMetadata | undefined>;
  /**
   * How kustomize overlays in the files checked together deploy the file being checked (`ProjectIndex.overlaysOf`):
   * empty when none does. Rules ask it through `engine/model/deployed.ts` (`asDeployed`, `missingAsDeployed`), which
   * merge the patches onto a container; the engine checks again what read it when a kustomization or patch changes.
   */
  overlays(): readonly Overlay[];
  /** Whether a kustomization in the files checked together lists the file being checked as a patch. */
  isPatch(): boolean;
  /** What a local reusable workflow a job calls (`uses: ./.github/workflows/x.yml`) declares (`ProjectIndex.localWorkflow`); likewise. */
  localWorkflow(call: ActionRef): LocalRead<WorkflowCallInterface | undefined>;
}

/**
 * The objects of the file being checked, grouped by kind when first asked for, and what rules read of them: for each
 * kind read, the texts of the documents it was answered from. The incremental linter keeps those reads with a
 * document's findings and checks the document again when the same read would now see other texts.
 */
export class CheckedTogether {
  private byKind: Map<string, IndexedObject[]> | undefined;
  private readonly answers = new Map<string, readonly string[]>();

  private filled: readonly FilledImage[] | undefined;

  private deployed: { overlays: readonly Overlay[]; answer: string } | undefined;

  private readonly locals = new Map<string, { read: LocalRead<unknown>; answer: string }>();

  constructor(
    private readonly ownObjects: () => Iterable<IndexedObject>,
    private readonly filledIn: () => readonly FilledImage[] = () => [],
    /** The index and the checked file's path, which local paths are resolved from. */
    private readonly local?: { index: ProjectIndex | undefined; path: string },
  ) {}

  /** A local file read (asked of the index once per question). */
  localRead(question: LocalQuestion): LocalRead<unknown> {
    return this.localEntry(question).read;
  }

  /** What a local read sees, as a string: equal strings, equal answer. */
  localAnswer(question: LocalQuestion): string {
    return this.localEntry(question).answer;
  }

  private localEntry(question: LocalQuestion): { read: LocalRead<unknown>; answer: string } {
    let entry = this.locals.get(question);
    if (!entry) {
      const index = this.local?.index;
      const from = this.local?.path ?? '';
      const target = question.slice(question.indexOf(' ') + 1);
      let read: LocalRead<unknown> = { state: 'unknown' };
      if (index) read = question.startsWith('action ') ? index.localAction(from, target) : index.localWorkflow(from, target);
      this.locals.set(question, (entry = { read, answer: JSON.stringify(read) }));
    }
    return entry;
  }

  /** The images filled in for the file (asked of the index once). */
  imagesFilledIn(): readonly FilledImage[] {
    return (this.filled ??= this.filledIn());
  }

  /** How overlays deploy the file (asked of the index once). */
  overlays(): readonly Overlay[] {
    return this.overlaysEntry().overlays;
  }

  /** What a read of `overlays` sees, as a string: equal strings, equal answer. */
  overlaysAnswer(): string {
    return this.overlaysEntry().answer;
  }

  /** Whether the file is a patch a kustomization applies. */
  isPatch(): boolean {
    return (this.patch ??= this.local?.index?.isPatch(this.local.path) ?? false);
  }

  private patch: boolean | undefined;

  private overlaysEntry(): { overlays: readonly Overlay[]; answer: string } {
    if (!this.deployed) {
      const overlays = this.local?.index?.overlaysOf(this.local.path) ?? [];
      this.deployed = { overlays, answer: overlays.length === 0 ? '' : JSON.stringify(overlays) };
    }
    return this.deployed;
  }

  /** What a read of `imagesFilledIn` sees, as strings: equal strings, equal answer. */
  filledInAnswer(): readonly string[] {
    return this.imagesFilledIn().map(({ name, tool, source }) => `${tool} ${source} ${name}`);
  }

  /** The objects of `kind`, in file order. */
  objects(kind: string): readonly IndexedObject[] {
    if (!this.byKind) {
      this.byKind = new Map();
      for (const entry of this.ownObjects()) {
        const list = this.byKind.get(entry.kind);
        if (list) list.push(entry);
        else this.byKind.set(entry.kind, [entry]);
      }
    }
    return this.byKind.get(kind) ?? [];
  }

  /** What a read of `kind` sees, as the texts of the documents it comes from: equal texts, equal answer. */
  answer(kind: string): readonly string[] {
    let answer = this.answers.get(kind);
    if (!answer) this.answers.set(kind, (answer = this.objects(kind).map((entry) => entry.source)));
    return answer;
  }

  /**
   * The view a rule gets; when `reads` is given, each read is noted there (kind to `answer(kind)`) and the rule in
   * `readers`; `noteLocal` also hears of each local read (the job cache keeps them with a job's findings).
   */
  view(reads: IndexReads | undefined, ruleId: string, noteLocal?: (question: LocalQuestion, answer: string) => void): IndexView {
    const local = <T>(question: LocalQuestion): LocalRead<T> => {
      const answer = this.localAnswer(question);
      if (reads) {
        (reads.locals ??= new Map()).set(question, answer);
        reads.readers.add(ruleId);
      }
      noteLocal?.(question, answer);
      return this.localRead(question) as LocalRead<T>;
    };
    return {
      localAction: (action) => (action.kind === 'local' && action.path !== undefined ? local(`action ${action.path}`) : { state: 'unknown' }),
      localWorkflow: (call) => (call.kind === 'reusable' && call.local && call.path !== undefined ? local(`workflow ${call.path}`) : { state: 'unknown' }),
      objects: (kind, near) => {
        const all = this.objects(kind);
        if (reads) {
          if (!reads.kinds.has(kind)) reads.kinds.set(kind, this.answer(kind));
          reads.readers.add(ruleId);
        }
        const namespace = near?.namespace;
        return namespace === undefined ? all : all.filter((entry) => entry.namespace === undefined || entry.namespace === namespace);
      },
      overlays: () => {
        if (reads) {
          reads.overlays ??= this.overlaysAnswer();
          reads.readers.add(ruleId);
        }
        return this.overlays();
      },
      isPatch: () => this.isPatch(),
      imagesFilledIn: () => {
        if (reads) {
          reads.filledIn ??= this.filledInAnswer();
          reads.readers.add(ruleId);
        }
        return this.imagesFilledIn();
      },
    };
  }
}

/** What `on.workflow_call` declares; undefined for a workflow others cannot call. */
function workflowCallOf(yaml: YamlDoc): WorkflowCallInterface | undefined {
  const root = yaml.resolve(yaml.doc.contents);
  if (!isMap(root)) return undefined;
  const on = mapFields(yaml, root).get('on')?.value ?? mapFields(yaml, root).get('true')?.value;
  const called = scalarToString(on) === 'workflow_call' || (isSeq(on) && seqItems(yaml, on).some((item) => scalarToString(item) === 'workflow_call'));
  const field = isMap(on) ? mapFields(yaml, on).get('workflow_call') : undefined;
  if (!called && !field) return undefined;
  const call = isMap(field?.value) ? mapFields(yaml, field.value) : new Map<string, Field>();
  const inputs: Record<string, WorkflowCallInterface['inputs'][string]> = Object.create(null) as Record<string, never>;
  for (const [name, spec] of entriesOf(yaml, call.get('inputs')?.value)) {
    inputs[name] = { required: scalarToString(spec.get('required')?.value) === 'true', type: scalarToString(spec.get('type')?.value), hasDefault: spec.has('default') };
  }
  const secrets: Record<string, { required: boolean }> = Object.create(null) as Record<string, never>;
  for (const [name, spec] of entriesOf(yaml, call.get('secrets')?.value)) secrets[name] = { required: scalarToString(spec.get('required')?.value) === 'true' };
  return { inputs, secrets, outputs: entriesOf(yaml, call.get('outputs')?.value).map(([name]) => name) };
}

/** What an action's metadata file declares. */
function actionMetadataOf(yaml: YamlDoc): ActionMetadata | undefined {
  const root = yaml.resolve(yaml.doc.contents);
  if (!isMap(root)) return undefined;
  const fields = mapFields(yaml, root);
  const runs = fields.get('runs')?.value;
  const inputs: Record<string, ActionInput> = Object.create(null) as Record<string, never>;
  for (const [name, spec] of entriesOf(yaml, fields.get('inputs')?.value)) {
    const input: ActionInput = { required: scalarToString(spec.get('required')?.value) === 'true' };
    const fallback = scalarToString(spec.get('default')?.value);
    const deprecation = scalarToString(spec.get('deprecationMessage')?.value);
    if (fallback !== undefined) input.default = fallback;
    if (deprecation !== undefined) input.deprecationMessage = deprecation;
    inputs[name] = input;
  }
  const metadata: ActionMetadata = { using: isMap(runs) ? scalarToString(mapFields(yaml, runs).get('using')?.value) : undefined, inputs, outputs: entriesOf(yaml, fields.get('outputs')?.value).map(([name]) => name) };
  const problem = runsProblemOf(yaml, runs);
  if (problem) metadata.runsProblem = problem;
  if (metadata.using?.trim() !== 'composite') {
    const problems = metadataProblemsOf(yaml, fields).map((found): ActionMetadataProblem => (found.kind === 'description' ? found : { kind: found.kind, value: found.value }));
    if (problems.length > 0) metadata.metadataProblems = problems;
  }
  return metadata;
}

/** What a JavaScript or Docker action's `runs` lacks or has too many, by the keys of GitHub's action schema for its kind. */
function runsProblemOf(yaml: YamlDoc, runs: unknown): RunsProblem | undefined {
  if (!isMap(runs)) return undefined;
  const fields = mapFields(yaml, runs);
  const using = scalarToString(fields.get('using')?.value)?.trim();
  if (using === undefined || using.includes('${{')) return undefined;
  const definition = using === 'docker' ? 'container-runs-strict' : /^node\d+$/i.test(using) ? 'node-runs-strict' : undefined;
  const properties = definition ? ACTION_SCHEMA[definition]?.mapping?.properties : undefined;
  if (!properties) return undefined;
  const missing = Object.entries(properties).filter(([key, property]) => property.required && !fields.has(key)).map(([key]) => key);
  const foreign = [...fields.keys()].filter((key) => !Object.hasOwn(properties, key));
  return missing.length > 0 || foreign.length > 0 ? { using, missing, foreign } : undefined;
}

/** The entries of a mapping of names to mappings (`inputs:`, `secrets:`); a name given nothing (`token:`) has no fields. */
function entriesOf(yaml: YamlDoc, node: unknown): [string, Map<string, Field>][] {
  if (!isMap(node)) return [];
  return [...mapFields(yaml, node)].map(([name, field]) => [name, isMap(field.value) ? mapFields(yaml, field.value) : new Map<string, Field>()]);
}

function kustomizationOf(yaml: YamlDoc): NonNullable<IndexedFile['kustomization']> {
  const root = yaml.resolve(yaml.doc.contents);
  const fields = isMap(root) ? mapFields(yaml, root) : new Map<string, Field>();
  const settings: KustomizeImage[] = [];
  const images = itemsOf(yaml, fields.get('images')?.value).flatMap((item) => {
    const image = isMap(item) ? mapFields(yaml, item) : undefined;
    const name = scalarToString(image?.get('name')?.value);
    if (name === undefined || !(image!.has('newTag') || image!.has('digest'))) return [];
    const setting: KustomizeImage = { name };
    for (const key of ['newName', 'newTag', 'digest'] as const) {
      const value = scalarToString(image!.get(key)?.value);
      if (value !== undefined) setting[key] = value;
    }
    settings.push(setting);
    return [name];
  });
  const kustomization: Kustomization = { resources: [...strings(yaml, fields.get('resources')?.value), ...strings(yaml, fields.get('bases')?.value)], components: strings(yaml, fields.get('components')?.value), images };
  if (settings.length > 0) kustomization.imageSettings = settings;
  const patches: KustomizePatch[] = [];
  const entry = (item: unknown, json6902: boolean): KustomizePatch | undefined => {
    const text = scalarToString(item);
    // `patchesStrategicMerge:` items are file paths or, with a line break, the patch itself.
    if (text !== undefined) return text.includes('\n') ? { patch: text } : { path: text };
    if (!isMap(item)) return undefined;
    const patch = mapFields(yaml, item);
    const found: KustomizePatch = {};
    const path = scalarToString(patch.get('path')?.value);
    const inline = scalarToString(patch.get('patch')?.value);
    if (path !== undefined) found.path = path;
    if (inline !== undefined) found.patch = inline;
    if (json6902) found.json6902 = true;
    const target = patch.get('target')?.value;
    if (isMap(target)) {
      const selects = mapFields(yaml, target);
      found.target = { bySelector: selects.has('labelSelector') || selects.has('annotationSelector') };
      for (const key of ['kind', 'name', 'namespace'] as const) {
        const value = scalarToString(selects.get(key)?.value);
        if (value !== undefined) found.target[key] = value;
      }
    }
    return found.path !== undefined || found.patch !== undefined ? found : undefined;
  };
  const add = (key: string, json6902: boolean): void => {
    for (const item of itemsOf(yaml, fields.get(key)?.value)) {
      const found = entry(item, json6902);
      if (found) patches.push(found);
    }
  };
  add('patches', false);
  add('patchesStrategicMerge', false);
  add('patchesJson6902', true);
  if (patches.length > 0) kustomization.patches = patches;
  for (const key of ['namePrefix', 'nameSuffix', 'namespace'] as const) {
    const value = scalarToString(fields.get(key)?.value);
    if (value !== undefined && value !== '') kustomization[key] = value;
  }
  if (['configurations', 'openapi', 'crds'].some((key) => fields.has(key))) kustomization.customReferences = true;
  return kustomization;
}

function isSkaffold(yaml: YamlDoc): boolean {
  const root = yaml.resolve(yaml.doc.contents);
  return isMap(root) && (scalarToString(mapFields(yaml, root).get('apiVersion')?.value) ?? '').startsWith('skaffold/');
}

/** The `image` of every `build.artifacts` item, the profiles' included. */
function skaffoldImages(yaml: YamlDoc): string[] {
  const root = yaml.resolve(yaml.doc.contents);
  if (!isMap(root)) return [];
  const fields = mapFields(yaml, root);
  const configs = [root, ...itemsOf(yaml, fields.get('profiles')?.value)];
  return configs.flatMap((config) => {
    const build = isMap(config) ? mapFields(yaml, config).get('build')?.value : undefined;
    const artifacts = isMap(build) ? mapFields(yaml, build).get('artifacts')?.value : undefined;
    return itemsOf(yaml, artifacts).flatMap((artifact) => (isMap(artifact) ? (scalarToString(mapFields(yaml, artifact).get('image')?.value) ?? []) : []));
  });
}

function itemsOf(yaml: YamlDoc, node: unknown): unknown[] {
  return isSeq(node) ? seqItems(yaml, node) : [];
}

function strings(yaml: YamlDoc, node: unknown): string[] {
  return itemsOf(yaml, node).flatMap((item) => scalarToString(item) ?? []);
}
