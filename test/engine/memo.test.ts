import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { IncrementalLinter } from '../../server/src/engine/incremental/incremental';
import { briefly, detach, TextCache } from '../../server/src/engine/incremental/memo';
import { RULES } from '../../server/src/rules';
import { collect, collectYoung, liveMiB } from '../helpers/heap';

// As the language server runs (server.ts), from the start: else objects V8 chose to allocate in the old generation
// keep a keystroke's garbage alive through young collections, whatever the engine does.
setFlagsFromString('--no-allocation-site-pretenuring');

describe('TextCache', () => {
  it('computes each pair of texts once', () => {
    const cache = new TextCache<string>(10);
    let computed = 0;
    const get = (a: string, b: string) => cache.get(a, b, () => `${a}|${b}|${++computed}`);
    assert.equal(get('a', 'b'), 'a|b|1');
    assert.equal(get('a', 'b'), 'a|b|1');
    assert.equal(get('a', 'c'), 'a|c|2');
    assert.equal(get('ab', ''), 'ab||3');
    assert.equal(cache.size, 3);
  });

  it('empties itself when it would hold more than its limit', () => {
    const cache = new TextCache<number>(3);
    let computed = 0;
    for (const key of ['a', 'b', 'c']) cache.get(key, '', () => ++computed);
    assert.equal(cache.size, 3);
    assert.equal(cache.get('d', '', () => ++computed), 4);
    assert.equal(cache.size, 1);
    assert.equal(cache.get('a', '', () => ++computed), 5, 'a was forgotten');
    assert.equal(cache.get('d', '', () => ++computed), 4, 'd was kept');
    for (let i = 0; i < 100; i++) cache.get(`k${i}`, '', () => i);
    assert.ok(cache.size <= 3);
  });
});

describe('TextCache in brief runs', () => {
  it('keeps what a brief run works out only until the next brief run', () => {
    const cache = new TextCache<number>(10);
    let computed = 0;
    const get = (key: string): number => cache.get(key, '', () => ++computed);
    assert.equal(get('kept'), 1);
    briefly(() => {
      assert.equal(get('kept'), 1, 'what was kept for good is found in a brief run');
      assert.equal(get('opened'), 2);
      assert.equal(get('opened'), 2, 'and what the brief run worked out, within it');
    });
    assert.equal(cache.size, 2);
    briefly(() => assert.equal(get('other'), 3));
    assert.equal(briefly(() => get('opened')), 4, 'forgotten by the next brief run');
    assert.equal(get('kept'), 1);
    assert.equal(cache.size, 2, 'kept for good, and what the last brief run worked out');
  });

  it('keeps for good what a run that is not brief asks for after a brief one worked it out', () => {
    const cache = new TextCache<number>(10);
    let computed = 0;
    const get = (key: string): number => cache.get(key, '', () => ++computed);
    briefly(() => get('opened'));
    assert.equal(get('opened'), 1, 'typing in the document just opened finds its jobs');
    briefly(() => get('other'));
    assert.equal(briefly(() => get('opened')), 1, 'and keeps them through later brief runs');
  });

  it('empties the brief entries too rather than growing them past the limit', () => {
    const cache = new TextCache<number>(3);
    briefly(() => {
      for (let i = 0; i < 100; i++) cache.get(`k${i}`, '', () => i);
    });
    assert.ok(cache.size <= 3);
  });
});

describe('detach', () => {
  it('copies a slice, so the text it was cut from can be collected', () => {
    const kept: string[] = [];
    const keepSlices = (copy: boolean) => {
      kept.length = 0;
      const before = liveMiB();
      for (let i = 0; i < 40; i++) {
        const text = `${i}:`.padEnd(1_000_000, 'x');
        const slice = text.slice(0, 60);
        kept.push(copy ? detach(slice) : slice);
      }
      return liveMiB() - before;
    };
    const sliced = keepSlices(false);
    const detached = keepSlices(true);
    // What the 40 texts themselves take is the baseline: slices keep (nearly) all of it, copies (nearly) none.
    const texts = (40 * 1_000_000) / 2 ** 20;
    assert.ok(sliced > 0.7 * texts, `40 slices of 1 MB texts held only ${sliced.toFixed(1)} MiB: the test no longer shows what detach is for`);
    assert.ok(detached < 0.15 * sliced, `40 detached slices held ${detached.toFixed(1)} MiB, ${sliced.toFixed(1)} MiB as slices`);
    assert.equal(kept[3], `3:`.padEnd(60, 'x'));
  });
});

describe('typing in a long workflow', () => {
  /** A linter for a 600-job workflow and a function that types a comment line into its middle job, `count` times. */
  function typist(afterEach = () => {}) {
    // The checkout is pinned by SHA: by tag, each of the 600 jobs gets gha/unpinned-action's strict hint (the engine's
    // default preset is `all`), and 600 findings per keystroke would measure the findings, not the model.
    const job = (id: number) => `  test-${id}:\n    name: Test ${id}\n    runs-on: ubuntu-latest\n    needs: [lint]\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - run: npm ci && npm test -- --shard=${id}\n`;
    let text = `on: [push, pull_request]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm run lint\n${Array.from({ length: 600 }, (_, id) => job(id)).join('')}`;
    const path = '.github/workflows/long.yml';
    const options = { rules: RULES, project: {}, ruleSettings: {}, ruleOptions: {} };
    const linter = new IncrementalLinter();
    linter.lint(text, path, options);
    let at = text.indexOf('\n    steps:', text.length / 2);
    assert.ok(at > 0);
    const type = (count: number) => {
      for (let i = 0; i < count; i++) {
        text = `${text.slice(0, at)}\n    # ${i}${text.slice(at)}`;
        at += 1;
        linter.lint(text, path, options);
        afterEach();
      }
    };
    return { type, length: () => text.length };
  }

  it('keeps no copy of the file per keystroke', () => {
    const { type, length } = typist();
    type(10);
    const before = liveMiB();
    type(100);
    const grown = liveMiB() - before;
    // The baseline: one copy of the file per keystroke (one byte a character: the text is ASCII).
    const copies = (100 * length()) / 2 ** 20;
    assert.ok(length() > 100_000, `only ${length()} characters`);
    assert.ok(grown < 0.4 * copies, `the heap grew by ${grown.toFixed(1)} MiB over 100 keystrokes in a ${Math.round(length() / 1024)} kB workflow (a copy per keystroke: ${copies.toFixed(1)} MiB)`);
  });

  // What a keystroke builds and drops (the workflow model, the file's text) must die in V8's young generation: what
  // survives two young collections is promoted and left for a full collection, and copying it makes every young
  // collection slow. Kept in a WeakMap keyed by the model (which V8's young collections treat as live), or behind an
  // object literal's getter (its own hidden class), each keystroke's model and text were promoted.
  it("promotes nothing of a keystroke's model to the old generation", () => {
    const oldSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')!.space_used_size / 1024 / 1024;
    const { type, length } = typist(collectYoung);
    type(10);
    collect();
    const before = oldSpace();
    type(60);
    const promoted = oldSpace() - before;
    // The baseline: the workflow's text alone, promoted once per keystroke.
    const texts = (60 * length()) / 2 ** 20;
    assert.ok(length() > 100_000, `only ${length()} characters`);
    assert.ok(promoted < texts / 3, `the old generation grew by ${promoted.toFixed(1)} MiB over 60 keystrokes, each followed by a young collection (the text once per keystroke: ${texts.toFixed(1)} MiB)`);
  });
});

describe('keepNothing', () => {
  // The CLI's process-wide switch, so it is tried in a process of its own: before it a value is worked out once and
  // kept; after it, each time it is asked for.
  it('keeps values until the process asks to keep nothing, then works each out when asked', () => {
    const memoModule = require.resolve('../../server/src/engine/incremental/memo');
    const script = `const { memo, MemoSlot, keepNothing } = require(${JSON.stringify(memoModule)});
      const slot = new MemoSlot('test');
      let computed = 0;
      const get = (key) => memo.get(slot, key, () => ++computed);
      get('a'); get('a');
      const kept = computed;
      keepNothing();
      const values = [get('b'), get('b')];
      process.stdout.write(JSON.stringify({ kept, values }));`;
    const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { kept: number; values: number[] };
    assert.equal(result.kept, 1, 'worked out once and kept');
    assert.deepEqual(result.values, [2, 3], 'worked out at each request');
  });
});
