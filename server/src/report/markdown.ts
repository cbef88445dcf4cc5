import type { Pipeline } from '../engine/model/pipeline';
import type { FindingGroup, ReportData } from './collect';
import { STRATEGY_NAMES, type ReportOptions } from './html';
import { nodeCaption } from './svg';

/** GitHub cuts a step summary at 1 MiB: graphs beyond this many workflows are listed, not drawn. */
const MAX_GRAPHS = 25;
const MAX_WORKLOADS = 50;
/** Workflows listed (with their critical path) before the rest are counted. */
const MAX_WORKFLOWS = 200;

/** Text for a Markdown table cell or line: HTML and Markdown punctuation from files is escaped. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char]!).replace(/([\\`*_[\]|#])/g, '\\$1').replace(/\r?\n/g, ' ');
}

/** Text inside a Mermaid label in double quotes: Mermaid's entity codes for what would end or break it. */
function mermaidText(text: string): string {
  return text.replace(/[#"<>&`]/g, (char) => `#${char.charCodeAt(0)};`).replace(/\r?\n/g, ' ');
}

/** The report as Markdown for `$GITHUB_STEP_SUMMARY` or a pull-request comment: tables, and Mermaid for the graphs. */
export function reportMarkdown(data: ReportData, options: ReportOptions): string {
  const out: string[] = ['## shipcheck report', ''];
  const severities = ['error', 'warning', 'info', 'hint'] as const;
  const counts = severities.map((severity) => `${data.findings.filter((finding) => finding.severity === severity).length} ${severity}`);
  out.push(`${data.files} files · ${data.workflows.length} workflows · ${data.workloads.length} workloads · ${data.findings.length} findings (${counts.join(', ')})`, '');
  out.push('### By DORA metric', '', ...groupTable(data.byMetric, options.docsBaseUrl), '');
  out.push('### By DORA capability', '', ...groupTable(data.byCapability.filter((group) => group.total > 0), options.docsBaseUrl), '');
  if (data.workflows.length > 0) out.push('### Workflows', '');
  data.workflows.slice(0, MAX_WORKFLOWS).forEach(({ path, pipeline }, index) => {
    const critical = pipeline.criticalPath.map((id) => pipeline.nodes.find((node) => node.id === id)?.label ?? id);
    out.push(`**${escapeMarkdown(pipeline.name ?? path)}** (\`${path.replace(/`/g, "'")}\`): ${pipeline.nodes.length} job${pipeline.nodes.length === 1 ? '' : 's'}${critical.length > 0 ? ` · critical path ${escapeMarkdown(critical.join(' → '))} · ~${pipeline.criticalMinutes} min (estimate)` : ''}`, '');
    if (index < MAX_GRAPHS) out.push('```mermaid', ...mermaidGraph(pipeline), '```', '');
  });
  if (data.workflows.length > MAX_GRAPHS) {
    const listed = data.workflows.length > MAX_WORKFLOWS ? `, and the first ${MAX_WORKFLOWS} of ${data.workflows.length} listed` : '';
    out.push(`_Graphs of the first ${MAX_GRAPHS} workflows only${listed}; the HTML report (\`--out report.html\`) draws them all._`, '');
  }
  if (data.workloads.length > 0) out.push('### Releases', '', '| workload | file | strategy | timeline |', '| --- | --- | --- | --- |');
  for (const { path, plan, timeline } of data.workloads.slice(0, MAX_WORKLOADS)) {
    out.push(`| ${escapeMarkdown(`${plan.kind} ${plan.name ?? ''}`)} | ${escapeMarkdown(path)} | ${escapeMarkdown(STRATEGY_NAMES[plan.strategy])} | ${escapeMarkdown(timeline ?? '')} |`);
  }
  if (data.workloads.length > MAX_WORKLOADS) out.push('', `_First ${MAX_WORKLOADS} of ${data.workloads.length} workloads._`);
  out.push('', '<sub>Job times are estimates from each job\'s kind, capped by its timeout-minutes.</sub>', '');
  return out.join('\n');
}

function groupTable(groups: readonly FindingGroup[], docsBaseUrl: string | undefined): string[] {
  const rows = ['| | findings | verdict | rules |', '| --- | ---: | --- | --- |'];
  for (const group of groups) {
    const rules = group.rules.slice(0, 6).map((rule) => (docsBaseUrl ? `[${rule.ruleId}](${docsBaseUrl}${rule.ruleId}.md) (${rule.findings.length})` : `${rule.ruleId} (${rule.findings.length})`));
    if (group.rules.length > 6) rules.push(`${group.rules.length - 6} more`);
    rows.push(`| **${group.title}** | ${group.total} | ${group.verdict.text} | ${rules.join(', ')} |`);
  }
  return rows;
}

/** A Mermaid flowchart of the jobs: ids are numbered (job ids may hold anything), labels are escaped. */
export function mermaidGraph(pipeline: Pipeline): string[] {
  const ids = new Map(pipeline.nodes.map((node, i) => [node.id, `j${i}`]));
  const lines = ['flowchart LR'];
  for (const node of pipeline.nodes) {
    const caption = `${nodeCaption(node)}${node.unreachable ? ' · never runs' : ''}`;
    lines.push(`  ${ids.get(node.id)}["${mermaidText(node.label)}<br/><small>${mermaidText(caption)}</small>"]`);
  }
  const critical: number[] = [];
  pipeline.edges.forEach((edge) => {
    const from = ids.get(edge.from);
    const to = ids.get(edge.to);
    if (!from || !to) return;
    if (edge.onCriticalPath) critical.push(lines.filter((line) => line.includes('-->') || line.includes('-.->')).length);
    lines.push(`  ${from} ${edge.skipTrap ? '-. skip trap .->' : edge.skippable ? '-.->' : '-->'} ${to}`);
  });
  lines.push('  classDef crit stroke:#bc4c00,stroke-width:3px', '  classDef never stroke-dasharray:5 4,opacity:0.6');
  const onPath = pipeline.nodes.filter((node) => node.onCriticalPath).map((node) => ids.get(node.id));
  if (onPath.length > 0) lines.push(`  class ${onPath.join(',')} crit`);
  const never = pipeline.nodes.filter((node) => node.unreachable).map((node) => ids.get(node.id));
  if (never.length > 0) lines.push(`  class ${never.join(',')} never`);
  if (critical.length > 0) lines.push(`  linkStyle ${critical.join(',')} stroke:#bc4c00,stroke-width:3px`);
  return lines;
}
