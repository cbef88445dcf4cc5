import { contextPaths, findExpressions, parseExpression } from '../../engine/languages/expressions';
import { commandKind, jobEnvironment } from '../../engine/model/jobKind';
import { triggers } from '../../engine/model/permissions';
import { guardedToSameRepository, INERT_PROGRAMS, runsNoCheckedOutCode } from '../../engine/model/untrustedCode';
import type { Job, Step } from '../../engine/model/workflow';
import { scriptCommands, type ResolvedCommand } from '../../engine/languages/commandLine';
import { parseShell } from '../../engine/languages/shell';
import { runsCommands } from '../../engine/model/stepShell';
import { defineRule } from '../../engine/core/rule';
import { scalarToString, spanOf, type Node } from '../../engine/yaml/yamlFile';

// Contexts that name the pull request's own (untrusted) code.
const HEAD_CONTEXTS = new Set([
  'github.event.pull_request.head.sha',
  'github.event.pull_request.head.ref',
  'github.event.pull_request.head.repo.full_name',
  'github.event.pull_request.merge_commit_sha',
  'github.head_ref',
]);
// Actions that only store or fetch files, even when given a path into the pull request's checkout.
const DATA_ACTIONS = new Set(['actions/upload-artifact', 'actions/checkout']);

// Programs that run code from a directory or file they are pointed at (install scripts, build files, plugins, tests,
// container builds, infrastructure code): naming the pull request's checkout anywhere in their arguments runs it.
const BUILDERS = new Set([
  'npm', 'yarn', 'pnpm', 'bun', 'corepack', 'pip', 'pip3', 'pipx', 'uv', 'poetry', 'pdm', 'hatch', 'pipenv', 'tox', 'nox', 'pytest', 'py.test',
  'jest', 'vitest', 'mocha', 'playwright', 'cypress', 'go', 'cargo', 'mvn', 'mvnw', 'gradle', 'gradlew', 'sbt', 'ant', 'make', 'gmake', 'cmake',
  'ninja', 'meson', 'bazel', 'bazelisk', 'just', 'task', 'rake', 'bundle', 'gem', 'composer', 'dotnet', 'msbuild', 'docker', 'docker-compose',
  'podman', 'buildah', 'nerdctl', 'kubectl', 'kustomize', 'helm', 'helmfile', 'skaffold', 'terraform', 'tofu', 'terragrunt', 'pulumi', 'cdk',
  'ansible', 'ansible-playbook', 'pre-commit', 'eslint', 'prettier', 'stylelint', 'xargs', 'find', 'eval', 'install', 'cp', 'mv', 'ln', 'rsync',
]);
// Interpreters run the script they are given, and modules their options name (`node --require`, `python -X`).
const INTERPRETERS = /^(bash|sh|zsh|dash|ksh|fish|source|\.|python(\d(\.\d+)?)?|py|node|deno|tsx|ts-node|ruby|perl|php|pwsh|powershell|lua|Rscript|java|groovy)$/;
// Variables that make a later program load code from where they point.
const LOADING_VARIABLES = /^(PATH|[A-Z_]*PATH|NODE_OPTIONS|LD_PRELOAD|BASH_ENV|ENV|PYTHONSTARTUP|RUBYOPT|PERL5OPT|JAVA_TOOL_OPTIONS|GOFLAGS|RUSTC_WRAPPER|npm_config_[a-z_]+)=/i;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
// Shell words that bind a variable, through which a path can reach a later command unseen.
const BINDERS = new Set(['export', 'declare', 'local', 'readonly', 'typeset', 'for', 'select', 'read', 'set', 'pushd', 'cd', 'alias']);

export default defineRule({
  id: 'gha/pull-request-target-checkout',
  presets: { recommended: 'off', strict: 'error' },
  dora: ['change-failure-rate'],
  capabilities: ['shift-left-security'],
  fixable: false,
  messages: {
    headCheckout: (jobId: string, ref: string) =>
      `Job '${jobId}' runs on 'pull_request_target' (with secrets and a writable token) and checks out the pull request's code ('${ref}'): any build or script from that checkout lets a fork's author run code with those privileges.`,
    gatedCheckout: (jobId: string, ref: string, environment: string) =>
      `Job '${jobId}' runs on 'pull_request_target' (with secrets and a writable token) and checks out the pull request's code ('${ref}'). Only ${environment} protects those privileges: it must require reviewers, and they must read the pull request's code before approving each run.`,
  },
  docs: {
    summary: 'Never check out and build a pull request\'s code in a `pull_request_target` workflow.',
    rationale:
      '`pull_request_target` runs in the context of the base repository: it has the repository\'s secrets and a GITHUB_TOKEN that can write, even when the pull request comes from a fork. That is safe only as long as the workflow runs the base branch\'s code. Checking out the head of the pull request and then running anything from it (a build, `npm install` with its scripts, a test, even a Makefile) hands those privileges to whoever opened the pull request. This is the "pwn request" pattern behind several supply-chain compromises.',
    symptom:
      'Nothing visible until someone opens a pull request whose build script exfiltrates secrets or pushes to the repository; the run looks like an ordinary CI run.',
    fix: 'Use `on: pull_request` for building and testing contributions (no secrets, read-only token). If privileged follow-up work is needed (commenting, labelling), split it: build in `pull_request`, upload the results as an artifact, and act on them in a separate `workflow_run` workflow that never executes the PR\'s code. Jobs guarded to same-repository or Dependabot pull requests (`github.event.pull_request.head.repo.full_name == github.repository`), and checkouts followed only by git and text commands (a diff, a comment), are not flagged. Nor is a checkout into a folder of its own (`path: pr`, with `persist-credentials: false`) whose files later steps only hand as data to the base branch\'s tools (`make generate-codeowners ARGS=-folder=pr` run from the root, `git -C pr diff`). It is still flagged when a later step can run code from that folder: a script or program in it, an interpreter or a build tool or package manager given a path into it (`npm`, `pip install -r pr/…`, `make -C`, `docker build`…), `cd` or `working-directory:` into it, a local action from it (`uses: ./pr/…`), an action input or a variable that points into it (`PATH`, `$GITHUB_PATH`, `NODE_OPTIONS`), or a test runner or linter run anywhere in the workspace (they find files, and configuration that is code, by walking it). A job with an `environment:` is reported as a warning, not an error: the environment\'s required reviewers, approving each run after reading the pull request, are then what protects the secrets, so make sure it has them.',
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
      if (guardedToSameRepository(step)) return;
      for (const name of ['ref', 'repository']) {
        const field = step.inputs.get(name);
        const value = scalarToString(field?.value);
        if (!field?.value || value === undefined || !pointsAtHead(value, name)) continue;
        const later = step.job.steps.slice(step.index + 1);
        const path = dataOnlyPath(step);
        if (path === undefined ? later.every(runsNoCheckedOutCode) : !jobPointsInto(step.job, path, ctx.file.text) && !later.some((other) => runsCodeFrom(other, path, ctx.file.text))) return;
        const environment = step.job.fields.get('environment');
        if (environment?.value) {
          const name = jobEnvironment(step.job);
          const gate = name === undefined ? "the environment the job names" : `environment '${name}'`;
          ctx.report({ span: spanOf(field.value), message: 'gatedCheckout', args: [step.job.id, value.trim(), gate], severity: 'warning' });
          return;
        }
        ctx.report({ span: spanOf(field.value), message: 'headCheckout', args: [step.job.id, value.trim()] });
        return;
      }
    },
  },
});

/**
 * The folder the pull request's code goes into when the checkout keeps it apart from the workspace root (a literal
 * `path:`) and leaves no token in it (`persist-credentials: false`); undefined otherwise.
 */
function dataOnlyPath(checkout: Step): string | undefined {
  if (scalarToString(checkout.inputs.get('persist-credentials')?.value) !== 'false') return undefined;
  const written = scalarToString(checkout.inputs.get('path')?.value);
  if (written === undefined || /[$`*?[\]{}~\\]/.test(written) || written.startsWith('/')) return undefined;
  const path = written.split('/').filter((part) => part !== '' && part !== '.');
  return path.length === 0 || path.includes('..') ? undefined : path.join('/');
}

/** Whether a text names the folder (or something in it) as a path: `pr`, `./pr/x`, `$GITHUB_WORKSPACE/pr`, `-dir=pr`. */
function mentions(text: string, path: string): boolean {
  for (let from = text.indexOf(path); from >= 0; from = text.indexOf(path, from + 1)) {
    const before = text[from - 1];
    const after = text[from + path.length];
    if ((before === undefined || !/[\w.-]/.test(before)) && (after === undefined || !/[\w.-]/.test(after))) return true;
  }
  return false;
}

function nodeMentions(node: Node | null | undefined, path: string, text: string): boolean {
  const range = node?.range;
  return range !== undefined && range !== null && mentions(text.slice(range[0], range[1]), path);
}

/** Whether the job's or the workflow's `env:` or `defaults:` name the folder: every step then sees it. */
function jobPointsInto(job: Job, path: string, text: string): boolean {
  return [job.fields, job.workflow.fields].some((fields) => ['env', 'defaults'].some((key) => nodeMentions(fields.get(key)?.value, path, text)));
}

/**
 * Whether a step after the checkout into `path` can run code from it: an action from it, an action or a step pointed
 * at it, a script or a build tool run on it, a variable that loads code from it; or, wherever it runs, a test runner or
 * linter that finds files by walking the workspace. Passing the folder to any other program (a base-branch tool that
 * reads it) is reading data.
 */
function runsCodeFrom(step: Step, path: string, text: string): boolean {
  if (step.uses !== undefined) {
    if (step.uses.startsWith('./') && mentions(step.uses, path)) return true;
    const id = step.action?.id ?? '';
    return !DATA_ACTIONS.has(id) && nodeMentions(step.fields.get('with')?.value, path, text);
  }
  if (!step.run) return false;
  const inside = ['working-directory', 'env'].some((key) => nodeMentions(step.fields.get(key)?.value, path, text));
  if (!runsCommands(step.shell)) return inside || mentions(step.run.value, path);
  // Written to $GITHUB_PATH or $GITHUB_ENV, the folder changes what later steps run.
  if (/GITHUB_(PATH|ENV)/.test(step.run.value) && mentions(step.run.value, path)) return true;
  // `DIR=pr` on a line of its own: the folder reaches later commands through the variable.
  if (parseShell(step.run.value).some((command) => command.words.length === 0 && command.allWords.some((word) => mentions(word.value, path)))) return true;
  return scriptCommands(step.run.value).some((command) => (inside ? !INERT_PROGRAMS.has(command.program) : commandRunsCodeFrom(command, path)));
}

function commandRunsCodeFrom(command: ResolvedCommand, path: string): boolean {
  const { program, programWord, args } = command;
  const kind = commandKind(command);
  // Test runners and linters find their files (and configuration, which may be code) by walking the workspace.
  if (kind === 'unit' || kind === 'slow' || kind === 'fast') return true;
  if (mentions(programWord.value, path)) return true;
  // Before the program: assignments, which load code only into some variables, and launcher options (`env -C pr`).
  const before = command.command.allWords.filter((word) => word.start < programWord.start && mentions(word.value, path));
  if (before.some((word) => !ASSIGNMENT.test(word.value) || LOADING_VARIABLES.test(word.value))) return true;
  // `make generate DIR=pr` hands the Makefile a variable, like `DIR=pr make generate`.
  const named = args.filter((word) => mentions(word.value, path) && (!ASSIGNMENT.test(word.value) || LOADING_VARIABLES.test(word.value)));
  if (named.length === 0) return false;
  if (BUILDERS.has(program) || BINDERS.has(program)) return true;
  if (!INTERPRETERS.test(program)) return false;
  // The script an interpreter runs is its first operand; options before it may load modules.
  const script = args.findIndex((word) => !word.value.startsWith('-'));
  return named.some((word) => args.indexOf(word) <= (script < 0 ? args.length : script));
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
