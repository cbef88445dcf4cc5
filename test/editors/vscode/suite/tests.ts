import * as vscode from 'vscode';

// The VS Code assertions shared by every build the editor suites run in (the web workbench, code-server,
// desktop VS Code). They run inside the editor's extension host, where Node's `assert` may not exist.

/** The part of mocha's TDD interface these tests use. */
export interface Tdd {
  suite(title: string, body: () => void): unknown;
  test(title: string, body: () => Promise<void>): unknown;
}

class AssertionError extends Error {}

function ok(value: unknown, message: string): asserts value {
  if (!value) throw new AssertionError(message);
}

function equal<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) throw new AssertionError(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function match(text: string, pattern: RegExp, what: string): void {
  if (!pattern.test(text)) throw new AssertionError(`${what}: expected to match ${pattern}, got ${JSON.stringify(text.slice(0, 400))}`);
}

const WAIT_MS = 30_000;

function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const { code } = diagnostic;
  return typeof code === 'object' ? String(code.value) : code === undefined ? undefined : String(code);
}

function shipcheckDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'shipcheck');
}

function describeDiagnostics(uri: vscode.Uri): string {
  return JSON.stringify(shipcheckDiagnostics(uri).map((diagnostic) => `${codeOf(diagnostic)}@${diagnostic.range.start.line + 1}:${diagnostic.range.start.character + 1}`));
}

/** Resolves when the file's shipcheck diagnostics satisfy `predicate`, re-checking on every diagnostics change (no sleeps). */
function diagnosticsWhere(uri: vscode.Uri, predicate: (diagnostics: vscode.Diagnostic[]) => boolean, what: string): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const diagnostics = shipcheckDiagnostics(uri);
      if (!predicate(diagnostics)) return;
      stop();
      resolve(diagnostics);
    };
    const listener = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      stop();
      const extension = vscode.extensions.getExtension('shipcheck.shipcheck');
      const state = extension ? (extension.isActive ? 'active' : 'not active') : 'not installed';
      const all = vscode.languages.getDiagnostics(uri).map((diagnostic) => `${diagnostic.source}:${codeOf(diagnostic)}`);
      const preset = vscode.workspace.getConfiguration('shipcheck', uri).inspect('preset');
      reject(new AssertionError(`timed out after ${WAIT_MS} ms waiting for ${what} in ${uri.toString()}; shipcheck diagnostics now: ${describeDiagnostics(uri)}; all: ${JSON.stringify(all)}; the extension is ${state}; shipcheck.preset: ${JSON.stringify(preset)}`));
    }, WAIT_MS);
    const stop = (): void => {
      listener.dispose();
      clearTimeout(timer);
    };
    check();
  });
}

async function finding(uri: vscode.Uri, ruleId: string): Promise<vscode.Diagnostic> {
  const diagnostics = await diagnosticsWhere(uri, (all) => all.some((diagnostic) => codeOf(diagnostic) === ruleId), `a ${ruleId} diagnostic`);
  return diagnostics.find((diagnostic) => codeOf(diagnostic) === ruleId)!;
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
}

function workspaceFile(path: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  ok(folder, 'the tests need the fixture workspace open');
  return vscode.Uri.joinPath(folder.uri, path);
}

async function open(path: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(path));
  await vscode.window.showTextDocument(document);
  return document;
}

/** Resolves with what `probe` finds, asking again whenever `onChange` fires (no sleeps). */
function until<T>(probe: () => Promise<T | undefined>, onChange: (listener: () => void) => vscode.Disposable, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    let done = false;
    const check = async (): Promise<void> => {
      const found = await probe();
      if (done || found === undefined) return;
      stop();
      resolve(found);
    };
    const listener = onChange(() => void check());
    const timer = setTimeout(() => {
      stop();
      reject(new AssertionError(`timed out after ${WAIT_MS} ms waiting for ${what}`));
    }, WAIT_MS);
    const stop = (): void => {
      done = true;
      listener.dispose();
      clearTimeout(timer);
    };
    void check();
  });
}

export function defineTests({ suite, test }: Tdd): void {
  suite('shipcheck in a real VS Code', () => {
    const workflow = '.github/workflows/ci.yml';

    test('shows gha/npm-ci on `npm install` in a workflow, at the command', async () => {
      const document = await open(workflow);
      equal(document.languageId, 'yaml', 'language of the workflow');
      const diagnostic = await finding(document.uri, 'gha/npm-ci');
      equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning, 'severity');
      equal(document.getText(diagnostic.range), 'npm install', 'text under the squiggle');
      equal(diagnostic.range.start.line, 13, 'line (0-based)');
      match(diagnostic.message, /npm ci/, 'message');
    });

    test('explains the finding on hover', async () => {
      const uri = workspaceFile(workflow);
      const diagnostic = await finding(uri, 'gha/npm-ci');
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, diagnostic.range.start);
      const text = hoverText(hovers);
      match(text, /gha\/npm-ci/, 'hover names the rule');
      match(text, /lockfile/, 'hover explains why');
    });

    test('offers the quick-fix; applying it rewrites the step, keeps the comment and clears the finding', async () => {
      const document = await open(workflow);
      const diagnostic = await finding(document.uri, 'gha/npm-ci');
      const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', document.uri, diagnostic.range);
      const titles = actions.map((action) => action.title);
      const fix = actions.find((action): action is vscode.CodeAction => action.title === "Use 'npm ci'" && 'kind' in action);
      ok(fix, `no "Use 'npm ci'" quick-fix among ${JSON.stringify(titles)}`);
      ok(fix.kind && vscode.CodeActionKind.QuickFix.contains(fix.kind), `the fix is a quick-fix (kind ${fix.kind?.value})`);
      ok(fix.edit, 'the fix carries its edit');
      ok(await vscode.workspace.applyEdit(fix.edit), 'the edit applies');
      equal(document.lineAt(13).text, '      - run: npm ci', 'the fixed line');
      equal(document.lineAt(12).text, '      # install exactly what the lockfile pins', 'the comment above it');
      await diagnosticsWhere(document.uri, (all) => !all.some((diagnostic) => codeOf(diagnostic) === 'gha/npm-ci'), 'gha/npm-ci to disappear after the fix');
    });

    test('shows k8s/probe-identical on a Deployment whose probes are the same, and explains it', async () => {
      const document = await open('k8s/deployment.yaml');
      const diagnostic = await finding(document.uri, 'k8s/probe-identical');
      equal(document.getText(diagnostic.range), 'livenessProbe', 'text under the squiggle');
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, diagnostic.range.start);
      match(hoverText(hovers), /k8s\/probe-identical/, 'hover names the rule');
    });

    test("shows the canary's timeline above a Rollout's steps (CodeLens) and a probe's failure window inline", async () => {
      const document = await open('k8s/rollout.yaml');
      // Findings published: the server has the document.
      await diagnosticsWhere(document.uri, (all) => all.length > 0, 'findings on the Rollout');
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
      const timeline = lenses.find((lens) => lens.command?.command === 'shipcheck.showTimeline');
      ok(timeline, `no timeline lens among ${JSON.stringify(lenses.map((lens) => lens.command?.title))}`);
      equal(timeline.command!.title, 'canary: at least 6m30s to 100 % · 5 steps · analysis at 20 %', 'lens title');
      equal(document.getText(timeline.range), 'steps', 'the key under the lens');
      // The lens's command is the client's: it runs without error and shows the hover at the key.
      await vscode.commands.executeCommand(timeline.command!.command, ...(timeline.command!.arguments ?? []));
      const whole = new vscode.Range(0, 0, document.lineCount, 0);
      const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, whole);
      const labels = hints.map((hint) => (typeof hint.label === 'string' ? hint.label : hint.label.map((part) => part.value).join('')));
      ok(labels.includes('unready after 30s (3 × 10s)'), `inlay hints: ${JSON.stringify(labels)}`);
    });

    test('checks a workflow whose language is github-actions-workflow, as it is typed', async () => {
      let document = await open('.github/workflows/release.yml');
      document = await vscode.languages.setTextDocumentLanguage(document, 'github-actions-workflow');
      equal(document.languageId, 'github-actions-workflow', 'language id');
      // A second install typed into the buffer (not saved): only a check of the open document sees it, not
      // one of the file on disk (which a Node server also checks, for the Problems view).
      const edit = new vscode.WorkspaceEdit();
      edit.insert(document.uri, new vscode.Position(14, 0), '      - run: npm i\n');
      ok(await vscode.workspace.applyEdit(edit), 'the edit applies');
      const diagnostics = await diagnosticsWhere(document.uri, (all) => all.filter((diagnostic) => codeOf(diagnostic) === 'gha/npm-ci').length === 2, 'gha/npm-ci on both installs');
      const lines = diagnostics.filter((diagnostic) => codeOf(diagnostic) === 'gha/npm-ci').map((diagnostic) => diagnostic.range.start.line);
      equal(JSON.stringify(lines.sort()), JSON.stringify([13, 14]), 'lines of the findings');
    });

    // Last, so the view still shows this workflow when the suite ends: the code-server test then reads its graph.
    test('sums up the pipeline above jobs: (CodeLens), and its command opens the job graph beside the editor', async () => {
      const document = await open('.github/workflows/pipeline.yml');
      const lens = await until(
        async () => (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri)).find((candidate) => candidate.command?.command === 'shipcheck.showPipeline'),
        (listener) => vscode.languages.onDidChangeDiagnostics(listener),
        'the pipeline lens',
      );
      equal(lens.command!.title, '3 jobs · critical path lint → test → deploy', 'lens title');
      equal(document.getText(lens.range), 'jobs', 'the key under the lens');
      await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
      const tab = await until(
        async () => vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((candidate) => candidate.input instanceof vscode.TabInputWebview && candidate.input.viewType.endsWith('shipcheck.pipeline')),
        (listener) => vscode.window.tabGroups.onDidChangeTabs(listener),
        'the pipeline view',
      );
      equal(tab.label, 'Pipeline: pipeline.yml', 'the view is titled by the workflow shown');
      // The editor keeps the focus: the view opens beside it.
      equal(vscode.window.activeTextEditor?.document.uri.toString(), document.uri.toString(), 'the active editor');
    });
  });
}
