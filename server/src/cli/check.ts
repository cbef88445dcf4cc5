import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { isWorkflowPath } from '../engine/classify';
import type { Finding, FixKind, Span } from '../engine/finding';
import { fixAll, isCheckedFile, lint, type LintOptions } from '../engine/lint';
import type { YamlFile } from '../engine/yamlFile';
import type { FixMode } from './args';
import { describeFsError, type Target } from './discover';

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
    }
  | { status: 'skipped'; path: string; reason: string }
  /** A YAML file found while walking that is neither a workflow nor a manifest: not reported. */
  | { status: 'unrelated'; path: string }
  /** Could not be read, or its fixes could not be written. */
  | { status: 'error'; path: string; reason: string };

export interface CheckSettings {
  /** The engine options for one file (rules, configuration, the project facts around it). */
  lintOptions(filePath: string): LintOptions;
  fix: FixMode;
  dryRun: boolean;
  /** Called right before fixes are written; tests use it to change the file under our feet. */
  beforeWrite?(filePath: string): void;
}

// fatal: junk bytes are reported rather than replaced (and then written back by --fix); ignoreBOM keeps a BOM byte-exact.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function checkFile(target: Target, settings: CheckSettings): FileReport {
  let bytes: Buffer;
  let stats: fs.Stats;
  try {
    bytes = fs.readFileSync(target.path);
    stats = fs.statSync(target.path);
  } catch (error) {
    return { status: 'error', path: target.path, reason: describeFsError(error) };
  }
  const text = decode(bytes);
  if (typeof text !== 'string') {
    return target.explicit || isWorkflowPath(target.path) ? { status: 'skipped', path: target.path, reason: text.reason } : { status: 'unrelated', path: target.path };
  }
  return checkText(text, target, settings, (fixed) => {
    settings.beforeWrite?.(target.path);
    if (changedSince(target.path, bytes, stats)) return 'conflict';
    writeAtomically(target.path, fixed);
    return 'written';
  });
}

type WriteOutcome = 'written' | 'conflict';

/** Checks text read from somewhere (a file, standard input); `write` stores fixes, when there is a place to. */
export function checkText(text: string, target: Target, settings: CheckSettings, write?: (fixed: string) => WriteOutcome): FileReport {
  const options = settings.lintOptions(target.path);
  let result = lint(text, target.path, options);
  if (result.skipped !== undefined) return { status: 'skipped', path: target.path, reason: result.skipped };
  if (!target.explicit && !isCheckedFile(target.path, result)) return { status: 'unrelated', path: target.path };

  const kinds: FixKind[] = settings.fix === 'suggestions' ? ['safe', 'suggestion'] : settings.fix === 'safe' ? ['safe'] : [];
  let fixed = 0;
  let diff: string | undefined;
  let warning: string | undefined;
  if (kinds.length > 0 && result.findings.some((finding) => finding.fix && kinds.includes(finding.fix.kind))) {
    const output = fixAll(text, target.path, options, kinds);
    if (output.text !== text) {
      if (settings.dryRun || !write) {
        fixed = output.applied;
        diff = unifiedDiff(target.path, text, output.text);
      } else {
        let outcome: WriteOutcome;
        try {
          outcome = write(output.text);
        } catch (error) {
          return { status: 'error', path: target.path, reason: `could not write the fixes: ${describeFsError(error)}` };
        }
        if (outcome === 'written') {
          fixed = output.applied;
          result = lint(output.text, target.path, options);
        } else {
          warning = 'changed on disk while shipcheck ran: fixes not written (run shipcheck again)';
        }
      }
    }
  }
  const { file } = result;
  const lines = file.text.split(/\r?\n|\r/);
  const findings = result.findings.map((finding): PlacedFinding => {
    const range = rangeOf(file, finding.span);
    const placed: PlacedFinding = { ...finding, range, lineText: lines[range.line - 1] ?? '' };
    if (finding.fix) placed.fixEdits = finding.fix.edits.map((edit) => ({ range: rangeOf(file, edit), newText: edit.newText }));
    return placed;
  });
  return { status: 'checked', path: target.path, findings, fixed, ...(diff === undefined ? {} : { diff }), ...(warning === undefined ? {} : { warning }) };
}

function unifiedDiff(filePath: string, before: string, after: string): string {
  const name = filePath.split(path.sep).join('/');
  return createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, '', '', { context: 3, headerOptions: FILE_HEADERS_ONLY });
}

function rangeOf(file: YamlFile, span: Span): Range {
  const start = file.lineCounter.linePos(span.start);
  const end = file.lineCounter.linePos(span.end);
  return { line: start.line, column: start.col, endLine: end.line, endColumn: end.col };
}

function decode(bytes: Buffer): string | { reason: string } {
  if (bytes.includes(0)) return { reason: 'binary file (it contains NUL bytes)' };
  try {
    return UTF8.decode(bytes);
  } catch {
    return { reason: 'not UTF-8 text' };
  }
}

// A syntax error in someone's docker-compose.yml is not ours to report; in a workflow it is.

/** Whether someone (an editor, a formatter) wrote the file after we read it: then our fixes would undo their change. */
function changedSince(filePath: string, bytes: Buffer, stats: fs.Stats): boolean {
  try {
    const now = fs.statSync(filePath);
    if (now.mtimeMs !== stats.mtimeMs || now.size !== stats.size) return true;
    return !fs.readFileSync(filePath).equals(bytes);
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
