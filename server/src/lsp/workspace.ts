import { FileChangeType, type Connection, type FileEvent, type TextDocuments, type WorkDoneProgressServerReporter } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ignoreMatcher } from '../project/ignore';
import { CONFIG_FILE_NAMES } from '../project/config';
import { isCheckedFile } from '../engine/core/lint';
import { briefly } from '../engine/incremental/memo';
import type { CheckQueue } from './checkQueue';
import { documentPath, type DocumentLinter, toDiagnostic } from './diagnostics';
import type { ServerHost, WorkspaceFiles } from './host';
import type { WorkspaceIndex } from './projectIndex';
import type { EditorSettings } from './settings';

// Above this many files the scan shows a progress notification.
const PROGRESS_THRESHOLD = 100;
// Progress is reported every this many files.
const PROGRESS_STEP = 20;
// The queue key of the job that works through the files to check from disk.
const DISK_JOB = '\0workspace files';

/**
 * Findings for the files of the workspace that are not open, so the Problems panel shows the whole
 * repository. Open documents are the editor's business (DocumentLinter); this only reads from disk, one file
 * at a time through the check queue, after open documents: only one file's text and syntax tree are in memory at once.
 */
export class WorkspaceChecker {
  private folders: string[] = [];
  // Files that are not open take the settings of their workspace folder (one request per folder, not per file).
  private folderSettings = new Map<string, EditorSettings>();
  private published = new Set<string>();
  private scanning: Promise<void> | undefined;
  // Files waiting to be read and checked, in order, and who waits for the last of them.
  private readonly pending = new Set<string>();
  private drained: (() => void)[] = [];
  private progress: { reporter: WorkDoneProgressServerReporter; total: number; checked: number } | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly host: ServerHost,
    private readonly files: WorkspaceFiles,
    private readonly linter: DocumentLinter,
    private readonly excludesFor: (folderUri: string) => Promise<string[]>,
    private readonly logError: (what: string, error: unknown) => void,
    private readonly queue: CheckQueue,
    private readonly index?: WorkspaceIndex,
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
    // The configuration files that govern the folders and their files: discovery skips hidden files, and a
    // configuration's problems are shown in it whether or not it is open.
    const configs = new Set<string>();
    const addConfig = (filePath: string): void => {
      const file = this.host.projectConfig?.(filePath).file;
      if (file !== undefined) configs.add(fileUri(file));
    };
    this.folderSettings.clear();
    for (const folderUri of this.folders) {
      const folder = documentPath(folderUri, this.host);
      if (!folder) continue;
      this.folderSettings.set(folder, await this.linter.settingsFor(folderUri));
      const excluded = ignoreMatcher(await this.excludesFor(folderUri));
      addConfig(`${folder}/${CONFIG_FILE_NAMES[0]}`);
      for (const file of this.files.yamlFiles(folder)) {
        const relative = file.slice(folder.length + 1).split('\\').join('/');
        if (excluded(relative)) continue;
        uris.push(fileUri(file));
        addConfig(file);
      }
    }
    this.index?.scanned(uris);
    uris.push(...configs);
    const reporter = uris.length > PROGRESS_THRESHOLD ? await this.connection.window.createWorkDoneProgress() : undefined;
    reporter?.begin('shipcheck', 0, `Checking ${uris.length} YAML files`, false);
    this.progress = reporter ? { reporter, total: uris.length, checked: 0 } : undefined;
    const stale = new Set(this.published);
    for (const uri of uris) stale.delete(uri);
    await this.check(uris);
    // Files now excluded or ignored lose their findings.
    for (const uri of stale) if (!this.documents.get(uri)) this.clear(uri);
    this.progress = undefined;
    reporter?.done();
  }

  /** Queues files to be checked from disk; resolves once every queued file has been checked. */
  private check(uris: Iterable<string>): Promise<void> {
    for (const uri of uris) this.pending.add(uri);
    if (this.pending.size === 0) return Promise.resolve();
    this.queue.add(DISK_JOB, 'workspace', () => this.checkNext());
    return new Promise((resolve) => this.drained.push(resolve));
  }

  /** The queue's job: checks the next file; true while more are waiting. */
  private checkNext(): boolean {
    const [uri] = this.pending;
    if (uri !== undefined) {
      this.pending.delete(uri);
      if (!this.documents.get(uri)) this.checkFromDisk(uri);
      this.reportProgress();
    }
    if (this.pending.size > 0) return true;
    for (const resolve of this.drained.splice(0)) resolve();
    return false;
  }

  private reportProgress(): void {
    const progress = this.progress;
    if (!progress || ++progress.checked % PROGRESS_STEP !== 0) return;
    progress.reporter.report(Math.round((100 * progress.checked) / progress.total), `${progress.checked} of ${progress.total}`);
  }

  /** Watched-file events from the client: re-check, clear, or (for a configuration file or a file the project facts read) rescan everything. */
  async filesChanged(changes: FileEvent[]): Promise<void> {
    const isProjectFile = (uri: string): boolean =>
      CONFIG_FILE_NAMES.some((name) => uri.endsWith(`/${name}`)) || this.host.projectFiles?.isFactFile(documentPath(uri, this.host)) === true;
    if (changes.some((change) => isProjectFile(change.uri))) {
      this.host.projectFiles?.changed();
      this.linter.settingsChanged();
      await this.rescan();
      return;
    }
    const changed: string[] = [];
    for (const change of changes) {
      if (this.documents.get(change.uri)) continue;
      if (change.type !== FileChangeType.Deleted) changed.push(change.uri);
      else {
        this.pending.delete(change.uri);
        this.clear(change.uri);
      }
    }
    await this.check(changed);
  }

  /** Checks a file that is not open again from disk (a file checked together with it changed). */
  recheck(uri: string): void {
    if (this.folders.length > 0 && !this.documents.get(uri)) void this.check([uri]);
  }

  /** A closed document goes back to its on-disk findings (or none, if it is gone). */
  closed(uri: string): void {
    if (this.folders.length === 0) return;
    void this.check([uri]);
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
      const result = briefly(() => this.linter.lintText(uri, text, folder ? this.folderSettings.get(folder) : undefined));
      this.linter.logRuleFailures(uri, result.findings);
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
    const sent = this.connection.sendDiagnostics({ uri, diagnostics });
    this.queue.sending(sent);
    sent.catch((error: unknown) => this.logError(`publishing diagnostics for ${uri}`, error));
  }
}

function fileUri(path: string): string {
  return `file://${path.split('/').map(encodeURIComponent).join('/')}`;
}
