// Entry of the editor suite inside VS Code for the web: @vscode/test-web loads this bundle in the browser's
// extension host and calls run(); mocha's browser build brings the TDD interface.
import 'mocha/mocha';
import { defineTests, type Tdd } from './tests';

interface BrowserMocha {
  setup(options: { ui: 'tdd'; reporter: string; timeout: number }): void;
  run(done: (failures: number) => void): void;
}

export function run(): Promise<void> {
  const mocha = (globalThis as unknown as { mocha: BrowserMocha }).mocha;
  mocha.setup({ ui: 'tdd', reporter: 'spec', timeout: 60_000 });
  defineTests(globalThis as unknown as Tdd);
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} editor test(s) failed`)) : resolve()));
  });
}
