import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { optionValue, resolveCommand } from '../../server/src/engine/commandLine';
import { parseShell } from '../../server/src/engine/shell';

const resolve = (script: string) => {
  const resolved = resolveCommand(parseShell(script)[0]!);
  return resolved && [resolved.program, ...resolved.args.map((word) => word.value)];
};

describe('resolveCommand', () => {
  it('peels launchers off to the program', () => {
    assert.deepEqual(resolve('npx --yes nyc check-coverage'), ['nyc', 'check-coverage']);
    assert.deepEqual(resolve('python3 -m pytest -q'), ['pytest', '-q']);
    assert.deepEqual(resolve('uv run coverage report'), ['coverage', 'report']);
    assert.deepEqual(resolve('pnpm exec vitest run'), ['vitest', 'run']);
    assert.deepEqual(resolve('env CI=1 /usr/local/bin/kubectl get pods'), ['kubectl', 'get', 'pods']);
  });

  it('keeps package scripts as what they are', () => {
    assert.deepEqual(resolve('npm run test -- --coverage'), ['npm', 'run', 'test', '--', '--coverage']);
    assert.deepEqual(resolve('yarn run build'), ['yarn', 'run', 'build']);
  });
});

describe('optionValue', () => {
  const args = parseShell('tool --timeout 5m --fail-under=100 -n')[0]!.words.slice(1);
  it('reads `--flag value` and `--flag=value`', () => {
    assert.equal(optionValue(args, ['--timeout'])?.value, '5m');
    assert.equal(optionValue(args, ['--fail-under'])?.value, '100');
    assert.equal(optionValue(args, ['--missing']), undefined);
  });
});
