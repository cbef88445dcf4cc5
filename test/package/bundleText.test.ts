import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

// Compiled to out/test/package/; reads the bundles `npm test` builds into dist/.
const REPO = join(__dirname, '../../..');

// V8 keeps a script's source in memory for as long as the script runs (it compiles functions lazily from it), one byte
// a character when every character is Latin-1 and two bytes otherwise: a single '→' left in a comment esbuild keeps
// doubles what the language server's 1.8 MB bundle costs in every editor. esbuild escapes strings and identifiers by
// itself; comments are ours to keep plain.
describe('bundles are stored one byte a character', () => {
  for (const bundle of ['server.js', 'serverCore.js', 'cli.js']) {
    it(`dist/${bundle} has only Latin-1 characters`, () => {
      const text = readFileSync(join(REPO, 'dist', bundle), 'utf8');
      const wide = /[^\u0000-\u00ff]/.exec(text);
      const line = wide ? text.slice(0, wide.index).split('\n').length : 0;
      assert.equal(wide, null, `dist/${bundle}:${line} has '${wide?.[0]}': ${wide ? text.slice(Math.max(0, wide.index - 60), wide.index + 20) : ''}`);
    });
  }
});
