import { MemoKey, memoOn } from './memo';
import type { Span } from '../core/finding';
import { memo, MemoSlot } from '../incremental/memo';
import { type ResolvedCommand, scriptCommands as resolvedCommands } from '../languages/commandLine';
import type { ShellCommand } from '../languages/shell';
import { isMap, isScalar, scalarToString } from '../yaml/yamlFile';
import { runsCommands } from './stepShell';
import { jobSource, type Job, type Step } from './workflow';

/**
 * What a job is for, decided in one place so stage-order, the deploy rules and hovers agree.
 * - `fast-gate`: lint, type check, format check, static analysis, and nothing slow or deploying.
 * - `unit`: runs tests that need no services or browsers.
 * - `slow`: `services:`, integration / e2e / browser / compose / smoke tests, throwaway clusters.
 * - `deploy`: changes a running environment (kubectl apply, helm upgrade, terraform apply, cloud deploy CLIs and actions).
 * - `other`: builds, releases, bookkeeping; and reusable-workflow callers (`opaque`), which cannot be seen into.
 */
export type JobRole = 'fast-gate' | 'unit' | 'slow' | 'deploy' | 'other';

export interface JobEvidence {
  /** What was seen, for messages and hovers: "`kubectl apply`", "`services:`", "its name". */
  what: string;
  /** Where: the step's command or `uses:`, the job's key, or the job id. */
  span: Span;
  /** The step it was seen in, if any (its own `if:` may limit when it runs). */
  step?: Step;
}

export interface JobClassification {
  role: JobRole;
  /** The job runs fast checks (lint, type check, format, static analysis), whatever else it does. */
  fastChecks: boolean;
  /** The job runs tests (unit or slower; a job named for tests counts). */
  tests: boolean;
  /** Test commands seen in the job's steps (`npm test`, `pytest`, `go test` …), names aside. */
  testCommands: boolean;
  /** Deploy commands and actions seen in the steps, with their steps (even when the job is not a deploy job). */
  deploySteps: JobEvidence[];
  slow: boolean;
  deploy: boolean;
  /** A reusable-workflow call (`uses:` at job level): nothing is known about what it runs. */
  opaque: boolean;
  /** Why the role was given, strongest first. */
  evidence: JobEvidence[];
  /** What each piece of evidence is (its `what`), in order: all a message needs, without working out where. */
  reasons: readonly string[];
  /** The `if:` of each deploy step (`stepCondition`), in the order of `deploySteps`: when they run, without the steps. */
  deployConditions: readonly (string | null | undefined)[];
  /** For deploy jobs: the environment the id/name suggests. */
  target: 'production' | 'staging';
}

// ---------------------------------------------------------------- words of ids and names

/** The words of a job id or name: `lint-and-typecheck` → lint, and, typecheck; `e2eTests` → e2e, tests. */
export function nameWords(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const FAST_NAME = new Set(['lint', 'lints', 'linter', 'linters', 'linting', 'eslint', 'typecheck', 'typechecks', 'typechecking', 'tsc', 'mypy', 'format', 'formatting', 'fmt', 'prettier', 'clippy', 'rustfmt', 'gofmt', 'vet', 'ruff', 'flake8', 'pylint', 'rubocop', 'shellcheck', 'hadolint', 'actionlint', 'yamllint', 'stylelint', 'precommit', 'golangci', 'semgrep']);
const SLOW_NAME = new Set(['integration', 'e2e', 'playwright', 'cypress', 'smoke', 'acceptance', 'endtoend', 'selenium']);
const TEST_NAME = new Set(['test', 'tests', 'testing', 'unit', 'spec', 'specs', 'jest', 'vitest', 'pytest', 'ci']);
const TEST_ENVIRONMENT_NAME = new Set(['test', 'tests', 'testing', 'e2e', 'integration', 'acceptance']);
const STAGING_NAME = new Set(['staging', 'stage', 'stg', 'preprod', 'uat']);
const DOCS_NAME = new Set(['docs', 'doc', 'documentation', 'pages', 'ghpages', 'gh', 'site', 'storybook', 'preview']);

function nameHas(words: string[], set: ReadonlySet<string>): boolean {
  return words.some((word) => set.has(word)) || (set === FAST_NAME && hasPair(words, 'type', 'check')) || (set === FAST_NAME && hasPair(words, 'static', 'analysis')) || (set === SLOW_NAME && hasPair(words, 'end', 'to'));
}

function hasPair(words: string[], first: string, second: string): boolean {
  return words.some((word, i) => word === first && words[i + 1]?.startsWith(second));
}

// ---------------------------------------------------------------- commands

type CommandKind = 'fast' | 'unit' | 'slow' | 'deploy' | 'cluster';

const SCRIPT_FAST = /^(lint|lint:.*|eslint|typecheck|type-check|types|check-types|tsc|format|format:check|fmt|fmt:check|prettier|prettier:check|style|stylelint)$/;
const SCRIPT_SLOW = /^(e2e|test:e2e|e2e:.*|test:integration|integration|test:int|test:smoke|smoke|test:acceptance|cypress|cypress:run|playwright|test:playwright|test:browser)$/;
const SCRIPT_UNIT = /^(test|test:unit|unit|test:ci|coverage|test:coverage)$/;

const FAST_PROGRAMS = new Set(['eslint', 'tsc', 'prettier', 'ruff', 'flake8', 'mypy', 'pylint', 'golangci-lint', 'gofmt', 'rubocop', 'shellcheck', 'hadolint', 'actionlint', 'yamllint', 'stylelint', 'black', 'isort', 'markdownlint', 'biome', 'ktlint', 'swiftlint', 'phpcs', 'phpstan', 'psalm', 'staticcheck', 'semgrep']);
const UNIT_PROGRAMS = new Set(['jest', 'vitest', 'mocha', 'pytest', 'tox', 'nox', 'rspec', 'phpunit', 'ctest', 'ava', 'tap', 'karma']);

function scriptName(words: string[]): string | undefined {
  const [program, first, second] = words;
  if (program === 'npm' || program === 'pnpm' || program === 'yarn' || program === 'bun') {
    if (first === 'run' || first === 'run-script') return second;
    if (first === 'test' || first === 't') return 'test';
    if (program !== 'npm' && first !== undefined && !first.startsWith('-')) return first;
  }
  if (program === 'make' || program === 'just' || program === 'task') return first;
  return undefined;
}

function hasFlag(words: string[], flag: RegExp): boolean {
  return words.some((word) => flag.test(word));
}

const DRY_RUN = /^--dry-run(=.*)?$|^--server-dry-run$/;

/** What one command does (launchers peeled off), if it is something classification cares about. */
export function commandKind(command: ResolvedCommand): CommandKind | undefined {
  const words = [command.program, ...command.args.map((word) => word.value)];
  const [program, a, b, c] = words;
  if (!program) return undefined;
  const script = scriptName(words);
  // `pnpm playwright install` sets a browser up; only `… playwright test` / `… cypress run` run tests.
  if ((script === 'playwright' || script === 'cypress') && program !== 'make') return words[2] === 'test' || words[2] === 'run' ? 'slow' : undefined;
  if (script !== undefined) {
    if (SCRIPT_SLOW.test(script)) return 'slow';
    if (SCRIPT_FAST.test(script)) return 'fast';
    if (SCRIPT_UNIT.test(script)) return 'unit';
    if (program === 'make' || program === 'just' || program === 'task') {
      if (/^(deploy|deploy-prod|deploy-production|release-deploy)$/.test(script)) return 'deploy';
    }
    if (program !== 'make' && program !== 'just' && program !== 'task') return undefined;
  }
  if (FAST_PROGRAMS.has(program)) {
    if (program === 'black' || program === 'isort') return hasFlag(words, /^--check$|^--diff$/) ? 'fast' : undefined;
    return 'fast';
  }
  if (UNIT_PROGRAMS.has(program)) return 'unit';
  switch (program) {
    case 'go':
      if (a === 'vet' || (a === 'fmt')) return 'fast';
      if (a === 'test') return 'unit';
      return undefined;
    case 'cargo':
      if (a === 'clippy' || a === 'fmt') return 'fast';
      if (a === 'test' || a === 'nextest') return 'unit';
      return undefined;
    case 'mvn':
    case 'mvnw':
      return words.some((w) => w === 'integration-test' || w.startsWith('failsafe:')) ? 'slow' : words.some((w) => w === 'test' || w === 'verify') ? 'unit' : undefined;
    case 'gradle':
    case 'gradlew':
      return words.some((w) => /^(integrationTest|e2eTest|functionalTest)$/.test(w)) ? 'slow' : words.some((w) => w === 'test' || w === 'check') ? 'unit' : undefined;
    case 'dotnet':
      return a === 'test' ? 'unit' : a === 'format' ? 'fast' : undefined;
    case 'pre-commit':
      return a === 'run' ? 'fast' : undefined;
    case 'playwright':
      return a === 'test' ? 'slow' : undefined;
    case 'cypress':
      return a === 'run' ? 'slow' : undefined;
    case 'docker-compose':
      return a === 'up' || a === 'run' || a === 'exec' ? 'slow' : undefined;
    case 'docker':
      return a === 'compose' && (b === 'up' || b === 'run' || b === 'exec') ? 'slow' : undefined;
    case 'kind':
      return a === 'create' ? 'cluster' : undefined;
    case 'minikube':
      return a === 'start' ? 'cluster' : undefined;
    case 'k3d':
      return a === 'cluster' && b === 'create' ? 'cluster' : undefined;
    case 'kubectl':
      if (hasFlag(words, DRY_RUN)) return undefined;
      if (a === 'apply' || (a === 'set' && b === 'image') || (a === 'rollout' && b === 'restart')) return 'deploy';
      if (a === 'argo' && b === 'rollouts' && (c === 'set' || c === 'promote')) return 'deploy';
      return undefined;
    case 'kubectl-argo-rollouts':
      return a === 'set' || a === 'promote' ? 'deploy' : undefined;
    case 'ct':
      return a === 'lint' || a === 'lint-and-install' ? 'fast' : undefined;
    case 'helm':
      if (a === 'lint') return 'fast';
      return (a === 'upgrade' || a === 'install') && !hasFlag(words, DRY_RUN) ? 'deploy' : undefined;
    case 'helmfile':
      return a === 'apply' || a === 'sync' ? 'deploy' : undefined;
    case 'terraform':
    case 'tofu':
    case 'terragrunt':
      return words.includes('apply') ? 'deploy' : undefined;
    case 'pulumi':
      return a === 'up' ? 'deploy' : undefined;
    case 'cdk':
    case 'sam':
    case 'serverless':
    case 'sls':
    case 'flyctl':
    case 'fly':
    case 'firebase':
    case 'eb':
    case 'kamal':
      return a === 'deploy' ? 'deploy' : undefined;
    case 'vercel':
    case 'netlify':
      // Without --prod these publish a preview, not the live site.
      return words.includes('--prod') || words.includes('--production') ? 'deploy' : undefined;
    case 'wrangler':
      return a === 'deploy' || a === 'publish' ? 'deploy' : undefined;
    case 'argocd':
      return a === 'app' && b === 'sync' ? 'deploy' : undefined;
    case 'skaffold':
      return a === 'run' || a === 'deploy' ? 'deploy' : undefined;
    case 'heroku':
      return a === 'container:release' || a === 'releases:promote' ? 'deploy' : undefined;
    case 'aws':
      if (a === 'ecs' && b === 'update-service') return 'deploy';
      if (a === 'cloudformation' && b === 'deploy') return 'deploy';
      if (a === 'deploy' && b === 'create-deployment') return 'deploy';
      if (a === 'lambda' && b === 'update-function-code') return 'deploy';
      return undefined;
    case 'eksctl':
      return a === 'create' && b === 'cluster' ? 'cluster' : undefined;
    case 'gcloud':
      if (a === 'container' && b === 'clusters' && c === 'create') return 'cluster';
      return words.slice(1, 5).includes('deploy') && !words.includes('--dry-run') ? 'deploy' : undefined;
    case 'az':
      if (a === 'aks' && b === 'create') return 'cluster';
      if (a === 'webapp' && (b === 'deploy' || b === 'up')) return 'deploy';
      if (a === 'containerapp' && (b === 'update' || b === 'up')) return 'deploy';
      if (a === 'functionapp' && b === 'deployment') return 'deploy';
      return undefined;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------- actions

const FAST_ACTIONS = /^(golangci\/golangci-lint-action|github\/super-linter|super-linter\/super-linter|reviewdog\/|wearerequired\/lint-action|pre-commit\/action|chartboost\/ruff-action|astral-sh\/ruff-action|psf\/black|ludeeus\/action-shellcheck|hadolint\/hadolint-action|returntocorp\/semgrep-action|semgrep\/semgrep-action|rhysd\/actionlint|raven-actions\/actionlint|dprint\/check|biomejs\/setup-biome|oxsecurity\/megalinter|ibiqlik\/action-yamllint|DavidAnson\/markdownlint-cli2-action|actions-rs\/clippy-check|stylelint\/)/i;
const SLOW_ACTIONS = /^(cypress-io\/github-action)/i;
const CLUSTER_ACTIONS = /^(helm\/kind-action|container-tools\/kind-action|engineerd\/setup-kind|medyagh\/setup-minikube|manusa\/actions-setup-minikube|AbsaOSS\/k3d-action|nolar\/setup-k3d-k3s|debianmaster\/actions-k3s|balchua\/microk8s-actions|jupyterhub\/action-k3s-helm)/i;
// Any action named after a throwaway cluster tool, local ones included (`./.github/actions/setup-k3d`).
const LOCAL_CLUSTER = /(^|[/_-])(kind|k3d|k3s|minikube|microk8s)([/_-]|$)/i;
const DEPLOY_ACTIONS = /^(azure\/webapps-deploy|azure\/k8s-deploy|azure\/functions-action|azure\/container-apps-deploy-action|azure\/aks-set-context-deploy|aws-actions\/amazon-ecs-deploy-task-definition|aws-actions\/aws-cloudformation-github-deploy|google-github-actions\/deploy-cloudrun|google-github-actions\/deploy-appengine|google-github-actions\/deploy-cloud-functions|akhileshns\/heroku-deploy|cloudflare\/wrangler-action|deliverybot\/helm|bitovi\/github-actions-deploy-)/i;

// ---------------------------------------------------------------- classification

/** A command of a `run:` script that classification cares about; `start`/`end` cover its first three words in the script. */
interface ScriptCommand {
  kind: CommandKind;
  what: string;
  start: number;
  end: number;
}

// Each keystroke classifies every job again (new Job objects), but few scripts change: parse each script once.
const SCRIPT_COMMANDS = new MemoSlot<ScriptCommand[]>('scriptCommands');

function scriptCommands(script: string): ScriptCommand[] {
  const found: ScriptCommand[] = [];
  for (const resolved of resolvedCommands(script)) {
    const kind = commandKind(resolved);
    if (!kind) continue;
    const command = resolved.command;
    // The first three words, or up to the program when launchers come before it (`timeout 5m npx jest`).
    const count = Math.min(command.words.length, Math.max(3, command.words.indexOf(resolved.programWord) + 1));
    const first = command.words[0]!;
    const last = command.words[count - 1]!;
    found.push({ kind, what: commandText(command, count), start: first.start, end: last.end });
  }
  return found;
}

function stepCommands(step: Step): ScriptCommand[] {
  const run = step.run;
  if (!run || !runsCommands(step.shell)) return [];
  return memo.get(SCRIPT_COMMANDS, run.value, scriptCommands);
}

function commandSpan(step: Step, command: ScriptCommand): Span {
  return step.run!.text?.sourceSpan(command.start, command.end) || step.run!.span;
}

function commandText(command: ShellCommand, count: number): string {
  return command.words.slice(0, count).map((word) => word.value).join(' ');
}

const CLASSIFICATION = new MemoKey<JobClassification>('classification');

type JobSummary = Omit<JobClassification, 'evidence' | 'deploySteps'>;

// What a job's source says it is, without the evidence (which points into the file): most lints ask only that.
const SUMMARIES = new MemoSlot<JobSummary>('jobSummary', { plain: true });

export function classifyJob(job: Job): JobClassification {
  return memoOn(job, CLASSIFICATION, () => {
    const source = jobSource(job);
    if (source === undefined) return computeClassification(job);
    // When the summary is worked out here, the full classification it came from is this lint's answer: asking for
    // its evidence then does not classify the job a second time.
    let full: JobClassification | undefined;
    // Steps without `shell:` read the workflow's `defaults:`, which lies outside the job's text.
    const summary = memo.get(SUMMARIES, source.text, () => summarize((full = computeClassification(job))), job.workflow.defaultShell ?? '');
    return full ?? new SummarizedClassification(job, summary);
  });
}

/** A step's `if:` as `conditionRunsIn` takes it: its text, null when it has one that is not plain text, undefined when none. */
export function stepCondition(step: Step): string | null | undefined {
  const value = scalarToString(step.fields.get('if')?.value);
  return value === undefined && step.fields.has('if') ? null : value;
}

/** Kept without the evidence: it holds a parse's steps and offsets. */
function summarize(full: JobClassification): JobSummary {
  const { evidence: _evidence, deploySteps: _deploySteps, ...summary } = full;
  return summary;
}

/** A cached summary of what a job is, with its evidence in this parse worked out when a rule reads it (to report). */
class SummarizedClassification implements JobClassification {
  readonly role: JobRole;
  readonly fastChecks: boolean;
  readonly tests: boolean;
  readonly testCommands: boolean;
  readonly slow: boolean;
  readonly deploy: boolean;
  readonly opaque: boolean;
  readonly target: 'production' | 'staging';
  readonly reasons: readonly string[];
  readonly deployConditions: readonly (string | null | undefined)[];
  private full: JobClassification | undefined;

  constructor(
    private readonly job: Job,
    summary: JobSummary,
  ) {
    this.role = summary.role;
    this.fastChecks = summary.fastChecks;
    this.tests = summary.tests;
    this.testCommands = summary.testCommands;
    this.slow = summary.slow;
    this.deploy = summary.deploy;
    this.opaque = summary.opaque;
    this.target = summary.target;
    this.reasons = summary.reasons;
    this.deployConditions = summary.deployConditions;
  }

  get evidence(): JobEvidence[] {
    return (this.full ??= computeClassification(this.job)).evidence;
  }

  get deploySteps(): JobEvidence[] {
    return (this.full ??= computeClassification(this.job)).deploySteps;
  }
}


/** The job's id and `name:` words. */
export function jobWords(job: Job): string[] {
  const name = scalarToString(job.fields.get('name')?.value) ?? '';
  return [...nameWords(job.id), ...nameWords(blankExpressions(name))];
}

/**
 * The text with each `${{ … }}` (up to the first `}}`) replaced by a space. A scan, not
 * `/\$\{\{[\s\S]*?\}\}/g`, which rescans to the end from every unclosed `${{` (quadratic).
 */
export function blankExpressions(text: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const open = text.indexOf('${{', from);
    const close = open < 0 ? -1 : text.indexOf('}}', open + 3);
    // No `}}` after this `${{` means none after any later one either.
    if (close < 0) return out + text.slice(from);
    out += `${text.slice(from, open)} `;
    from = close + 2;
  }
}

/** What a job's id and `name:` say it is. */
interface NameFacts {
  staging: boolean;
  slow: boolean;
  fast: boolean;
  test: boolean;
  docs: boolean;
  testEnvironment: boolean;
}

const NAME_FACTS = new MemoSlot<NameFacts>('jobNameFacts');

function nameFacts(job: Job): NameFacts {
  const name = scalarToString(job.fields.get('name')?.value) ?? '';
  return memo.get(NAME_FACTS, job.id, () => {
    const words = jobWords(job);
    return {
      staging: nameHas(words, STAGING_NAME),
      slow: nameHas(words, SLOW_NAME),
      fast: nameHas(words, FAST_NAME),
      test: nameHas(words, TEST_NAME),
      docs: nameHas(words, DOCS_NAME),
      testEnvironment: nameHas(words, TEST_ENVIRONMENT_NAME),
    };
  }, name);
}

function computeClassification(job: Job): JobClassification {
  const named = nameFacts(job);
  const target = named.staging ? 'staging' : 'production';
  const opaque = job.call !== undefined && !job.fields.has('steps');
  if (opaque) return { role: 'other', fastChecks: false, tests: false, testCommands: false, deploySteps: [], slow: false, deploy: false, opaque: true, evidence: [], reasons: [], deployConditions: [], target };

  const fast: JobEvidence[] = [];
  const unit: JobEvidence[] = [];
  const slow: JobEvidence[] = [];
  const deploy: JobEvidence[] = [];
  let cluster = false;

  const services = job.fields.get('services');
  if (services) slow.push({ what: "'services:'", span: services.keySpan });
  for (const step of job.steps) {
    if (step.action) {
      const name = step.action.name;
      const span = step.fields.get('uses')!.value ? spanOfField(step) : step.fields.get('uses')!.keySpan;
      if (FAST_ACTIONS.test(name)) fast.push({ what: `'${name}'`, span, step });
      else if (SLOW_ACTIONS.test(name)) slow.push({ what: `'${name}'`, span, step });
      else if (CLUSTER_ACTIONS.test(name) || LOCAL_CLUSTER.test(name)) cluster = true;
      else if (DEPLOY_ACTIONS.test(name)) deploy.push({ what: `'${name}'`, span, step });
    }
    for (const command of stepCommands(step)) {
      const kind = command.kind;
      const evidence = { what: `'${command.what}'`, span: commandSpan(step, command), step };
      if (kind === 'cluster') {
        cluster = true;
        slow.push(evidence);
      } else if (kind === 'fast') fast.push(evidence);
      else if (kind === 'unit') unit.push(evidence);
      else if (kind === 'slow') slow.push(evidence);
      else deploy.push(evidence);
    }
  }
  if (cluster && slow.length === 0) slow.push({ what: 'a throwaway cluster', span: job.idSpan });
  const nameSpan = job.idSpan;
  if (named.slow) slow.push({ what: 'its name', span: nameSpan });
  if (named.fast) fast.push({ what: 'its name', span: nameSpan });
  if (named.test) unit.push({ what: 'its name', span: nameSpan });

  // kubectl/helm against a cluster the job just created (kind, minikube, k3d) or next to test services is a test, not a deploy.
  // A job named as a test that applies manifests deploys to a test environment, not to users.
  const deploys = deploy.length > 0 && !cluster && !services && !named.docs && !named.testEnvironment;
  const isSlow = slow.length > 0;
  const role: JobRole = deploys ? 'deploy' : isSlow ? 'slow' : unit.length > 0 && !onlyName(unit) ? 'unit' : fast.length > 0 ? 'fast-gate' : unit.length > 0 ? 'unit' : 'other';
  const evidence = role === 'deploy' ? deploy : role === 'slow' ? slow : role === 'unit' ? unit : role === 'fast-gate' ? fast : [];
  return {
    role,
    fastChecks: fast.length > 0,
    tests: unit.length > 0 || isSlow,
    testCommands: !onlyName(unit),
    deploySteps: deploy,
    slow: isSlow,
    deploy: deploys,
    opaque: false,
    evidence,
    reasons: evidence.map((item) => item.what),
    // Deploy evidence always comes from a step (an action or a command).
    deployConditions: deploy.map((item) => (item.step ? stepCondition(item.step) : null)),
    target,
  };
}

function onlyName(evidence: JobEvidence[]): boolean {
  return evidence.every((e) => e.what === 'its name');
}

function spanOfField(step: Step): Span {
  const node = step.fields.get('uses')!.value!;
  const range = node.range;
  return range ? { start: range[0], end: range[1] } : step.fields.get('uses')!.keySpan;
}

/** Whether a job (its classification) is a fast gate others should wait for: a fast-checks job that is not itself slow or deploying. */
export function isFastGate(kind: Pick<JobClassification, 'fastChecks' | 'role'>): boolean {
  return kind.fastChecks && (kind.role === 'fast-gate' || kind.role === 'unit');
}

/** The job's `environment:` name (`environment: prod` or `environment: { name: prod }`), when written as plain text. */
export function jobEnvironment(job: Job): string | undefined {
  const value = job.fields.get('environment')?.value;
  const name = isMap(value) ? scalarToString(value.items.find((item) => isScalar(item.key) && item.key.value === 'name')?.value) : scalarToString(value);
  return name === undefined || name.includes('${{') ? undefined : name;
}

// Words of jobs around tests that run none: reporting on them (`upload-test-results`, `E2E tests - composite result`),
// processing their artifacts, approving a run (`Approve ok-to-test`).
const AROUND_TESTS_NAME = new Set(['result', 'results', 'report', 'reports', 'reporting', 'status', 'summary', 'success', 'upload', 'publish', 'notify', 'comment', 'artifact', 'artifacts', 'approve']);

/**
 * Whether the job's id or `name:` says it runs tests, in a word stronger than `ci` (which names a whole pipeline, a
 * status check or a build as often as a test run: `helm-chart-ci`, `ci-success`), and not as a job that reports on
 * tests run elsewhere: `unit-tests`, `linux_test`, `e2e`, but not `upload-test-results`.
 */
export function namedForTests(job: Job): boolean {
  const words = jobWords(job).filter((word) => word !== 'ci');
  if (nameHas(words, AROUND_TESTS_NAME)) return false;
  return nameHas(words, TEST_NAME) || nameHas(words, SLOW_NAME);
}
