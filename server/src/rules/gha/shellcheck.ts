import { defineRule } from '../../engine/core/rule';

/**
 * The findings of this rule are made by `project/shellcheck.ts` in the CLI and the language server (it runs the
 * `shellcheck` binary); this declaration gives it its presets, its `.shipcheck.yaml` level and its page.
 */
export default defineRule({
  id: 'gha/shellcheck',
  presets: { recommended: 'off', strict: 'warning' },
  dora: ['change-failure-rate'],
  capabilities: ['continuous-integration'],
  fixable: false,
  runsIn: 'adapters',
  messages: {
    // The adapter writes shellcheck's own message after its code (`shellcheck SC2283: Remove spaces around = ...`).
    comment: (code: string, message: string) => `shellcheck ${code}: ${message}`,
  },
  docs: {
    summary: "Check bash and sh `run:` scripts with ShellCheck: its errors and warnings, and in strict its info notes; never its style notes.",
    rationale:
      'A `run:` script is a shell program nobody lints: a syntax error or a misplaced `=` fails the step only when it runs, maybe in a release job weeks later. ShellCheck finds those before the push. Its info notes (such as SC2086, quote to prevent word splitting: an unquoted `$dir` is split at spaces and its `*` expanded) are reported in `strict` one level below its warnings (at `info`), as actionlint reports them, and left out in `recommended` (where the rule is off unless `rules:` turns it on); they point at scripts that work today and break on a value with a space or a glob character. Its style notes (backticks, repeated redirects) are never reported.',
    symptom: 'A step fails with "syntax error near unexpected token", "command not found" for an assignment with spaces, or a test that is always true.',
    fix: "Fix the script as ShellCheck's message says (each code has a page at https://www.shellcheck.net/wiki/SC<code>), or disable one check in the script with `# shellcheck disable=SC2283`. The rule needs the `shellcheck` binary on PATH (Debian and Ubuntu: `apt-get install shellcheck`); without it the rule is off, which `--verbose` and the language server's output channel say once. `${{ }}` expressions are blanked out before checking, and checks they would confuse (SC2050, SC2154, SC2157, SC2194, SC1091, SC2043) are left out, as are SC2164 (`cd` without `|| exit`: GitHub runs these scripts with `-e`) and SC2034 (a variable a sourced script or a started tool may read). It runs in the CLI (`--no-shellcheck` skips it) and in the editor when typing pauses; never in the browser or in an untrusted workspace.",
    bad: `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: VERSION = 1.2.3
`,
    good: `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: VERSION=1.2.3
`,
  },
  visit: {},
});
