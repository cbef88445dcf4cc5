import type { TextEdit } from '../../engine/core/finding';
import { defineRule } from '../../engine/core/rule';
import { addStepInputs, ownValue, usesNode } from '../../engine/edits/workflowEdit';
import { removeMapEntry, replaceScalar } from '../../engine/edits/yamlEdit';
import { stepCondition } from '../../engine/model/jobKind';
import { mayRunInRelease, onlyInReleaseRuns, publishingJobs, releaseBranchRunCases, releaseBranchWorkflowPublishingJobs, releaseRunCases, releaseRunPublishingJobs, type RunCases } from '../../engine/model/publishing';
import type { Step } from '../../engine/model/workflow';
import { isMap, isScalar, scalarToString, spanOf, type Field, type Node, type YamlFile } from '../../engine/yaml/yamlFile';

/** Where a step restores a cache, and how to turn it off. */
interface CacheUse {
  /** The input that turns the cache on, or the `uses:` value when the action caches by default. */
  node: Node;
  /** What restores it, for the message (`actions/setup-node with cache: npm`). */
  what: string;
  fix?: { title: string; edit: TextEdit | undefined };
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
    restores: (what: string, jobId: string) =>
      `${what} restores a cache in job '${jobId}', whose work is published. Any workflow run on the default branch can write the entries it reads, so code that runs there (a compromised dev dependency, a pull_request_target or issue_comment workflow) can plant files in the release. Build published work without a cache.`,
    restoresOnRelease: (what: string, jobId: string) =>
      `${what} restores a cache in job '${jobId}' only when the run is for a tag or a release, and the job hands its work on then. Any workflow run on the default branch can write the entries that release run reads, so code that runs there (a compromised dev dependency, a pull_request_target or issue_comment workflow) can plant files in the release. Build releases without a cache.`,
  },
  docs: {
    summary: 'Do not restore a cache in a job whose work is published (a release, a package, an image).',
    rationale:
      'GitHub\'s cache is shared by every workflow run on a branch and readable from the branches below it: an entry written by any run on the default branch is what a tag or release build restores. Whoever gets code to run in one of those runs (a compromised dev dependency in ordinary CI, a script injection in an issue_comment or pull_request_target workflow, a fork\'s code run by mistake) can save a poisoned entry under the key the release job looks for, and the release is then built from their files: a dependency directory, a compiler cache, a build tool. The attacker controls the cached files, not your repository, which is why nothing in the diff shows it.',
    symptom: 'Nothing visible: the release is built and signed as usual, from files someone else put into the cache.',
    fix:
      'Turn the cache off in jobs whose work is published and let them start from nothing: remove `cache:` from `actions/setup-node`, `setup-python` and `setup-java`; set `cache: false` on `actions/setup-go` (v4 and later cache by default) and `actions/setup-dotnet`, `enable-cache: false` on `astral-sh/setup-uv` (it caches by default on hosted runners; from v10 on, not for `release`, `pull_request_target` and `workflow_run` runs, so a v10 pin, or a commit whose comment names v10, is silent in a workflow that runs only on those), `sccache: false` on `PyO3/maturin-action`, `bundler-cache: false` on `ruby/setup-ruby`, `ignore-cache: true` on `ramsey/composer-install`, `cache-disabled: true` on `gradle/actions/setup-gradle`, `cache-binary: false` on `docker/setup-buildx-action` with a `version:` (it caches the buildx it downloads); drop `actions/cache`, `Swatinem/rust-cache`, sccache or ccache steps and `cache-from: type=gha`. The quick-fix does the input changes. Keep caches in test jobs, and `actions/cache/save` (which only writes) anywhere. Which jobs are published: a job with a publishing step (`npm publish`, `docker push`, `docker/build-push-action` with `push:`, `twine upload`, `pypa/gh-action-pypi-publish`, `gh release create`, `cargo publish`, goreleaser, …; dry runs and snapshots are not); in a workflow that runs only for releases and tag pushes (or only by hand and creates a GitHub release; pushes to branches named for releases, such as `release`, `release/1.x` or `release-v2`, count as releases here too), also a job that hands its work on: it uploads artifacts, logs in to a registry, holds a registry token, deploys to an `environment:`, is named for publishing (`publish-crate`, `Release to PyPI`; not `release-notes` or `check-release`), or its token can write packages, sign (`id-token: write`) or write contents without opening a pull request; in any other workflow, such a job when the cache is on only for tag pushes and releases (the input\'s expression, the step\'s or the job\'s `if:`, such as `startsWith(github.ref, \'refs/tags/\')`); and the jobs whose artifacts such a job downloads. A job that only verifies a release ships nothing it builds. `gha/setup-cache` and `gha/docker-build-cache` never suggest a cache in those jobs.',
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
      const use = cacheUse(ctx.file, step, () => ctx.acrossJobs(releaseRunCases));
      if (!use) return;
      const jobId = step.job.id;
      let message: 'restores' | 'restoresOnRelease' = 'restores';
      if (!ctx.acrossJobs(publishingJobs).includes(jobId)) {
        const value = scalarToString(use.node);
        const conditions = [stepCondition(step), value?.includes('${{') ? value : undefined];
        if (ctx.acrossJobs(releaseBranchWorkflowPublishingJobs).includes(jobId)) {
          // Every run is a release (a tag, a release, a push to a branch named for releases): the cache is one if it may be on.
          if (!mayRunInRelease(conditions, ctx.acrossJobs(releaseBranchRunCases))) return;
        } else {
          // A cache (or its step) on only for tag pushes and releases: those runs are the releases. (A job on only
          // for those is among the publishing jobs already, when it hands its work on.)
          if (conditions.every((condition) => condition === undefined)) return;
          if (!onlyInReleaseRuns(conditions, ctx.acrossJobs(releaseRunCases)) || !ctx.acrossJobs(releaseRunPublishingJobs).includes(jobId)) return;
          message = 'restoresOnRelease';
        }
      }
      const edit = use.fix?.edit;
      ctx.report({
        span: spanOf(use.node),
        message,
        args: [use.what, jobId],
        ...(use.fix && edit ? { fix: { title: use.fix.title, edits: [edit] } } : {}),
      });
    },
  },
});

function input(step: Step, name: string): { field: Field; value: string } | undefined {
  const field = step.inputs.get(name);
  const value = scalarToString(field?.value);
  return field?.value && value !== undefined ? { field, value: value.trim() } : undefined;
}

/** True, or an expression that may be true. */
function maybeTrue(value: string): boolean {
  return TRUE.test(value) || value.includes('${{');
}

/** Sets an input to a new plain value: replaces the one written, or adds it to `with:`. */
function setInput(file: YamlFile, step: Step, name: string, value: string): TextEdit | undefined {
  const field = step.inputs.get(name);
  if (!field) return addStepInputs(file, step, [[name, value]]);
  return isScalar(field.value) && ownValue(step.node, 'with') !== undefined ? replaceScalar(field.value, value) : undefined;
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

// Events on which setup-uv v10 and later leave the cache off unless 'enable-cache: true' turns it on.
const UV_UNCACHED_EVENTS: ReadonlySet<string | undefined> = new Set(['release', 'pull_request_target', 'workflow_run']);

/** The major version a `uses:` pins: its tag (`v10.0.0`), or for a commit, the version its trailing comment names. */
function pinnedMajor(step: Step): number | undefined {
  const ref = step.action?.ref ?? '';
  const written = /^[0-9a-f]{40}$/i.test(ref) ? usesNode(step)?.comment?.trim() : ref;
  const major = /^(?:tag=)?v?(\d+)(?:[.\s]|$)/.exec(written ?? '')?.[1];
  return major === undefined ? undefined : Number(major);
}

function cacheUse(file: YamlFile, step: Step, cases: () => RunCases): CacheUse | undefined {
  const action = step.action!;
  const id = action.id ?? '';
  const uses = usesNode(step);
  if (!uses) return undefined;
  const name = step.uses!.trim();
  const on = (inputName: string, set: string): CacheUse['fix'] => ({ title: `Set '${inputName}: ${set}'`, edit: setInput(file, step, inputName, set) });
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
      if (cache && cache.value !== '') return { node: cache.field.value!, what: `'${name}' with 'cache: ${cache.value}'`, fix: { title: `Remove 'cache: ${cache.value}'`, edit: removeInput(file, step, 'cache') } };
      const automatic = input(step, 'package-manager-cache');
      if (id === 'actions/setup-node' && automatic && maybeTrue(automatic.value)) return { node: automatic.field.value!, what: `'${name}' with 'package-manager-cache: ${automatic.value}'`, fix: on('package-manager-cache', 'false') };
      return undefined;
    }
    case 'actions/setup-go': {
      const cache = input(step, 'cache');
      if (cache) return maybeTrue(cache.value) ? { node: cache.field.value!, what: `'${name}' with 'cache: ${cache.value}'`, fix: on('cache', 'false') } : undefined;
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
      if (cache && FALSE.test(cache.value)) return undefined;
      if (!cache || cache.value === 'auto') {
        // 'auto', the default: on for GitHub-hosted runners, and since v10 off for releases, pull_request_target and workflow_run.
        const { release, other } = cases();
        if ((pinnedMajor(step) ?? 0) >= 10 && [...release, ...other].every((runCase) => UV_UNCACHED_EVENTS.has(runCase.event))) return undefined;
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
      if (!version || version.value === '' || (binary && !maybeTrue(binary.value))) return undefined;
      // 'cache-binary' came with v3.3; earlier releases kept the binary in the runner's own tool cache only.
      if ((pinnedMajor(step) ?? 3) < 3) return undefined;
      return { node: binary?.field.value ?? version.field.value!, what: `'${name}' with 'version: ${version.value}' (whose binary it caches)`, fix: on('cache-binary', 'false') };
    }
    case 'docker/build-push-action': {
      const from = input(step, 'cache-from');
      if (!from || !/\btype=gha\b/.test(from.value)) return undefined;
      const only = !from.value.includes('\n');
      return { node: from.field.value!, what: `'${name}' with 'cache-from: type=gha'`, ...(only ? { fix: { title: "Remove 'cache-from'", edit: removeInput(file, step, 'cache-from') } } : {}) };
    }
    default:
      return undefined;
  }
}

/** An input that turns a cache on when true (or an expression). */
function flagInput(step: Step, name: string, fix: CacheUse['fix']): CacheUse | undefined {
  const found = input(step, name);
  if (!found || !maybeTrue(found.value)) return undefined;
  return { node: found.field.value!, what: `'${step.uses!.trim()}' with '${name}: ${found.value}'`, fix };
}
