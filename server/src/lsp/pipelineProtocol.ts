// The custom request behind "shipcheck: Show pipeline": shared by the server and the VS Code client (types only, so
// the client bundle gets none of the server's code).

/** `shipcheck/pipeline`: the job graph of an open document, drawn by the server (layout and SVG stay out of the client). */
export const PIPELINE_REQUEST = 'shipcheck/pipeline';

export interface PipelineParams {
  /** The document's URI, as the client sent it on open. */
  uri: string;
}

export interface PipelineViewData {
  /** The document version the graph was drawn from. */
  version: number;
  /** CSS for `body` (the graph's colours, from the editor's theme) and the graph itself. */
  css: string;
  /** SVG definitions the graphs refer to (the arrowhead), once before them. */
  defs: string;
  /** The workflows of the file, in order; empty when it holds none (or none with jobs). */
  workflows: PipelineWorkflowView[];
}

export interface PipelineWorkflowView {
  /** The workflow's `name:`, else the file name. */
  title: string;
  /** The CodeLens line: job count, critical path. */
  summary: string;
  /** Inline SVG: one `<g class="node …" data-job="id">` per job, one `<path class="edge …" data-from data-to>` per need. */
  svg: string;
  jobs: { id: string; label: string; kind: string; onCriticalPath: boolean; position: { line: number; character: number } }[];
  edges: { from: string; to: string; onCriticalPath: boolean }[];
}
