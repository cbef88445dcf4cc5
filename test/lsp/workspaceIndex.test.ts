import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { ServerHost } from '../../server/src/lsp/host';
import { WorkspaceIndex } from '../../server/src/lsp/projectIndex';

const PLAIN = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n';
const REUSABLE = 'on:\n  workflow_call:\n    inputs:\n      target: { type: string, required: true }\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make deploy\n';

/** A workspace whose files on disk are `disk`, and a record of the files each change asks to check again. */
function workspace(disk: Record<string, string>): { index: WorkspaceIndex; rechecked: string[][] } {
  const host: ServerHost = {
    docsHref: () => undefined,
    filePath: (url) => url.pathname,
    projectFacts: () => ({}),
    workspace: { yamlFiles: () => Object.keys(disk), readFile: (path) => disk[path] },
  };
  const rechecked: string[][] = [];
  const index = new WorkspaceIndex(host, (uris) => rechecked.push(uris));
  index.scanned(Object.keys(disk).map((path) => `file://${path}`));
  return { index, rechecked };
}

describe('workspace index', () => {
  it('does not check the open files again when a workflow that is not reusable is opened as it is on disk', () => {
    const { index, rechecked } = workspace({ '/w/.github/workflows/ci.yml': PLAIN, '/w/.github/workflows/lint.yml': PLAIN, '/w/k8s/app.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: app }\n' });
    index.edited('file:///w/k8s/app.yaml', 'apiVersion: v1\nkind: Service\nmetadata: { name: app }\n');
    index.edited('file:///w/.github/workflows/lint.yml', PLAIN);
    index.edited('file:///w/.github/workflows/ci.yml', PLAIN);
    assert.deepEqual(rechecked, [], 'nothing a caller reads has changed');
  });

  it('checks the open files again when what a reusable workflow declares changes, and when a workflow appears', () => {
    const { index, rechecked } = workspace({ '/w/.github/workflows/deploy.yml': REUSABLE, '/w/.github/workflows/ci.yml': PLAIN });
    index.edited('file:///w/.github/workflows/ci.yml', PLAIN);
    index.edited('file:///w/.github/workflows/deploy.yml', REUSABLE);
    assert.deepEqual(rechecked, [], 'opened as it is on disk');
    index.edited('file:///w/.github/workflows/deploy.yml', REUSABLE.replace('required: true', 'required: false'));
    assert.deepEqual(rechecked as string[][], [['file:///w/.github/workflows/ci.yml']], 'its callers may read the input');
    index.edited('file:///w/.github/workflows/new.yml', PLAIN);
    assert.deepEqual((rechecked as string[][]).at(-1)?.sort(), ['file:///w/.github/workflows/ci.yml', 'file:///w/.github/workflows/deploy.yml'], 'a call to it no longer names a missing file');
  });
});
