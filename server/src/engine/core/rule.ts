import type { FixKind, Severity, Span, TextEdit } from './finding';
import type { Container, K8sObject } from '../model/k8s';
import type { Job, Step, Workflow } from '../model/workflow';
import type { IndexView } from './projectIndex';
import type { OptionDeclarations, OptionValue } from './ruleOptions';
import type { Memo, MemoSlot } from '../incremental/memo';
import type { YamlDoc, YamlFile } from '../yaml/yamlFile';

/**
 * Facts about the project around a file that the text alone cannot tell, gathered by the adapter
 * (the engine never touches the file system). Undefined means unknown: rules then assume the common case.
 */
export interface ProjectFacts {
  /** Whether the repository has a package-lock.json or npm-shrinkwrap.json (without one, `npm ci` fails). */
  npmLockfile?: boolean;
}

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
  /** A finding may be milder (or harsher) than the rule's default; configuration still overrides both. */
  severity?: Severity;
  fix?: { title: string; edits: TextEdit[] };
}

export interface RuleContext<M extends MessageFormatters, F = unknown, O extends OptionDeclarations = OptionDeclarations> {
  file: YamlFile;
  doc: YamlDoc;
  project: ProjectFacts;
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
  /** What the rule's `workflowFact` says about the workflow being checked (undefined outside workflows, or without one). */
  workflowFact?: F;
}

export interface Visitor<M extends MessageFormatters, F = unknown, O extends OptionDeclarations = OptionDeclarations> {
  workflow?(workflow: Workflow, ctx: RuleContext<M, F, O>): void;
  job?(job: Job, ctx: RuleContext<M, F, O>): void;
  step?(step: Step, ctx: RuleContext<M, F, O>): void;
  k8sObject?(object: K8sObject, ctx: RuleContext<M, unknown, O>): void;
  /** Every container of every pod spec (containers, init and ephemeral): check `container.role`. */
  container?(container: Container, ctx: RuleContext<M, unknown, O>): void;
}

/**
 * A rule: metadata and hooks. How the engine keeps checking fast, in one place:
 * - The engine checks a file whole (`lint`: same text and options, same findings); its incremental layer only
 *   decides what to parse again and which earlier findings to reuse, and is proven equal to a whole lint by tests.
 * - A rule keeps no cache: what is worth keeping across keystrokes goes through `ctx.memo` (a slot the rule
 *   declares, keyed by everything the value depends on).
 * - A rule reads other documents only through `ctx.index`; the engine notes what it read and checks its document
 *   again when that changed.
 * - `scope: 'job'` (with `workflowFact` for what the job hooks need to know of the whole workflow) lets the engine
 *   reuse a job's findings while the job's text is unchanged: the one performance promise a rule makes.
 */
export interface RuleDefinition<M extends MessageFormatters, F = unknown, O extends OptionDeclarations = OptionDeclarations> {
  /** Stable, kebab-case, `gha/` or `k8s/` prefix; the file name is the id's tail. */
  id: string;
  severity: Severity;
  dora: DoraMetric[];
  messages: M;
  docs: RuleDocs;
  /** What the rule's fixes are; a rule that reports a fix it did not declare is an internal error. */
  fixable: FixKind | false;
  /** What `.shipcheck.yaml` may set for this rule (type, default, bounds, description): validated, documented, typed in `ctx.option`. */
  options?: O;
  /**
   * `job`: the rule's `job` and `step` hooks read only the job they are given (its node, fields and steps) and the
   * workflow's entries other than `jobs:`, `name:` and `run-name:`, never other jobs; so while a job's text and the workflow around the jobs
   * are unchanged, the engine reuses what those hooks reported for it (keystroke speed in long workflows). Findings
   * and fixes outside the job's text are allowed but never reused. Workflow hooks always run. Checked by
   * test/engine/jobScope.test.ts for every rule that says so.
   */
  scope?: 'job';
  /**
   * For a `scope: 'job'` rule whose job findings also depend on the whole workflow (whether any job uses Yarn Berry;
   * which jobs test and deploy, and what each job needs): what it says about each job, worked out before the hooks
   * run and given to them as `ctx.workflowFact`. Plain data (a string, or what JSON can hold: the engine compares it
   * as JSON); reused findings are dropped when any rule's fact changes. It may read every job; the hooks still may not.
   */
  workflowFact?(workflow: Workflow, doc: YamlDoc, memo: Memo): F;
  visit: Visitor<M, F, O>;
}

/** A rule with its message types erased, as the registry and the engine hold it. */
export type Rule = RuleDefinition<MessageFormatters>;

export function defineRule<M extends MessageFormatters, F = unknown, O extends OptionDeclarations = NoOptions>(rule: RuleDefinition<M, F, O>): Rule {
  return rule as unknown as Rule;
}
