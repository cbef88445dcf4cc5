import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, readSettings, SettingsCache } from '../../server/src/lsp/settings';

type Item = { scopeUri?: string; section?: string };

/**
 * A client whose configuration answers wait until `answer()` (all) or `answerOldest()`; `answerOf` gives the answer to a
 * request when it is made (by default each scope's settings turn `maxFileSize` into its number).
 */
function slowClient(answerOf: (items: Item[], request: number) => unknown[] = (items) => items.map((item) => ({ maxFileSize: Number(item.scopeUri!.split('/').pop()) }))): {
  connection: Connection;
  requests: Item[][];
  answer: () => void;
  answerOldest: () => void;
} {
  const requests: Item[][] = [];
  const waiting: (() => void)[] = [];
  const connection = {
    workspace: {
      getConfiguration: (items: Item[]) => {
        const answer = answerOf(items, requests.length);
        requests.push(items);
        return new Promise<unknown[]>((resolve) => waiting.push(() => resolve(answer)));
      },
    },
  } as unknown as Connection;
  return { connection, requests, answer: () => waiting.splice(0).forEach((resolve) => resolve()), answerOldest: () => waiting.shift()!() };
}

describe('settings cache', () => {
  // VS Code for the web loads a workspace's settings after the first documents open: an answer to a request sent
  // before the settings changed is neither cached nor returned; the document is asked about again.
  it('asks again when the settings change while a request is out, and answers with the new settings', async () => {
    const answers: unknown[] = [{ preset: 'auto' }, { preset: 'strict' }];
    const { connection, requests, answerOldest } = slowClient((items, request) => items.map(() => answers[request]));
    const cache = new SettingsCache(connection, () => true);
    const early = cache.refresh('file:///w/ci.yml');
    cache.clear();
    answerOldest();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(cache.get('file:///w/ci.yml'), DEFAULT_SETTINGS, 'the answer from before the change is not cached');
    assert.equal(requests.length, 2, 'asked again after the change');
    answerOldest();
    assert.equal((await early).preset, 'strict', 'a refresh begun before the change gets the settings after it');
    assert.equal(cache.get('file:///w/ci.yml').preset, 'strict', 'cached');
    assert.equal(requests.length, 2);
  });

  it('asks with at most 8 requests in flight; documents opened meanwhile are asked about together in the next', async () => {
    const { connection, requests, answer } = slowClient();
    const cache = new SettingsCache(connection, () => true);
    const uris = Array.from({ length: 100 }, (_, index) => `file:///w/${index + 1}`);
    const settled = Promise.all(uris.map((uri) => cache.refresh(uri)));
    assert.equal(requests.length, 8);
    assert.ok(requests.every((items) => items.length === 1 && items[0]!.section === 'shipcheck'));
    answer();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(requests.length, 9, 'the 92 others in one request');
    assert.deepEqual(requests[8]!.map((item) => item.scopeUri), uris.slice(8));
    answer();
    const settings = await settled;
    assert.deepEqual(settings.map((each) => each.maxFileSize), uris.map((_, index) => index + 1), 'each document its own answer');
    assert.deepEqual(cache.get(uris[50]!).maxFileSize, 51);
    assert.equal(await cache.refresh(uris[50]!), cache.get(uris[50]!), 'cached: not asked again');
    assert.equal(requests.length, 9);
  });

  it('shares one settings object between equal answers, and gives the defaults for a missing one', async () => {
    const connection = { workspace: { getConfiguration: (items: Item[]) => Promise.resolve(items.map((item) => (item.scopeUri === 'file:///none' ? null : { run: 'onSave' }))) } } as unknown as Connection;
    const cache = new SettingsCache(connection, () => true);
    const [a, b, none] = await Promise.all(['file:///a', 'file:///b', 'file:///none'].map((uri) => cache.refresh(uri)));
    assert.equal(a!.run, 'onSave');
    assert.equal(a, b);
    assert.deepEqual(none, DEFAULT_SETTINGS);
  });

  it('fails the documents waiting together when their request fails, and goes on asking', async () => {
    const pending: ((error?: Error) => void)[] = [];
    let calls = 0;
    const connection = {
      workspace: {
        getConfiguration: (items: Item[]) => {
          calls++;
          if (calls === 9) return Promise.reject(new Error('no configuration'));
          return new Promise<unknown[]>((resolve, reject) => pending.push((error) => (error ? reject(error) : resolve(items.map(() => ({}))))));
        },
      },
    } as unknown as Connection;
    const cache = new SettingsCache(connection, () => true);
    const first = Array.from({ length: 8 }, (_, index) => cache.refresh(`file:///first/${index}`));
    const late = ['file:///late/1', 'file:///late/2'].map((uri) => cache.refresh(uri));
    pending[0]!(new Error('first failed'));
    await assert.rejects(first[0]!, /first failed/);
    await Promise.all(late.map((refresh) => assert.rejects(refresh, /no configuration/)));
    const later = cache.refresh('file:///later');
    assert.equal(calls, 10, 'asked at once: one request fewer in flight');
    pending.forEach((settle) => settle());
    assert.deepEqual(await later, DEFAULT_SETTINGS);
  });
});

describe('readSettings', () => {
  it("reads shipcheck.preset: a preset the user chose, else 'auto' (the configuration file's)", () => {
    assert.equal(DEFAULT_SETTINGS.preset, 'auto');
    for (const preset of ['recommended', 'strict', 'all', 'auto'] as const) assert.equal(readSettings({ preset }).preset, preset);
    for (const preset of ['pedantic', 'Strict', 3, null, undefined]) assert.equal(readSettings({ preset }).preset, 'auto', String(preset));
  });
});
