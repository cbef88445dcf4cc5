import { contextPaths, findExpressions, parseExpression } from '../../engine/languages/expressions';
import { triggers } from '../../engine/model/permissions';
import type { Step } from '../../engine/model/workflow';
import { scriptCommands } from '../../engine/languages/commandLine';
import { runsCommands } from '../../engine/model/stepShell';
import { defineRule } from '../../engine/core/rule';
import { scalarToString, spanOf } from '../../engine/yaml/yamlFile';

// Contexts that name the pull request's own (untrusted) code.
const HEAD_CONTEXTS = new Set([
  'github.event.pull_request.head.sha',
  'github.event.pull_request.head.ref',
  'github.event.pull_request.head.repo.full_name',
  'github.event.pull_request.merge_commit_sha',
  'github.head_ref',
]);
// A guard that lets only branches of this repository (pushed by people with write access) through.
const SAME_REPO_GUARD = /pull_request\.user\.login\s*==\s*'dependabot\[bot\]'|head\.repo\.full_name\s*==\s*github\.repository\b|github\.repository\s*==\s*github\.event\.pull_request\.head\.repo\.full_name|head\.repo\.fork\s*==\s*false|!\s*github\.event\.pull_request\.head\.repo\.fork\b/;

// Later steps like these only read the checkout (a diff, a comment), which is safe.
const INERT_PROGRAMS = new Set(['git', 'echo', 'printf', 'cat', 'ls', 'diff', 'test', '[', '[[', 'grep', 'jq', 'wc', 'head', 'tail', 'exit', 'cd', 'then', 'fi', 'else', 'done', 'true', 'false']);
const HARMLESS_ACTIONS = new Set(['actions/github-script', 'actions/upload-artifact', 'actions/checkout']);

export default defineRule({
  id: 'gha/pull-request-target-checkout',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['change-failure-rate'],
  fixable: false,
  messages: {
    headCheckout: (jobId: string, ref: string) =>
      `Job \`${jobId}\` runs on \`pull_request_target\` (with secrets and a writable token) and checks out the pull request's code (\`${ref}\`): any build or script from that checkout lets a fork's author run code with those privileges.`,
  },
  docs: {
    summary: 'Never check out and build a pull request\'s code in a `pull_request_target` workflow.',
    rationale:
      '`pull_request_target` runs in the context of the base repository: it has the repository\'s secrets and a GITHUB_TOKEN that can write, even when the pull request comes from a fork. That is safe only as long as the workflow runs the base branch\'s code. Checking out the head of the pull request and then running anything from it (a build, `npm install` with its scripts, a test, even a Makefile) hands those privileges to whoever opened the pull request. This is the "pwn request" pattern behind several supply-chain compromises.',
    symptom:
      'Nothing visible until someone opens a pull request whose build script exfiltrates secrets or pushes to the repository; the run looks like an ordinary CI run.',
    fix: 'Use `on: pull_request` for building and testing contributions (no secrets, read-only token). If privileged follow-up work is needed (commenting, labelling), split it: build in `pull_request`, upload the results as an artifact, and act on them in a separate `workflow_run` workflow that never executes the PR\'s code. Jobs guarded to same-repository or Dependabot pull requests (`github.event.pull_request.head.repo.full_name == github.repository`), and checkouts followed only by git and text commands (a diff, a comment), are not flagged.',
    bad: `on: pull_request_target
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: \${{ github.event.pull_request.head.sha }}
      - run: npm ci && npm test
`,
    good: `on: pull_request_target
jobs:
  label:
    runs-on: ubuntu-latest
    permissions:
      pull-requests: write
    steps:
      - uses: actions/checkout@v4
      - uses: actions/labeler@v5
`,
  },
  scope: 'job',
  visit: {
    step(step, ctx) {
      if (step.action?.id !== 'actions/checkout' || step.job.synthetic) return;
      if (!triggers(ctx.doc, step.job.workflow).includes('pull_request_target')) return;
      const guards = [step.job.fields.get('if')?.value, step.fields.get('if')?.value].map((node) => scalarToString(node) ?? '');
      if (guards.some((guard) => SAME_REPO_GUARD.test(guard))) return;
      for (const name of ['ref', 'repository']) {
        const field = step.inputs.get(name);
        const value = scalarToString(field?.value);
        if (!field?.value || value === undefined || !pointsAtHead(value, name)) continue;
        if (step.job.steps.slice(step.index + 1).every(runsNoCheckedOutCode)) return;
        ctx.report({ span: spanOf(field.value), message: 'headCheckout', args: [step.job.id, value.trim()] });
        return;
      }
    },
  },
});

/** A later step that cannot execute files of the checkout: only git and text commands, or an action that just reads. */
function runsNoCheckedOutCode(step: Step): boolean {
  if (step.uses !== undefined) return HARMLESS_ACTIONS.has(step.action?.id ?? '');
  if (!step.run) return true;
  return runsCommands(step.shell) && scriptCommands(step.run.value).every((command) => INERT_PROGRAMS.has(command.program));
}

function pointsAtHead(value: string, input: string): boolean {
  if (input === 'ref' && isPullRef(value)) return true;
  return findExpressions(value).some((expression) => {
    const parsed = parseExpression(expression.inner);
    if (!parsed.ok) return false;
    return contextPaths(parsed.ast).some(({ path }) => (input === 'repository' ? path === 'github.event.pull_request.head.repo.full_name' : HEAD_CONTEXTS.has(path)));
  });
}

/**
 * `refs/pull/<n>/merge` and `pull/${{ … }}/head` name the pull request's code too. A scan, not
 * `/pull\/\$\{\{[^}]*\}\}\/(head|merge)/`, which rescans to the next `}` from every `pull/${{` (quadratic).
 */
export function isPullRef(value: string): boolean {
  if (value.includes('refs/pull/')) return true;
  let from = 0;
  for (;;) {
    const open = value.indexOf('pull/${{', from);
    const close = open < 0 ? -1 : value.indexOf('}', open + 8);
    if (close < 0) return false;
    // Every `pull/${{` before this `}` would end its expression here: one look decides them all.
    if (value.startsWith('}}/head', close) || value.startsWith('}}/merge', close)) return true;
    from = close + 1;
  }
}
