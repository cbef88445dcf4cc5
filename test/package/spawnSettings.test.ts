import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import spawnSettings from '../../server/src/spawnSettings.json';

// Compiled to out/test/package/; reads the bundles `npm test` builds into dist/ and the README beside them.
const ROOT = join(__dirname, '../../..');

describe('the server\'s spawn settings (server/src/spawnSettings.json)', () => {
  const expected = `#!/usr/bin/env -S ${Object.entries(spawnSettings.env).map(([name, value]) => `${name}=${value}`).join(' ')} node ${spawnSettings.execArgv.join(' ')}`;

  it('are what shipcheck-language-server starts Node with (its first line)', () => {
    const firstLine = readFileSync(join(ROOT, 'dist', 'server.js'), 'utf8').split('\n')[0];
    assert.equal(firstLine, expected);
    // Linux reads at most 255 bytes of a `#!` line; past them the flags would be cut.
    assert.ok(Buffer.byteLength(firstLine) < 256, `the first line is ${Buffer.byteLength(firstLine)} bytes`);
  });

  it('are the ones the README tells other editors to start the server with', () => {
    assert.ok(readFileSync(join(ROOT, 'README.md'), 'utf8').includes(`\n${expected}\n`), `README.md does not show ${expected}`);
  });

  it('are the ones the VS Code client passes', () => {
    const client = readFileSync(join(ROOT, 'dist', 'client.js'), 'utf8');
    for (const flag of spawnSettings.execArgv) assert.ok(client.includes(JSON.stringify(flag)), `dist/client.js lacks ${flag}`);
    // As a bundled object literal, minified or not: `NAME: "value"`, `NAME:"value"` or `"NAME": "value"`.
    for (const [name, value] of Object.entries(spawnSettings.env)) assert.match(client, new RegExp(`\\b${name}"?\\s*:\\s*${JSON.stringify(value)}`), `dist/client.js lacks ${name}`);
  });
});
