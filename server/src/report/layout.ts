// dagre ships its types as an ES module and its code for both module systems: the types are read as the module's,
// the code is the CommonJS build (what esbuild bundles and Node runs the compiled tests with).
type Dagre = typeof import('@dagrejs/dagre', { with: { 'resolution-mode': 'import' } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Graph, layout }: Dagre = require('@dagrejs/dagre');
import type { Pipeline, PipelineEdge, PipelineNode } from '../engine/model/pipeline';

/** A pipeline placed on a plane by dagre (layered layout, left to right): what the HTML report and the editor draw. */
export interface PipelineLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

export interface PlacedNode {
  node: PipelineNode;
  /** The box's top-left corner and size. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  edge: PipelineEdge;
  /** The line's points, from the needed job to the one that needs it. */
  points: { x: number; y: number }[];
}

export const NODE_HEIGHT = 46;
const CHAR_WIDTH = 7.2;
const CAPTION_CHAR_WIDTH = 6.4;
const MIN_WIDTH = 120;
const MAX_LABEL = 32;
const MARGIN = 16;

/** The label a box shows: long names are cut with an ellipsis. */
export function boxLabel(node: Pick<PipelineNode, 'label'>): string {
  return node.label.length > MAX_LABEL ? `${node.label.slice(0, MAX_LABEL - 1)}…` : node.label;
}

const KIND_NAMES: Record<PipelineNode['kind'], string> = {
  gate: 'fast gate',
  test: 'tests',
  'slow-test': 'slow tests',
  build: 'build',
  deploy: 'deploy',
  reusable: 'reusable workflow',
  other: 'job',
};

/** What the second line of a job's box says: its kind, its estimate, and its environment. */
export function nodeCaption(node: PipelineNode): string {
  const parts = [node.kind === 'test' && node.slow ? 'slow tests' : KIND_NAMES[node.kind], `~${node.estimateMinutes} min`];
  if (node.environment) parts.push(`env ${node.environment}`);
  else if (node.environmentGate) parts.push('environment');
  return parts.join(' · ');
}

/** Wide enough for the label (at the report's 12px sans-serif) and the caption under it (at 11px). */
export function boxWidth(node: PipelineNode): number {
  return Math.max(MIN_WIDTH, Math.ceil(Math.max(boxLabel(node).length * CHAR_WIDTH, nodeCaption(node).length * CAPTION_CHAR_WIDTH)) + 28);
}

export function layoutPipeline(pipeline: Pipeline): PipelineLayout {
  const graph = new Graph({ multigraph: false });
  graph.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 56, marginx: MARGIN, marginy: MARGIN });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of pipeline.nodes) graph.setNode(node.id, { width: boxWidth(node), height: NODE_HEIGHT });
  for (const edge of pipeline.edges) if (edge.from !== edge.to) graph.setEdge(edge.from, edge.to, { weight: edge.onCriticalPath ? 4 : 1 });
  layout(graph);
  const nodes = pipeline.nodes.map((node) => {
    const placed = graph.node(node.id);
    return { node, x: placed.x! - placed.width! / 2, y: placed.y! - placed.height! / 2, width: placed.width!, height: placed.height! };
  });
  const edges = pipeline.edges
    .filter((edge) => edge.from !== edge.to)
    .map((edge) => ({ edge, points: (graph.edge(edge.from, edge.to)?.points ?? []).map((point: { x: number; y: number }) => ({ x: point.x, y: point.y })) }));
  const label = graph.graph();
  const width = Math.max(label.width ?? 0, ...nodes.map((node) => node.x + node.width + MARGIN));
  const height = Math.max(label.height ?? 0, ...nodes.map((node) => node.y + node.height + MARGIN));
  return { width: Math.ceil(width), height: Math.ceil(height), nodes, edges };
}
