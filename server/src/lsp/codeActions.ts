import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, Fix } from '../engine/core/finding';
import { ignoreInObjectEdit } from '../engine/edits/ignoreObject';
import type { LintResult } from '../engine/core/lint';
import { ruleById } from '../rules';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { sameRange, toRange } from './positions';

/** The code action kind of "fix everything safe in this file" (editor.codeActionsOnSave: { "source.fixAll.shipcheck": "explicit" }). */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.shipcheck`;

/** Quick-fixes and suppressions for shipcheck's diagnostics, matched to findings by rule id and range, plus fix-all. */
export function findingCodeActions(document: TextDocument, result: LintResult, params: CodeActionParams, fixAllText: () => string): CodeAction[] {
  const actions = wantsQuickFixes(params.context.only) ? quickFixes(document, result, params) : [];
  if (wantsKind(params.context.only, FIX_ALL_KIND)) {
    const fixAll = fixAllAction(document, fixAllText());
    if (fixAll) actions.push(fixAll);
  }
  return actions;
}

function quickFixes(document: TextDocument, result: LintResult, params: CodeActionParams): CodeAction[] {
  const fixes: CodeAction[] = [];
  const suppressions: CodeAction[] = [];
  const suppressed = new Set<string>();
  for (const diagnostic of params.context.diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE || typeof diagnostic.code !== 'string') continue;
    const rule = ruleById(diagnostic.code);
    // Engine findings (syntax errors, oversized files) can be neither fixed nor disabled.
    if (!rule) continue;
    // No match means the diagnostic is from an older version; the client will get fresh ones shortly.
    const finding = result.findings.find((candidate) => candidate.ruleId === rule.id && sameRange(toRange(document, candidate.span), diagnostic.range));
    if (!finding) continue;
    if (finding.fix) {
      fixes.push(fixAction(document, diagnostic, finding.fix));
    }
    const line = document.positionAt(finding.span.start).line;
    const key = `${rule.id}\0${line}`;
    if (suppressed.has(key)) continue;
    suppressed.add(key);
    suppressions.push(disableLineAction(document, result, diagnostic, finding, line));
    if (!suppressed.has(rule.id)) {
      suppressed.add(rule.id);
      suppressions.push(disableFileAction(document, result, diagnostic, rule.id));
    }
    const objectEdit = rule.id.startsWith('k8s/') ? ignoreInObjectEdit(result.file, finding.span.start, rule.id) : undefined;
    if (objectEdit && !suppressed.has(`${rule.id}\0object\0${objectEdit.start}`)) {
      suppressed.add(`${rule.id}\0object\0${objectEdit.start}`);
      suppressions.push({
        title: `Ignore ${rule.id} for this object`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: { changes: { [document.uri]: [{ range: toRange(document, objectEdit), newText: objectEdit.newText }] } },
      });
    }
  }
  return [...fixes, ...suppressions];
}

function wantsQuickFixes(only: string[] | undefined): boolean {
  return !only || only.some((kind) => kind === CodeActionKind.Empty || kind === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${kind}.`));
}

// Fix-all is a source action: offered only when asked for by kind (on save, or the command), never in the lightbulb.
function wantsKind(only: string[] | undefined, kind: string): boolean {
  return only !== undefined && only.some((asked) => asked !== CodeActionKind.Empty && (kind === asked || kind.startsWith(`${asked}.`)));
}

/** One edit covering the changed middle of the text, so the editor keeps cursors and folds elsewhere. */
function fixAllAction(document: TextDocument, fixed: string): CodeAction | undefined {
  const text = document.getText();
  if (fixed === text) return undefined;
  let start = 0;
  while (start < text.length && start < fixed.length && text[start] === fixed[start]) start++;
  let end = 0;
  while (end < text.length - start && end < fixed.length - start && text[text.length - 1 - end] === fixed[fixed.length - 1 - end]) end++;
  const range = toRange(document, { start, end: text.length - end });
  return {
    title: 'Fix all auto-fixable shipcheck problems',
    kind: FIX_ALL_KIND,
    edit: { changes: { [document.uri]: [{ range, newText: fixed.slice(start, fixed.length - end) }] } },
  };
}

function fixAction(document: TextDocument, diagnostic: Diagnostic, fix: Fix): CodeAction {
  const edits: TextEdit[] = fix.edits.map((edit) => ({ range: toRange(document, edit), newText: edit.newText }));
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: fix.kind === 'safe',
    edit: { changes: { [document.uri]: edits } },
  };
}

/** Turns the rule off for the whole file with a comment on the first line. */
function disableFileAction(document: TextDocument, result: LintResult, diagnostic: Diagnostic, ruleId: string): CodeAction {
  const top = { line: 0, character: 0 };
  return {
    title: `Disable ${ruleId} for this file`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { changes: { [document.uri]: [{ range: { start: top, end: top }, newText: `# shipcheck-disable ${ruleId}${result.file.eol}` }] } },
  };
}

/** Inserts a suppression comment above the finding's line; the engine honours it in YAML and in `run:` scripts alike. */
function disableLineAction(document: TextDocument, result: LintResult, diagnostic: Diagnostic, finding: Finding, line: number): CodeAction {
  const lineText = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  const indent = /^[ \t]*/.exec(lineText)?.[0] ?? '';
  const comment = `${indent}# shipcheck-disable-next-line ${finding.ruleId}${result.file.eol}`;
  const lineStart = { line, character: 0 };
  return {
    title: `Disable ${finding.ruleId} for this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { changes: { [document.uri]: [{ range: { start: lineStart, end: lineStart }, newText: comment }] } },
  };
}
