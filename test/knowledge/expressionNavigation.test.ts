import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseYamlFile } from '../../server/src/engine/yaml/yamlFile';
import { expressionCompletions, expressionDefinition, expressionHover } from '../../server/src/knowledge/expressionNavigation';

const PATH = '.github/workflows/ci.yml';

/** The workflow with the cursor at the `|` (removed), and its text. */
function at(source: string): { file: ReturnType<typeof parseYamlFile>; offset: number; text: string } {
  const offset = source.indexOf('|');
  assert.ok(offset >= 0, 'mark the cursor with |');
  const text = source.slice(0, offset) + source.slice(offset + 1);
  return { file: parseYamlFile(text, PATH), offset, text };
}

const workflow = (use: string, more = '') => `on:
  workflow_dispatch:
    inputs:
      env-name:
        type: choice
        default: staging
        options: [staging, prod]
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
    strategy:
      matrix:
        region: [eu, us]
    steps:
      - id: first
        run: echo hi
      - run: echo "${use}"
${more}`;

/** The text a definition points at. */
function definitionText(source: string): string | undefined {
  const { file, offset, text } = at(source);
  const found = expressionDefinition(file, offset);
  return found && `${text.slice(found.origin.start, found.origin.end)} -> ${text.slice(found.target.start, found.target.end)}`;
}

describe('expression go to definition', () => {
  it('goes from steps.X to the step id, needs.X to the job key, needs.X.outputs.Y to the output key', () => {
    assert.equal(definitionText(workflow('${{ steps.fi|rst.outcome }}')), 'first -> first');
    assert.equal(definitionText(workflow('${{ needs.bu|ild.result }}')), 'build -> build');
    const { file, offset, text } = at(workflow('${{ needs.build.outputs.vers|ion }}'));
    const found = expressionDefinition(file, offset)!;
    assert.equal(text.slice(found.target.start, found.target.end), 'version');
    assert.equal(text.slice(0, found.target.start).split('\n').length, 12, 'the key under outputs: of job build');
  });

  it('goes from inputs.Z and matrix.K to their keys, and from a path in a condition', () => {
    assert.equal(definitionText(workflow('${{ inputs.env-na|me }}')), 'env-name -> env-name');
    assert.equal(definitionText(workflow('${{ matrix.reg|ion }}')), 'region -> region');
    assert.equal(definitionText(workflow('x', '        if: steps.fir|st.outcome == \'success\'\n')), 'first -> first');
  });

  it("in a composite action, goes to the action's own inputs and steps", () => {
    const source = `name: setup
inputs:
  version:
    default: '20'
runs:
  using: composite
  steps:
    - id: probe
      run: echo ok
      shell: bash
    - run: echo "\${{ inputs.vers|ion }} \${{ steps.probe.outcome }}"
      shell: bash
`;
    const offset = source.indexOf('|');
    const text = source.slice(0, offset) + source.slice(offset + 1);
    const file = parseYamlFile(text, 'setup/action.yml');
    const found = expressionDefinition(file, offset)!;
    assert.equal(text.slice(found.target.start, found.target.end), 'version');
    assert.equal(text.slice(0, found.target.start), 'name: setup\ninputs:\n  ');
    assert.deepEqual(
      expressionCompletions(file, text.indexOf('probe.outcome'))?.items.map((i) => i.label),
      ['probe'],
    );
  });

  it('has no definition for what the file does not declare, nor outside ${{ }}', () => {
    assert.equal(definitionText(workflow('${{ github.s|ha }}')), undefined);
    assert.equal(definitionText(workflow('${{ steps.first.out|come }}')), undefined);
    assert.equal(definitionText(workflow('steps.fi|rst ${{ github.sha }}')), undefined);
    assert.equal(definitionText(workflow('${{ steps.nope|x.outcome }}')), undefined);
  });
});

function labels(source: string): string[] | undefined {
  const { file, offset } = at(source);
  return expressionCompletions(file, offset)?.items.map((item) => item.label);
}

describe('expression completion', () => {
  it('offers the earlier steps after steps., and what a step holds after steps.X.', () => {
    assert.deepEqual(labels(workflow('${{ steps.| }}')), ['first']);
    assert.deepEqual(labels(workflow('${{ steps.first.| }}')), ['outputs', 'outcome', 'conclusion']);
  });

  it("offers the job's needs, their outputs, inputs and matrix keys, also in an unclosed ${{", () => {
    assert.deepEqual(labels(workflow('${{ needs.| }}')), ['build']);
    assert.deepEqual(labels(workflow('${{ needs.build.outputs.v| }}')), ['version']);
    assert.deepEqual(labels(workflow('${{ inputs.|')), ['env-name']);
    assert.deepEqual(labels(workflow('${{ matrix.|')), ['region']);
    assert.ok(labels(workflow('${{ github.| }}'))!.includes('sha'));
  });

  it('offers the contexts the key allows at the top level, with functions', () => {
    const items = labels(workflow('${{ | }}'))!;
    assert.ok(items.includes('steps') && items.includes('secrets') && items.includes('format'));
    // A job's `if:` cannot read secrets or steps.
    const condition = labels(workflow('x').replace('  deploy:\n', "  deploy:\n    if: ${{ | }}\n"))!;
    assert.ok(condition.includes('needs') && !condition.includes('secrets') && !condition.includes('steps'), condition.join(','));
  });

  it('offers nothing outside ${{ }}, in a string literal, or where nothing is known', () => {
    assert.equal(labels(workflow('steps.| ${{ github.sha }}')), undefined);
    assert.equal(labels(workflow("${{ format('steps.|') }}")), undefined);
    assert.deepEqual(labels(workflow('${{ github.event.pull_request.| }}')), []);
    // The payload is untyped but for the workflow_dispatch inputs this workflow declares.
    assert.deepEqual(labels(workflow('${{ github.event.| }}')), ['inputs']);
    assert.deepEqual(labels(workflow('${{ github.event.inputs.| }}')), ['env-name']);
    assert.equal(labels(`name: x|\non: push\njobs: {}\n`), undefined);
  });

  it('gives each item a kind and a detail', () => {
    const { file, offset } = at(workflow('${{ inputs.| }}'));
    assert.deepEqual(expressionCompletions(file, offset)!.items, [{ label: 'env-name', kind: 'property', detail: 'string · workflow_dispatch input (choice, default: staging)' }]);
  });
});

function hoverText(source: string): string | undefined {
  const { file, offset } = at(source);
  return expressionHover(file, offset)?.markdown;
}

describe('expression hover', () => {
  it('says the type and where the value comes from', () => {
    assert.equal(hoverText(workflow('${{ inputs.env-n|ame }}')), '`inputs.env-name`: `string`\n\nWorkflow_dispatch input (choice, default: staging), declared on line 4.');
    assert.match(hoverText(workflow('${{ needs.build.outputs.vers|ion }}'))!, /`needs\.build\.outputs\.version`: `string`\n\nOutput of job 'build', declared on line 12\./);
    assert.match(hoverText(workflow('${{ needs.bu|ild.outputs.version }}'))!, /`needs\.build`: `\{ outputs, result \}`\n\nJob 'build' \(in needs\)/);
    assert.match(hoverText(workflow('${{ ste|ps.first.outcome }}'))!, /earlier steps/);
  });

  it("lists what this workflow's triggers set github.ref and github.event_name to", () => {
    const triggered = (use: string) => workflow(use).replace('on:\n', 'on:\n  push:\n    branches: [main, release/*]\n  pull_request:\n');
    assert.equal(
      hoverText(triggered('${{ github.r|ef }}')),
      "`github.ref`: `string`\n\nWith this workflow's triggers: `refs/heads/main`, `refs/heads/release/…`, `refs/pull/…/merge`; not known on `workflow_dispatch`.",
    );
    assert.equal(hoverText(triggered('${{ github.event_n|ame }}')), "`github.event_name`: `string`\n\nWith this workflow's triggers: `push`, `pull_request`, `workflow_dispatch`.");
    assert.equal(hoverText(triggered('${{ github.s|ha }}')), '`github.sha`: `string`');
  });

  it('has no hover outside ${{ }} nor on an unknown name', () => {
    assert.equal(hoverText(workflow('steps.fi|rst')), undefined);
    assert.equal(hoverText(workflow('${{ steps.nop|e }}')), undefined);
  });
});
