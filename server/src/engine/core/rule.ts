import type { FixKind, Severity, Span, TextEdit } from './finding';
import type { Container, K8sObject } from '../model/k8s';
import type { Job, Step, Workflow } from '../model/workflow';
import type { IndexView } from './projectIndex';
import type { OptionDeclarations, OptionValue } from './ruleOptions';
import type { Preset, RulePresets } from './presets';
import type { Memo, MemoSlot } from '../incremental/memo';
import type { YamlDoc, YamlFile } from '../yaml/yamlFile';
import type { DoraCapability } from '../../knowledge/dora';

export type { DoraCapability };

/**
 * Facts about the project around a file that the text alone cannot tell, gathered by the adapter
 * (the engine never touches the file system). Undefined means unknown: rules then assume the common case.
 */
export interface ProjectFacts {
  /** Whether the repository has a package-lock.json or npm-shrinkwrap.json (without one, `npm ci` fails). */
  npmLockfile?: boolean;
  /** Whether the repository's root sets up Yarn 2 or later (Berry), whose installs are immutable on CI by default. */
  yarnBerry?: boolean;
  /**
   * The package manager the repository's root package.json names, as setup-node v5+ reads it for its automatic cache:
   * `npm` when `devEngines.packageManager` or `packageManager` names npm, else the one `packageManager` names (`pnpm`,
   * `yarn`, `bun`). Absent when the root has no package.json or it names none, and outside a repository (where
   * `workflowFiles` is absent too).
   */
  packageManager?: string;
  /** The GitHub account that owns the repository: `owner:` in .shipcheck.yaml, else the remote in .git/config. */
  owner?: string;
  /** `selfHostedRunnerLabels` in .shipcheck.yaml: `runs-on` labels the project's own runners carry. */
  selfHostedRunnerLabels?: readonly string[];
  /**
   * The folder (`test`, `examples`, `docs`, …) that makes the file test data, an example or documentation rather
   * than something the repository deploys or runs; undefined when nothing says so.
   */
  notDeployed?: string;
  /**
   * The repository's npm, Yarn and pnpm lockfiles, as paths from its root (`web/package-lock.json`): what setup-node
   * keys its cache on. `lockfileExists` (model/lockfiles.ts) reads it.
   */
  lockfiles?: readonly string[];
  /**
   * The file names in the repository's `.github/workflows/` folder (`ci.yml`): whether a local reusable workflow a job
   * calls exists, for a file the files checked together do not hold. Undefined outside a repository.
   */
  workflowFiles?: readonly string[];
  /**
   * The images a `Tiltfile` in the file's folder or one above (up to the repository's root) builds and fills in
   * (`docker_build('name', …)`, `custom_build`, …): Tilt replaces their references in the manifests it deploys.
   */
  tiltImages?: readonly string[];
  /**
   * `kubernetes: { patches: … }` in .shipcheck.yaml: which Kubernetes objects are read as Kustomize patches (left to
   * their base by rules about missing fields). `auto` (undefined): the files a kustomization lists as patches, and
   * objects the API server would reject as written (an apps/v1 workload without `selector`, a container without
   * `image`); `listed`: only the files a kustomization lists, every other object read whole.
   */
  kubernetesPatches?: KubernetesPatches;
}

/** The values of `kubernetes: { patches: … }` in .shipcheck.yaml. */
export const KUBERNETES_PATCHES = ['auto', 'listed'] as const;
export type KubernetesPatches = (typeof KUBERNETES_PATCHES)[number];

/** The four DORA metrics a rule can protect. */
export type DoraMetric = 'deployment-frequency' | 'lead-time' | 'change-failure-rate' | 'time-to-restore';

/** Prose that feeds both the hover and `docs/rules/<id>.md`. `bad` must fire the rule; `good` must not. */
export interface RuleDocs {
  summary: string;
  rationale: string;
  symptom: string;
  fix: string;
  bad: string;
  good: string;
}

type MessageFormatters = Record<string, (...args: never[]) => string>;
/** A rule that declares no options: reading one is a compile error. */
type NoOptions = Record<never, never>;

export interface Report<M extends MessageFormatters, K extends keyof M = keyof M> {
  span: Span;
  message: K;
  args: Parameters<M[K]>;
  /** A finding milder or harsher than the rule's strict severity; how presets and configuration change it: see `RuleDefinition.presets`. */
  severity?: Severity;
  fix?: { title: string; edits: TextEdit[] };
}

export interface RuleContext<M extends MessageFormatters, O extends OptionDeclarations = OptionDeclarations> {
  file: YamlFile;
  doc: YamlDoc;
  project: ProjectFacts;
  /**
   * The run's preset. A rule that says less in the default preset tests `ctx.preset === 'recommended'` (`all` includes
   * everything `strict` reports). Configuration that turns a rule on outside its presets does not change this.
   */
  preset: Preset;
  /** The objects checked together with this document (what a rule reads of other documents, it reads here). */
  index: IndexView;
  /** One of the rule's declared `options`: the configured value (validated by the config loader) or its default. */
  option<K extends keyof O & string>(name: K): OptionValue<O[K]>;
  report<K extends keyof M>(report: Report<M, K>): void;
  /**
   * The engine's memo: the value `compute` works out from `key` (everything it depends on, most often a text such as
   * a script), kept across lints in the slot the rule declares. A rule keeps no cache of its own.
   */
  memo<V>(slot: MemoSlot<V>, key: string, compute: (key: string) => V): V;
  /**
   * What `compute` (a function of the rule's module: answers are kept by the function) works out from the whole workflow
   * being checked, every job in view: how a job or step hook learns something of the other jobs. Plain data (what JSON
   * can hold): the engine notes its JSON with the job's findings and checks the job again when it changes. Throws
   * outside workflows.
   */
  acrossJobs<V>(compute: AcrossJobs<V>): V;
}

/** What a job hook may ask of the whole workflow (see `RuleContext.acrossJobs`). */
export type AcrossJobs<V> = (workflow: Workflow, doc: YamlDoc, memo: Memo) => V;

export interface Visitor<M extends MessageFormatters, O extends OptionDeclarations = OptionDeclarations> {
  workflow?(workflow: Workflow, ctx: RuleContext<M, O>): void;
  job?(job: Job, ctx: RuleContext<M, O>): void;
  step?(step: Step, ctx: RuleContext<M, O>): void;
  k8sObject?(object: K8sObject, ctx: RuleContext<M, O>): void;
  /** Every container of every pod spec (containers, init and ephemeral): check `container.role`. */
  container?(container: Container, ctx: RuleContext<M, O>): void;
}

/**
 * A rule: metadata and hooks. How the engine keeps checking fast, in one place:
 * - The engine checks a file whole (`lint`: same text and options, same findings); its incremental layer only
 *   decides what to parse again and which earlier findings to reuse, and is proven equal to a whole lint by tests.
 * - A rule keeps no cache: what is worth keeping across keystrokes goes through `ctx.memo` (a slot the rule
 *   declares, keyed by everything the value depends on).
 * - What a rule reads beyond what it is given, it reads through its context: other documents through `ctx.index`,
 *   the other jobs of a workflow through `ctx.acrossJobs`. The engine notes what was read and checks again what read
 *   it when that changed.
 * - `scope: 'job'` lets the engine reuse a job's findings while the job's text (and what it read) is unchanged: the
 *   one performance promise a rule makes.
 */
export interface RuleDefinition<M extends MessageFormatters, O extends OptionDeclarations = OptionDeclarations> {
  /** Stable, kebab-case, `gha/` or `k8s/` prefix; the file name is the id's tail. */
  id: string;
  /**
   * Where the rule is on and how loud: its level in `recommended` (the default preset) and in `strict`; `all` uses
   * strict's. Strict is never `off` (every rule is in strict); a rule enters `recommended` only once its precision
   * on the corpus is measured. A rule whose level in the run's preset is `off` does not run unless configuration sets a
   * level for it.
   *
   * A finding's severity, in one place:
   * - configuration (`rules:` in `.shipcheck.yaml`, `shipcheck.rules`, `--rule`) sets the level of every finding of
   *   the rule, whatever the preset and the report say;
   * - otherwise a finding without its own `severity` gets the rule's level in the preset;
   * - a finding reported with a `severity` (milder or harsher than usual) keeps its distance from the rule's strict
   *   level: a rule at warning in strict and info in recommended that reports a finding at `info` (one step milder)
   *   shows it at `info` in strict and `hint` in recommended. Never beyond `hint` or `error`.
   */
  presets: RulePresets;
  dora: DoraMetric[];
  /**
   * The DORA capabilities (their catalogue, `knowledge/dora.ts`) the rule helps a team get right: at least one. Shown on
   * the rule's page; the report groups findings by them.
   */
  capabilities: DoraCapability[];
  messages: M;
  docs: RuleDocs;
  /** What the rule's fixes are; a rule that reports a fix it did not declare is an internal error. */
  fixable: FixKind | false;
  /** What `.shipcheck.yaml` may set for this rule (type, default, bounds, description): validated, documented, typed in `ctx.option`. */
  options?: O;
  /**
   * `job`: the rule's `job` and `step` hooks read only the job they are given (its node, fields and steps) and the
   * workflow's entries other than `jobs:`, `name:` and `run-name:`, and other jobs only through `ctx.acrossJobs`; so
   * while a job's text, the workflow around the jobs and what it read across jobs are unchanged, the engine reuses
   * what those hooks reported for it (keystroke speed in long workflows). Findings and fixes outside the job's text
   * are allowed but never reused. Workflow hooks always run. Checked by test/engine/jobScope.test.ts for every rule
   * that says so.
   */
  scope?: 'job';
  /**
   * `adapters`: the rule's findings are made outside the engine, by the CLI and the language server (`gha/shellcheck`
   * starts a process, which the engine never does); it has no hooks, and its fixtures are checked by the adapter's
   * own tests. The engine does not judge its suppression comments unused.
   */
  runsIn?: 'adapters';
  visit: Visitor<M, O>;
}

/** A rule with its message types erased, as the registry and the engine hold it. */
export type Rule = RuleDefinition<MessageFormatters>;

export function defineRule<M extends MessageFormatters, O extends OptionDeclarations = NoOptions>(rule: RuleDefinition<M, O>): Rule {
  return rule as unknown as Rule;
}
