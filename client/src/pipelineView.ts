import * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import { PIPELINE_REQUEST, type PipelineParams, type PipelineViewData } from '../../server/src/lsp/pipelineProtocol';

/** How long typing must pause before the graph is drawn again. */
const REDRAW_PAUSE_MS = 300;

/**
 * "shipcheck: Show pipeline": a webview beside the editor with the job graph of a workflow. The server lays it out and
 * draws the SVG (`shipcheck/pipeline`); here it is only shown, drawn again as the document changes, and a click on a
 * job moves the cursor to the job's key. The view follows the active editor while it shows a workflow.
 */
export function registerPipelineView(context: vscode.ExtensionContext, client: BaseLanguageClient): void {
  let panel: vscode.WebviewPanel | undefined;
  let shown: vscode.Uri | undefined;
  let last: PipelineViewData | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const draw = async (uri: vscode.Uri, followed: boolean): Promise<void> => {
    const view = panel;
    if (!view) return;
    let data: PipelineViewData | null;
    try {
      data = await client.sendRequest<PipelineViewData | null>(PIPELINE_REQUEST, { uri: uri.toString() } satisfies PipelineParams);
    } catch {
      return; // cancelled or the server restarting: the next change draws again
    }
    if (view !== panel) return;
    // Switching to a file that is not a workflow keeps the graph shown; asking for one shows that it has none.
    if (followed && (!data || data.workflows.length === 0)) return;
    shown = uri;
    last = data ?? undefined;
    view.title = titleOf(uri);
    view.webview.html = pageOf(data, nonce());
  };

  const show = async (uri?: string | vscode.Uri): Promise<void> => {
    const target = typeof uri === 'string' ? vscode.Uri.parse(uri) : (uri ?? vscode.window.activeTextEditor?.document.uri);
    if (!target) {
      void vscode.window.showInformationMessage('shipcheck: open a GitHub Actions workflow to see its pipeline.');
      return;
    }
    if (!panel) {
      // Titled by the file at once: the graph comes when the server answers.
      panel = vscode.window.createWebviewPanel('shipcheck.pipeline', titleOf(target), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true, localResourceRoots: [] });
      panel.onDidDispose(() => {
        panel = undefined;
        shown = undefined;
        last = undefined;
      });
      panel.webview.onDidReceiveMessage((message: { workflow?: unknown; job?: unknown }) => void jump(message));
    } else {
      panel.reveal(vscode.ViewColumn.Beside, true);
    }
    await draw(target, false);
  };

  const jump = async ({ workflow, job }: { workflow?: unknown; job?: unknown }): Promise<void> => {
    if (!shown || typeof workflow !== 'number' || typeof job !== 'string') return;
    const found = last?.workflows[workflow]?.jobs.find((candidate) => candidate.id === job);
    if (!found) return;
    const at = new vscode.Position(found.position.line, found.position.character);
    const visible = vscode.window.visibleTextEditors.find((editor) => editor.document.uri.toString() === shown!.toString());
    const editor = await vscode.window.showTextDocument(shown, { viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One, selection: new vscode.Range(at, at) });
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('shipcheck.showPipeline', show),
    vscode.workspace.onDidChangeTextDocument(({ document }) => {
      if (!panel || document.uri.toString() !== shown?.toString()) return;
      clearTimeout(timer);
      timer = setTimeout(() => void draw(document.uri, false), REDRAW_PAUSE_MS);
    }),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (panel && editor && editor.document.uri.toString() !== shown?.toString()) void draw(editor.document.uri, true);
    }),
    { dispose: () => clearTimeout(timer) },
  );
}

// A graph wider than the view (it opens beside the editor, half the window) is scaled down to fit instead of cut off.
const FIT_WIDTH = 'svg.graph{max-width:100%;height:auto}';

/** The webview's page: no remote content, styles and the one script allowed by nonce only. */
function pageOf(data: PipelineViewData | null, nonce: string): string {
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  const workflows = data?.workflows ?? [];
  const body =
    workflows.length === 0
      ? '<p class="summary">This file holds no GitHub Actions workflow with jobs.</p>'
      : (data?.defs ?? '') + workflows.map((workflow, i) => `<section data-workflow="${i}"><h2>${escape(workflow.title)}</h2><p class="summary">${escape(workflow.summary)}</p>${workflow.svg}</section>`).join('');
  // A click on a job's box tells the extension which job; it moves the editor's cursor there.
  const script = `const vscode = acquireVsCodeApi();
document.addEventListener('click', (event) => {
  const job = event.target.closest && event.target.closest('[data-job]');
  const section = job && job.closest('[data-workflow]');
  if (job && section) vscode.postMessage({ workflow: Number(section.dataset.workflow), job: job.getAttribute('data-job') });
});`;
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><style nonce="${nonce}">${data?.css ?? ''}${FIT_WIDTH}</style></head><body>${body}<script nonce="${nonce}">${script}</script></body></html>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function nonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The view's title for the workflow it shows. */
function titleOf(uri: vscode.Uri): string {
  return `Pipeline: ${uri.path.slice(uri.path.lastIndexOf('/') + 1)}`;
}
