import type { CodeLens, InlayHint, Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LintResult } from '../engine/core/lint';
import { inlayHints } from '../knowledge/inlayHints';
import { pipelineLenses } from '../knowledge/pipelineLenses';
import { timelineLenses } from '../knowledge/timelineLenses';
import { toRange } from './positions';

/** The client command a timeline CodeLens runs: it shows the hover of the key under the lens (`client/src/common.ts`). */
const SHOW_TIMELINE_COMMAND = 'shipcheck.showTimeline';
/** The client command a pipeline CodeLens runs: it opens the job graph of the document beside it (`client/src/pipelineView.ts`). */
export const SHOW_PIPELINE_COMMAND = 'shipcheck.showPipeline';

/** The document's inlay hints within the range the editor shows. */
export function documentInlayHints(document: TextDocument, result: LintResult, range: Range): InlayHint[] {
  const start = document.offsetAt(range.start);
  const end = document.offsetAt(range.end);
  return inlayHints(result.file)
    .filter(({ offset }) => start <= offset && offset <= end)
    .map(({ offset, label, tooltip }) => ({ position: document.positionAt(offset), label, tooltip, paddingLeft: true }));
}

/**
 * A line above each canary's steps and Flagger analysis, a click shows the whole timeline (the key's hover); and above
 * a workflow's `jobs:`, a click opens the job graph.
 */
export function documentCodeLenses(document: TextDocument, result: LintResult): CodeLens[] {
  const pipelines = pipelineLenses(result.file).map(({ span, title }): CodeLens => ({ range: toRange(document, span), command: { title, command: SHOW_PIPELINE_COMMAND, arguments: [document.uri] } }));
  const timelines = timelineLenses(result.file).map(({ span, title }): CodeLens => {
    const range = toRange(document, span);
    return { range, command: { title, command: SHOW_TIMELINE_COMMAND, arguments: [document.uri, range.start] } };
  });
  return [...pipelines, ...timelines];
}
