import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import {
  ConfigurationRequest,
  DiagnosticSeverity,
  type Diagnostic,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
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
