import { MemoKey, memoOn } from '../../engine/model/memo';
import { lockfileExists } from '../../engine/model/lockfiles';
import { folderUnder, joinPath, placedCommands, workingDirectory } from '../../engine/model/workingDirectory';
import { publishingJobs, releaseOnlyWorkflow } from '../../engine/model/publishing';
import type { ResolvedCommand } from '../../engine/languages/commandLine';
import type { Job, Step } from '../../engine/model/workflow';
import { defineRule } from '../../engine/core/rule';
import { addStepInputs, usesNode } from '../../engine/edits/workflowEdit';
import { scalarToString, spanOf } from '../../engine/yaml/yamlFile';

type Manager = 'npm' | 'yarn' | 'pnpm' | 'pip' | 'maven' | 'gradle' | 'sbt';

const SETUP_ACTIONS: Record<string, Manager[]> = {
  'actions/setup-node': ['npm', 'yarn', 'pnpm'],
  'actions/setup-python': ['pip'],
  'actions/setup-java': ['maven', 'gradle', 'sbt'],
};

const LOCKFILE: Partial<Record<Manager, string>> = { npm: 'package-lock.json', yarn: 'yarn.lock', pnpm: 'pnpm-lock.yaml' };
// What setup-node looks for at the root of the workspace when no `cache-dependency-path:` is given.
const ROOT_LOCKFILES: Partial<Record<Manager, string[]>> = { npm: ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock'], yarn: ['yarn.lock'], pnpm: ['pnpm-lock.yaml'] };
const NPM_INSTALL = new Set(['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall']);
// Actions that cache the same directories themselves.
const CACHING_ACTIONS = /(^|\/)[^/]*cache[^/]*(\/|$)|^bahmutov\/npm-install$|^gradle\/(actions\/setup-gradle|gradle-build-action)$/;

/** Where and how a job installs packages with one manager. */
interface Install {
  manager: Manager;
  /** The directory the install runs in, relative to the workspace ('' = root); undefined when it is computed at run time. */
  directory: string | undefined;
  /** pip's requirement files (`-r`), relative to the workspace; undefined for one computed at run time. */
  requirements: (string | undefined)[];
  /** Its step tests whether the file the cache would key on exists (`if [ -f requirements.txt ]`): it may not. */
  guarded: boolean;
}

export default defineRule({
  id: 'gha/setup-cache',
  presets: { recommended: 'off', strict: 'info' },
  dora: ['lead-time'],
  capabilities: ['continuous-integration', 'trunk-based-development'],
  // The setup step then restores and saves a cache, and fails when it finds no lockfile: not behaviour-neutral.
  fixable: 'suggestion',
  messages: {
    noCache: (action: string, manager: string) =>
      `'${action}' has no 'cache:' although this job installs packages with ${manager}: every run downloads all dependencies again. Add cache: '${manager}'.`,
  },
  docs: {
    summary: 'Let the setup action cache the package manager\'s downloads (`cache: npm`, `pip`, `maven`, …).',
    rationale:
      'Hosted runners start empty, so without a cache every run fetches the whole dependency tree from the registry: minutes per job, multiplied by every push and matrix entry, and a dependence on the registry being up. `actions/setup-node`, `setup-python` and `setup-java` can cache the package manager\'s download directory keyed by the lockfile with one input, which usually cuts install time by more than half.',
    symptom: 'The install step takes the same minutes on every run, and registry outages or rate limits fail builds that changed nothing.',
    fix: 'Add `cache:` with the package manager the job uses (`npm`, `yarn`, `pnpm`, `pip`, `maven`, `gradle`, `sbt`). When the lockfile is not at the repository root, also set `cache-dependency-path:`; the quick-fix does so for a literal `working-directory:` or `cd`. Jobs that already use `actions/cache` (or another caching action) are not flagged, nor `setup-go`, which caches by default. Nor are jobs whose work is published: every job of a workflow that runs only for releases and tag pushes, a job with a publishing step (`npm publish`, `docker push`, `twine upload`, `gh release create`, `cargo publish`, goreleaser, `pypa/gh-action-pypi-publish`, changesets with `publish:`, or a `release`/`publish` script in a job with a registry token or `id-token: write`), and the jobs it needs that upload artifacts. Any workflow run on the default branch can write the cache entries such a job would restore, so a cache there is what cache poisoning needs. In a repository, the rule also stays silent when the lockfile setup-node would key the cache on is missing (at the root, or in the install\'s directory), and wherever the step itself tests whether the file the cache keys on exists (`if [ -f requirements.txt ]`, as templates do): `cache:` would fail the job there.',
    bad: `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm ci
      - run: npm test
`,
    good: `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - run: npm test
`,
  },
  scope: 'job',
  visit: {
    step(step, ctx) {
      const action = step.action?.id;
      const managers = action ? SETUP_ACTIONS[action] : undefined;
      if (!managers || step.inputs.has('cache') || scalarToString(step.inputs.get('package-manager-cache')?.value) === 'false') return;
      if (step.job.steps.some((other) => CACHING_ACTIONS.test(other.action?.id ?? ''))) return;
      const install = installsOf(step.job, ctx.project.npmLockfile === true).find(
        (candidate) => managers.includes(candidate.manager) && !candidate.guarded && !lockfileMissing(candidate, step, ctx.project.lockfiles),
      );
      if (!install) return;
      // What a publishing job builds is published: a cache it restores is what cache poisoning needs. In a workflow
      // whose every run is a release, gha/cache-poisoning notes a cache in any job (strict): none is suggested there.
      if (ctx.acrossJobs(publishingJobs).includes(step.job.id) || ctx.acrossJobs(releaseOnlyWorkflow)) return;
      const uses = usesNode(step);
      if (!uses) return;
      const inputs = cacheInputs(install, step);
      const edit = inputs ? addStepInputs(ctx.file, step, inputs) : undefined;
      ctx.report({
        span: spanOf(uses),
        message: 'noCache',
        args: [step.uses ?? action!, install.manager],
        ...(edit ? { fix: { title: `Add cache: '${install.manager}'`, edits: [edit] } } : {}),
      });
    },
  },
});

/** The `with:` entries that turn the cache on, or undefined when no safe value is known. */
function cacheInputs(install: Install, setup: Step): [string, string][] | undefined {
  const entries: [string, string][] = [['cache', `'${install.manager}'`]];
  // setup-node resolves pnpm when the step runs: pnpm must be installed before it.
  if (install.manager === 'pnpm' && !pnpmBefore(setup)) return undefined;
  const lockfile = LOCKFILE[install.manager];
  if (lockfile) {
    if (install.directory === undefined) return undefined;
    if (install.directory !== '' && !setup.inputs.has('cache-dependency-path')) entries.push(['cache-dependency-path', `${install.directory}/${lockfile}`]);
  } else if (install.manager === 'pip') {
    // setup-python looks for **/requirements.txt by default; other names must be given.
    const unusual = install.requirements.filter((file) => file === undefined || !/(^|\/)requirements\.txt$/.test(file));
    if (unusual.length > 1 || (unusual.length === 1 && unusual[0] === undefined)) return undefined;
    if (unusual.length === 1 && !setup.inputs.has('cache-dependency-path')) entries.push(['cache-dependency-path', unusual[0]!]);
  }
  return entries;
}

/**
 * Whether the repository's lockfiles show that the one the cache would key on is not there: at the root, where
 * setup-node looks, or in the install's directory, where the fix points `cache-dependency-path:`. False when they
 * cannot tell (no repository, too deep) or `cache-dependency-path:` is already set.
 */
function lockfileMissing(install: Install, setup: Step, listed: readonly string[] | undefined): boolean {
  const lockfile = LOCKFILE[install.manager];
  if (!lockfile || listed === undefined || setup.inputs.has('cache-dependency-path')) return false;
  // Without a literal directory, `cache:` alone makes setup-node look at the root.
  const candidates = install.directory ? [`${install.directory}/${lockfile}`] : ROOT_LOCKFILES[install.manager]!;
  return candidates.every((path) => lockfileExists(listed, path) === false);
}

function pnpmBefore(setup: Step): boolean {
  return setup.job.steps.some(
    (step) =>
      step.index < setup.index &&
      (step.action?.id === 'pnpm/action-setup' || (step.run !== undefined && /\bcorepack\s+enable\b|\bnpm\s+(i|install)\s+(-g|--global)\s+pnpm\b/.test(step.run.value))),
  );
}

const INSTALLS = new MemoKey<Install[]>('installs');

function installsOf(job: Job, npmLockfileKnown: boolean): Install[] {
  return memoOn(job, INSTALLS, () => readInstalls(job, npmLockfileKnown));
}

function readInstalls(job: Job, npmLockfileKnown: boolean): Install[] {
  const installs: Install[] = [];
  for (const step of job.steps) {
    // Files the script tests for (`[ -f requirements.txt ]`), from the workspace root.
    const tested = new Set<string>();
    const stepInstalls: Install[] = [];
    for (const { command: resolved, directory } of placedCommands(step, workingDirectory(step))) {
      const file = testedFile(resolved);
      const testedPath = file === undefined ? undefined : folderUnder(directory, file);
      if (testedPath !== undefined) tested.add(testedPath);
      const found = installOf(resolved, npmLockfileKnown);
      if (!found) continue;
      const dir = found.prefix === undefined ? directory : folderUnder(directory, found.prefix);
      stepInstalls.push({
        manager: found.manager,
        directory: dir,
        requirements: found.requirements.map((requirement) => folderUnder(dir, requirement)),
        guarded: false,
      });
    }
    for (const install of stepInstalls) {
      const lockfile = LOCKFILE[install.manager];
      const keys = lockfile ? (install.directory === undefined ? [] : [joinPath(install.directory, lockfile)]) : install.requirements;
      install.guarded = keys.some((key) => key !== undefined && tested.has(key));
      installs.push(install);
    }
  }
  return installs;
}

function installOf(resolved: ResolvedCommand, npmLockfileKnown: boolean): { manager: Manager; prefix?: string; requirements: string[] } | undefined {
  const { program, args } = resolved;
  const values = args.map((word) => word.value);
  const positional = values.filter((value) => !value.startsWith('-'));
  switch (program) {
    case 'npm': {
      const prefixAt = values.findIndex((value) => value === '--prefix' || value === '-C');
      const prefix = prefixAt >= 0 ? values[prefixAt + 1] : values.find((value) => value.startsWith('--prefix='))?.slice(9);
      const sub = values.filter((value, index) => !value.startsWith('-') && !(prefixAt >= 0 && index === prefixAt + 1));
      if (sub[0] === 'ci') return { manager: 'npm', ...(prefix !== undefined ? { prefix } : {}), requirements: [] };
      // Many libraries commit no package-lock.json and use `npm install`; setup-node's npm cache fails without one.
      if (!npmLockfileKnown || !NPM_INSTALL.has(sub[0] ?? '') || sub.length > 1 || values.some((value) => value === '-g' || value === '--global')) return undefined;
      return { manager: 'npm', ...(prefix !== undefined ? { prefix } : {}), requirements: [] };
    }
    case 'yarn': {
      const cwdAt = values.indexOf('--cwd');
      const sub = positional.filter((value) => cwdAt < 0 || value !== values[cwdAt + 1]);
      if (sub.length > 0 && sub[0] !== 'install') return undefined;
      if (values.some((value) => /^(-v|-V|--version|-h|--help)$/.test(value))) return undefined;
      return { manager: 'yarn', ...(cwdAt >= 0 && values[cwdAt + 1] ? { prefix: values[cwdAt + 1]! } : {}), requirements: [] };
    }
    case 'pnpm': {
      const dirAt = values.findIndex((value) => value === '--dir' || value === '-C');
      const sub = positional.filter((value) => dirAt < 0 || value !== values[dirAt + 1]);
      if (sub[0] !== 'install' && sub[0] !== 'i') return undefined;
      return { manager: 'pnpm', ...(dirAt >= 0 && values[dirAt + 1] ? { prefix: values[dirAt + 1]! } : {}), requirements: [] };
    }
    case 'pip':
    case 'pip3': {
      if (positional[0] !== 'install') return undefined;
      const requirements: string[] = [];
      values.forEach((value, index) => {
        if ((value === '-r' || value === '--requirement') && values[index + 1]) requirements.push(values[index + 1]!);
        else if (value.startsWith('--requirement=')) requirements.push(value.slice(14));
        else if (/^-r\S/.test(value)) requirements.push(value.slice(2));
      });
      // Without a requirements file there is nothing for setup-python to key the cache on.
      return requirements.length > 0 ? { manager: 'pip', requirements } : undefined;
    }
    case 'mvn':
    case 'mvnw':
      return args.length > 0 ? { manager: 'maven', requirements: [] } : undefined;
    case 'gradle':
    case 'gradlew':
      return args.length > 0 ? { manager: 'gradle', requirements: [] } : undefined;
    case 'sbt':
      return { manager: 'sbt', requirements: [] };
    default:
      return undefined;
  }
}

/** The file of `[ -f file ]`, `[[ -e file ]]`, `test -s file`: what a script checks is there before using it. */
function testedFile({ program, args }: ResolvedCommand): string | undefined {
  if (program !== '[' && program !== '[[' && program !== 'test') return undefined;
  const at = args.findIndex((word) => /^-[efrs]$/.test(word.value));
  return at < 0 ? undefined : args[at + 1]?.value;
}
