import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';

/**
 * Real-editor suites need tools that `npm ci` does not bring (Debian's chromium and neovim, the editors
 * installed by `npm run editors:install`). Where they are missing a suite is skipped, its reason saying what
 * is missing and how to get it (`npm test` lists skips on its last line); with SHIPCHECK_REQUIRE_EDITORS=1 (set by .ci/run) a missing tool is a
 * failure instead, so CI always runs them.
 */
export const EDITORS_REQUIRED = process.env.SHIPCHECK_REQUIRE_EDITORS === '1';

export interface Requirement {
  /** What is needed, in a few words ("Debian's chromium"). */
  what: string;
  /** True when it is there. */
  present(): boolean;
  /** The command that installs it. */
  install: string;
}

export const command = (name: string): (() => boolean) => () => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
export const file = (path: string): (() => boolean) => () => existsSync(path);

/** Runs `body` as a describe block when every requirement holds; otherwise skips it (or fails, in CI) with one line. */
export function editorSuite(name: string, requirements: Requirement[], options: { timeout: number }, body: () => void): void {
  const missing = requirements.filter((requirement) => !requirement.present());
  if (missing.length === 0) {
    describe(name, { timeout: options.timeout }, body);
    return;
  }
  const reason = `missing ${missing.map((requirement) => `${requirement.what} (install: ${requirement.install})`).join(' and ')}`;
  if (EDITORS_REQUIRED) {
    describe(name, () => {
      it('has its tools (SHIPCHECK_REQUIRE_EDITORS=1)', () => assert.fail(`${name}: ${reason}`));
    });
    return;
  }
  describe(name, { skip: reason }, () => {});
}
