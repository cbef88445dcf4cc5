import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, Fix } from '../engine/finding';
import type { LintResult } from '../engine/lint';
import { ruleById } from '../rules';
import { DIAGNOSTIC_SOURCE, isDiagnosticData } from './diagnostics';
import { sameRange, toRange } from './positions';

/** Quick-fixes and line suppressions for shipcheck's diagnostics, matched to findings by rule id and range. */
export function findingCodeActions(document: TextDocument, result: LintResult, params: CodeActionParams): CodeAction[] {
  if (!wantsQuickFixes(params.context.only)) return [];
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
    if (finding.fix && isDiagnosticData(diagnostic.data) && diagnostic.data.fixable) {
      fixes.push(fixAction(document, diagnostic, finding.fix));
    }
    const line = document.positionAt(finding.span.start).line;
    const key = `${rule.id}\0${line}`;
    if (suppressed.has(key)) continue;
    suppressed.add(key);
    suppressions.push(disableLineAction(document, result, diagnostic, finding, line));
  }
  return [...fixes, ...suppressions];
}

function wantsQuickFixes(only: string[] | undefined): boolean {
  return !only || only.some((kind) => kind === CodeActionKind.Empty || kind === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${kind}.`));
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
