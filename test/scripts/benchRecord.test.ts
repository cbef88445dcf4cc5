import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

// Compiled to out/test/scripts/; the bench's own module, as `npm run bench` uses it.
const RECORD = join(__dirname, '../../../bench/record.mjs');

type RecordResults = (results: unknown, markdown: string, where: { root: string; corpus: string }) => string;

describe('npm run bench: where the results go', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'shipcheck-bench-record-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  async function record(name: string, withCorpus: boolean): Promise<{ root: string; said: string }> {
    const root = join(scratch, name);
    mkdirSync(join(root, 'bench'), { recursive: true });
    const corpus = join(scratch, `${name}-corpus`);
    if (withCorpus) mkdirSync(corpus);
    const { recordResults } = (await import(RECORD)) as { recordResults: RecordResults };
    return { root, said: recordResults({ run: name }, `# ${name}\n`, { root, corpus }) };
  }

  it('without the corpus (a fresh clone) writes bench/results.local.md and leaves BENCHMARKS.md and results.json alone', async () => {
    const { root, said } = await record('fresh', false);
    assert.equal(readFileSync(join(root, 'bench/results.local.md'), 'utf8'), '# fresh\n');
    assert.equal(existsSync(join(root, 'BENCHMARKS.md')), false);
    assert.equal(existsSync(join(root, 'bench/results.json')), false);
    assert.match(said, /results\.local\.md/);
  });

  it('with the corpus writes BENCHMARKS.md and bench/results.json', async () => {
    const { root } = await record('full', true);
    assert.equal(readFileSync(join(root, 'BENCHMARKS.md'), 'utf8'), '# full\n');
    assert.deepEqual(JSON.parse(readFileSync(join(root, 'bench/results.json'), 'utf8')), { run: 'full' });
    assert.equal(existsSync(join(root, 'bench/results.local.md')), false);
  });
});
