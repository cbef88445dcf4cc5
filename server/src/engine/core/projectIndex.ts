import { classify } from './classify';
import type { K8sObject } from '../model/k8s';
import { isMap, mapFields, scalarToString, seqItems, isSeq, parseYamlFile, type YamlDoc, type YamlFile } from '../yaml/yamlFile';

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
  /** A `kustomization.yaml`: the resources it lists, as written. */
  kustomization: { resources: string[] } | undefined;
  /** A chart's `values.yaml` (next to a `Chart.yaml` is not checked: the index holds no file system). */
  chartValues: boolean;
}

/**
 * The set of files checked together (one CLI run, a workspace), for rules that read facts across files. Built once
 * per CLI run from the run's files and kept current by the server's document and file events; a file is read and
 * parsed only when something asks about it. Rules read it through `ctx.index`, which limits it to the files checked
 * together with theirs and lets the engine know what they read.
 */
export class ProjectIndex {
  private readonly files = new Map<string, { read: () => string | undefined; text?: string; indexed?: IndexedFile }>();
  // By path (normalised): the files one kustomization lists with it, and those a kustomization lists; worked out when first asked.
  private listed: { listedWith: Map<string, string[]>; listedBy: Map<string, string[]> } | undefined;
  // Every file by its normalised path, kept as files come and go; and the paths kustomizations list (when worked out).
  private readonly byKey = new Map<string, string>();
  private referenced: Set<string> | undefined;

  setFile(path: string, text: string): void {
    const entry = this.files.get(path);
    if (entry?.text === text) return;
    this.changed(path, entry !== undefined);
    this.files.set(path, { read: () => text, text });
  }

  /** A file whose text is read when first asked for (from disk, say); undefined from `read` means it is gone. */
  setFileSource(path: string, read: () => string | undefined): void {
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
      const text = entry.text ?? entry.read();
      if (text === undefined) return undefined;
      entry.indexed = indexFile(parseYamlFile(text, path));
    }
    return entry.indexed;
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

  private kustomized(): { listedWith: Map<string, string[]>; listedBy: Map<string, string[]> } {
    if (this.listed) return this.listed;
    const listed = { listedWith: new Map<string, string[]>(), listedBy: new Map<string, string[]>() };
    const referenced = new Set<string>();
    for (const known of this.files.keys()) {
      if (!KUSTOMIZATION_PATH.test(known)) continue;
      const key = pathKey(known);
      const folder = key.slice(0, key.lastIndexOf('/') + 1);
      const resources = (this.file(known)?.kustomization?.resources ?? []).map((resource) => pathKey(folder + resource));
      for (const resource of resources) referenced.add(resource);
      const members = resources.flatMap((resource) => this.byKey.get(resource) ?? []);
      listed.listedBy.set(key, members);
      for (const member of members) {
        const memberKey = pathKey(member);
        const others = members.filter((other) => other !== member);
        listed.listedWith.set(memberKey, [...new Set([...(listed.listedWith.get(memberKey) ?? []), ...others])]);
      }
    }
    this.referenced = referenced;
    return (this.listed = listed);
  }

  /**
   * The files kustomized together change when a kustomization changes, or when a file a kustomization lists comes or
   * goes; any other file coming or going changes nothing (opening a whole workspace stays linear).
   */
  private changed(path: string, existed: boolean, removed = false): void {
    const key = pathKey(path);
    if (removed) this.byKey.delete(key);
    else this.byKey.set(key, path);
    if (KUSTOMIZATION_PATH.test(path) || ((!existed || removed) && (this.referenced === undefined || this.referenced.has(key)))) this.listed = undefined;
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
  return segments.join('/');
}

/** The index of the files of one run, each given as its path and text. */
export function buildProjectIndex(files: Iterable<{ path: string; text: string }>): ProjectIndex {
  const index = new ProjectIndex();
  for (const { path, text } of files) index.setFile(path, text);
  return index;
}

const KUSTOMIZATION_PATH = /(^|[\\/])kustomization\.ya?ml$/i;
const VALUES_PATH = /(^|[\\/])values\.ya?ml$/i;

/** What a parsed file contributes to the index. */
export function indexFile(file: YamlFile): IndexedFile {
  const indexed: IndexedFile = { path: file.path, objects: [], workflow: undefined, kustomization: undefined, chartValues: VALUES_PATH.test(file.path) };
  for (const yaml of file.documents) {
    if (yaml.hasErrors) continue;
    const classified = classify(file, yaml);
    // A kustomization says `kind: Kustomization`, or nothing of the sort: its name says what it is.
    if (KUSTOMIZATION_PATH.test(file.path)) indexed.kustomization = { resources: listed(yaml, 'resources') };
    else if (classified.type === 'k8s') indexed.objects.push(...indexObjects(file.path, file.text, yaml, classified.objects));
    else if (classified.type === 'workflow') indexed.workflow = { kind: classified.workflow.kind, reusable: calledByOthers(yaml) };
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
  readers: Set<string>;
}

/** What a rule reads of the objects checked together with its document (`ctx.index`). */
export interface IndexView {
  /**
   * The Kubernetes objects of `kind` checked together with the document being checked: those of the same file and of
   * the files one kustomization lists with it (files of unrelated projects sit side by side in one folder, so a folder
   * is not a unit; a kustomization is what deploys files together), and when `near` is given only
   * those in its namespace (an object without one is applied with `kubectl -n` and may be in any).
   */
  objects(kind: string, near?: K8sObject): readonly IndexedObject[];
}

/**
 * The objects of the file being checked, grouped by kind when first asked for, and what rules read of them: for each
 * kind read, the texts of the documents it was answered from. The incremental linter keeps those reads with a
 * document's findings and checks the document again when the same read would now see other texts.
 */
export class CheckedTogether {
  private byKind: Map<string, IndexedObject[]> | undefined;
  private readonly answers = new Map<string, readonly string[]>();

  constructor(private readonly ownObjects: () => Iterable<IndexedObject>) {}

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

  /** The view a rule gets; when `reads` is given, each read is noted there (kind → `answer(kind)`) and the rule in `readers`. */
  view(reads: IndexReads | undefined, ruleId: string): IndexView {
    return {
      objects: (kind, near) => {
        const all = this.objects(kind);
        if (reads) {
          if (!reads.kinds.has(kind)) reads.kinds.set(kind, this.answer(kind));
          reads.readers.add(ruleId);
        }
        const namespace = near?.namespace;
        return namespace === undefined ? all : all.filter((entry) => entry.namespace === undefined || entry.namespace === namespace);
      },
    };
  }
}

function calledByOthers(yaml: YamlDoc): boolean {
  const root = yaml.resolve(yaml.doc.contents);
  if (!isMap(root)) return false;
  const on = mapFields(yaml, root).get('on')?.value ?? mapFields(yaml, root).get('true')?.value;
  if (scalarToString(on) === 'workflow_call') return true;
  if (isSeq(on)) return seqItems(yaml, on).some((item) => scalarToString(item) === 'workflow_call');
  return isMap(on) && mapFields(yaml, on).has('workflow_call');
}

function listed(yaml: YamlDoc, key: string): string[] {
  const root = yaml.resolve(yaml.doc.contents);
  const list = isMap(root) ? mapFields(yaml, root).get(key)?.value : undefined;
  return isSeq(list) ? seqItems(yaml, list).flatMap((item) => scalarToString(item) ?? []) : [];
}
