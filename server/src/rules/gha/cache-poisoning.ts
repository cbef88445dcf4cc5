import type { TextEdit } from '../../engine/core/finding';
import { defineRule, type ProjectFacts } from '../../engine/core/rule';
import { addStepInputs, ownValue, usesNode } from '../../engine/edits/workflowEdit';
import { removeMapEntry, replaceScalar } from '../../engine/edits/yamlEdit';
import { evaluate, findExpressions, parseExpression, truthiness, type Value } from '../../engine/languages/expressions';
import { stepCondition } from '../../engine/model/jobKind';
import { lockfileExists } from '../../engine/model/lockfiles';
import {
  mayRunInRelease,
  onlyInReleaseRuns,
  publishingJobs,
  releaseBranchRunCases,
  releaseBranchWorkflowPublishingJobs,
  releaseOnlyWorkflow,
  releaseRunCases,
  releaseRunPublishingJobs,
  type RunCase,
  type RunCases,
} from '../../engine/model/publishing';
import type { Step } from '../../engine/model/workflow';
import { isMap, isScalar, scalarToString, spanOf, type Field, type Node, type YamlFile } from '../../engine/yaml/yamlFile';

/** Where a step restores a cache, and how to turn it off. */
interface CacheUse {
  /** The input that turns the cache on, or the `uses:` value when the action caches by default. */
  node: Node;
  /** What restores it, for the message (`actions/setup-node with cache: npm`). */
  what: string;
  /** Whether it restores a cache only under conditions the workflow does not show (setup-node's automatic npm cache). */
  maybe?: boolean;
  /** setup-node's automatic cache (v5+), new in strict this round: a hint wherever it is reported. */
  automatic?: boolean;
  /** Undefined edits: no fix (the input cannot be edited where it is written). */
  fix?: { title: string; edits: (TextEdit | undefined)[] };
}

const TRUE = /^(true|yes|1|on)$/i;
const FALSE = /^(false|no|0|off)?$/i;

export default defineRule({
  id: 'gha/cache-poisoning',
  presets: { recommended: 'off', strict: 'warning' },
  dora: ['change-failure-rate'],
  capabilities: ['shift-left-security'],
  // Without the cache the job is slower: a change to what it does, offered in the editor only.
  fixable: 'suggestion',
  messages: {
    restores: (what: string, jobId: string, verb = 'restores') =>
      `${what} ${verb} a cache in job '${jobId}', whose work is published. Any workflow run on the default branch can write the entries it reads, so code that runs there (a compromised dev dependency, a pull_request_target or issue_comment workflow) can plant files in the release. Build published work without a cache.`,
    restoresOnRelease: (what: string, jobId: string, verb = 'restores') =>
      `${what} ${verb} a cache in job '${jobId}' only when the run is for a tag or a release, and the job hands its work on then. Any workflow run on the default branch can write the entries that release run reads, so code that runs there (a compromised dev dependency, a pull_request_target or issue_comment workflow) can plant files in the release. Build releases without a cache.`,
    restoresInReleaseRun: (what: string, jobId: string, verb = 'restores') =>
      `${what} ${verb} a cache in job '${jobId}' in release runs (a release, a tag or release-branch push), but the job hands nothing on (no artifact, registry login or token, environment, or token that can publish), so what it builds does not reach the release. The entries it reads can still be written by any workflow run on the default branch, and code from them runs here with this job's token and any secrets it is given. If its work does reach the release some other way, or it is given secrets, build without the cache.`,
  },
  docs: {
    summary: 'Do not restore a cache in a job whose work is published (a release, a package, an image); strict also notes, as a hint, a cache restored in a release run by a job that hands nothing on.',
    rationale:
      'GitHub\'s cache is shared by every workflow run on a branch and readable from the branches below it: an entry written by any run on the default branch is what a tag or release build restores. Whoever gets code to run in one of those runs (a compromised dev dependency in ordinary CI, a script injection in an issue_comment or pull_request_target workflow, a fork\'s code run by mistake) can save a poisoned entry under the key the release job looks for, and the release is then built from their files: a dependency directory, a compiler cache, a build tool. The attacker controls the cached files, not your repository, which is why nothing in the diff shows it. Strict adds hints where the release is not built from the cache but code from it still runs in a release run: a job of a workflow whose every run is a release (or whose cache is on only for tags and releases) that hands nothing on, where a poisoned entry runs with that job\'s token and secrets; and `actions/setup-node` v5 and later without `cache:`, which restore npm\'s cache by themselves (`package-manager-cache`, true by default) when the checked-out package.json names npm in `packageManager`: the rule reads that from the repository when it can (and stays silent when the root package.json names another manager or none, when nothing is checked out at the workspace root, or the job sets up pnpm), and says \'may\' where it cannot see it.',
    symptom: 'Nothing visible: the release is built and signed as usual, from files someone else put into the cache.',
    fix:
      'Turn the cache off in jobs whose work is published and let them start from nothing: remove `cache:` from `actions/setup-node`, `setup-python` and `setup-java` (and set `package-manager-cache: false` on setup-node v5+); set `cache: false` on `actions/setup-go` (v4 and later cache by default) and `actions/setup-dotnet`, `enable-cache: false` on `astral-sh/setup-uv` (it caches by default on hosted runners; from v10 on, not for `release`, tag-push, `pull_request_target` and `workflow_run` runs, so a v10 pin, or a commit whose comment names v10, is silent in a workflow that runs only on those, and a commit with no version beside it is a hint that says \'may\'), `sccache: false` on `PyO3/maturin-action`, `bundler-cache: false` on `ruby/setup-ruby`, `ignore-cache: true` on `ramsey/composer-install`, `cache-disabled: true` on `gradle/actions/setup-gradle`, `cache-binary: false` on `docker/setup-buildx-action` with a `version:` (it caches the buildx it downloads); drop `actions/cache`, `Swatinem/rust-cache`, sccache or ccache steps and `cache-from: type=gha`. The quick-fix does the input changes. Keep caches in test jobs, and `actions/cache/save` (which only writes) anywhere. Which jobs are published: a job with a publishing step (`npm publish`, `docker push`, `docker/build-push-action` with `push:`, `twine upload`, `pypa/gh-action-pypi-publish`, `gh release create`, `cargo publish`, goreleaser, …; dry runs and snapshots are not); in a workflow that runs only for releases and tag pushes (or only by hand and creates a GitHub release; pushes to branches named for releases, such as `release`, `release/1.x` or `release-v2`, count as releases here too), also a job that hands its work on: it uploads artifacts, logs in to a registry, holds a registry token, deploys to an `environment:`, is named for publishing (`publish-crate`, `Release to PyPI`; not `release-notes` or `check-release`), or its token can write packages, sign (`id-token: write`) or write contents without opening a pull request; in any other workflow, such a job when the cache is on only for tag pushes and releases (the input\'s expression, the step\'s or the job\'s `if:`, such as `startsWith(github.ref, \'refs/tags/\')`); and the jobs whose artifacts such a job downloads. A job that only verifies a release ships nothing it builds. `gha/setup-cache` and `gha/docker-build-cache` never suggest a cache in those jobs.',
    bad: `on:
  push:
    tags: ['v*']
jobs:
  publish:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
          cache: npm
      - run: npm ci && npm publish --provenance
`,
    good: `on:
  push:
    tags: ['v*']
jobs:
  publish:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
      - run: npm ci && npm publish --provenance
`,
  },
  scope: 'job',
  visit: {
    step(step, ctx) {
      if (!step.action || step.action.kind !== 'remote') return;
      const use = cacheUse(ctx.file, step, () => ctx.acrossJobs(releaseRunCases), ctx.project);
      if (!use) return;
      const jobId = step.job.id;
      const strict = ctx.preset !== 'recommended';
      let message: 'restores' | 'restoresOnRelease' | 'restoresInReleaseRun' = 'restores';
      if (!ctx.acrossJobs(publishingJobs).includes(jobId)) {
        const value = scalarToString(use.node);
        const conditions = [stepCondition(step), value?.includes('${{') ? value : undefined];
        if (ctx.acrossJobs(releaseBranchWorkflowPublishingJobs).includes(jobId)) {
          // Every run is a release (a tag, a release, a push to a branch named for releases): the cache is one if it may be on.
          if (!mayRunInRelease(conditions, ctx.acrossJobs(releaseBranchRunCases))) return;
        } else if (conditions.some((condition) => condition !== undefined) && onlyInReleaseRuns(conditions, ctx.acrossJobs(releaseRunCases))) {
          // A cache (or its step) on only for tag pushes and releases: those runs are the releases. (A job on only
          // for those is among the publishing jobs already, when it hands its work on.)
          if (ctx.acrossJobs(releaseRunPublishingJobs).includes(jobId)) message = 'restoresOnRelease';
          else if (strict) message = 'restoresInReleaseRun';
          else return;
        } else if (strict && ctx.acrossJobs(releaseOnlyWorkflow)) {
          // Strict: every run of the workflow is a release, and this job hands nothing on. Its files stay on the
          // runner, but what the cache holds still runs in the release run: a hint.
          const cases = ctx.acrossJobs(releaseBranchRunCases);
          if (cases.release.length > 0 && !mayRunInRelease(conditions, cases)) return;
          message = 'restoresInReleaseRun';
        } else {
          return;
        }
      }
      const edits = use.fix?.edits.every((edit) => edit !== undefined) ? (use.fix.edits as TextEdit[]) : undefined;
      ctx.report({
        span: spanOf(use.node),
        message,
        args: [use.what, jobId, use.maybe ? 'may restore' : 'restores'],
        ...(message === 'restoresInReleaseRun' || use.maybe || use.automatic ? { severity: 'hint' as const } : {}),
        ...(use.fix && edits ? { fix: { title: use.fix.title, edits } } : {}),
      });
    },
  },
});

function input(step: Step, name: string): { field: Field; value: string } | undefined {
  const field = step.inputs.get(name);
  const value = scalarToString(field?.value);
  return field?.value && value !== undefined ? { field, value: value.trim() } : undefined;
}

/**
 * True, or an expression that may be true. An expression that reads the matrix of a job that has none is evaluated
 * with it empty (`${{ matrix.os == 'ubuntu-latest' }}` is then false: `gha/expression` reports the read).
 */
function maybeTrue(value: string, step: Step): boolean {
  if (TRUE.test(value)) return true;
  if (!value.includes('${{')) return false;
  const expressions = findExpressions(value);
  if (hasMatrix(step) || expressions.length !== 1 || value.trim() !== value.slice(expressions[0]!.start, expressions[0]!.end).trim()) return true;
  const parsed = parseExpression(expressions[0]!.inner);
  if (!parsed.ok) return true;
  const lookup = (path: readonly string[]): Value | undefined => (path[0] === 'matrix' ? (path.length === 1 ? {} : null) : undefined);
  return truthiness(evaluate(parsed.ast, { lookup })) !== false;
}

/** Whether the step's job may have a matrix (a composite action's caller may). */
function hasMatrix(step: Step): boolean {
  if (step.job.synthetic) return true;
  const strategy = step.job.fields.get('strategy');
  if (strategy === undefined) return false;
  return !isMap(strategy.value) || strategy.value.items.some((pair) => scalarToString(pair.key) === 'matrix');
}

/** Sets an input to a new plain value: replaces the one written, or adds it to `with:`. */
function setInput(file: YamlFile, step: Step, name: string, value: string): TextEdit | undefined {
  const field = step.inputs.get(name);
  if (!field) return addStepInputs(file, step, [[name, value]]);
  return isScalar(field.value) && ownValue(step.node, 'with') !== undefined ? replaceScalar(field.value, value) : undefined;
}

/** Writes another input, with a new plain value, in an input's place (in the step's own `with:`). */
function renameInput(step: Step, field: Field, name: string, value: string): TextEdit | undefined {
  const withMap = ownValue(step.node, 'with');
  if (!isMap(withMap) || !withMap.items.some((pair) => pair.key === field.key) || field.key.type !== 'PLAIN' || !isScalar(field.value)) return undefined;
  const [start, end] = [field.key.range?.[0], field.value.range?.[1]];
  return start === undefined || end === undefined ? undefined : { start, end, newText: `${name}: ${value}` };
}

/** Removes an input from the step's own `with:`, and `with:` itself when nothing else is left in it (an empty one is invalid). */
function removeInput(file: YamlFile, step: Step, name: string): TextEdit | undefined {
  const withMap = ownValue(step.node, 'with');
  const field = step.inputs.get(name);
  if (!isMap(withMap) || !field) return undefined;
  const withKey = step.fields.get('with')?.key;
  if (withMap.items.length === 1 && withKey) return removeMapEntry(file, step.node, withKey);
  return removeMapEntry(file, withMap, field.key);
}

// Events on which setup-uv v10 and later leave the cache off unless 'enable-cache: true' turns it on (and tag pushes).
const UV_UNCACHED_EVENTS: ReadonlySet<string | undefined> = new Set(['release', 'pull_request_target', 'workflow_run']);

function uvUncached(runCase: RunCase): boolean {
  if (UV_UNCACHED_EVENTS.has(runCase.event)) return true;
  return runCase.event === 'push' && runCase.values.some(([name, value]) => name === 'github.ref_type' && value === 'tag');
}

/** The major version a `uses:` pins: its tag (`v10.0.0`), or for a commit, the version its trailing comment names. */
function pinnedMajor(step: Step): number | undefined {
  const ref = step.action?.ref ?? '';
  const written = /^[0-9a-f]{40}$/i.test(ref) ? usesNode(step)?.comment?.trim() : ref;
  const major = /^(?:tag=)?v?(\d+)(?:[.\s]|$)/.exec(written ?? '')?.[1];
  return major === undefined ? undefined : Number(major);
}

function cacheUse(file: YamlFile, step: Step, cases: () => RunCases, project: ProjectFacts): CacheUse | undefined {
  const action = step.action!;
  const id = action.id ?? '';
  const uses = usesNode(step);
  if (!uses) return undefined;
  const name = step.uses!.trim();
  const on = (inputName: string, set: string): CacheUse['fix'] => ({ title: `Set '${inputName}: ${set}'`, edits: [setInput(file, step, inputName, set)] });
  switch (id) {
    case 'actions/cache':
    case 'actions/cache/restore':
    case 'swatinem/rust-cache': {
      if (TRUE.test(input(step, 'lookup-only')?.value ?? '')) return undefined;
      return { node: uses, what: `'${name}'` };
    }
    case 'mozilla-actions/sccache-action':
    case 'hendrikmuhs/ccache-action':
      return { node: uses, what: `'${name}'` };
    case 'actions/setup-node':
    case 'actions/setup-python':
    case 'actions/setup-java': {
      const cache = input(step, 'cache');
      // From v5, setup-node caches npm's downloads by itself ('package-manager-cache', true by default) when the
      // package.json at the workspace's root names npm in 'packageManager' (or 'devEngines.packageManager'), which the
      // workflow does not show: a finding that says 'may', where such a package.json can be there.
      const automatic = id === 'actions/setup-node' ? input(step, 'package-manager-cache') : undefined;
      const npm = id !== 'actions/setup-node' || (automatic ? !maybeTrue(automatic.value, step) : (pinnedMajor(step) ?? 0) < 5) ? false : namesNpm(step, project);
      if (cache && cache.value !== '') {
        const what = `'${name}' with 'cache: ${cache.value}'`;
        // Without 'cache:', the automatic cache would restore npm's: turn that off too.
        if (npm === false) return { node: cache.field.value!, what, fix: { title: `Remove 'cache: ${cache.value}'`, edits: [removeInput(file, step, 'cache')] } };
        const edits = automatic ? [removeInput(file, step, 'cache'), setInput(file, step, 'package-manager-cache', 'false')] : [renameInput(step, cache.field, 'package-manager-cache', 'false')];
        return { node: cache.field.value!, what, fix: { title: `Replace 'cache: ${cache.value}' with 'package-manager-cache: false'`, edits } };
      }
      if (npm === false) return undefined;
      const how =
        npm === true
          ? `(which from v5 on restores npm's cache by itself: the repository's package.json names npm in 'packageManager')`
          : `(which from v5 on restores npm's cache by itself when the checked-out package.json names npm in 'packageManager')`;
      const what = automatic ? `'${name}' with 'package-manager-cache: ${automatic.value}' ${how}` : `'${name}' ${how}`;
      return { node: automatic ? automatic.field.value! : uses, what, maybe: npm === 'maybe', automatic: true, fix: on('package-manager-cache', 'false') };
    }
    case 'actions/setup-go': {
      const cache = input(step, 'cache');
      if (cache) return maybeTrue(cache.value, step) ? { node: cache.field.value!, what: `'${name}' with 'cache: ${cache.value}'`, fix: on('cache', 'false') } : undefined;
      // v1 to v3 cache only when asked; v4 and later (and a commit, most likely recent) by default.
      const major = /^v?(\d+)/.exec(action.ref ?? '')?.[1];
      if (major !== undefined && Number(major) < 4) return undefined;
      return { node: uses, what: `'${name}' (which caches by default)`, fix: on('cache', 'false') };
    }
    case 'actions/setup-dotnet':
      return flagInput(step, 'cache', on('cache', 'false'));
    case 'ruby/setup-ruby':
      return flagInput(step, 'bundler-cache', on('bundler-cache', 'false'));
    case 'pyo3/maturin-action':
      return flagInput(step, 'sccache', on('sccache', 'false'));
    case 'astral-sh/setup-uv': {
      const cache = input(step, 'enable-cache');
      if (cache && (FALSE.test(cache.value) || !maybeTrue(cache.value, step) && cache.value.includes('${{'))) return undefined;
      if (!cache || cache.value === 'auto') {
        // 'auto', the default: on for GitHub-hosted runners, and since v10 off for releases, pull_request_target and workflow_run.
        const { release, other } = cases();
        if ([...release, ...other].every(uvUncached)) {
          const major = pinnedMajor(step);
          if ((major ?? 0) >= 10) return undefined;
          if (major === undefined && /^[0-9a-f]{40}$/i.test(action.ref ?? '')) {
            // A commit whose version is not written beside it: v10 or later would leave the cache off in every run here.
            const what = `'${name}'${cache ? ` with 'enable-cache: ${cache.value}'` : ''} (which caches on GitHub-hosted runners before v10, and from v10 on not in release or tag-push runs; this commit's version is not written beside it)`;
            return { node: cache?.field.value ?? uses, what, maybe: true, fix: on('enable-cache', 'false') };
          }
        }
      }
      if (!cache) return { node: uses, what: `'${name}' (which caches by default on GitHub-hosted runners)`, fix: on('enable-cache', 'false') };
      return { node: cache.field.value!, what: `'${name}' with 'enable-cache: ${cache.value}'`, fix: on('enable-cache', 'false') };
    }
    case 'ramsey/composer-install': {
      const ignore = input(step, 'ignore-cache');
      if (ignore && (TRUE.test(ignore.value) || ignore.value.includes('${{'))) return undefined;
      return { node: ignore?.field.value ?? uses, what: `'${name}' (which caches by default)`, fix: on('ignore-cache', 'true') };
    }
    case 'gradle/actions/setup-gradle':
    case 'gradle/gradle-build-action': {
      const disabled = input(step, 'cache-disabled');
      if (disabled && (TRUE.test(disabled.value) || disabled.value.includes('${{'))) return undefined;
      return { node: disabled?.field.value ?? uses, what: `'${name}' (which caches by default)`, fix: on('cache-disabled', 'true') };
    }
    case 'docker/setup-buildx-action': {
      // A buildx it downloads ('version:') is kept in the Actions cache unless 'cache-binary' is false; the runner's own needs none.
      const version = input(step, 'version');
      const binary = input(step, 'cache-binary');
      if (!version || version.value === '' || (binary && !maybeTrue(binary.value, step))) return undefined;
      // 'cache-binary' came with v3.3; earlier releases kept the binary in the runner's own tool cache only.
      if ((pinnedMajor(step) ?? 3) < 3) return undefined;
      return { node: binary?.field.value ?? version.field.value!, what: `'${name}' with 'version: ${version.value}' (whose binary it caches)`, fix: on('cache-binary', 'false') };
    }
    case 'docker/build-push-action': {
      const from = input(step, 'cache-from');
      if (!from || !/\btype=gha\b/.test(from.value)) return undefined;
      const only = !from.value.includes('\n');
      return { node: from.field.value!, what: `'${name}' with 'cache-from: type=gha'`, ...(only ? { fix: { title: "Remove 'cache-from'", edits: [removeInput(file, step, 'cache-from')] } } : {}) };
    }
    default:
      return undefined;
  }
}

// Words of a script that may bring a repository's files into the workspace (or write the one a cache keys on).
const FETCHES_FILES = /\b(clone|checkout|fetch|download|curl|wget|tar|unzip|cp|mv|rsync)\b|go\.sum|package\.json/;

/**
 * Whether the workspace's root may hold the repository's files when the step runs (a job starts with it empty): an
 * earlier step checks the repository out there, downloads an artifact, or runs a script that may fetch or copy files.
 */
function rootMayHoldFiles(step: Step): boolean {
  if (step.job.synthetic) return true;
  return step.job.steps.slice(0, step.index).some((other) => {
    if (other.run !== undefined) return FETCHES_FILES.test(other.run.value);
    if (other.action?.id === 'actions/download-artifact') return true;
    if (other.action?.id !== 'actions/checkout') return false;
    const path = input(other, 'path')?.value;
    return path === undefined || /^(\.\/?|\$\{\{\s*github\.workspace\s*\}\})?$/.test(path);
  });
}

/**
 * Whether the package.json at the workspace's root names npm when a setup-node step runs: false when no earlier step
 * checks the repository out there (or runs a script, which may write one), the job sets up pnpm (whose action reads its
 * version from the same 'packageManager' field), the repository's facts say its root package.json names another
 * manager or none, it is on Yarn 2+, or (unless 'cache-dependency-path' points elsewhere) the root holds no lockfile
 * npm's cache keys on, where the lockfiles are known (the step would fail); true when the facts say it names npm;
 * 'maybe' when nothing tells (a browser, a fixture).
 */
function namesNpm(step: Step, project: ProjectFacts): boolean | 'maybe' {
  if (step.job.steps.some((other) => other.action?.id === 'pnpm/action-setup')) return false;
  // In a repository, the facts say what its root package.json names (nothing, when they hold no package manager).
  if (project.workflowFiles !== undefined && project.packageManager !== 'npm') return false;
  if (!rootMayHoldFiles(step)) return false;
  if (project.yarnBerry === true) return false;
  if (!step.inputs.has('cache-dependency-path') && ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock'].every((lockfile) => lockfileExists(project.lockfiles, lockfile) === false)) return false;
  return project.packageManager === 'npm' ? true : 'maybe';
}

/** An input that turns a cache on when true (or an expression). */
function flagInput(step: Step, name: string, fix: CacheUse['fix']): CacheUse | undefined {
  const found = input(step, name);
  if (!found || !maybeTrue(found.value, step)) return undefined;
  return { node: found.field.value!, what: `'${step.uses!.trim()}' with '${name}: ${found.value}'`, fix };
}
