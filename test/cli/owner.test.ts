import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { json, onlyRules, shipcheck, workspace } from '../helpers/cli';

const WORKFLOW = 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: acme/setup-action@main\n';
const REMOTE = '[core]\n\trepositoryformatversion = 0\n[remote "origin"]\n\turl = git@github.com:acme/web.git\n';

/** The severity of the one gha/unpinned-action finding for `acme/setup-action@main` in a repository with these files. */
function severity(files: Record<string, string>): string[] {
  const root = workspace({ '.shipcheck.yaml': onlyRules(['gha/unpinned-action']), '.github/workflows/ci.yml': WORKFLOW, ...files });
  return json(shipcheck(root, '--format', 'json', '--fail-on', 'none')).findings.map((finding) => `${finding.ruleId}:${finding.severity}`);
}

describe("the repository's owner, for its own actions pinned to a branch", () => {
  it("comes from .git/config's GitHub remote", () => {
    assert.deepEqual(severity({ '.git/config': REMOTE }), ['gha/unpinned-action:info']);
    assert.deepEqual(severity({ '.git/config': REMOTE.replace('acme/web', 'someone/web') }), ['gha/unpinned-action:warning']);
    assert.deepEqual(severity({}), ['gha/unpinned-action:warning'], 'no repository, no owner');
  });

  it('or from `owner:` in .shipcheck.yaml, which wins over the remote', () => {
    assert.deepEqual(severity({ '.shipcheck.yaml': onlyRules(['gha/unpinned-action'], 'owner: acme\n') }), ['gha/unpinned-action:info']);
    assert.deepEqual(severity({ '.git/config': REMOTE, '.shipcheck.yaml': onlyRules(['gha/unpinned-action'], 'owner: someone\n') }), ['gha/unpinned-action:warning']);
  });
});
