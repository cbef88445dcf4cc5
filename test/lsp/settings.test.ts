import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import {
  ConfigurationRequest,
  DiagnosticSeverity,
  type Diagnostic,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  HoverRequest,
} from 'vscode-languageserver-protocol/node';
import { codes, type Session, startSession, stopSession, TIMEOUT_MS, uriOf } from '../helpers/session';

const WORKFLOW = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm install\n';
const BROKEN = 'jobs:\n  build: [unclosed\n';

describe('language server settings (workspace/configuration)', { timeout: 6 * TIMEOUT_MS }, () => {
  let session: Session;
  let settings: Record<string, unknown> = {};
  const asked: (string | undefined)[] = [];

  before(async () => {
    ({ session } = await startSession({
      // A client that shows hovers as plain text only.
      capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true }, hover: { contentFormat: ['plaintext'] } } },
      // The VS Code client says so when the Red Hat YAML extension, which reports syntax errors itself, is active, and
      // GitHub's Actions extension, which checks workflows against GitHub's schema.
      initializationOptions: { yamlExtensionActive: true, actionsExtensionActive: true },
    }));
    session.connection.onRequest(ConfigurationRequest.type, (params) => {
      asked.push(...params.items.map((item) => item.section));
      return params.items.map(() => settings);
    });
  }, { timeout: TIMEOUT_MS });

  after(() => stopSession(session));

  async function changeSettings(next: Record<string, unknown>, uri: string, version: number): Promise<void> {
    settings = next;
    const from = session.published.length;
    await session.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await session.waitForDiagnostics(from, (params) => params.uri === uri && params.version === version);
  }

  it('asks for the shipcheck section and honours a rule turned off, then a severity raised without a restart', async () => {
    settings = { rules: { 'gha/npm-ci': 'off' } };
    const uri = uriOf('.github/workflows/settings.yml');
    assert.deepEqual(codes(await session.open(uri, WORKFLOW)), []);
    assert.ok(asked.includes('shipcheck'));
    const from = session.published.length;
    await changeSettings({ rules: { 'gha/npm-ci': 'error' } }, uri, 1);
    const republished = session.published.slice(from).find((params) => params.uri === uri)!;
    const npm = republished.diagnostics.find((diagnostic) => diagnostic.code === 'gha/npm-ci');
    assert.equal(npm?.severity, DiagnosticSeverity.Error);
  });

  it('checks nothing when disabled', async () => {
    const uri = uriOf('.github/workflows/settings.yml');
    const from = session.published.length;
    await changeSettings({ enable: false }, uri, 1);
    assert.deepEqual(session.published.slice(from).find((params) => params.uri === uri)?.diagnostics, []);
  });

  it('leaves syntax errors to the YAML extension in auto mode, and reports them when asked to', async () => {
    settings = {};
    const uri = uriOf('broken.yaml');
    assert.deepEqual(codes(await session.open(uri, BROKEN)), []);
    const from = session.published.length;
    await changeSettings({ syntaxErrors: 'on' }, uri, 1);
    assert.deepEqual(codes(session.published.slice(from).find((params) => params.uri === uri)!.diagnostics), ['shipcheck/yaml-syntax']);
  });

  it("leaves the schema's findings to GitHub's Actions extension in auto mode, not the checks it lacks", async () => {
    settings = { preset: 'strict', rules: Object.fromEntries(['gha/permissions', 'gha/checkout-credentials', 'gha/job-timeout', 'gha/npm-ci'].map((id) => [id, 'off'])) };
    const uri = uriOf('.github/workflows/schema.yml');
    // 'runs_on' is an unknown key (the extension reports it); 'shell: bashh' is a shell name it does not check.
    const text = 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    runs_on: ubuntu-latest\n    steps:\n      - run: make\n        shell: bashh\n';
    const syntax = (diagnostics: Diagnostic[]) => diagnostics.filter((diagnostic) => diagnostic.code === 'gha/syntax').map((diagnostic) => String(diagnostic.message));
    const auto = syntax(await session.open(uri, text));
    assert.equal(auto.length, 1, auto.join(' | '));
    assert.match(auto[0]!, /bashh/);
    const from = session.published.length;
    await changeSettings({ ...settings, syntaxErrors: 'on' }, uri, 1);
    assert.equal(syntax(session.published.slice(from).find((params) => params.uri === uri)!.diagnostics).length, 2);
  });

  it('with run: onSave, checks on save and not on every change', async () => {
    settings = { run: 'onSave' };
    const uri = uriOf('.github/workflows/on-save.yml');
    assert.deepEqual(codes(await session.open(uri, WORKFLOW.replace('npm install', 'npm ci'))), []);
    const from = session.published.length;
    await session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: WORKFLOW }] });
    // Had the server queued a check for the change, it would have published before saying it is idle.
    await session.idle();
    assert.equal(session.published.slice(from).filter((params) => params.uri === uri).length, 0, 'published on change');
    await session.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
    const saved = await session.waitForDiagnostics(from, (params) => params.uri === uri && params.version === 2);
    assert.deepEqual(codes(saved.diagnostics), ['gha/npm-ci']);
  });

  it('answers hovers in plain text to a client that does not take Markdown', async () => {
    settings = {};
    const uri = uriOf('k8s/rollout.yaml');
    const text = 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\nspec:\n  strategy:\n    canary:\n      steps:\n        - setWeight: 50\n';
    await session.open(uri, text);
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 5, character: 4 } });
    assert.ok(hover && typeof hover.contents === 'object' && 'kind' in hover.contents, 'expected a hover');
    assert.equal(hover.contents.kind, 'plaintext');
    assert.match(hover.contents.value, /^This Rollout releases as a canary/);
    assert.doesNotMatch(hover.contents.value, /\*\*|\|---/);
  });
});

// VS Code for the web sends didChangeConfiguration while the server's first settings request for a document is still
// unanswered (it loads the folder's settings after the first documents open). The document must then be checked with
// the settings after the change, and never published with those from before it or with the defaults.
function within(promise: Promise<void>, what: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), TIMEOUT_MS)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('language server settings: a change while the first request is unanswered', { timeout: 3 * TIMEOUT_MS }, () => {
  let session: Session;
  before(async () => {
    ({ session } = await startSession({ capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true } } } }));
  }, { timeout: TIMEOUT_MS });
  after(() => stopSession(session));

  it('checks the document with the settings after the change', async () => {
    let settings: Record<string, unknown> = { rules: { 'gha/npm-ci': 'off' } };
    const held: (() => void)[] = [];
    let onRequest = (): void => {};
    const uri = uriOf('.github/workflows/web-settings.yml');
    // The document's requests are held until the test answers them; any other (the workspace scan's) is answered at once.
    session.connection.onRequest(ConfigurationRequest.type, (params) => {
      const answer = params.items.map(() => settings);
      if (!params.items.some((item) => item.scopeUri === uri)) return answer;
      onRequest();
      return new Promise<unknown[]>((resolve) => held.push(() => resolve(answer)));
    });
    const requested = (): Promise<void> => new Promise((resolve) => (onRequest = resolve));
    const from = session.published.length;
    const first = requested();
    await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text: WORKFLOW } });
    await first;
    settings = { rules: { 'gha/npm-ci': 'error' } };
    await session.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    const second = requested();
    held.shift()!();
    await within(second, 'the server to ask again after the change');
    held.shift()!();
    await session.waitForDiagnostics(from, (params) => params.uri === uri);
    await session.idle();
    const levels = session.published.slice(from).filter((params) => params.uri === uri).map((params) => params.diagnostics.find((diagnostic) => diagnostic.code === 'gha/npm-ci')?.severity);
    assert.ok(levels.length > 0);
    assert.deepEqual(levels, levels.map(() => DiagnosticSeverity.Error), 'every publication with the settings after the change');
  });

  it('does not reuse a check made while the settings were being asked again', async () => {
    const uri = uriOf('.github/workflows/web-settings-2.yml');
    let settings: Record<string, unknown> = { rules: { 'gha/npm-ci': 'off' } };
    const held: (() => void)[] = [];
    let hold = false;
    session.connection.onRequest(ConfigurationRequest.type, (params) => {
      const answer = params.items.map(() => settings);
      if (!hold || !params.items.some((item) => item.scopeUri === uri)) return answer;
      return new Promise<unknown[]>((resolve) => held.push(() => resolve(answer)));
    });
    assert.ok(!codes(await session.open(uri, WORKFLOW)).includes('gha/npm-ci'));
    hold = true;
    settings = { rules: { 'gha/npm-ci': 'error' } };
    // An edit whose check is queued before the settings change, then the change, then its answer.
    const from = session.published.length;
    const edited = session.applyEdits(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '# edited\n' }]);
    await session.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    while (held.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    held.shift()!();
    await edited;
    await session.idle();
    const levels = session.published.slice(from).filter((params) => params.uri === uri).map((params) => params.diagnostics.find((diagnostic) => diagnostic.code === 'gha/npm-ci')?.severity);
    assert.ok(levels.length > 0);
    assert.deepEqual(levels, levels.map(() => DiagnosticSeverity.Error), 'not the defaults while the settings were out, nor a check made with them');
  });
});
