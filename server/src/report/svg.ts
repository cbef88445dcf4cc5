import { formatSeconds } from '../engine/languages/duration';
import type { Pipeline, PipelineNode } from '../engine/model/pipeline';
import type { WeightPoint } from '../engine/model/release';
import { boxLabel, layoutPipeline, nodeCaption } from './layout';

export { nodeCaption };

/** Text for HTML and SVG, element content or attribute values: everything taken from a file goes through it. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Why a job's box is marked, for its tooltip. */
export function nodeNotes(node: PipelineNode): string[] {
  const notes: string[] = [];
  if (node.unreachable) notes.push('never runs: no trigger of the workflow lets it (its own or a need\'s if: rules every case out)');
  if (node.inCycle) notes.push('on a needs: cycle (GitHub rejects the workflow)');
  if (node.environmentGate) notes.push(`waits for the protection rules of environment ${node.environment ?? '(set by an expression)'} (reviewers, wait timer: set in the repository's settings)`);
  if (node.condition) notes.push(`if: ${node.condition}`);
  if (node.timeoutMinutes !== undefined) notes.push(`timeout-minutes: ${node.timeoutMinutes}`);
  if (node.ruleIds.length > 0) notes.push(`findings: ${node.ruleIds.join(', ')}`);
  return notes;
}

/** A workflow's job graph as inline SVG: boxes by kind, `needs:` arrows, the critical path drawn thick. */
export function pipelineSvg(pipeline: Pipeline, title: string): string {
  const placed = layoutPipeline(pipeline);
  const parts: string[] = [
    `<svg class="graph" xmlns="http://www.w3.org/2000/svg" width="${placed.width}" height="${placed.height}" viewBox="0 0 ${placed.width} ${placed.height}" role="img" aria-label="${escapeHtml(`Job graph of ${title}`)}">`,
  ];
  for (const { edge, points } of placed.edges) {
    if (points.length === 0) continue;
    const classes = ['edge', edge.onCriticalPath ? 'critical' : '', edge.skipTrap ? 'skip-trap' : edge.skippable ? 'skippable' : ''].filter(Boolean).join(' ');
    const d = points.map((point, i) => `${i === 0 ? 'M' : 'L'}${point.x.toFixed(1)},${point.y.toFixed(1)}`).join(' ');
    const notes = [`${edge.from} → ${edge.to}`];
    if (edge.condition) notes.push(`if: ${edge.condition}`);
    if (edge.skipTrap) notes.push(`skip trap: when ${edge.from} is skipped, ${edge.to} is skipped too, even where its if: holds`);
    else if (edge.skippable) notes.push(`${edge.from} can be skipped, and ${edge.to} with it`);
    parts.push(`<path class="${classes}" data-from="${escapeHtml(edge.from)}" data-to="${escapeHtml(edge.to)}" d="${d}" marker-end="url(#arrow)"><title>${escapeHtml(notes.join('\n'))}</title></path>`);
  }
  for (const { node, x, y, width, height } of placed.nodes) {
    const classes = ['node', `kind-${node.kind}`, node.onCriticalPath ? 'critical' : '', node.unreachable ? 'unreachable' : '', node.inCycle ? 'cycle' : '', node.ruleIds.length > 0 ? 'flagged' : ''].filter(Boolean).join(' ');
    const notes = nodeNotes(node);
    parts.push(
      `<g class="${classes}" data-job="${escapeHtml(node.id)}" data-kind="${node.kind}" transform="translate(${x.toFixed(1)},${y.toFixed(1)})">` +
        `<title>${escapeHtml([node.id === node.label ? node.id : `${node.label} (${node.id})`, ...notes].join('\n'))}</title>` +
        `<rect width="${width}" height="${height}" rx="7"/>` +
        `<text class="label" x="12" y="19">${escapeHtml(boxLabel(node))}</text>` +
        `<text class="caption" x="12" y="36">${escapeHtml(nodeCaption(node))}</text>` +
        (node.ruleIds.length > 0 ? `<circle class="badge" cx="${width - 9}" cy="9" r="4"/>` : '') +
        `</g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

/** The arrowhead every `needs:` edge ends with (`marker-end="url(#arrow)"`): once per page, inside a `<defs>`. */
export const ARROW_MARKER =
  '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker>';

/**
 * How the job graph looks, given the colours as CSS variables (--fg, --muted, --line, --crit, --err, --warn, and a fill
 * per kind: --gate, --test, --slow, --build, --deploy, --reusable, --other): the HTML report and the editor's view.
 */
export const GRAPH_CSS = `svg text{fill:var(--fg);font:12px system-ui,-apple-system,"Segoe UI",sans-serif}svg .caption,svg .axis{fill:var(--muted);font-size:11px}
.node rect{stroke:var(--line);stroke-width:1.2;fill:var(--other)}.kind-gate rect{fill:var(--gate)}.kind-test rect{fill:var(--test)}.kind-slow-test rect{fill:var(--slow)}
.kind-build rect{fill:var(--build)}.kind-deploy rect{fill:var(--deploy)}.kind-reusable rect{fill:var(--reusable)}
.node.critical rect{stroke:var(--crit);stroke-width:2.6}.node.unreachable rect{stroke-dasharray:5 4;opacity:.55}.node.unreachable text{opacity:.6}.node.cycle rect{stroke:var(--err)}
.badge{fill:var(--warn)}.edge{fill:none;stroke:var(--muted);stroke-width:1.4}.edge.critical{stroke:var(--crit);stroke-width:2.8}
.edge.skippable{stroke-dasharray:4 3}.edge.skip-trap{stroke:var(--err);stroke-dasharray:6 3;stroke-width:2}.arrowhead{fill:var(--muted)}`;

/** The markers and shared definitions the graphs use, once per page. */
export const SVG_DEFS =
  '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>' +
  ARROW_MARKER +
  '</defs></svg>';

const CHART = { width: 520, height: 170, left: 44, right: 16, top: 14, bottom: 36 };

/**
 * The new version's share of traffic over time as a step chart. Time runs left to right in proportion to the seconds
 * between points, with a little room for every point, so steps that take no time (a weight set right after another, a
 * manual promotion) stay visible.
 */
export function weightChartSvg(points: readonly WeightPoint[], title: string): string {
  if (points.length === 0) return '';
  const total = points.at(-1)!.seconds;
  const plotWidth = CHART.width - CHART.left - CHART.right;
  const plotHeight = CHART.height - CHART.top - CHART.bottom;
  const gaps = Math.max(1, points.length - 1);
  const xs: number[] = [];
  let u = 0;
  points.forEach((point, i) => {
    if (i > 0) u += (total > 0 ? ((point.seconds - points[i - 1]!.seconds) / total) * 0.7 : 0) + (total > 0 ? 0.3 : 1) / gaps;
    xs.push(CHART.left + u * plotWidth);
  });
  const y = (weight: number): number => CHART.top + plotHeight * (1 - weight / 100);
  let d = `M${xs[0]!.toFixed(1)},${y(points[0]!.weight).toFixed(1)}`;
  for (let i = 1; i < points.length; i++) d += ` H${xs[i]!.toFixed(1)} V${y(points[i]!.weight).toFixed(1)}`;
  const parts = [
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${CHART.width}" height="${CHART.height}" viewBox="0 0 ${CHART.width} ${CHART.height}" role="img" aria-label="${escapeHtml(`Traffic on the new version over time: ${title}`)}">`,
  ];
  for (const weight of [0, 50, 100]) {
    parts.push(`<line class="grid" x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${y(weight)}" y2="${y(weight)}"/><text class="axis" x="${CHART.left - 6}" y="${y(weight) + 4}" text-anchor="end">${weight} %</text>`);
  }
  parts.push(`<path class="weights" d="${d}"/>`);
  let lastLabelX = -Infinity;
  points.forEach((point, i) => {
    const x = xs[i]!;
    const cy = y(point.weight);
    const tip = `${formatSeconds(point.seconds)}: ${point.weight} %${point.note ? ` · ${point.note}` : ''}`;
    parts.push(point.manual ? `<rect class="manual" x="${(x - 5).toFixed(1)}" y="${(cy - 5).toFixed(1)}" width="10" height="10" transform="rotate(45 ${x.toFixed(1)} ${cy.toFixed(1)})"><title>${escapeHtml(tip)}</title></rect>` : `<circle class="point" cx="${x.toFixed(1)}" cy="${cy.toFixed(1)}" r="3.5"><title>${escapeHtml(tip)}</title></circle>`);
    if (x - lastLabelX >= 44 && (i === 0 || point.seconds !== points[i - 1]!.seconds || i === points.length - 1)) {
      parts.push(`<text class="axis" x="${x.toFixed(1)}" y="${CHART.height - CHART.bottom + 16}" text-anchor="middle">${escapeHtml(point.seconds === 0 ? '0' : formatSeconds(point.seconds))}</text>`);
      lastLabelX = x;
    }
  });
  if (points.some((point) => point.manual)) parts.push(`<text class="axis" x="${CHART.left}" y="${CHART.height - 4}">◆ waits for manual promotion (time unknown)</text>`);
  parts.push('</svg>');
  return parts.join('');
}
