import { FileChangeType, type FileEvent } from 'vscode-languageserver';
import { ProjectIndex } from '../engine/core/projectIndex';
import { documentPath } from './diagnostics';
import type { ServerHost } from './host';

const ACTION_METADATA = /(^|[\\/])action\.ya?ml$/i;
const WORKFLOW = /(^|[\\/])\.github[\\/]workflows[\\/][^\\/]+\.ya?ml$/i;

/**
 * The project index of the files the server knows (the one place it is updated): open documents with the editor's
 * text, the workspace's files with their text on disk (read when a rule asks). When a file changes, the files
 * checked together with it are handed to `recheck`, since their findings may read it.
 */
export class WorkspaceIndex {
  readonly index = new ProjectIndex();
  // The URI of each path, to name the files to check again; and which files the editor has open.
  private readonly uris = new Map<string, string>();
  private readonly open = new Set<string>();
  // What each action metadata file and workflow declared to its users after its last change (see `declares`): the
  // next change compares with it instead of reading the file again (a keystroke would parse the whole file twice).
  private readonly declarations = new Map<string, string | undefined>();

  constructor(
    private readonly host: ServerHost,
    private readonly recheck: (uris: string[]) => void,
  ) {}

  /** didOpen and didChange: the editor's text is the file's. */
  edited(uri: string, text: string): void {
    const path = this.pathOf(uri);
    if (!path) return;
    this.open.add(path);
    this.update(path, () => this.index.setFile(path, text), text);
  }

  /** didClose: the file on disk is the file again (gone, without a workspace). */
  closed(uri: string): void {
    const path = this.pathOf(uri);
    if (!path) return;
    this.open.delete(path);
    this.update(path, () => this.fromDisk(path));
  }

  /** Watched-file events; an open document's text stays the editor's. */
  filesChanged(changes: readonly FileEvent[]): void {
    for (const change of changes) {
      const path = this.pathOf(change.uri);
      if (!path || this.open.has(path)) continue;
      this.update(path, () => (change.type === FileChangeType.Deleted ? this.index.removeFile(path) : this.fromDisk(path)));
    }
  }

  /** A workspace scan found these files: they are the workspace's files on disk (besides the open documents). */
  scanned(uris: readonly string[]): void {
    const found = new Set<string>();
    for (const uri of uris) {
      const path = this.pathOf(uri);
      if (!path) continue;
      found.add(path);
      if (!this.index.has(path)) this.fromDisk(path);
    }
    for (const path of [...this.index.paths()]) {
      if (found.has(path) || this.open.has(path)) continue;
      this.index.removeFile(path);
      this.declarations.delete(path);
    }
  }

  private fromDisk(path: string): void {
    const files = this.host.workspace;
    if (files) this.index.setFileSource(path, files.readFile);
    else this.index.removeFile(path);
  }

  /**
   * Applies a change to one file and asks to check again the files checked together with it, before and after; and,
   * when what a kustomization or Skaffold file says about images changed, the files it says it for.
   */
  private update(path: string, change: () => void, text?: string): void {
    const before = this.together(path);
    const decided = this.decides(path);
    const declared = this.declarations.has(path) ? this.declarations.get(path) : this.declares(path, undefined);
    change();
    const affected = new Set([...before, ...this.together(path)]);
    const decides = this.decides(path);
    if (decides.facts !== decided.facts) for (const other of [...decided.files, ...decides.files]) affected.add(other);
    // What an action or reusable workflow declares is read by the open files that use it (ctx.index.localAction and
    // localWorkflow); which ones they are, their next check finds out (a check whose reads are unchanged is reused).
    const declares = this.declares(path, text);
    if (declares === undefined) this.declarations.delete(path);
    else this.declarations.set(path, declares);
    if (declared !== declares) for (const other of this.open) if (other !== path) affected.add(other);
    const uris = [...affected].flatMap((other) => this.uris.get(other) ?? []);
    if (uris.length > 0) this.recheck(uris);
  }

  /**
   * What a kustomization or Skaffold file says about images (`imagesFilledIn`) and how the files it builds are
   * deployed (`overlaysOf`: patches, names, images), and for which files; nothing for another file.
   */
  private decides(path: string): { facts: string; files: readonly string[] } {
    const files = [...new Set([...this.index.imagesFilledInBy(path), ...this.index.deployedBy(path)])];
    if (files.length === 0) return { facts: '', files };
    const indexed = this.index.file(path);
    return { facts: JSON.stringify([indexed?.kustomization, indexed?.skaffold]), files };
  }

  /**
   * What an action's metadata file or a workflow declares to its users, as a string; undefined for other files. A
   * workflow whose text (when known) never says `workflow_call` declares nothing, which needs no parse: typing in one
   * parses nothing more.
   */
  private declares(path: string, text: string | undefined): string | undefined {
    if (ACTION_METADATA.test(path)) return JSON.stringify(this.index.has(path) ? (this.index.file(path)?.action ?? null) : 'gone');
    if (!WORKFLOW.test(path)) return undefined;
    if (text !== undefined && !text.includes('workflow_call')) return 'not reusable';
    if (!this.index.has(path)) return 'gone';
    // Read from the index, a workflow that is not reusable says the same as its text would: opening it changes nothing.
    const call = this.index.file(path)?.workflowCall;
    return call ? JSON.stringify(call) : 'not reusable';
  }

  /**
   * The files whose findings may read this one: those listed with it, those it lists if it is a kustomization, and the
   * files a patch applies to if it is a patch (`ctx.index.overlays`), and a chart's templates if it is their
   * `values.yaml` (they are read with its defaults).
   */
  private together(path: string): string[] {
    const patched = this.index.isPatch(path) ? this.index.deployedBy(path) : [];
    return [...this.index.listedWith(path), ...this.index.listedBy(path), ...patched, ...this.index.chartTemplatesOf(path)];
  }

  private pathOf(uri: string): string | undefined {
    const path = documentPath(uri, this.host);
    if (path) this.uris.set(path, uri);
    return path || undefined;
  }
}
