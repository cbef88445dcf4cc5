import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseShell } from '../../server/src/engine/languages/shell';

const programs = (script: string) => parseShell(script).map((command) => command.words.map((word) => word.value).join(' '));

describe('parseShell', () => {
  it('splits on newlines, ;, &&, ||, pipes and subshells', () => {
    assert.deepEqual(programs('a 1\nb 2; c && d || e | f & g\n(h)'), ['a 1', 'b 2', 'c', 'd', 'e', 'f', 'g', 'h']);
  });

  it('skips comments, but not # inside words or quotes', () => {
    assert.deepEqual(programs('# npm install\necho a#b "c # d" # tail'), ['echo a#b c # d']);
  });

  it('joins line continuations into one command', () => {
    assert.deepEqual(programs('npm install \\\n  left-pad \\\n  --save'), ['npm install left-pad --save']);
  });

  it('removes quotes and keeps ${{ }} and $( ) words whole', () => {
    assert.deepEqual(programs(`echo "a b" 'c d' \${{ matrix.os }} $(date +%s) "x\${{ a }}y"`), ['echo a b c d ${{ matrix.os }} $(date +%s) x${{ a }}y']);
  });

  it('ignores heredoc bodies (plain, quoted and <<- forms)', () => {
    const script = "cat <<EOF > f\nnpm install\nEOF\ncat <<-'END'\n\tnpm install\n\tEND\nnpm ci";
    assert.deepEqual(programs(script), ['cat', 'cat', 'npm ci']);
  });

  it('drops redirections and their targets', () => {
    assert.deepEqual(programs('npm install > log.txt 2>&1\nnpm test 2> err <<< input'), ['npm install', 'npm test']);
  });

  it('skips assignments, sudo and shell keywords before the program', () => {
    assert.deepEqual(programs('CI=1 FOO=bar npm install'), ['npm install']);
    assert.deepEqual(programs('if ! sudo npm install; then exit 1; fi'), ['npm install', 'exit 1', 'fi']);
  });

  it('gives word offsets into the script as written', () => {
    const script = 'cd web && npm  install';
    const [, npm] = parseShell(script);
    const install = npm!.words[1]!;
    assert.equal(script.slice(install.start, install.end), 'install');
  });

  it('keeps redirections aside with their operators, and marks commands that pipe their output', () => {
    const commands = parseShell('echo "a=$X" >> "$GITHUB_OUTPUT"\necho $T | docker login --password-stdin\nfoo 2>&1 || bar\ncat <<EOF\nbody\nEOF');
    const redirects = commands.map((command) => command.redirects.map((r) => `${r.operator} ${r.target.value}`));
    assert.deepEqual(redirects, [['>> $GITHUB_OUTPUT'], [], [], ['2>& 1'], [], ['<< EOF']]);
    assert.deepEqual(commands.map((command) => command.pipesOut), [false, true, false, false, false, false]);
  });
});
