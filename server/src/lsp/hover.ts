import { MarkupKind, type Hover, type MarkupContent, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { SEVERITY_RANK, type Finding } from '../engine/core/finding';
import type { LintResult } from '../engine/core/lint';
import { knowledgeHover } from '../knowledge/hover';
import { markdownToPlainText } from '../knowledge/plainText';
import { engineRuleDoc } from '../knowledge/engineRules';
import { engineHoverProse, findingHoverMarkdown } from '../knowledge/ruleDocs';
import { ruleById } from '../rules';
import type { ServerHost } from './host';
import { toRange } from './positions';

/**
 * Explains every finding under the cursor, the most severe first; else what a suppression comment hides;
 * else the key under the cursor (strategy, rollout steps, probes, workflow keys). Plain text for clients that want it.
 */
export interface HoverOptions {
  /** Markdown, or plain text for clients that list hover formats without it. */
  markdown: boolean;
  /** Whether a finding's hover starts with its message (not when the editor shows it right above, as VS Code does). */
  repeatMessage: boolean;
}

export function hover(document: TextDocument, result: LintResult, position: Position, host: ServerHost, { markdown, repeatMessage }: HoverOptions): Hover | null {
  const found = findingsHover(document, result, position, host, repeatMessage) ?? suppressionHover(document, result, document.offsetAt(position)) ?? keyHover(document, result, document.offsetAt(position));
  if (!found || markdown) return found;
  const contents = found.contents as MarkupContent;
  return { ...found, contents: { kind: MarkupKind.PlainText, value: markdownToPlainText(contents.value) } };
}

function keyHover(document: TextDocument, result: LintResult, offset: number): Hover | null {
  const knowledge = knowledgeHover(result.file, offset);
  return knowledge ? { contents: { kind: MarkupKind.Markdown, value: knowledge.markdown }, range: toRange(document, knowledge.span) } : null;
}

function findingsHover(document: TextDocument, result: LintResult, position: Position, host: ServerHost, repeatMessage: boolean): Hover | null {
  const offset = document.offsetAt(position);
  const hits = result.findings
    .filter(({ span }) => span.start <= offset && (offset < span.end || span.start === span.end))
    .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  const first = hits[0];
  if (!first) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: hits.map((finding) => findingMarkdown(finding, host, repeatMessage)).join('\n\n---\n\n') },
    range: toRange(document, first.span),
  };
}

function findingMarkdown(finding: Finding, host: ServerHost, repeatMessage: boolean): string {
  const message = repeatMessage ? finding.message : undefined;
  const rule = ruleById(finding.ruleId);
  if (rule) return findingHoverMarkdown(rule, message, host.docsHref(rule.id));
  const engine = engineRuleDoc(finding.ruleId);
  if (engine) return findingHoverMarkdown(engineHoverProse(engine), message, host.docsHref(engine.id));
  return `**shipcheck · ${finding.ruleId}**\n\n${finding.message}`;
}

/** On a suppression comment: what it hides right now, so stale or too-broad comments are easy to spot. */
function suppressionHover(document: TextDocument, result: LintResult, offset: number): Hover | null {
  const hidden = (result.suppressed ?? []).filter(({ directive }) => directive.span.start <= offset && offset < directive.span.end);
  const directive = hidden[0]?.directive;
  if (!directive) return null;
  const where = directive.scope === 'file' ? 'in this file' : 'on the next line';
  const lines = hidden.map(({ finding }) => `- **${finding.ruleId}** (${finding.severity}): ${finding.message}`);
  const reason = directive.reason ? `\n\nReason given: ${directive.reason}` : '';
  return {
    contents: { kind: MarkupKind.Markdown, value: `**shipcheck** · this comment hides ${hidden.length === 1 ? 'one finding' : `${hidden.length} findings`} ${where}:\n\n${lines.join('\n')}${reason}` },
    range: toRange(document, directive.span),
  };
}
