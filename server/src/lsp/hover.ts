import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { SEVERITY_RANK, type Finding, type Span } from '../engine/core/finding';
import type { LintResult } from '../engine/core/lint';
import type { ProjectIndex } from '../engine/core/projectIndex';
import { knowledgeHover } from '../knowledge/hover';
import { markdownToPlainText, plainTextToMarkdown } from '../knowledge/plainText';
import { engineRuleDoc } from '../knowledge/engineRules';
import { engineHoverProse, findingHoverMarkdown } from '../knowledge/ruleDocs';
import { ruleById } from '../rules';
import type { ServerHost } from './host';
import { toRange } from './positions';

/**
 * Explains every finding under the cursor, the most severe first, then what the key under the cursor is (strategy,
 * rollout steps, probes, workflow keys) or what the path under the cursor inside `${{ }}` reads: a finding never hides the key's own explanation. On a suppression comment,
 * what it hides. Plain text for clients that want it.
 */
export interface HoverOptions {
  /** Markdown, or plain text for clients that list hover formats without it. */
  markdown: boolean;
  /** Whether a finding's hover starts with its message (not when the editor shows it right above, as VS Code does). */
  repeatMessage: boolean;
  /** The files checked together (what local actions and reusable workflows declare, for hovers inside `${{ }}`). */
  index?: ProjectIndex;
}

/** Between findings, and between the findings and the key's explanation: a rule in markdown, a visible line in plain text. */
const SEPARATOR = '\n\n---\n\n';

export function hover(document: TextDocument, result: LintResult, position: Position, host: ServerHost, { markdown, repeatMessage, index }: HoverOptions): Hover | null {
  const offset = document.offsetAt(position);
  const found = findingsAt(result, offset, host, repeatMessage, index) ?? suppressionHover(result, offset) ?? keyHover(result, offset, index);
  if (!found) return null;
  const value = (markdown ? found.sections : found.sections.map(markdownToPlainText)).join(SEPARATOR);
  return { contents: { kind: markdown ? MarkupKind.Markdown : MarkupKind.PlainText, value }, range: toRange(document, found.span) };
}

interface HoverSections {
  sections: string[];
  /** Where the hover applies: where every part of it holds. */
  span: Span;
}

/** The findings under the cursor, then the key's own explanation when it has one. */
function findingsAt(result: LintResult, offset: number, host: ServerHost, repeatMessage: boolean, index: ProjectIndex | undefined): HoverSections | undefined {
  const hits = result.findings
    .filter(({ span }) => span.start <= offset && (offset < span.end || span.start === span.end))
    .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  const first = hits[0];
  if (!first) return undefined;
  const sections = hits.map((finding) => findingMarkdown(finding, host, repeatMessage));
  const knowledge = knowledgeHover(result.file, offset, index);
  if (!knowledge) return { sections, span: first.span };
  return { sections: [...sections, knowledge.markdown], span: overlap(first.span, knowledge.span) ?? first.span };
}

function keyHover(result: LintResult, offset: number, index: ProjectIndex | undefined): HoverSections | undefined {
  const knowledge = knowledgeHover(result.file, offset, index);
  return knowledge ? { sections: [knowledge.markdown], span: knowledge.span } : undefined;
}

function overlap(a: Span, b: Span): Span | undefined {
  const start = Math.max(a.start, b.start);
  const end = Math.min(a.end, b.end);
  return start < end ? { start, end } : undefined;
}

function findingMarkdown(finding: Finding, host: ServerHost, repeatMessage: boolean): string {
  const message = repeatMessage ? plainTextToMarkdown(finding.message) : undefined;
  const rule = ruleById(finding.ruleId);
  if (rule) return findingHoverMarkdown(rule, message, host.docsHref(rule.id));
  const engine = engineRuleDoc(finding.ruleId);
  if (engine) return findingHoverMarkdown(engineHoverProse(engine), message, host.docsHref(engine.id));
  return `**shipcheck · ${finding.ruleId}**\n\n${plainTextToMarkdown(finding.message)}`;
}

/** On a suppression comment: what it hides right now, so stale or too-broad comments are easy to spot. */
function suppressionHover(result: LintResult, offset: number): HoverSections | undefined {
  const hidden = (result.suppressed ?? []).filter(({ directive }) => directive.span.start <= offset && offset < directive.span.end);
  const directive = hidden[0]?.directive;
  if (!directive) return undefined;
  const peer = directive.peer;
  const where = peer
    ? `(${peer.tool}'s \`${peer.check}\` corresponds to shipcheck's ${directive.ruleIds.map((id) => `\`${id}\``).join(', ')})`
    : directive.scope === 'file'
      ? 'in this file'
      : 'on the next line';
  const lines = hidden.map(({ finding }) => `- **${finding.ruleId}** (${finding.severity}): ${plainTextToMarkdown(finding.message)}`);
  const reason = directive.reason ? `\n\nReason given: ${directive.reason}` : '';
  return { sections: [`**shipcheck** · this comment hides ${hidden.length === 1 ? 'one finding' : `${hidden.length} findings`} ${where}:\n\n${lines.join('\n')}${reason}`], span: directive.span };
}
