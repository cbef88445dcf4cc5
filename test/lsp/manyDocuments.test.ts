import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { CodeAction, CodeActionRequest, HoverRequest } from 'vscode-languageserver-protocol/node';
import { codes, editsOf, rangeOf, type Session, startSession, stopSession, TIMEOUT_MS, uriOf } from '../helpers/session';

// Non-Latin-1 text and CRLF line endings before the finding, so a wrong position or a mangled text shows.
const WORKFLOW = [
  '# Überprüfung — 检查 🚀',
  'name: ci',
  'on: push',
  'permissions:',
  '  contents: read',
  'jobs:',
  '  test:',
  '    runs-on: ubuntu-latest',
  '    timeout-minutes: 10',
  '    steps:',
  '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2',
  '      - run: npm install',
  '',
].join('\r\n');

// More than the documents the server keeps lint results for (32): the first one opened is linted again when asked about.
const OTHERS = 40;

describe('documents read back after the server let their lint result go', { timeout: 6 * TIMEOUT_MS }, () => {
  let session: Session;
  const uri = uriOf('.github/workflows/first.yml');

  before(async () => {
    ({ session } = await startSession());
    assert.deepEqual(codes(await session.open(uri, WORKFLOW)), ['gha/npm-ci']);
    for (let index = 0; index < OTHERS; index++) await session.open(uriOf(`.github/workflows/other${index}.yml`), WORKFLOW.replace('name: ci', `name: ci${index}`));
  }, { timeout: 4 * TIMEOUT_MS });

  after(() => stopSession(session));

  it('explains the finding on hover, at its range', async () => {
    const range = rangeOf(WORKFLOW, 'npm install');
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: range.start.line, character: range.start.character + 2 } });
    assert.ok(hover && typeof hover.contents === 'object' && 'value' in hover.contents, 'expected a hover');
    assert.match(hover.contents.value, /gha\/npm-ci/);
    assert.deepEqual(hover.range, range);
  });

  it('fixes every safe problem at once, keeping the rest of the text as it was', async () => {
    const actions = await session.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    const fixAll = (actions ?? []).filter((action): action is CodeAction => CodeAction.is(action));
    assert.equal(fixAll.length, 1);
    // Fix-all's edit is worked out against the document's text: any difference from the client's would show here.
    const fixed = await session.applyEdits(uri, editsOf(fixAll[0]!, uri));
    assert.equal(fixed.text, WORKFLOW.replace('npm install', 'npm ci'));
    assert.deepEqual(codes(fixed.diagnostics), []);
  });

  it('applies incremental changes to such a document and reports at the new positions', async () => {
    // Opened before all the others: its result is gone.
    const other = uriOf('.github/workflows/other0.yml');
    const before = session.text(other);
    const changed = await session.applyEdits(other, [{ range: rangeOf(before, 'npm install'), newText: 'npm install --no-audit' }]);
    assert.deepEqual(codes(changed.diagnostics), ['gha/npm-ci']);
    const diagnostic = changed.diagnostics.find((candidate) => candidate.code === 'gha/npm-ci')!;
    assert.deepEqual(diagnostic.range, rangeOf(changed.text, 'npm install'));
    const actions = await session.codeActions(other, diagnostic);
    const fix = actions.find((action) => action.isPreferred);
    assert.ok(fix, `no preferred action among ${actions.map((action) => action.title).join(', ')}`);
    const fixed = await session.applyEdits(other, editsOf(fix, other));
    assert.equal(fixed.text, changed.text.replace('npm install', 'npm ci'));
  });
});
