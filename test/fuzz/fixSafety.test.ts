import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { checkFixSafety } from '../helpers/fixSafety';
import { projectSamples } from '../helpers/fuzzInputs';

describe('fix safety over every fixture', { timeout: 120_000 }, () => {
  it('every fix and suggestion, one by one and all together, is safe', () => {
    let checked = 0;
    const failures: string[] = [];
    for (const sample of projectSamples()) {
      try {
        checked += checkFixSafety(sample);
      } catch (error) {
        failures.push(error instanceof Error ? error.message.split('\n')[0]! : String(error));
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(checked > 50, `only ${checked} fixes found in the fixtures`);
  });
});
