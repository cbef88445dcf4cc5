import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { SEVERITY_RANK, type Finding } from '../engine/finding';
import type { LintResult } from '../engine/lint';
import { findingHoverMarkdown } from '../knowledge/ruleDocs';
import { ruleById } from '../rules';
import type { ServerHost } from './init';
import { toRange } from './positions';

/** Explains every finding under the cursor, the most severe first. */
export function findingsHover(document: TextDocument, result: LintResult, position: Position, host: ServerHost): Hover | null {
  const offset = document.offsetAt(position);
  const hits = result.findings
    .filter(({ span }) => span.start <= offset && (offset < span.end || span.start === span.end))
    .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  const first = hits[0];
  if (!first) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: hits.map((finding) => findingMarkdown(finding, host)).join('\n\n---\n\n') },
    range: toRange(document, first.span),
  };
}

function findingMarkdown(finding: Finding, host: ServerHost): string {
  const rule = ruleById(finding.ruleId);
  // Engine findings (syntax errors and the like) have no rule prose: their message is the whole story.
  return rule ? findingHoverMarkdown(rule, finding.message, host.docsHref(rule.id)) : `**shipcheck · ${finding.ruleId}**\n\n${finding.message}`;
}
