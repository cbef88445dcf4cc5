import { FileChangeType, type Connection, type FileEvent, type TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ignoreMatcher } from '../config/ignore';
import { CONFIG_FILE_NAMES } from '../config/config';
import { isCheckedFile } from '../engine/lint';
import { documentPath, type DocumentLinter, toDiagnostic } from './diagnostics';
import type { ServerHost, WorkspaceFiles } from './init';
import type { EditorSettings } from './settings';

// Above this many files the scan shows a progress notification.
const PROGRESS_THRESHOLD = 100;
// Files checked between yields to the event loop, so keystrokes in open documents are never held up.
const CHUNK = 20;

/**
 * Findings for the files of the workspace that are not open, so the Problems panel shows the whole
 * repository. Open documents are the editor's business (DocumentLinter); this only reads from disk.
 */
export class WorkspaceChecker {
  private folders: string[] = [];
  // Files that are not open take the settings of their workspace folder (one request per folder, not per file).
  private folderSettings = new Map<string, EditorSettings>();
  private published = new Set<string>();
  private scanning: Promise<void> | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly host: ServerHost,
    private readonly files: WorkspaceFiles,
    private readonly linter: DocumentLinter,
    private readonly excludesFor: (folderUri: string) => Promise<string[]>,
    private readonly logError: (what: string, error: unknown) => void,
  ) {}

  /** Checks every workspace folder; a new scan waits for the running one. */
  scan(folderUris: string[]): Promise<void> {
    this.folders = folderUris;
    const previous = this.scanning ?? Promise.resolve();
    this.scanning = previous.then(() => this.scanAll()).catch((error: unknown) => this.logError('checking the workspace', error));
    return this.scanning;
  }

  /** Again, with the current folders (after a configuration or settings change). */
  rescan(): Promise<void> {
    return this.scan(this.folders);
  }

  private async scanAll(): Promise<void> {
    const uris: string[] = [];
    this.folderSettings.clear();
    for (const folderUri of this.folders) {
      const folder = documentPath(folderUri, this.host);
      if (!folder) continue;
      this.folderSettings.set(folder, await this.linter.settingsFor(folderUri));
      const excluded = ignoreMatcher(await this.excludesFor(folderUri));
      for (const file of this.files.yamlFiles(folder)) {
        const relative = file.slice(folder.length + 1).split('\\').join('/');
        if (!excluded(relative)) uris.push(fileUri(file));
      }
    }
    const progress = uris.length > PROGRESS_THRESHOLD ? await this.connection.window.createWorkDoneProgress() : undefined;
    progress?.begin('shipcheck', 0, `Checking ${uris.length} YAML files`, false);
    const stale = new Set(this.published);
    for (let index = 0; index < uris.length; index++) {
      const uri = uris[index]!;
      stale.delete(uri);
      if (!this.documents.get(uri)) this.checkFromDisk(uri);
      if (index % CHUNK === CHUNK - 1) {
        progress?.report(Math.round((100 * index) / uris.length), `${index + 1} of ${uris.length}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    // Files now excluded or ignored lose their findings.
    for (const uri of stale) if (!this.documents.get(uri)) this.clear(uri);
    progress?.done();
  }

  /** Watched-file events from the client: re-check, clear, or (for a configuration file) rescan everything. */
  async filesChanged(changes: FileEvent[]): Promise<void> {
    if (changes.some((change) => CONFIG_FILE_NAMES.some((name) => change.uri.endsWith(`/${name}`)))) {
      this.linter.settingsChanged();
      await this.rescan();
      return;
    }
    for (const change of changes) {
      if (this.documents.get(change.uri)) continue;
      if (change.type === FileChangeType.Deleted) this.clear(change.uri);
      else this.checkFromDisk(change.uri);
    }
  }

  /** A closed document goes back to its on-disk findings (or none, if it is gone). */
  closed(uri: string): void {
    if (this.folders.length === 0) return;
    this.checkFromDisk(uri);
  }

  private checkFromDisk(uri: string): void {
    const path = documentPath(uri, this.host);
    const text = path ? this.files.readFile(path) : undefined;
    if (text === undefined) {
      this.clear(uri);
      return;
    }
    try {
      const folder = [...this.folderSettings.keys()].find((candidate) => path.startsWith(`${candidate}/`));
      const result = this.linter.lintText(uri, text, folder ? this.folderSettings.get(folder) : undefined);
      if (!isCheckedFile(path, result) && result.findings.length === 0) {
        this.clear(uri);
        return;
      }
      const document = TextDocument.create(uri, 'yaml', 0, text);
      this.send(uri, result.findings.map((finding) => toDiagnostic(document, finding, this.host)));
    } catch (error) {
      this.logError(`checking ${uri}`, error);
    }
  }

  private clear(uri: string): void {
    if (!this.published.has(uri)) return;
    this.published.delete(uri);
    this.send(uri, []);
  }

  private send(uri: string, diagnostics: ReturnType<typeof toDiagnostic>[]): void {
    if (diagnostics.length > 0) this.published.add(uri);
    else this.published.delete(uri);
    this.connection.sendDiagnostics({ uri, diagnostics }).catch((error: unknown) => this.logError(`publishing diagnostics for ${uri}`, error));
  }
}

function fileUri(path: string): string {
  return `file://${path.split('/').map(encodeURIComponent).join('/')}`;
}
