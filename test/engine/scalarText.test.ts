import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMap, isScalar, parseDocument, type Scalar } from 'yaml';
import { scalarText } from '../../server/src/engine/yaml/scalarText';

function runScalar(source: string): Scalar {
  const doc = parseDocument(source);
  assert.ok(isMap(doc.contents));
  const node = doc.contents.get('run', true);
  assert.ok(isScalar(node));
  return node;
}

/** Every occurrence of `word` in the value maps back to the same word in the file. */
function assertMapsWord(source: string, word: string): void {
  const text = scalarText(source, runScalar(source));
  assert.ok(text, 'scalar could not be mapped');
  let from = 0;
  let found = 0;
  for (let at = text.value.indexOf(word, from); at >= 0; at = text.value.indexOf(word, from)) {
    const span: { start: number; end: number } | undefined = text.sourceSpan(at, at + word.length);
    assert.ok(span, `no span for ${word} at ${at}`);
    assert.equal(source.slice(span.start, span.end), word);
    from = at + word.length;
    found++;
  }
  assert.ok(found > 0, `${word} not in value`);
}

describe('scalarText maps a scalar value back to the file', () => {
  it('plain', () => assertMapsWord('run: npm install\n', 'install'));
  it('literal block with indentation', () => assertMapsWord('run: |\n    echo hi\n    npm install\n', 'install'));
  it('literal block with header and comment', () => assertMapsWord('run: |-  # the script\n  npm install\n', 'install'));
  it('folded block', () => assertMapsWord('run: >\n  npm\n  install\n\n  npm test\n', 'install'));
  it('multi-line plain scalar', () => assertMapsWord('run: npm\n  install\n', 'install'));
  it('double quotes with escapes before the word', () => assertMapsWord('run: "echo \\"x\\"\\n npm install"\n', 'install'));
  it('single quotes with a doubled quote', () => assertMapsWord("run: 'echo ''x'' && npm install'\n", 'install'));
  it('CRLF line endings', () => assertMapsWord('run: |\r\n  npm ci\r\n  npm install\r\n', 'install'));
  it('unicode before the word', () => assertMapsWord('run: |\n  echo "🚀 déploiement"\n  npm install\n', 'install'));

  it('refuses escapes it does not follow rather than guessing', () => {
    const source = 'run: "echo \\u00e9 npm install"\n';
    assert.equal(scalarText(source, runScalar(source)), undefined);
  });
});
