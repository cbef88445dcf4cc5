import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { json, onlyRules, shipcheck, workspace } from '../helpers/cli';

const WORKFLOW = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: npm install
      - run: npm install
        working-directory: tools
      - run: cd tools && npm install
      - run: npm install
        working-directory: docs-site
      - run: npm install
        working-directory: \${{ matrix.dir }}
`;

describe('gha/npm-ci and the lockfiles on disk', () => {
  it("asks for npm ci only where the install's folder has a lockfile, or where the folder is not known", () => {
    const root = workspace({
      '.shipcheck.yaml': onlyRules(['gha/npm-ci']),
      '.git/config': '',
      'package.json': '{}',
      'tools/package.json': '{}',
      'docs-site/package.json': '{}',
      'docs-site/package-lock.json': '{}',
      '.github/workflows/ci.yml': WORKFLOW,
    });
    const lines = json(shipcheck(root, '--format', 'json')).findings.map((finding) => `${finding.line}:${finding.ruleId}`);
    assert.deepEqual(lines, ['10:gha/npm-ci', '12:gha/npm-ci']);
  });
});
