// Entry of the editor suite in a Node extension host (code-server, desktop VS Code): the editor requires
// this bundle and calls run().
import Mocha from 'mocha';
import { defineTests, type Tdd } from './tests';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000 });
  // What mocha does before it loads a test file: put suite()/test() on the global object.
  mocha.suite.emit('pre-require', globalThis, 'editor-suite', mocha);
  defineTests(globalThis as unknown as Tdd);
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} editor test(s) failed`)) : resolve()));
  });
}
