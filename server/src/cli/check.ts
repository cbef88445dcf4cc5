import * as fs from 'node:fs';
import * as path from 'node:path';
import { isWorkflowPath } from '../engine/classify';
import { ENGINE_RULES, type Finding, type Span } from '../engine/finding';
import { fixAll, lint, type FileKind, type LintOptions } from '../engine/lint';
import type { YamlFile } from '../engine/yamlFile';
import { projectFacts } from '../project/facts';
import { RULES } from '../rules/index';
import { describeFsError, type Target } from './discover';

/** 1-based lines and columns (UTF-16 units); the end column is the one just after the span. */
export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface PlacedFinding extends Finding {
  range: Range;
}

// Findings are placed as soon as a file is checked so its syntax tree can be freed before the next file.
export type FileReport =
  | { status: 'checked'; path: string; findings: PlacedFinding[]; fixed: number }
  | { status: 'skipped'; path: string; reason: string }
  /** A YAML file found while walking that is neither a workflow nor a manifest: not reported. */
  | { status: 'unrelated'; path: string }
  /** Could not be read, or its fixes could not be written. */
  | { status: 'error'; path: string; reason: string };

// fatal: junk bytes are reported rather than replaced (and then written back by --fix); ignoreBOM keeps a BOM byte-exact.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function checkFile(target: Target, fix: boolean): FileReport {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(target.path);
  } catch (error) {
    return { status: 'error', path: target.path, reason: describeFsError(error) };
  }
  const text = decode(bytes);
  if (typeof text !== 'string') {
    return target.explicit || isWorkflowPath(target.path) ? { status: 'skipped', path: target.path, reason: text.reason } : { status: 'unrelated', path: target.path };
  }

  const options: LintOptions = { rules: RULES, project: projectFacts(path.resolve(target.path)) };
  let result = lint(text, target.path, options);
  if (result.skipped !== undefined) return { status: 'skipped', path: target.path, reason: result.skipped };
  if (!target.explicit && !isRelevant(target.path, result.kinds, result.findings)) return { status: 'unrelated', path: target.path };

  let fixed = 0;
  if (fix && result.findings.some((finding) => finding.fix?.kind === 'safe')) {
    const output = fixAll(text, target.path, options, ['safe']);
    if (output.text !== text) {
      try {
        writeAtomically(target.path, output.text);
      } catch (error) {
        return { status: 'error', path: target.path, reason: `could not write the fixes: ${describeFsError(error)}` };
      }
      fixed = output.applied;
      result = lint(output.text, target.path, options);
    }
  }
  const { file } = result;
  return { status: 'checked', path: target.path, findings: result.findings.map((finding) => ({ ...finding, range: rangeOf(file, finding.span) })), fixed };
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
function isRelevant(filePath: string, kinds: readonly FileKind[], findings: readonly Finding[]): boolean {
  return kinds.some((kind) => kind !== 'other') || isWorkflowPath(filePath) || findings.some((finding) => finding.ruleId !== ENGINE_RULES.syntax);
}

/** Writes through a temporary file in the same directory, so an interrupted run leaves the old file or the new one, never half of it. */
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
