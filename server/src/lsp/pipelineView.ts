import type { TextDocument } from 'vscode-languageserver-textdocument';
import { classify } from '../engine/core/classify';
import type { LintResult } from '../engine/core/lint';
import { attachFindings, pipelineOf } from '../engine/model/pipeline';
import { pipelineSummary } from '../knowledge/pipelineLenses';
import { ARROW_MARKER, GRAPH_CSS, pipelineSvg } from '../report/svg';
import type { PipelineViewData, PipelineWorkflowView } from './pipelineProtocol';

// The graph's colours from the editor's theme (VS Code sets these variables in every webview): kinds are tints of the
// chart colours over the editor's background, so they read in light, dark and high-contrast themes alike.
const tint = (colour: string): string => `color-mix(in srgb, var(--vscode-charts-${colour}) 22%, var(--vscode-editor-background))`;
const THEME_CSS =
  `body{--fg:var(--vscode-editor-foreground);--muted:var(--vscode-descriptionForeground);--line:var(--vscode-editorWidget-border, var(--vscode-descriptionForeground));` +
  `--crit:var(--vscode-charts-orange);--err:var(--vscode-errorForeground);--warn:var(--vscode-charts-yellow);` +
  `--gate:${tint('blue')};--test:${tint('green')};--slow:${tint('yellow')};--build:var(--vscode-editor-background);--deploy:${tint('purple')};` +
  `--reusable:var(--vscode-editorWidget-background, var(--vscode-editor-background));--other:var(--vscode-editor-background);` +
  `color:var(--fg);font-family:var(--vscode-font-family);padding:8px 16px}` +
  `h2{font-size:1.1em;margin:12px 0 2px}.summary{color:var(--muted);margin:0 0 8px}.defs{position:absolute}.node{cursor:pointer}.node:hover rect{stroke:var(--vscode-focusBorder)}`;

/** The job graphs of a document for the editor's pipeline view, with each job's position to jump to. */
export function documentPipeline(document: TextDocument, result: LintResult): PipelineViewData {
  const file = result.file;
  const workflows: PipelineWorkflowView[] = [];
  for (const doc of file.documents) {
    if (doc.hasErrors) continue;
    const classified = classify(file, doc);
    if (classified.type !== 'workflow' || classified.workflow.kind !== 'workflow') continue;
    const pipeline = pipelineOf(classified.workflow, doc);
    if (pipeline.nodes.length === 0) continue;
    attachFindings(pipeline, classified.workflow, result.findings);
    const title = pipeline.name ?? document.uri.slice(document.uri.lastIndexOf('/') + 1);
    workflows.push({
      title,
      summary: `${pipelineSummary(pipeline)}${pipeline.criticalMinutes > 0 ? ` · ~${pipeline.criticalMinutes} min (estimate)` : ''}`,
      svg: pipelineSvg(pipeline, title),
      jobs: pipeline.nodes.map((node) => ({ id: node.id, label: node.label, kind: node.kind, onCriticalPath: node.onCriticalPath, position: document.positionAt(node.span.start) })),
      edges: pipeline.edges.map(({ from, to, onCriticalPath }) => ({ from, to, onCriticalPath })),
    });
  }
  const defs = `<svg class="defs" width="0" height="0" aria-hidden="true"><defs>${ARROW_MARKER}</defs></svg>`;
  return { version: document.version, css: `${THEME_CSS}\n${GRAPH_CSS}`, defs, workflows };
}
