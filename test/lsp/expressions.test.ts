import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { CompletionRequest, DefinitionRequest, HoverRequest, type CompletionItem, type InitializeResult, type LocationLink, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { CompletionItemKind } from 'vscode-languageserver-types';
import { rangeOf, type Session, startSession, stopSession, TIMEOUT_MS, uriOf } from '../helpers/session';

const WORKFLOW = `on:
  issues:
  workflow_dispatch:
    inputs:
      target:
        type: choice
        options: [staging, prod]
        default: staging
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      version: \${{ steps.ver.outputs.value }}
    steps:
      - id: ver
        run: echo "value=1" >> "$GITHUB_OUTPUT"
  deploy:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh "\${{ needs.build.outputs.version }}" "\${{ inputs.target }}"
      - run: echo "\${{ github.event.issue.title }}"
      - run: echo "\${{ needs. }}"
`;

/** The position `after` characters into the first occurrence of `needle`. */
function at(needle: string, after: number): { line: number; character: number } {
  const { start } = rangeOf(WORKFLOW, needle);
  return { line: start.line, character: start.character + after };
}

describe('definition, completion and hover inside ${{ }} over the protocol', { timeout: 6 * TIMEOUT_MS }, () => {
  let session: Session;
  let initialized: InitializeResult;
  const uri = uriOf('.github/workflows/expressions.yml');

  before(async () => {
    ({ session, initialized } = await startSession({ capabilities: { textDocument: { hover: { contentFormat: ['markdown'] }, definition: { linkSupport: true } } } }));
    await session.open(uri, WORKFLOW);
  }, { timeout: TIMEOUT_MS });

  after(() => stopSession(session));

  it('goes from needs.build.outputs.version to the output key, and from inputs.target to the input', async () => {
    const links = (await session.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: at('outputs.version }}', 10) })) as LocationLink[];
    assert.equal(links.length, 1);
    assert.equal(links[0]!.targetUri, uri);
    assert.deepEqual(links[0]!.targetSelectionRange, { start: at('version:', 0), end: at('version:', 7) });
    assert.deepEqual(links[0]!.originSelectionRange, { start: at('version }}', 0), end: at('version }}', 7) });
    const input = (await session.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: at('inputs.target', 9) })) as LocationLink[];
    assert.deepEqual(input[0]!.targetSelectionRange, { start: at('target:', 0), end: at('target:', 6) });
  });

  it('has no definition for github.event nor outside ${{ }}', async () => {
    assert.equal(await session.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: at('github.event', 8) }), null);
    assert.equal(await session.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: at('./deploy.sh', 3) }), null);
  });

  it("completes after 'needs.' with the job's needs, and nothing outside ${{ }}", async () => {
    const items = (await session.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: at('needs. }}', 6), context: { triggerKind: 2, triggerCharacter: '.' } })) as CompletionItem[];
    assert.deepEqual(
      items.map(({ label, kind, detail }) => ({ label, kind, detail })),
      [{ label: 'build', kind: CompletionItemKind.Property, detail: "{ outputs, result } · job 'build' (in needs)" }],
    );
    assert.equal(await session.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: at('./deploy.sh', 3) }), null);
  });

  it("offers the contexts that hold something and the functions as soon as '${{' is typed, and nothing after a '{' elsewhere", async () => {
    const { capabilities } = initialized;
    assert.deepEqual(capabilities.completionProvider?.triggerCharacters, ['.', '{']);
    const items = (await session.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: at('{{ inputs.target', 2), context: { triggerKind: 2, triggerCharacter: '{' } })) as CompletionItem[];
    const labels = items.map((item) => item.label);
    for (const expected of ['github', 'inputs', 'needs', 'format', 'toJSON']) assert.ok(labels.includes(expected), `${expected} in ${labels.join(', ')}`);
    // The job has no matrix and no earlier step with an id: those contexts hold nothing here.
    for (const empty of ['matrix', 'steps']) assert.ok(!labels.includes(empty), `${empty} offered: ${labels.join(', ')}`);
    assert.equal(await session.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: at('[staging, prod]', 0), context: { triggerKind: 2, triggerCharacter: '{' } }), null);
  });

  it('hovers a path with its type and declaration, after the finding on the same text', async () => {
    const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: at('inputs.target', 9) });
    assert.equal((hover?.contents as MarkupContent).value, '`inputs.target`: `string`\n\nWorkflow_dispatch input (choice, default: staging), declared on line 5.');
    assert.deepEqual(hover?.range, { start: at('target }}', 0), end: at('target }}', 6) });
    const combined = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: at('issue.title', 8) });
    const sections = (combined?.contents as MarkupContent).value.split('\n\n---\n\n');
    assert.ok(sections.length >= 2, 'a finding and the expression');
    assert.equal(sections[sections.length - 1], '`github.event.issue.title`: `any`\n\nKnown only when the workflow runs.');
  });
});
