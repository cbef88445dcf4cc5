import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findExpressions } from '../../server/src/engine/languages/expressions';
import { assertLinear } from '../helpers/complexity';
import { checkLint, checkMutated, mutatedSamples, pathological, projectSamples } from '../helpers/fuzzInputs';

// Fixed seed: a failure here reproduces exactly; `npm run fuzz` explores with fresh seeds and many more runs.
const SEED = 20261126;
const RUNS = 2_000;

const samples = projectSamples();

describe('fuzzing the engine (seeded)', { timeout: 240_000 }, () => {
  it('hand-built pathological files: no exception, valid spans', () => {
    for (const sample of pathological()) {
      try {
        checkLint(sample.text, sample.path);
      } catch (error) {
        assert.fail(`${sample.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  });

  it(`${RUNS} structure-aware mutations of the project's fixtures`, () => {
    fc.assert(fc.property(mutatedSamples(samples), checkMutated),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('finding ${{ }} agrees with a plain rescanning reference, and stays linear on unclosed ones', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('$', '{', '}', "'", ' ', 'a'), maxLength: 60 }), (text) => {
        assert.deepEqual(findExpressions(text), referenceFindExpressions(text));
      }),
      { seed: SEED, numRuns: 3_000 },
    );
    assertLinear('findExpressions on unclosed ${{', (count) => `${"${{ '".repeat(count)}${'${{ '.repeat(count)}`, findExpressions, 10_000);
  });
});

/** The original quadratic scan, kept as the specification. */
function referenceFindExpressions(text: string): { start: number; end: number; innerStart: number; innerEnd: number; inner: string }[] {
  const spans = [];
  let from = 0;
  while (from < text.length) {
    const open = text.indexOf('${{', from);
    if (open < 0) break;
    let i = open + 3;
    let close = -1;
    while (i < text.length) {
      if (text[i] === "'") {
        const endQuote = text.indexOf("'", i + 1);
        if (endQuote < 0) break;
        i = endQuote + 1;
      } else if (text[i] === '}' && text[i + 1] === '}') {
        close = i;
        break;
      } else i++;
    }
    if (close < 0) {
      from = open + 3;
      continue;
    }
    spans.push({ start: open, end: close + 2, innerStart: open + 3, innerEnd: close, inner: text.slice(open + 3, close) });
    from = close + 2;
  }
  return spans;
}
