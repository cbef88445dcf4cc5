import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { isWorkflowPath } from '../engine/core/classify';
import type { Finding, FixKind, Span } from '../engine/core/finding';
import { DEFAULT_MAX_FILE_SIZE, fixAll, isCheckedFile, lint, type LintOptions, type LintResult } from '../engine/core/lint';
import type { YamlFile } from '../engine/yaml/yamlFile';
import { chartValuesPath } from '../engine/yaml/helmTemplate';
import type { FixMode } from './args';
import { describeFsError, type Target } from '../project/discover';

/** 1-based lines and columns (UTF-16 units); the end column is the one just after the span. */
export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface PlacedEdit {
  range: Range;
  newText: string;
}

export interface PlacedFinding extends Finding {
  range: Range;
  /** The source line the finding starts on (without its line break), for code frames. */
  lineText: string;
  /** The fix's edits placed like the finding (SARIF `fixes` need lines and columns). */
  fixEdits?: PlacedEdit[];
  /**
   * Where the finding is shown when another file wrote the text it sits on (`Finding.origin`: a chart's values.yaml
   * for its template); `range` is then the related place in the checked file.
   */
  shownAt?: { path: string; range: Range };
}

// Findings are placed as soon as a file is checked so its syntax tree can be freed before the next file.
export type FileReport =
  | {
      status: 'checked';
      path: string;
      findings: PlacedFinding[];
      /** Fixes applied (or, with --dry-run, that would be). */
      fixed: number;
      /** With --dry-run: the unified diff of the fixes. */
      diff?: string;
      /** Why fixes were not written although there were some (the file changed on disk meanwhile). */
      warning?: string;
      /** Set when the file was over the size limit: reported, but not checked. */
      unreadable?: Unreadable;
    }
  | { status: 'skipped'; path: string; reason: string; unreadable?: Unreadable }
  /** A YAML file found while walking that is neither a workflow nor a manifest: not reported. */
  | { status: 'unrelated'; path: string }
  /** Could not be read, or its fixes could not be written. */
  | { status: 'error'; path: string; reason: string };

export type Checked = Extract<FileReport, { status: 'checked' }>;

/**
 * Fixes computed for a file but not written yet: files are written by the main thread only, so a worker hands
 * back the fixed text with the report for either outcome of the write.
 */
export interface PendingFix {
  status: 'pending-fix';
  path: string;
  fixedText: string;
  /** The file as it was read, to tell whether someone wrote it meanwhile. */
  read: FileRead;
  /** The findings left after the fixes, when they are written. */
  ifWritten: Checked;
  /** The findings of the file as read, when it changed on disk and the fixes are not written. */
  ifChanged: Checked;
}

export interface FileRead {
  bytes: Uint8Array;
}

/** What checking a file gives: a report, or fixes still to be written. */
export type CheckOutcome = FileReport | PendingFix;

/** A file that could not be checked (binary, not UTF-8, too large): exit code 2, unless found in a directory with --skip-unreadable. */
export interface Unreadable {
  /** Named on the command line, rather than found in a directory. */
  named: boolean;
}

export interface CheckSettings {
  /** The engine options for one file (rules, configuration, the project facts around it). */
  lintOptions(filePath: string): LintOptions;
  fix: FixMode;
  dryRun: boolean;
  /** Findings the CLI adds after the engine's (gha/shellcheck's, which runs a process): see `project/shellcheck.ts`. */
  adapterFindings?(file: YamlFile): Finding[];
  /** Called right before fixes are written; tests use it to change the file under our feet. */
  beforeWrite?(filePath: string): void;
}

// fatal: junk bytes are reported rather than replaced (and then written back by --fix); ignoreBOM keeps a BOM byte-exact.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Checks a file and writes its fixes. */
export function checkFile(target: Target, settings: CheckSettings): FileReport {
  const outcome = checkFileUnwritten(target, settings);
  return outcome.status === 'pending-fix' ? writeFix(outcome, settings) : outcome;
}

/** Checks a file without writing anything: fixes to write come back as a `PendingFix`. */
export function checkFileUnwritten(target: Target, settings: CheckSettings): CheckOutcome {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(target.path);
  } catch (error) {
    return { status: 'error', path: target.path, reason: describeFsError(error) };
  }
  const text = decodeText(bytes);
  if (typeof text !== 'string') {
    return target.explicit || isWorkflowPath(target.path)
      ? { status: 'skipped', path: target.path, reason: text.reason, unreadable: { named: target.explicit } }
      : { status: 'unrelated', path: target.path };
  }
  return checkText(text, target, settings, { bytes });
}

/** Writes a file's fixes unless the file changed since it was read; the report says which. */
export function writeFix(pending: PendingFix, settings: CheckSettings): FileReport {
  try {
    settings.beforeWrite?.(pending.path);
    if (changedSince(pending.path, pending.read)) return pending.ifChanged;
    writeAtomically(pending.path, pending.fixedText);
  } catch (error) {
    return { status: 'error', path: pending.path, reason: `could not write the fixes: ${describeFsError(error)}` };
  }
  return pending.ifWritten;
}

/** Checks text read from somewhere (a file, standard input); fixes come back unwritten when the text came from a file (`read`). */
export function checkText(text: string, target: Target, settings: CheckSettings, read?: FileRead): CheckOutcome {
  const options = settings.lintOptions(target.path);
  const result = withAdapterFindings(lint(text, target.path, options), settings);
  if (result.skipped !== undefined) return { status: 'skipped', path: target.path, reason: result.skipped };
  if (!target.explicit && !isCheckedFile(target.path, result)) return { status: 'unrelated', path: target.path };
  const unreadable = tooLarge(text, options) ? { unreadable: { named: target.explicit } } : {};

  const kinds: FixKind[] = settings.fix === 'suggestions' ? ['safe', 'suggestion'] : settings.fix === 'safe' ? ['safe'] : [];
  if (kinds.length > 0 && result.findings.some((finding) => finding.fix && kinds.includes(finding.fix.kind))) {
    const output = fixAll(text, target.path, options, kinds);
    if (output.text !== text) {
      if (settings.dryRun || !read) {
        return { ...placed(target.path, result), ...unreadable, fixed: output.applied, diff: unifiedDiff(target.path, text, output.text) };
      }
      return {
        status: 'pending-fix',
        path: target.path,
        fixedText: output.text,
        read,
        ifWritten: { ...placed(target.path, withAdapterFindings(lint(output.text, target.path, options), settings)), fixed: output.applied },
        ifChanged: { ...placed(target.path, result), warning: 'changed on disk while shipcheck ran: fixes not written (run shipcheck again)' },
      };
    }
  }
  return { ...placed(target.path, result), ...unreadable };
}

/** The engine's findings with those the adapter adds, in the engine's order (by place). */
function withAdapterFindings(result: LintResult, settings: CheckSettings): LintResult {
  if (!settings.adapterFindings || result.skipped !== undefined || result.kinds.every((kind) => kind !== 'workflow')) return result;
  const added = settings.adapterFindings(result.file);
  if (added.length === 0) return result;
  return { ...result, findings: [...result.findings, ...added].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end) };
}

function tooLarge(text: string, options: LintOptions): boolean {
  return text.length > (options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE);
}

/** The report of a lint, its findings placed at lines and columns. */
function placed(filePath: string, result: LintResult): Checked {
  const { file } = result;
  const lines = file.text.split(/\r?\n|\r/);
  const findings = result.findings.map((finding): PlacedFinding => {
    const range = rangeOf(file, finding.span);
    const placedFinding: PlacedFinding = { ...finding, range, lineText: lines[range.line - 1] ?? '' };
    if (finding.fix) placedFinding.fixEdits = finding.fix.edits.map((edit) => ({ range: rangeOf(file, edit), newText: edit.newText }));
    if (finding.origin) {
      const { start, end } = finding.origin;
      // The values file named as the template is (relative or absolute alike).
      const shownPath = chartValuesPath(filePath) ?? finding.origin.path;
      placedFinding.shownAt = { path: shownPath, range: { line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 } };
    }
    return placedFinding;
  });
  return { status: 'checked', path: filePath, findings, fixed: 0 };
}

function unifiedDiff(filePath: string, before: string, after: string): string {
  // Relative to the diff's root, as git writes it: `a/tmp/x.yml` for /tmp/x.yml, not `a//tmp/x.yml`.
  const name = filePath.split(path.sep).join('/').replace(/^\/+/, '');
  return createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, '', '', { context: 3, headerOptions: FILE_HEADERS_ONLY });
}

function rangeOf(file: YamlFile, span: Span): Range {
  const start = file.lineCounter.linePos(span.start);
  const end = file.lineCounter.linePos(span.end);
  return { line: start.line, column: start.col, endLine: end.line, endColumn: end.col };
}

/** A file's or standard input's bytes as text, or why they cannot be checked (binary, not UTF-8). */
export function decodeText(bytes: Buffer): string | { reason: string } {
  if (bytes.includes(0)) return { reason: 'binary file (it contains NUL bytes)' };
  try {
    return UTF8.decode(bytes);
  } catch {
    return { reason: 'not UTF-8 text' };
  }
}

/**
 * Whether someone (an editor, a formatter) wrote the file after we read it: then our fixes would undo their change.
 * Compared by content only, so checking a file costs no `stat` (and a rewrite with the same bytes changes nothing).
 */
function changedSince(filePath: string, read: FileRead): boolean {
  try {
    return !fs.readFileSync(filePath).equals(read.bytes);
  } catch {
    return true;
  }
}

/**
 * Writes through a temporary file in the same directory, so an interrupted run leaves the old file or the
 * new one, never half of it. The whole write is synchronous: Ctrl-C is handled between files, never here.
 */
function writeAtomically(filePath: string, text: string): void {
  const realPath = fs.realpathSync(filePath);
  const { mode } = fs.statSync(realPath);
  const temporary = path.join(path.dirname(realPath), `.${path.basename(realPath)}.${process.pid}.shipcheck-fix`);
  const descriptor = fs.openSync(temporary, 'wx', mode);
  try {
    try {
      fs.writeFileSync(descriptor, text);
      fs.fchmodSync(descriptor, mode & 0o7777);
      fs.fsyncSync(descriptor);
    } finally {
      fs.closeSync(descriptor);
    }
    fs.renameSync(temporary, realPath);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}
