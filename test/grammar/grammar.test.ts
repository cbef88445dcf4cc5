import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers/fixtures';

// The injection grammar (syntaxes/, registered in package.json) on top of the YAML grammar VS Code ships.
describe('${{ }} injection grammar', () => {
  it('scopes contexts, operators, functions, strings and numbers inside YAML and run: blocks, and nothing outside ${{ }}', () => {
    const cli = require.resolve('vscode-tmgrammar-test/dist/unit.js');
    const yamlGrammar = require.resolve('tm-grammars/grammars/yaml.json');
    const run = spawnSync(process.execPath, [cli, '-g', yamlGrammar, '--config', join(ROOT, 'package.json'), 'test/grammar/*.test.yaml'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /expressions\.test\.yaml run successfuly/);
  });
});
