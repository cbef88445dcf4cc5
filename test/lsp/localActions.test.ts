import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { DidChangeWatchedFilesNotification, FileChangeType, type Diagnostic, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { rangeOf, type Session, startInFolder, stopSession, TIMEOUT_MS } from '../helpers/session';
import { tempWorkspace } from '../helpers/tempWorkspace';

const ACTION = `name: Greet
inputs:
  who:
    required: true
runs:
  using: composite
  steps:
    - run: echo "hello $WHO"
      shell: bash
      env:
        WHO: \${{ inputs.who }}
`;
const WORKFLOW = `on: push
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/greet
        with:
          name: world
`;
const INPUTS = 'gha/action-inputs';

describe('local actions in the server', { timeout: 8 * TIMEOUT_MS }, () => {
  const { root, write } = tempWorkspace('shipcheck-local-actions-');
  write('.shipcheck.yaml', 'preset: strict\n');
  const action = write('.github/actions/greet/action.yml', ACTION);
  const workflow = write('.github/workflows/greet.yml', WORKFLOW);
  let session: Session;

  const inputFindings = (diagnostics: Diagnostic[]): string[] => diagnostics.filter((diagnostic) => diagnostic.code === INPUTS).map((diagnostic) => (typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value));
  const until = (from: number, uri: string, test: (params: PublishDiagnosticsParams) => boolean) =>
    session.waitForDiagnostics(from, (params) => params.uri === uri && test(params));

  before(async () => {
    ({ session } = await startInFolder(root));
  }, { timeout: TIMEOUT_MS });

  after(async () => {
    await stopSession(session);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('checks the workflow against the action.yml, and again when the action.yml changes in the editor and on disk', async () => {
    const opened = inputFindings(await session.open(workflow, WORKFLOW));
    assert.equal(opened.length, 2, opened.join('\n'));
    assert.ok(opened.some((message) => message.includes("no input 'name'")));
    assert.ok(opened.some((message) => message.includes("requires input 'who'")));

    // The action renames its input in the editor: the open workflow is checked again and now passes what it needs.
    let from = session.published.length;
    await session.open(action, ACTION);
    await session.applyEdits(action, [{ range: rangeOf(ACTION, 'who:'), newText: 'name:' }]);
    assert.deepEqual(inputFindings((await until(from, workflow, (params) => inputFindings(params.diagnostics).length === 0)).diagnostics), []);

    // Back to 'who' on disk, the editor closed: the workflow's findings come back.
    from = session.published.length;
    write('.github/actions/greet/action.yml', ACTION);
    await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: action, type: FileChangeType.Changed }] });
    await session.connection.sendNotification('textDocument/didClose', { textDocument: { uri: action } });
    assert.equal(inputFindings((await until(from, workflow, (params) => inputFindings(params.diagnostics).length === 2)).diagnostics).length, 2);
  });
});
