import type { AcrossJobs } from '../core/rule';
import { memo, MemoSlot } from '../incremental/memo';
import { optionValue, stepCommands, type ResolvedCommand } from '../languages/commandLine';
import { findExpressions, isPattern, UNKNOWN, type Value } from '../languages/expressions';
import type { ShellWord } from '../languages/shell';
import { type Field, isMap, scalarToString, type YamlDoc } from '../yaml/yamlFile';
import { jobGraph } from './jobGraph';
import { effectivePermissions } from './permissions';
import { conditionRunsIn } from './reachability';
import { releaseTriggers, triggerCases, workflowTriggers } from './triggers';
import { jobSource, jobTextMayMatch, type Job, type Step, type Workflow } from './workflow';

/**
 * Which jobs publish what they build (a package, an image, a release), asked by the rules that would add a cache to a
 * job: a cache such a job restores is what cache poisoning needs (any workflow run on the default branch can write
 * the entries it reads), so builds that are published start from nothing.
 */

// Actions that publish a package or an image, or create a GitHub release.
const PUBLISHING_ACTIONS = new Set([
  'pypa/gh-action-pypi-publish',
  'softprops/action-gh-release',
  'ncipollo/release-action',
  'actions/create-release',
  'actions/upload-release-asset',
  'svenstaro/upload-release-action',
  'goreleaser/goreleaser-action',
  'js-devtools/npm-publish',
  'rust-lang/crates-io-auth-action',
  'cycjimmy/semantic-release-action',
  'python-semantic-release/python-semantic-release',
  'relekang/python-semantic-release',
]);
// Actions whose job is to create a GitHub release.
const RELEASE_ACTIONS = new Set(['softprops/action-gh-release', 'ncipollo/release-action', 'actions/create-release', 'goreleaser/goreleaser-action']);
// Package scripts and make targets named for a release: they publish in a job that can also authenticate to a registry.
const RELEASE_SCRIPT = /^(release|publish|release:.+|publish:.+)$/;
// Flags that make a publishing command a rehearsal.
const DRY_RUN = new Set(['--dry-run', '--dryrun']);
// Actions that log in to a container registry.
const REGISTRY_LOGIN_ACTIONS = new Set(['docker/login-action', 'aws-actions/amazon-ecr-login', 'azure/docker-login', 'redhat-actions/podman-login']);
// Environment variables registries read their tokens from.
const REGISTRY_TOKEN = /^(NPM_TOKEN|NODE_AUTH_TOKEN|TWINE_PASSWORD|TWINE_API_KEY|PYPI_(API_)?TOKEN|POETRY_PYPI_TOKEN_PYPI|UV_PUBLISH_TOKEN|CARGO_REGISTRY_TOKEN|GEM_HOST_API_KEY)$/;

/** What a step publishes, for messages (`npm publish`, `docker push`, `pypa/gh-action-pypi-publish`); undefined when nothing. */
export function publishingStep(step: Step): string | undefined {
  if (step.uses !== undefined) {
    const id = step.action?.id;
    if (id === undefined) return undefined;
    if (id === 'goreleaser/goreleaser-action') return goreleaserActionPublishes(scalarToString(step.inputs.get('args')?.value)) ? id : undefined;
    if (PUBLISHING_ACTIONS.has(id)) return id;
    if (id === 'docker/build-push-action' && (pushesImage(scalarToString(step.inputs.get('push')?.value)) || outputsPush(scalarToString(step.inputs.get('outputs')?.value)))) return `${id} with push`;
    if (id === 'changesets/action' && step.inputs.has('publish')) return `${id} with publish`;
    return undefined;
  }
  for (const command of stepCommands(step)) {
    const what = publishingCommand(command);
    if (what) return what;
  }
  return undefined;
}

/** `--snapshot`, `--skip=publish` or `--skip-publish`: goreleaser builds but publishes nothing. */
function goreleaserSkipsPublishing(word: string): boolean {
  return word === '--snapshot' || word === '--skip-publish' || /^--skip=(.*,)?publish(,|$)/.test(word);
}

/** goreleaser-action publishes with `args: release …` (or none), not with `build`, `check` or a snapshot. */
function goreleaserActionPublishes(args: string | undefined): boolean {
  if (args === undefined || args.includes('${{')) return true;
  const words = args.trim().split(/\s+/).filter((word) => word !== '');
  const first = words.find((word) => !word.startsWith('-'));
  return (first === undefined || first === 'release') && !words.some(goreleaserSkipsPublishing);
}

/** `outputs: type=image,…,push=true` (or an expression) pushes as `push: true` does. */
function outputsPush(outputs: string | undefined): boolean {
  if (outputs === undefined) return false;
  return outputs.split(/[,\n]/).some((part) => {
    const [key, value] = part.trim().split('=', 2);
    return key === 'push' && value !== undefined && value.trim() !== 'false';
  });
}

function pushesImage(push: string | undefined): boolean {
  // An expression pushes on some events (usually pushes to the default branch).
  return push !== undefined && push.trim() !== '' && push.trim() !== 'false';
}

function publishingCommand({ program, args }: ResolvedCommand): string | undefined {
  const words = args.map((word) => word.value);
  // A dry run, or a goreleaser snapshot, builds everything and uploads nothing.
  if (words.some((word) => DRY_RUN.has(word)) || (program === 'cargo' && words.includes('-n'))) return undefined;
  if (program === 'goreleaser' && words.some(goreleaserSkipsPublishing)) return undefined;
  const [first, second] = words.filter((word) => !word.startsWith('-'));
  const said = (count: number) => [program, ...words.filter((word) => !word.startsWith('-')).slice(0, count)].join(' ');
  switch (program) {
    case 'npm':
    case 'pnpm':
    case 'bun':
    case 'lerna':
    case 'changeset':
    case 'vsce':
    case 'ovsx':
    case 'poetry':
    case 'uv':
    case 'flit':
    case 'hatch':
    case 'pdm':
    case 'cargo':
      return first === 'publish' ? said(1) : undefined;
    case 'yarn':
      return first === 'publish' || (first === 'npm' && second === 'publish') ? said(first === 'npm' ? 2 : 1) : undefined;
    case 'twine':
    case 'maturin':
      return first === 'upload' || (program === 'maturin' && first === 'publish') ? said(1) : undefined;
    case 'docker':
    case 'podman':
    case 'buildah':
    case 'nerdctl':
      if (first === 'push' || (first === 'manifest' && second === 'push')) return said(first === 'push' ? 1 : 2);
      // `docker buildx imagetools create` pushes a manifest list made of images already pushed.
      if (first === 'buildx' && second === 'imagetools' && words.includes('create')) return `${program} buildx imagetools create`;
      return (first === 'build' || first === 'buildx') && words.some((word) => word === '--push' || word === '--push=true') ? `${program} build --push` : undefined;
    case 'gh':
      return first === 'release' && (second === 'create' || second === 'upload') ? said(2) : undefined;
    case 'goreleaser':
      return first === undefined || first === 'release' ? 'goreleaser release' : undefined;
    case 'semantic-release':
      return 'semantic-release';
    case 'gem':
    case 'helm':
    case 'oras':
      return first === 'push' ? said(1) : undefined;
    case 'dotnet':
    case 'nuget':
      return (program === 'dotnet' ? first === 'nuget' && second === 'push' : first === 'push') ? said(program === 'dotnet' ? 2 : 1) : undefined;
    case 'mvn':
    case 'mvnw':
      return words.some((word) => word === 'deploy' || word === 'deploy:deploy') ? `${program} deploy` : undefined;
    case 'gradle':
    case 'gradlew':
      // `publishToMavenLocal` only fills the runner's ~/.m2.
      return words.some((word) => /(^|:)publish\w*$/.test(word) && !/publishToMavenLocal$/.test(word)) ? `${program} publish` : undefined;
    case 'sbt':
      return words.some((word) => /^\+?(publish\w*|ci-release)$/.test(word)) ? 'sbt publish' : undefined;
    default:
      return undefined;
  }
}

/** Whether a step creates a GitHub release: one of the release actions, or `gh release create`. */
export function createsGitHubRelease(step: Step): boolean {
  const id = step.action?.id;
  if (id !== undefined && RELEASE_ACTIONS.has(id)) return true;
  if (!step.run || !/\brelease\s+create\b/.test(step.run.value)) return false;
  return stepCommands(step).some((command) => command.program === 'gh' && command.args[0]?.value === 'release' && command.args[1]?.value === 'create');
}

/** A `release`/`publish` package script or make target, which publishes only where the job can authenticate. */
function runsReleaseScript(step: Step): boolean {
  return stepCommands(step).some(({ program, args }) => {
    const [first, second] = args.map((word) => word.value).filter((word) => !word.startsWith('-'));
    if (program === 'make' || program === 'just' || program === 'task') return first !== undefined && RELEASE_SCRIPT.test(first);
    if (program !== 'npm' && program !== 'pnpm' && program !== 'yarn' && program !== 'bun') return false;
    const script = first === 'run' || first === 'run-script' ? second : program === 'npm' ? undefined : first;
    return script !== undefined && RELEASE_SCRIPT.test(script);
  });
}

/** Whether the job or one of its steps hands the steps a registry token, or a setup step points npm at a registry. */
function authenticatesToRegistry(job: Job): boolean {
  const tokenIn = (fields: ReadonlyMap<string, Field>) => {
    const env = fields.get('env')?.value;
    return isMap(env) && env.items.some((pair) => REGISTRY_TOKEN.test(scalarToString(pair.key) ?? ''));
  };
  return tokenIn(job.fields) || job.steps.some((step) => tokenIn(step.fields) || (step.action?.id === 'actions/setup-node' && step.inputs.has('registry-url')));
}

/** What one job says about publishing, from its own text. */
interface JobPublishing {
  /** What its first publishing step publishes. */
  publishes: string | undefined;
  /** It runs a `release`/`publish` package script or make target. */
  releaseScript: boolean;
  /** It hands its steps a registry token, or points setup-node at a registry (`registry-url:`). */
  registryAuth: boolean;
  /** It logs in to a container registry (`docker/login-action`, `docker login`, …). */
  registryLogin: boolean;
  /** The names of the artifacts it uploads (as written, expressions and all). */
  uploads: string[];
  /** What it downloads of the run's artifacts: a name or glob pattern each, or `*` for all of them. */
  downloads: string[];
}

// Each keystroke builds new jobs, but few change: read each job's text once.
const JOB_PUBLISHING = new MemoSlot<JobPublishing>('jobPublishing', { plain: true });
// Words without which a job's text cannot publish or hand artifacts on, to skip building the steps of most jobs.
const PUBLISH_WORDS = /publish|push|upload|release|deploy|goreleaser|crates-io|artifact|login/;
const NOTHING: JobPublishing = { publishes: undefined, releaseScript: false, registryAuth: false, registryLogin: false, uploads: [], downloads: [] };

function jobPublishing(job: Job): JobPublishing {
  const source = jobSource(job);
  if (source === undefined) return readJobPublishing(job);
  return memo.get(JOB_PUBLISHING, source.text, () => readJobPublishing(job), job.workflow.defaultShell ?? '');
}

function readJobPublishing(job: Job): JobPublishing {
  if (!jobTextMayMatch(job, (text) => PUBLISH_WORDS.test(text))) return NOTHING;
  let publishes: string | undefined;
  for (const step of job.steps) publishes ??= publishingStep(step);
  const uploads: string[] = [];
  const downloads: string[] = [];
  for (const step of job.steps) {
    const id = step.action?.id;
    const inputOf = (name: string) => scalarToString(step.inputs.get(name)?.value)?.trim();
    if (id === 'actions/upload-artifact') uploads.push(inputOf('name') || 'artifact');
    else if (id === 'actions/upload-artifact/merge') uploads.push(inputOf('name') || 'merged-artifacts');
    // With `run-id`, artifacts of another run: nothing a job of this one made.
    else if (id === 'actions/download-artifact' && !step.inputs.has('run-id')) downloads.push(inputOf('name') || inputOf('pattern') || '*');
  }
  return {
    publishes,
    releaseScript: job.steps.some(runsReleaseScript),
    registryAuth: authenticatesToRegistry(job),
    registryLogin: job.steps.some(logsInToRegistry),
    uploads,
    downloads,
  };
}

/** A registry login action, or `docker`/`podman`/`helm registry` `login`. */
function logsInToRegistry(step: Step): boolean {
  const id = step.action?.id;
  if (id !== undefined) return REGISTRY_LOGIN_ACTIONS.has(id);
  return stepCommands(step).some(({ program, args }) => {
    const [first, second] = args.map((word) => word.value).filter((word) => !word.startsWith('-'));
    if (program === 'docker' || program === 'podman' || program === 'buildah' || program === 'nerdctl' || program === 'oras' || program === 'crane') return first === 'login' || first === 'auth';
    return program === 'helm' && first === 'registry' && second === 'login';
  });
}

/**
 * Whether an artifact uploaded under `uploaded` may be one a download of `wanted` (a name, a glob pattern, `*`) fetches.
 * Where an expression makes either name unknown, the parts written before it must agree.
 */
function fetches(wanted: string, uploaded: string): boolean {
  if (wanted.includes('${{') || uploaded.includes('${{')) {
    const known = (text: string) => text.split('${{')[0]!.split(/[*?[{]/)[0]!;
    const [a, b] = [known(wanted), known(uploaded)];
    return a.startsWith(b) || b.startsWith(a);
  }
  // Artifact names hold no slashes: `*` and `?` are the wildcards that matter.
  const pattern = wanted.replace(/[.+^$()|[\]{}\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${pattern}$`).test(uploaded);
}

/**
 * Whether everything the workflow builds is a release: it runs only for releases and tag pushes (and by hand next to
 * those), or only by hand and one of its jobs creates a GitHub release.
 */
function isReleaseWorkflow(workflow: Workflow, yaml: YamlDoc): boolean {
  if (workflow.kind !== 'workflow') return false;
  const triggers = releaseTriggers(workflowTriggers(workflow, yaml));
  if (triggers !== 'manual') return triggers === 'release';
  return workflow.jobs.some((job) => jobTextMayMatch(job, (source) => /release/.test(source)) && job.steps.some(createsGitHubRelease));
}

/**
 * The ids of the jobs whose work is published:
 * - each job with a publishing step (`npm publish`, `docker push`, `twine upload`, `gh release create`, `cargo publish`,
 *   goreleaser, `pypa/gh-action-pypi-publish`, …; dry runs and snapshots left out), or a `release`/`publish` script
 *   where the job holds a registry token or `id-token: write`;
 * - in a release workflow (one that runs only for releases and tag pushes, or only by hand and creates a GitHub
 *   release), also each job that hands its work on (see `handsOnInRelease`). A job there that only checks or
 *   verifies, whose files never leave the runner, puts nothing into the release;
 * - in any other workflow, such a job when its `if:` lets it run only for releases and tag pushes
 *   (`startsWith(github.ref, 'refs/tags/')`): those runs are the releases;
 * - the jobs such a job needs, directly or not, whose artifacts it downloads (and so on up the chain).
 * Shaped for `ctx.acrossJobs`.
 */
export const publishingJobs: AcrossJobs<string[]> = (workflow, yaml) => publishedJobIds(workflow, yaml, isReleaseWorkflow(workflow, yaml));

/**
 * The ids of the jobs whose work would be published in a release run (a release, a tag push), whatever else the
 * workflow runs on: what `publishingJobs` counts in a release workflow. For a cache, or a job, that is on only in
 * release runs (see `onlyInReleaseRuns`). Shaped for `ctx.acrossJobs`.
 */
export const releaseRunPublishingJobs: AcrossJobs<string[]> = (workflow, yaml) => publishedJobIds(workflow, yaml, true);

function publishedJobIds(workflow: Workflow, yaml: YamlDoc, release: boolean): string[] {
  const graph = jobGraph(workflow);
  const published = new Set<Job>();
  let cases: RunCases | undefined;
  for (const job of workflow.jobs) {
    const facts = jobPublishing(job);
    const publishes = facts.publishes !== undefined || (facts.releaseScript && (facts.registryAuth || mintsIdToken(job, yaml)));
    if (publishes || ((release || onlyInReleaseRunsByIf(job, () => (cases ??= runCases(workflow, yaml)))) && handsOnInRelease(job, facts, yaml))) {
      published.add(job);
    }
  }
  // The jobs whose artifacts a published job downloads are published too.
  const pending = [...published];
  for (let job = pending.pop(); job !== undefined; job = pending.pop()) {
    const { downloads } = jobPublishing(job);
    if (downloads.length === 0) continue;
    for (const before of graph.ancestors(job)) {
      if (published.has(before)) continue;
      if (!jobPublishing(before).uploads.some((name) => downloads.some((wanted) => fetches(wanted, name)))) continue;
      published.add(before);
      pending.push(before);
    }
  }
  return workflow.jobs.filter((job) => published.has(job)).map((job) => job.id);
}

/** Whether the job's `if:` lets it run only for releases and tag pushes. */
function onlyInReleaseRunsByIf(job: Job, cases: () => RunCases): boolean {
  if (job.synthetic) return false;
  const condition = scalarToString(job.fields.get('if')?.value);
  // Most conditions say nothing of tags or releases: those are not worth working out the trigger cases for.
  return condition !== undefined && /tag|release|refs\//i.test(condition) && onlyInReleaseRuns([condition], cases());
}

/**
 * Whether a job of a release run hands its work on: it uploads artifacts, logs in to a registry, holds a registry
 * token, runs a release script, deploys to an environment, is named for publishing (`publish-crate`, `Release to
 * PyPI`), or its token can write packages, mint an OIDC token (to sign or publish) or write contents without opening
 * a pull request (to attach assets to the release).
 */
function handsOnInRelease(job: Job, facts: JobPublishing, yaml: YamlDoc): boolean {
  if (facts.uploads.length > 0 || facts.registryLogin || facts.registryAuth || facts.releaseScript) return true;
  if (!job.synthetic && job.fields.has('environment')) return true;
  return namedForPublishing(job) || releaseToken(job, yaml);
}

// Words of a job's id or name that say it publishes (`publish-crate`, `Release to PyPI`, `deploy`) …
const PUBLISHING_WORDS = new Set(['publish', 'publishing', 'release', 'releases', 'deploy', 'deployment', 'upload']);
// … unless another word says it only prepares, checks or announces one (`release-notes`, `check-release`, `draft-release`).
const NOT_PUBLISHING_WORDS = new Set([
  'note', 'notes', 'changelog', 'check', 'checks', 'test', 'tests', 'verify', 'validate', 'lint', 'draft', 'drafter', 'dry', 'pr',
  'label', 'labels', 'comment', 'notify', 'announce', 'docs', 'version', 'bump', 'prepare', 'plan', 'tag', 'please', 'cleanup', 'metadata', 'info',
]);

function namedForPublishing(job: Job): boolean {
  if (job.synthetic) return false;
  const name = scalarToString(job.fields.get('name')?.value) ?? '';
  // A name from an expression (`Build ${{ matrix.os }}`) says what it says around the expression.
  const words = `${job.id} ${withoutExpressions(name)}`.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/);
  return words.some((word) => PUBLISHING_WORDS.has(word)) && !words.some((word) => NOT_PUBLISHING_WORDS.has(word));
}

/** A way the workflow can start, as plain data: the event and the known values of the `github` context. */
export interface RunCase {
  event: string | undefined;
  values: [string, Value][];
}

/** The ways a workflow can start, split into release runs (a release, a tag push) and the others. */
export interface RunCases {
  release: RunCase[];
  other: RunCase[];
}

/** The workflow's trigger cases split into release runs and others (`triggerCases`). Shaped for `ctx.acrossJobs`. */
export const releaseRunCases: AcrossJobs<RunCases> = (workflow, yaml) => runCases(workflow, yaml);

/**
 * Like `releaseRunCases`, with pushes to branches named for releases (`release`, `release/1.x`, `releases/v2`,
 * `release-v2.0.0`) counted as release runs too. Shaped for `ctx.acrossJobs`.
 */
export const releaseBranchRunCases: AcrossJobs<RunCases> = (workflow, yaml) => runCases(workflow, yaml, true);

/**
 * The jobs whose work is published (what `publishingJobs` counts in a release workflow) in a workflow that runs only
 * for releases, tag pushes and pushes to branches named for releases (and by hand next to those), with at least one
 * such branch; empty for any other workflow, whose jobs `publishingJobs` already judges. Shaped for `ctx.acrossJobs`.
 */
export const releaseBranchWorkflowPublishingJobs: AcrossJobs<string[]> = (workflow, yaml) => {
  if (workflow.kind !== 'workflow') return [];
  const cases = runCases(workflow, yaml, true);
  const onlyReleases = cases.release.some(isReleaseBranchPush) && cases.other.every((runCase) => runCase.event === 'workflow_dispatch');
  return onlyReleases ? publishedJobIds(workflow, yaml, true) : [];
};

/**
 * Whether every run of the workflow is a release: it runs only for releases, tag pushes and pushes to branches named
 * for releases (and by hand next to those), or only by hand and one of its jobs creates a GitHub release. Shaped for
 * `ctx.acrossJobs`.
 */
export const releaseOnlyWorkflow: AcrossJobs<boolean> = (workflow, yaml) => {
  if (workflow.kind !== 'workflow') return false;
  if (isReleaseWorkflow(workflow, yaml)) return true;
  const cases = runCases(workflow, yaml, true);
  return cases.release.some(isReleaseBranchPush) && cases.other.every((runCase) => runCase.event === 'workflow_dispatch');
};

// A branch named for releases, or a branch filter's literal start that is one (`release/*` → `refs/heads/release/`).
const RELEASE_BRANCH = /^refs\/heads\/releases?(?:[-_/.]|$)/i;

function isReleaseBranchPush(runCase: RunCase): boolean {
  if (runCase.event !== 'push') return false;
  const ref = runCase.values.find(([name]) => name === 'github.ref')?.[1];
  const written = typeof ref === 'string' ? ref : ref !== undefined && isPattern(ref) ? ref.prefix : undefined;
  return written !== undefined && RELEASE_BRANCH.test(written);
}

function runCases(workflow: Workflow, yaml: YamlDoc, releaseBranches = false): RunCases {
  const cases: RunCases = { release: [], other: [] };
  for (const triggerCase of triggerCases(workflowTriggers(workflow, yaml))) {
    const plain: RunCase = { event: triggerCase.event, values: [...triggerCase.values].filter(([, value]) => value !== UNKNOWN) };
    const release =
      triggerCase.event === 'release' || (triggerCase.event === 'push' && triggerCase.values.get('github.ref_type') === 'tag') || (releaseBranches && isReleaseBranchPush(plain));
    (release ? cases.release : cases.other).push(plain);
  }
  return cases;
}

/**
 * Whether something gated by all of `conditions` (`if:` values, or inputs written as one `${{ }}` expression) is on only
 * in release runs: each condition may hold in some release run, and in every other run at least one of them is false.
 * Undefined conditions always hold, unreadable ones (null) may. False when the workflow has no release runs, or no others.
 */
export function onlyInReleaseRuns(conditions: readonly (string | null | undefined)[], cases: RunCases): boolean {
  if (cases.release.length === 0 || cases.other.length === 0) return false;
  const holds = (runCase: RunCase, condition: string | null | undefined) =>
    conditionRunsIn(condition, { event: runCase.event, values: new Map(runCase.values) }) !== false;
  return (
    cases.release.some((runCase) => conditions.every((condition) => holds(runCase, condition))) &&
    cases.other.every((runCase) => conditions.some((condition) => !holds(runCase, condition)))
  );
}

/**
 * Whether something gated by all of `conditions` (as for `onlyInReleaseRuns`) may be on in one of the release runs.
 */
export function mayRunInRelease(conditions: readonly (string | null | undefined)[], cases: RunCases): boolean {
  return cases.release.some((runCase) => conditions.every((condition) => conditionRunsIn(condition, { event: runCase.event, values: new Map(runCase.values) }) !== false));
}

/**
 * Whether the job's token, as declared, can put what the job builds into a release: write packages, mint an OIDC token,
 * or write contents in a job that opens no pull request (one that does proposes a change for review instead).
 */
function releaseToken(job: Job, yaml: YamlDoc): boolean {
  if (job.synthetic) return false;
  const permissions = effectivePermissions(job, yaml);
  if (permissions.source === 'default') return false;
  if (permissions.level('packages') === 'write' || permissions.level('id-token') === 'write') return true;
  return permissions.level('contents') === 'write' && !job.steps.some(opensPullRequest);
}

function opensPullRequest(step: Step): boolean {
  if (step.action?.id === 'peter-evans/create-pull-request') return true;
  // Often inside a command substitution (`url=$(gh pr create …)`), which the command reader does not enter.
  return step.run !== undefined && /\bgh\s+pr\s+create\b/.test(step.run.value);
}

/** Whether the job's token can ask for an OIDC token (trusted publishing): `id-token: write` on the job, or on the workflow. */
function mintsIdToken(job: Job, yaml: YamlDoc): boolean {
  if (job.synthetic) return false;
  const level = effectivePermissions(job, yaml).level('id-token');
  return level === 'write';
}

/** Registries that offer trusted publishing (OIDC instead of a stored token) to GitHub Actions. */
export type TrustedRegistry = 'npm' | 'PyPI' | 'RubyGems' | 'crates.io' | 'NuGet';

/** A command that uploads a package to one of those registries. */
export interface RegistryUpload {
  registry: TrustedRegistry;
  /** The words that say so (`npm publish`, `cargo +nightly publish`), for the finding's span. */
  first: ShellWord;
  last: ShellWord;
  /** The registry it names instead of the public one (`--registry`, `--repository-url`, `--source`, `--host`), as written. */
  otherRegistry: string | undefined;
}

// The public registries, by the hosts their upload URLs and names use.
const PUBLIC_REGISTRY = /^(https?:\/\/)?(registry\.(npmjs\.org|yarnpkg\.com)|(upload\.|test\.)?pypi\.org|rubygems\.org|crates\.io|(api\.|www\.)?nuget\.org)(\/|$)|^(pypi|testpypi|nuget\.org|crates-io)$/i;

/**
 * What registry a command uploads a package to, when it is one that offers trusted publishing: `npm`/`pnpm`/`bun`/
 * `yarn npm` publish, `twine upload`, `uv`/`poetry`/`flit`/`hatch`/`pdm publish`, `maturin upload`, `gem push`,
 * `cargo publish`, `dotnet nuget push` and `nuget push`. Dry runs are not uploads.
 */
export function registryUpload(command: ResolvedCommand): RegistryUpload | undefined {
  const { program: written, programWord, args } = command;
  const program = written.replace(/\.exe$/i, '');
  if (args.some((word) => DRY_RUN.has(word.value)) || (program === 'cargo' && args.some((word) => word.value === '-n'))) return undefined;
  // `cargo +nightly publish`: a toolchain before the subcommand.
  const positional = args.filter((word) => !word.value.startsWith('-') && !(program === 'cargo' && word.value.startsWith('+')));
  const [first, second] = positional;
  const upload = (registry: TrustedRegistry, last: ShellWord | undefined, flags: string[]): RegistryUpload | undefined =>
    last ? { registry, first: programWord, last, otherRegistry: otherRegistry(args, flags) } : undefined;
  switch (program) {
    case 'npm':
    case 'pnpm':
    case 'bun':
      return first?.value === 'publish' ? upload('npm', first, ['--registry']) : undefined;
    case 'yarn':
      return first?.value === 'npm' && second?.value === 'publish' ? upload('npm', second, ['--registry']) : first?.value === 'publish' ? upload('npm', first, ['--registry']) : undefined;
    case 'twine':
      return first?.value === 'upload' ? upload('PyPI', first, ['--repository-url', '-r', '--repository']) : undefined;
    case 'maturin':
      return first?.value === 'upload' || first?.value === 'publish' ? upload('PyPI', first, ['--repository-url', '-r', '--repository']) : undefined;
    case 'uv':
      return first?.value === 'publish' ? upload('PyPI', first, ['--publish-url', '--index']) : undefined;
    case 'poetry':
    case 'flit':
    case 'hatch':
    case 'pdm':
      return first?.value === 'publish' ? upload('PyPI', first, ['-r', '--repository', '--repository-url', '--repo']) : undefined;
    case 'gem':
      return first?.value === 'push' ? upload('RubyGems', first, ['--host']) : undefined;
    case 'cargo':
      return first?.value === 'publish' ? upload('crates.io', first, ['--registry', '--index']) : undefined;
    case 'dotnet':
      return first?.value === 'nuget' && second?.value === 'push' ? upload('NuGet', second, ['--source', '-s']) : undefined;
    case 'nuget':
      return first?.value === 'push' ? upload('NuGet', first, ['-source', '-Source', '--source', '-s']) : undefined;
    default:
      return undefined;
  }
}

/** The registry a command names with one of `flags`, when it is not a public one. */
function otherRegistry(args: ShellWord[], flags: string[]): string | undefined {
  const named = optionValue(args, flags)?.value;
  return named === undefined || PUBLIC_REGISTRY.test(named.trim()) ? undefined : named;
}

/** A text with each `${{ }}` replaced by a space (a name's words, not the expression's). */
function withoutExpressions(text: string): string {
  let out = '';
  let from = 0;
  for (const span of findExpressions(text)) {
    out += `${text.slice(from, span.start)} `;
    from = span.end;
  }
  return out + text.slice(from);
}
