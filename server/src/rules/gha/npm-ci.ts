import type { Span, TextEdit } from '../../engine/core/finding';
import { jobTextMayMatch, type Job, type Step, type Workflow } from '../../engine/model/workflow';
import { defineRule } from '../../engine/core/rule';
import { optionValue, type ResolvedCommand } from '../../engine/languages/commandLine';
import type { ShellCommand, ShellWord } from '../../engine/languages/shell';
import { npmLockfileIn } from '../../engine/model/lockfiles';
import { folderUnder, isLiteralPath, joinPath, placedCommands, workingDirectory } from '../../engine/model/workingDirectory';
import type { ProjectFacts } from '../../engine/core/rule';
import { scalarToString } from '../../engine/yaml/yamlFile';

// npm's own aliases for `install` (npm help install).
const INSTALL_ALIASES = new Set(['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add']);
// The lockfiles `npm ci` installs from.
const NPM_LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json'];
// npm's own aliases for `ci` (npm help ci).
const CI_ALIASES = new Set(['ci', 'clean-install', 'ic', 'install-clean', 'isntall-clean']);
// Options that take the next word as their value (unless written --opt=value).
const NPM_VALUE_OPTIONS = new Set(['--prefix', '-C', '--registry', '--cache', '--workspace', '-w', '--loglevel', '--omit', '--include', '--userconfig', '--install-strategy', '--before', '--location', '--tag', '--script-shell']);
// Options that only make sense when install may change package.json or the lockfile: `npm ci` has no use for them.
const SAVE_OPTIONS = new Set(['--save', '-S', '--save-dev', '-D', '--save-optional', '-O', '--save-prod', '-P', '--save-exact', '-E', '--save-bundle', '-B', '--save-peer', '--no-save']);
// With these, `npm install` is not a lockfile install that `npm ci` could replace.
const NOT_A_LOCKFILE_INSTALL = new Set(['-g', '--global', '--no-package-lock', '--package-lock=false', '--package-lock-only', '--lockfile-version']);
const YARN_VALUE_OPTIONS = new Set(['--cwd', '--modules-folder', '--cache-folder', '--network-timeout', '--mutex', '--registry']);
const YARN_LOCKED = new Set(['--frozen-lockfile', '--immutable', '--immutable-cache']);
// Yarn 2+ (Berry) installs are immutable on CI by default; these commands only exist there or set it up.
const YARN_BERRY = /\bcorepack\s+enable\b|\byarn\s+(set\s+version|dlx|workspaces\s+foreach)\b|--immutable\b/;

export default defineRule({
  id: 'gha/npm-ci',
  presets: { recommended: 'off', strict: 'warning' },
  dora: ['change-failure-rate', 'lead-time'],
  capabilities: ['continuous-integration', 'version-control'],
  fixable: 'safe',
  messages: {
    npmInstall: (command: string) =>
      `'${command}' resolves versions afresh and may rewrite package-lock.json, so CI can build something other than what was reviewed. Use 'npm ci': it installs exactly the lockfile and fails when it is out of date.`,
    npmInstallFallback: (command: string) =>
      `'${command}' as a fallback for 'npm ci' resolves versions afresh whenever the lockfile is out of date, so CI builds something other than what was reviewed instead of failing. Leave the fallback out: 'npm ci' failing on a stale lockfile is the signal to update it.`,
    yarnInstall: (command: string) =>
      `'${command}' without --frozen-lockfile lets Yarn 1 update yarn.lock during the build instead of failing on drift (Yarn 2+ is immutable on CI by default).`,
  },
  docs: {
    summary: 'Install dependencies from the lockfile with `npm ci` in CI, never with `npm install`.',
    rationale:
      '`npm install` treats package.json ranges as a wish list: when the lockfile and package.json disagree it quietly picks new versions and rewrites package-lock.json. In CI that means the build can test a dependency tree that nobody reviewed and that production will not get. `npm ci` deletes node_modules, installs exactly what the lockfile pins, never writes the lockfile, and stops with an error when the lockfile is out of sync, which is the signal you want before merging. Yarn 1 has the same gap unless `--frozen-lockfile` is given.',
    symptom:
      'A build passes locally and fails in CI with a peer-dependency conflict, or worse passes in CI with a slightly different version than the one that ships, and the bug reproduces nowhere else.',
    fix: 'Replace `npm install` (or `npm i`) with `npm ci`, keeping options such as `--ignore-scripts` or `--omit=dev`; options that only save to package.json are dropped. For Yarn 1 add `--frozen-lockfile`. The quick-fix does both; for a fallback after `npm ci` (`npm ci || npm install`) it leaves the fallback out. Installing named packages (`npm install -g tool`, `npm install left-pad`) is not flagged, nor is `npm install` in a folder without a package-lock.json or npm-shrinkwrap.json (`npm ci` needs one: commit it first). That folder is the `working-directory` of the step, else the `defaults.run.working-directory` of its job or workflow, else the repository root, then any `cd <folder>` before the install in the script and its `--prefix`; setup-node with `cache: npm` in the job shows a lockfile at the root (or at its `cache-dependency-path`). When the folder is not known (an expression, a variable, a folder an `actions/checkout` `path:` fills), only a repository with no such lockfile at all is left alone. Nor is Yarn in repositories or workflows that use Yarn 2+ (a `.yarnrc.yml` or a Yarn 2+ release in `.yarn/releases/` at the repository root, `"packageManager": "yarn@4…"` in its package.json, or `corepack enable` / `yarn set version` in the workflow), where installs are immutable on CI by default.',
    bad: `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm install
      - run: npm test
`,
    good: `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - run: npm install -g npm@10
      - run: npm test
`,
  },
  scope: 'job',
  visit: {
    step(step, ctx) {
      const run = step.run;
      if (!run || !/\b(npm|yarn)\b/.test(run.value)) return;
      // The folder each command runs in, from the repository root; undefined where the text cannot tell. A composite
      // action's steps run in the workspace of the workflow that uses it, whose files are not this repository's.
      const commands = placedCommands(step, step.job.workflow.kind === 'composite-action' ? undefined : workingDirectory(step));
      for (const [index, { command: resolved, directory }] of commands.entries()) {
        const { program: name, programWord: program, args, command } = resolved;
        const problem = name === 'npm' ? npmProblem(args) : name === 'yarn' ? yarnProblem(args) : undefined;
        if (!problem) continue;
        // Without a lockfile where it installs `npm ci` cannot run: the advice would break the build (libraries that test against fresh ranges).
        if (problem.kind === 'npmInstall' && !npmCiCanRun(ctx.project, installDirectory(directory, args), step.job)) continue;
        // Yarn 2+ is immutable on CI by default: set up by the repository (.yarnrc.yml, packageManager) or by the workflow.
        if (problem.kind === 'yarnInstall' && (ctx.project.yarnBerry === true || ctx.acrossJobs(usesYarnBerry))) continue;
        // `npm ci || npm install`: the fix leaves the fallback out rather than turning it into a second `npm ci`.
        const previous = commands[index - 1]?.command;
        const fallback = problem.kind === 'npmInstall' && previous !== undefined && isNpmCi(previous) && joinedByOr(run.value, previous.command, command);
        const last = problem.subcommand ?? program;
        const written = run.value.slice(program.start, last.end);
        const span = run.text?.sourceSpan(program.start, last.end);
        const fix = !span ? undefined : fallback ? fallbackRemoval(step, previous.command, command) : buildFix(step, problem, last, run.value);
        ctx.report({
          span: span ?? run.span,
          message: fallback ? 'npmInstallFallback' : problem.kind,
          args: [written],
          ...(problem.kind === 'yarnInstall' ? { severity: 'info' as const } : {}),
          ...(fix ? { fix } : {}),
        });
      }
    },
  },
});

interface Problem {
  kind: 'npmInstall' | 'yarnInstall';
  /** `install` / `i` for npm; `install` or nothing (bare `yarn`) for yarn. */
  subcommand?: ShellWord;
  dropOptions: ShellWord[];
}

function npmProblem(args: ShellWord[]): Problem | undefined {
  let index = 0;
  // npm accepts options before the subcommand: `npm --prefix web install`.
  while (index < args.length && args[index]!.value.startsWith('-')) {
    index += NPM_VALUE_OPTIONS.has(args[index]!.value) ? 2 : 1;
  }
  const subcommand = args[index];
  if (!subcommand || !INSTALL_ALIASES.has(subcommand.value)) return undefined;
  const dropOptions: ShellWord[] = [];
  for (let i = index + 1; i < args.length; i++) {
    const word = args[i]!.value;
    if (!word.startsWith('-')) return undefined; // a package name: installing something specific
    if (NOT_A_LOCKFILE_INSTALL.has(word) || word.startsWith('--lockfile-version')) return undefined;
    if (SAVE_OPTIONS.has(word)) dropOptions.push(args[i]!);
    if (NPM_VALUE_OPTIONS.has(word)) i++;
  }
  return { kind: 'npmInstall', subcommand, dropOptions };
}

function yarnProblem(args: ShellWord[]): Problem | undefined {
  let index = 0;
  while (index < args.length && args[index]!.value.startsWith('-')) {
    index += YARN_VALUE_OPTIONS.has(args[index]!.value) ? 2 : 1;
  }
  const subcommand = args[index];
  if (subcommand && subcommand.value !== 'install') return undefined;
  if (args.some((word) => YARN_LOCKED.has(word.value))) return undefined;
  return subcommand ? { kind: 'yarnInstall', subcommand, dropOptions: [] } : { kind: 'yarnInstall', dropOptions: [] };
}

/**
 * Whether `npm ci` can run where `npm install` does: that folder holds package-lock.json or npm-shrinkwrap.json (or the
 * job's npm cache shows it does). Where the folder or its files cannot be known (an expression, a folder a checkout
 * fills), whether the repository has a lockfile anywhere.
 */
function npmCiCanRun(project: ProjectFacts, directory: string | undefined, job: Job): boolean {
  const known = directory !== undefined && !checkedOutInto(job, directory) ? directory : undefined;
  const there = known === undefined ? undefined : npmLockfileIn(project.lockfiles, known);
  if (there !== undefined) return there || cachesNpm(job, known);
  return project.npmLockfile !== false || cachesNpm(job);
}

/** Whether `directory` is in a folder an actions/checkout step fills (`path:`): another repository, or this one elsewhere. */
function checkedOutInto(job: Job, directory: string): boolean {
  return job.steps.some((step) => {
    const path = step.action?.id === 'actions/checkout' ? scalarToString(step.inputs.get('path')?.value) : undefined;
    if (path === undefined || !isLiteralPath(path)) return false;
    const folder = joinPath('', path);
    return folder !== '' && (directory === folder || directory.startsWith(`${folder}/`));
  });
}

/** The folder npm installs in: `--prefix <dir>` (or `-C`) from the folder it runs in. */
function installDirectory(directory: string | undefined, args: ShellWord[]): string | undefined {
  const prefix = optionValue(args, ['--prefix', '-C'])?.value;
  return prefix === undefined ? directory : folderUnder(directory, prefix);
}

function isNpmCi({ program, args }: ResolvedCommand): boolean {
  if (program !== 'npm') return false;
  let index = 0;
  while (index < args.length && args[index]!.value.startsWith('-')) index += NPM_VALUE_OPTIONS.has(args[index]!.value) ? 2 : 1;
  return CI_ALIASES.has(args[index]?.value ?? '');
}

/** Where a command's text ends: its last word or redirection. */
function commandEnd(command: ShellCommand): number {
  return Math.max(command.allWords.at(-1)?.end ?? 0, ...command.redirects.map((redirect) => redirect.target.end));
}

/** Whether `second` runs only when `first` fails: nothing but `||` (and blanks, line continuations) between them. */
function joinedByOr(script: string, first: ShellCommand, second: ShellCommand): boolean {
  const start = second.allWords[0]?.start;
  return start !== undefined && /^(?:[ \t]|\\\r?\n)*\|\|(?:\s|\\\r?\n)*$/.test(script.slice(commandEnd(first), start));
}

/** Removes ` || npm install …` after `npm ci`: from the end of `npm ci` to the end of the fallback. */
function fallbackRemoval(step: Step, ci: ShellCommand, install: ShellCommand): { title: string; edits: TextEdit[] } | undefined {
  const text = step.run?.text;
  if (!text) return undefined;
  const from = commandEnd(ci);
  const to = commandEnd(install);
  const first = text.sourceSpan(from, from + 1);
  const last = text.sourceSpan(to - 1, to);
  if (!first || !last) return undefined;
  return { title: "Remove the 'npm install' fallback", edits: [{ start: first.start, end: last.end, newText: '' }] };
}

/**
 * setup-node's npm cache needs a lockfile, so a job using it has one whatever the file system says (a starter workflow
 * for other repositories): in `directory` when given, that is at the root without `cache-dependency-path`, else at a
 * path it lists.
 */
function cachesNpm(job: Job, directory?: string): boolean {
  return job.steps.some((step) => {
    if (step.action?.id !== 'actions/setup-node' || step.action.ref === undefined || scalarToString(step.inputs.get('cache')?.value) !== 'npm') return false;
    if (directory === undefined) return true;
    const listed = scalarToString(step.inputs.get('cache-dependency-path')?.value);
    if (listed === undefined) return directory === '';
    const lockfiles = NPM_LOCKFILES.map((name) => joinPath(directory, name));
    return listed.split('\n').some((line) => isLiteralPath(line.trim()) && lockfiles.includes(joinPath('', line.trim())));
  });
}

/** Yarn Berry anywhere in the workflow (`yarn set version`, `corepack enable`) means `yarn install` is already locked. */
function usesYarnBerry(workflow: Workflow): boolean {
  // Most workflows never spell it (nor hold an escape that could): one search of the text, not one per job.
  if (!workflow.text.includes('\\') && !YARN_BERRY.test(workflow.text)) return false;
  return workflow.jobs.some(
    (job) => jobTextMayMatch(job, (source) => YARN_BERRY.test(source)) && job.steps.some((step) => step.run !== undefined && YARN_BERRY.test(step.run.value)),
  );
}

function buildFix(step: Step, problem: Problem, last: ShellWord, script: string): { title: string; edits: TextEdit[] } | undefined {
  const text = step.run?.text;
  if (!text) return undefined;
  const installSpan = text.sourceSpan(last.start, last.end);
  if (!installSpan) return undefined;
  if (problem.kind === 'yarnInstall') {
    return { title: "Add '--frozen-lockfile'", edits: [{ start: installSpan.end, end: installSpan.end, newText: ' --frozen-lockfile' }] };
  }
  const edits: TextEdit[] = [{ start: installSpan.start, end: installSpan.end, newText: 'ci' }];
  for (const option of problem.dropOptions) {
    const removal = removalSpan(text.sourceSpan.bind(text), script, option);
    if (!removal) return undefined;
    edits.push({ ...removal, newText: '' });
  }
  return { title: "Use 'npm ci'", edits };
}

/** The option together with the blanks before it, as a source span. */
function removalSpan(sourceSpan: (start: number, end: number) => Span | undefined, script: string, option: ShellWord): Span | undefined {
  let start = option.start;
  while (start > 0 && (script[start - 1] === ' ' || script[start - 1] === '\t')) start--;
  if (start === option.start) return undefined;
  const first = sourceSpan(start, start + 1);
  const word = sourceSpan(option.start, option.end);
  return first && word ? { start: first.start, end: word.end } : undefined;
}
