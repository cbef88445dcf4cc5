import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { heredocBody, outsideSubstitutions, secretInWord, secretsIn, stdoutRedirected, workflowFileTarget } from '../../server/src/engine/model/secrets';
import { parseShell } from '../../server/src/engine/languages/shell';

const vars = new Map([['TOKEN', 'secrets.NPM_TOKEN']]);

describe('secret tracking helpers', () => {
  it('finds secrets.* read by expressions', () => {
    assert.deepEqual(secretsIn('a ${{ secrets.A }} b ${{ secrets.B || github.token }} ${{ github.sha }}'), ['secrets.A', 'secrets.B']);
    assert.deepEqual(secretsIn("${{ secrets['C'] }}"), ['secrets.C']);
  });

  it('recognises a secret variable expanded in a word, but not its length or a :+ test', () => {
    assert.equal(secretInWord('x=$TOKEN', vars), 'secrets.NPM_TOKEN');
    assert.equal(secretInWord('${TOKEN:0:4}', vars), 'secrets.NPM_TOKEN');
    assert.equal(secretInWord('${#TOKEN}', vars), undefined);
    assert.equal(secretInWord('${TOKEN:+set}', vars), undefined);
    assert.equal(secretInWord('$TOKENIZER', vars), undefined);
  });

  it('cuts command substitutions out', () => {
    assert.equal(outsideSubstitutions('n=$(echo "$TOKEN" | wc -c) m=`id -u` $X'), 'n= m= $X');
  });

  it('finds heredoc bodies and output redirections', () => {
    const script = 'cat <<-EOF >> "$GITHUB_ENV"\n\tA=$TOKEN\n\tEOF\necho hi > /dev/stderr\necho x >/tmp/f';
    const [cat, toStderr, toFile] = parseShell(script);
    assert.equal(heredocBody(script, cat!.redirects[0]!)?.text, '\tA=$TOKEN\n');
    assert.equal(workflowFileTarget(cat!)?.file, 'GITHUB_ENV');
    assert.equal(stdoutRedirected(toStderr!), false);
    assert.equal(stdoutRedirected(toFile!), true);
  });
});
