import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { fixAll, lint } from '../../server/src/engine/core/lint';
import { RULES } from '../../server/src/rules';
import { pathological, projectSamples } from '../helpers/fuzzInputs';

const load = (name: string): Record<string, unknown> => require(`node:${name}`) as Record<string, unknown>;

type Stubbed = { target: Record<string, unknown>; name: string; original: unknown };

/** Replaces every function of the given modules (and fetch) with one that throws, until `restore`. */
function forbidIo(): { calls: string[]; restore: () => void } {
  const calls: string[] = [];
  const stubbed: Stubbed[] = [];
  // The modules themselves (TypeScript's `import * as` gives a copy whose stubs nobody would see).
  const modules = ['fs', 'child_process', 'net', 'tls', 'http', 'https', 'http2', 'dns', 'dgram', 'worker_threads'].map((name) => [name, load(name)] as const);
  modules.push(['fs.promises', load('fs').promises as Record<string, unknown>]);
  for (const [moduleName, target] of modules) {
    for (const name of Object.keys(target)) {
      const original = target[name];
      if (typeof original !== 'function' || /^[A-Z]/.test(name)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(target, name);
      if (!descriptor?.writable && !descriptor?.set) continue;
      stubbed.push({ target, name, original });
      target[name] = (): never => {
        calls.push(`${moduleName}.${name}`);
        throw new Error(`the engine called ${moduleName}.${name}`);
      };
    }
  }
  const global = globalThis as Record<string, unknown>;
  stubbed.push({ target: global, name: 'fetch', original: global.fetch });
  global.fetch = (): never => {
    calls.push('fetch');
    throw new Error('the engine called fetch');
  };
  return { calls, restore: () => stubbed.forEach(({ target, name, original }) => (target[name] = original)) };
}

describe('no side effects', () => {
  it('the engine lints and fixes every fixture and pathological file without touching files, processes or the network', () => {
    const samples = [...projectSamples(), ...pathological().filter((sample) => sample.text.length < 300_000)];
    const { calls, restore } = forbidIo();
    let findings = 0;
    try {
      for (const { text, path } of samples) {
        findings += lint(text, path, { rules: RULES, preset: 'all' }).findings.length;
        fixAll(text, path, { rules: RULES, preset: 'all' }, ['safe', 'suggestion']);
      }
    } finally {
      restore();
    }
    assert.deepEqual(calls, []);
    assert.ok(findings > 100, 'the engine ran');
  });

  it('the stubs do catch a call (the check is not blind)', () => {
    const { calls, restore } = forbidIo();
    try {
      assert.throws(() => (load('fs').readFileSync as (path: string) => string)(__filename));
      assert.throws(() => (load('child_process').execSync as (command: string) => Buffer)('true'));
    } finally {
      restore();
    }
    assert.deepEqual(calls, ['fs.readFileSync', 'child_process.execSync']);
  });
});
