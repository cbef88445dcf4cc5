import { classify, isWorkflowPath, type Classified } from './classify';
import { ENGINE_MESSAGES, ENGINE_RULES, type Finding, type Severity, type Span, type TextEdit } from './finding';
import { combineFixes, applyEdits } from './fixes';
import type { K8sObject } from '../model/k8s';
import type { Workflow } from '../model/workflow';
import type { AcrossJobs, ProjectFacts, Report, Rule, RuleContext, Visitor } from './rule';
import { parseSuppressions, parseZizmorComments, SuppressionIndex, type SuppressionDirective } from './suppress';
import { parseYamlFile, type YamlDoc, type YamlFile } from '../yaml/yamlFile';
import { isChartTemplatePath, looksLikeGoTemplate, offByDefault, originOf, type ChartDefaults } from '../yaml/helmTemplate';
import type { UnderIndentedScalar } from '../yaml/lenient';
import type { FixKind } from './finding';
import type { JobFindingsCache } from '../incremental/jobCache';
import { CheckedTogether, indexObjects, listedObjects, type IndexReads, type LocalQuestion, type ProjectIndex } from './projectIndex';
import { memo } from '../incremental/memo';
import { ENGINE_PRESET, findingSeverity, levelWhenOn, presetSeverity, type Preset } from './presets';

export type RuleSetting = Severity | 'off';
export type RuleOptionValue = string | number | boolean;

export interface LintOptions {
  rules: readonly Rule[];
  /** Which rules run and how loud; `ruleSettings` override it per rule. Undefined runs every rule given (`ENGINE_PRESET`). */
  preset?: Preset;
  project?: ProjectFacts;
  /** Per-rule severity overrides from configuration; `off` disables the rule. */
  ruleSettings?: Readonly<Record<string, RuleSetting>>;
  /** Per-rule options from configuration (`{ 'gha/job-timeout': { minutes: 20 } }`), read with `ctx.option`. */
  ruleOptions?: Readonly<Record<string, Readonly<Record<string, RuleOptionValue>>>>;
  /** Larger files get one finding saying so instead of a check (keystroke latency matters more). */
  maxFileSize?: number;
  /** Where the user raises `maxFileSize` in this front end, named in the too-large finding. */
  maxFileSizeSetting?: string;
  /** Findings of `scope: 'job'` rules kept from the previous lint of the same document (the incremental linter's). */
  jobCache?: JobFindingsCache;
  /** The files checked together with this one (a CLI run, a workspace): what `ctx.index` reads besides the file itself. */
  index?: ProjectIndex;
}

export type FileKind = 'workflow' | 'composite-action' | 'k8s' | 'other';

export interface LintResult {
  file: YamlFile;
  findings: Finding[];
  /** What each document was classified as, in order. */
  kinds: FileKind[];
  /** Why the file was not checked, when it was not (a Helm template, say). */
  skipped?: string;
  /** Findings hidden by suppression comments, with the comment that hid each (for hovers on the comment). */
  suppressed?: SuppressedFinding[];
}

export interface SuppressedFinding {
  finding: Finding;
  directive: SuppressionDirective;
}

/**
 * Whether a file is one shipcheck checks: a workflow, composite action or Kubernetes document, or one with
 * findings other than a syntax error. Other YAML met while walking a tree (compose files, Helm values) is not.
 */
export function isCheckedFile(path: string, result: LintResult): boolean {
  return result.kinds.some((kind) => kind !== 'other') || isWorkflowPath(path) || result.findings.some((finding) => finding.ruleId !== ENGINE_RULES.syntax);
}

export const DEFAULT_MAX_FILE_SIZE = 4 * 1024 * 1024;

export { looksLikeGoTemplate } from '../yaml/helmTemplate';

export function lint(text: string, path: string, options: LintOptions): LintResult {
  const maxSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  if (text.length > maxSize) {
    const file = parseYamlFile('', path);
    const severity = options.ruleSettings?.[ENGINE_RULES.tooLarge] ?? 'info';
    const firstLine = text.indexOf('\n');
    return {
      file: { ...file, text },
      kinds: [],
      findings:
        severity === 'off'
          ? []
          : [
              {
                ruleId: ENGINE_RULES.tooLarge,
                messageId: ENGINE_MESSAGES.tooLarge,
                severity,
                message: `File not checked: it is ${Math.round(text.length / 1024)} KiB, over the ${Math.round(maxSize / 1024)} KiB limit (${options.maxFileSizeSetting ?? 'shipcheck.maxFileSize'}).`,
                span: { start: 0, end: firstLine < 0 ? text.length : firstLine },
              },
            ],
    };
  }
  return lintFile(parseYamlFile(text, path, chartDefaultsOf(path, options)), options);
}

/** The defaults of the chart a template belongs to, from the files checked with it (its `values.yaml`). */
export function chartDefaultsOf(path: string, options: Pick<LintOptions, 'index'>): ChartDefaults | undefined {
  return isChartTemplatePath(path) ? options.index?.chartDefaultsFor(path) : undefined;
}

/**
 * Whether the preset leaves the file alone: `recommended` does not check test data, examples and documentation
 * (`ProjectFacts.notDeployed`: a `test/`, `examples/`, `docs/` … folder of the repository). What sits there is rarely
 * what anyone deploys, and on real repositories nearly every finding there was noise; `strict` and `all` check them.
 */
export function leftAlone(options: Pick<LintOptions, 'preset' | 'project'>): boolean {
  return (options.preset ?? ENGINE_PRESET) === 'recommended' && options.project?.notDeployed !== undefined;
}

/**
 * The rules that run: those on in the preset, and those configuration sets a level for, less those it turns off.
 * The same settings give the same list object, so what is worked out per list (hooks, scopes) is kept across lints.
 */
export function activeRules(options: Pick<LintOptions, 'rules' | 'ruleSettings' | 'preset' | 'project'>): readonly Rule[] {
  if (leftAlone(options)) return [];
  const settings = options.ruleSettings ?? {};
  const preset = options.preset ?? ENGINE_PRESET;
  let byKey = activeLists.get(options.rules);
  if (!byKey) activeLists.set(options.rules, (byKey = new Map()));
  const key = JSON.stringify([preset, settings]);
  let active = byKey.get(key);
  if (!active) {
    active = options.rules.filter((rule) => {
      const setting = settings[rule.id];
      return setting !== undefined ? setting !== 'off' : presetSeverity(rule, preset) !== 'off';
    });
    // A long-lived server sees few distinct settings; a bound keeps a caller that varies them from growing this.
    if (byKey.size >= 16) byKey.clear();
    byKey.set(key, active);
  }
  return active;
}

const activeLists = new WeakMap<readonly Rule[], Map<string, readonly Rule[]>>();

export function lintFile(file: YamlFile, options: LintOptions): LintResult {
  const settings = options.ruleSettings ?? {};
  const preset = options.preset ?? ENGINE_PRESET;
  const rules = activeRules(options);
  const findings: Finding[] = [];
  const kinds: FileKind[] = [];

  const broken = file.documents.find((doc) => doc.hasErrors);
  if (broken && !leftAlone(options)) {
    if (looksLikeGoTemplate(file.text)) {
      return { file, findings: [], kinds: [], skipped: "a Go/Helm template ({{ }}) is not YAML until rendered; check the output of 'helm template' instead" };
    }
    const error = broken.doc.errors[0]!;
    findings.push({
      ruleId: ENGINE_RULES.syntax,
      messageId: ENGINE_MESSAGES.syntax,
      severity: 'error',
      message: `YAML syntax error: ${error.message.split('\n')[0]}`,
      span: syntaxErrorSpan(error.pos, file.text.length),
    });
  }
  const underIndented = file.underIndented?.[0];
  if (underIndented && !leftAlone(options)) findings.push(portabilityFinding(file, underIndented, file.underIndented!.length - 1));

  const failed = new Map<string, unknown>();
  const classified = file.documents.map((yaml) => (yaml.hasErrors ? undefined : classify(file, yaml)));
  const together = new CheckedTogether(
    function* () {
      yield* ownObjects(file, classified);
      yield* listedObjects(options.index, file.path);
    },
    () => options.index?.imagesFilledIn(file.path) ?? [],
    { index: options.index, path: file.path },
  );
  const run: DocumentRun = { rules, preset, settings, findings, failed, project: options.project ?? {}, ruleOptions: options.ruleOptions ?? {}, together };
  // A cache serves only a file of one workflow document (where the incremental linter keeps one).
  if (options.jobCache && file.documents.length === 1) run.jobCache = { cache: options.jobCache, optionsKey: JSON.stringify([run.project, preset, settings, run.ruleOptions]) };
  file.documents.forEach((yaml, index) => kinds.push(checkDocument(file, yaml, run, classified[index])));
  if (failed.size > 0 && run.jobCache) {
    // A rule that throws is skipped for the rest of the file, which reused findings would not reproduce.
    options.jobCache!.clear();
    return lintFile(file, { ...options, jobCache: undefined });
  }
  return { file, kinds, ...finishFindings(file, renderedByDefault(file, findings, preset), failed, rules, options.rules, broken !== undefined) };
}

/**
 * A chart template's findings as its defaults render it: `recommended` leaves out what a value switched off by default
 * guards; a finding on text that prints a default of `values.yaml` gets that value's place as its origin (and loses
 * its fix, which would edit the template's action, not the value).
 */
export function renderedByDefault(file: YamlFile, findings: Finding[], preset: Preset): Finding[] {
  const template = file.template;
  if (!template) return findings;
  const kept = preset === 'recommended' ? findings.filter((finding) => !offByDefault(template, finding.span.start)) : findings;
  if (!template.printed?.length) return kept;
  return kept.map((finding) => {
    const origin = originOf(template, finding.span);
    if (!origin) return finding;
    const { fix: _fix, ...moved } = finding;
    return { ...moved, origin };
  });
}

/** The index entries of the objects a file's documents hold, in order (`text`: what their offsets point into). */
export function* ownObjects(file: YamlFile, classified: readonly (Classified | undefined)[], text = file.text): Iterable<import('./projectIndex').IndexedObject> {
  for (const [index, yaml] of file.documents.entries()) {
    const kind = classified[index];
    if (kind?.type === 'k8s') yield* indexObjects(file.path, text, yaml, kind.objects);
  }
}

/** What checking one document needs; `findings` and `failed` collect across the documents of a file. */
export interface DocumentRun {
  rules: readonly Rule[];
  preset: Preset;
  settings: Readonly<Record<string, RuleSetting>>;
  findings: Finding[];
  failed: Map<string, unknown>;
  project: ProjectFacts;
  ruleOptions: Readonly<Record<string, Readonly<Record<string, RuleOptionValue>>>>;
  /** What rules read through `ctx.index`. */
  together: CheckedTogether;
  /** Where the reads through `ctx.index` are noted, for the incremental linter. */
  reads?: IndexReads;
  jobCache?: { cache: JobFindingsCache; optionsKey: string };
}

/** Classifies one document (unless told what it is) and runs every rule's hooks on it; returns what it was classified as. */
export function checkDocument(file: YamlFile, yaml: YamlDoc, run: DocumentRun, classified = yaml.hasErrors ? undefined : classify(file, yaml)): FileKind {
  if (!classified || classified.type === 'other') return 'other';
  const runner = new RuleRunner(file, yaml, run, run.findings);
  if (classified.type === 'workflow') {
    const { workflow } = classified;
    const { scoped, unscoped } = byScope(run.rules);
    runner.workflow = workflow;
    runner.hook('workflow', workflow);
    const session = run.jobCache?.cache.begin(file, workflow, run.jobCache.optionsKey);
    for (const job of workflow.jobs) {
      const slot = session?.slot(job);
      if (!slot) {
        runner.hook('job', job);
        for (const step of job.steps) runner.hook('step', step);
        continue;
      }
      if (slot.cached && slot.reads.every((read) => runner.acrossJobsJson(read.compute) === read.json) && slot.locals.every(([question, answer]) => run.together.localAnswer(question) === answer)) {
        for (const finding of slot.cached) run.findings.push(finding);
      } else {
        const found: Finding[] = [];
        const reads = new Map<AcrossJobs<unknown>, string>();
        const locals = new Map<LocalQuestion, string>();
        runner.sink = found;
        runner.reads = reads;
        runner.locals = locals;
        runner.hook('job', job, scoped);
        for (const step of job.steps) runner.hook('step', step, scoped);
        runner.sink = run.findings;
        runner.reads = undefined;
        runner.locals = undefined;
        session!.store(slot, found, Array.from(reads, ([compute, json]) => ({ compute, json })), [...locals]);
        for (const finding of found) run.findings.push(finding);
      }
      runner.hook('job', job, unscoped);
      // A reused job's steps are not built unless another rule looks at them.
      if (rulesWithHook(unscoped, 'step').length > 0) for (const step of job.steps) runner.hook('step', step, unscoped);
    }
    session?.end();
    return workflow.kind;
  }
  // A file a kustomization applies as a patch holds fragments, whatever their shape: never judged as whole objects.
  // Other objects are read as patches by their shape, unless the project reads them whole (`kubernetes: { patches: listed }`).
  const patch = run.together.isPatch();
  const shapeMayPatch = run.project.kubernetesPatches !== 'listed';
  for (const object of classified.objects) {
    object.shapeMayPatch = shapeMayPatch;
    object.partial = patch || (shapeMayPatch && object.fragment);
  }
  for (const object of classified.objects) {
    runner.object = object;
    runner.hook('k8sObject', object);
    for (const pod of object.podSpecs) {
      for (const container of [...pod.containers, ...pod.initContainers, ...pod.ephemeralContainers]) runner.hook('container', container);
    }
  }
  return 'k8s';
}

/** Adds internal errors, drops duplicates, applies suppression comments and sorts: the last step of every lint. */
export function finishFindings(
  file: YamlFile,
  findings: Finding[],
  failed: ReadonlyMap<string, unknown>,
  rules: readonly Rule[],
  known: readonly Rule[],
  broken: boolean,
): { findings: Finding[]; suppressed: SuppressedFinding[] } {
  for (const [ruleId, error] of failed) {
    const firstLine = file.text.indexOf('\n');
    findings.push({
      ruleId: ENGINE_RULES.internal,
      messageId: ENGINE_MESSAGES.internal,
      severity: 'warning',
      message: `shipcheck's rule ${ruleId} failed on this file and was skipped (${error instanceof Error ? error.message : String(error)}). Please report this.`,
      span: { start: 0, end: firstLine < 0 ? file.text.length : firstLine },
    });
  }

  // Only files with directives need line numbers (an incremental result counts its lines only when asked).
  const suppressions = new SuppressionIndex([
    ...(file.text.includes('shipcheck-disable') ? parseSuppressions(file.text, file.lineCounter) : []),
    ...(findings.length > 0 ? parseZizmorComments(file) : []),
  ]);
  const peers = suppressions.hasPeers;
  const suppressed: SuppressedFinding[] = [];
  findings.sort(byPlace);
  const kept = findings.filter((finding, index) => {
    // A step or container reached through two aliases reports twice at the same place (sorted, so side by side).
    const previous = findings[index - 1];
    if (previous && previous.span.start === finding.span.start && previous.span.end === finding.span.end && previous.ruleId === finding.ruleId && previous.message === finding.message) return false;
    if (suppressions.directives.length === 0) return true;
    const line = file.lineCounter.linePos(finding.span.start).line;
    const directive = suppressions.suppresses(finding.ruleId, line, peers ? file.lineCounter.linePos(Math.max(finding.span.start, finding.span.end - 1)).line : line, finding.messageId);
    if (directive) suppressed.push({ finding, directive });
    return !directive;
  });
  // Unused directives only make sense when the file was checked, and only for rules that ran.
  const unused = broken ? [] : unusedSuppressions(suppressions, rules, known);
  if (unused.length > 0) {
    for (const finding of unused) kept.push(finding);
    kept.sort(byPlace);
  }
  return { findings: kept, suppressed };
}

/** By place, then rule, then message: reused findings arrive in another order than a whole lint's, the result does not. */
function byPlace(a: Finding, b: Finding): number {
  return a.span.start - b.span.start || a.span.end - b.span.end || compare(a.ruleId, b.ruleId) || compare(a.message, b.message);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** At least one character where there is one; `yaml` puts errors at the end of the input one past it. */
function syntaxErrorSpan([from, to]: [number, number], textLength: number): Span {
  const start = Math.min(from, textLength);
  return { start, end: Math.min(Math.max(to, start + 1), textLength) };
}

/**
 * One finding a file, on the first continuation line that only go-yaml accepts: the others are the same story, and a
 * generated file would otherwise fill the problems list.
 */
function portabilityFinding(file: YamlFile, scalar: UnderIndentedScalar, others: number): Finding {
  const opened = file.lineCounter.linePos(scalar.span.start).line;
  const holder = !scalar.holder ? 'than the collection that holds it' : 'key' in scalar.holder ? `than the key '${scalar.holder.key}' that holds it` : "than the '-' of the sequence item that holds it";
  const more = others === 0 ? '' : ` ${others} more quoted ${others === 1 ? 'value does' : 'values do'} the same in this file.`;
  return {
    ruleId: ENGINE_RULES.portability,
    messageId: ENGINE_MESSAGES.portability,
    // kubectl, the file's reader, accepts it; mostly it is a generated file nobody edits here.
    severity: 'info',
    message:
      `This line continues the quoted value opened on line ${opened} but is indented no deeper ${holder}. ` +
      'kubectl and the other tools built on go-yaml (Helm, kustomize) read it; YAML 1.2 parsers (the VS Code YAML extension, Prettier, js-yaml) reject the file. ' +
      `Indent the continuation lines further, or write the value as a block scalar ('>-').${more}`,
    span: scalar.line,
  };
}

function unusedSuppressions(index: SuppressionIndex, rules: readonly Rule[], known: readonly Rule[]): Finding[] {
  // The portability note comes from a file that was checked, so a comment can hide it like a rule's finding.
  // A rule whose findings the adapters make (`runsIn: 'adapters'`) reports nothing here: its comments are not judged.
  const unused = index.unused();
  if (unused.length === 0) return [];
  const active = new Set([...rules.filter((rule) => rule.runsIn !== 'adapters').map((rule) => rule.id), ENGINE_RULES.portability]);
  return unused.flatMap(({ directive, ruleId }): Finding[] => {
    if (active.has(ruleId)) {
      const where = directive.scope === 'file' ? 'in this file' : 'on the next line';
      return [{ ruleId: ENGINE_RULES.unusedSuppression, messageId: ENGINE_MESSAGES.unusedSuppression, severity: 'hint', message: `Unused suppression: ${ruleId} reports nothing ${where}; remove the comment.`, span: directive.span }];
    }
    // A rule switched off (by configuration or the preset) is not a typo; anything else is.
    if (known.some((rule) => rule.id === ruleId)) return [];
    return [{ ruleId: ENGINE_RULES.unusedSuppression, messageId: ENGINE_MESSAGES.unknownRuleSuppression, severity: 'hint', message: `Unknown rule id ${ruleId} in a suppression comment.`, span: directive.span }];
  });
}

type HookName = keyof Visitor<Record<string, never>>;

/** Runs one document's hooks for every rule, isolating rules that throw. */
class RuleRunner {
  object: K8sObject | undefined;
  /** Where reports go: the run's findings, or for a while a job's own list (to be cached). */
  sink: Finding[];
  /** The workflow being checked, which `ctx.acrossJobs` questions are asked of. */
  workflow: Workflow | undefined;
  /** Where the answers given through `ctx.acrossJobs` are noted (as JSON) while a job's findings are being kept. */
  reads: Map<AcrossJobs<unknown>, string> | undefined;
  /** Likewise, what local files were read through `ctx.index` (question to answer). */
  locals: Map<LocalQuestion, string> | undefined;
  // Each question is answered once per document, whichever rule and job asks.
  private answers = new Map<AcrossJobs<unknown>, unknown>();
  // A workflow calls each hook once per job and step: each rule's context is made once.
  private contexts: Map<Rule, RuleContext<Rule['messages']>> | undefined;

  private readonly rules: readonly Rule[];
  private readonly failed: Map<string, unknown>;

  constructor(
    private readonly file: YamlFile,
    private readonly yaml: YamlDoc,
    private readonly run: DocumentRun,
    findings: Finding[],
  ) {
    this.sink = findings;
    this.rules = run.rules;
    this.failed = run.failed;
  }

  /** Runs the hook of every rule of `rules` (a list worked out once: the run's rules or a part of them) that has one. */
  hook<H extends HookName>(name: H, node: Parameters<NonNullable<Visitor<Record<string, never>>[H]>>[0], rules = this.rules): void {
    for (const rule of rulesWithHook(rules, name)) {
      const hook = rule.visit[name] as (node: unknown, ctx: RuleContext<Rule['messages']>) => void;
      if (this.failed.has(rule.id)) continue;
      if (this.object && (this.object.ignoredRules.has(rule.id) || this.object.ignoredRules.has('all'))) continue;
      this.contexts ??= new Map();
      let context = this.contexts.get(rule);
      if (!context) this.contexts.set(rule, (context = this.context(rule)));
      try {
        hook(node, context);
      } catch (error) {
        this.failed.set(rule.id, error);
      }
    }
  }

  private context(rule: Rule): RuleContext<Rule['messages']> {
    return {
      file: this.file,
      doc: this.yaml,
      project: this.run.project,
      preset: this.run.preset,
      index: this.run.together.view(this.run.reads, rule.id, (question, answer) => this.locals?.set(question, answer)),
      option: (name: string) => {
        const declared = rule.options?.[name];
        if (!declared) throw new Error(`${rule.id} reads option '${name}', which it does not declare`);
        const value = this.run.ruleOptions[rule.id]?.[name];
        // The config loader lets only valid values through; a caller passing options directly gets the default instead.
        return typeof value === typeof declared.default ? value : declared.default;
      },
      memo: (slot, key, compute) => memo.get(slot, key, compute),
      report: (report: Report<Rule['messages']>) => {
        if (this.object && hiddenByPeer(this.object, rule.id, String(report.message))) return;
        this.sink.push(toFinding(rule, report, this.run, this.file.text.length));
      },
      acrossJobs: <V>(compute: AcrossJobs<V>): V => {
        const answer = this.answer(compute);
        if (this.reads && !this.reads.has(compute)) this.reads.set(compute, jsonOf(answer));
        return answer;
      },
    };
  }

  private answer<V>(compute: AcrossJobs<V>): V {
    if (this.answers.has(compute)) return this.answers.get(compute) as V;
    if (!this.workflow) throw new Error('ctx.acrossJobs asked outside a workflow');
    const answer = compute(this.workflow, this.yaml, memo);
    this.answers.set(compute, answer);
    return answer;
  }

  /** The JSON of a question's answer now; a question that throws has no answer (its hooks will fail as they run). */
  acrossJobsJson(compute: AcrossJobs<unknown>): string | undefined {
    try {
      return jsonOf(this.answer(compute));
    } catch {
      return undefined;
    }
  }
}

/** Whether a kube-linter, Polaris or kube-score annotation on the object hides this finding (see `peerChecks.ts`). */
function hiddenByPeer(object: K8sObject, ruleId: string, messageId: string): boolean {
  const hidden = object.peerIgnored.get(ruleId);
  return hidden === 'all' || (hidden !== undefined && hidden.has(messageId));
}

/** An answer as JSON; an answer that is the same object as last time is not written out again. */
function jsonOf(answer: unknown): string {
  let json = typeof answer === 'object' && answer !== null ? answerJson.get(answer) : undefined;
  if (json === undefined) {
    json = JSON.stringify(answer) ?? 'undefined';
    if (typeof answer === 'object' && answer !== null) answerJson.set(answer, json);
  }
  return json;
}

const answerJson = new WeakMap<object, string>();

/** The rules of a list that have a hook, in order; worked out once per list (one lint uses one list for every document). */
function rulesWithHook(rules: readonly Rule[], name: HookName): readonly Rule[] {
  let byHook = hookedRules.get(rules);
  if (!byHook) hookedRules.set(rules, (byHook = new Map()));
  let hooked = byHook.get(name);
  if (!hooked) byHook.set(name, (hooked = rules.filter((rule) => rule.visit[name])));
  return hooked;
}

const hookedRules = new WeakMap<readonly Rule[], Map<HookName, readonly Rule[]>>();

/** A list's `scope: 'job'` rules and the others, in order; worked out once per list. */
function byScope(rules: readonly Rule[]): { scoped: readonly Rule[]; unscoped: readonly Rule[] } {
  let split = scopes.get(rules);
  if (!split) scopes.set(rules, (split = { scoped: rules.filter((rule) => rule.scope === 'job'), unscoped: rules.filter((rule) => rule.scope !== 'job') }));
  return split;
}

const scopes = new WeakMap<readonly Rule[], { scoped: readonly Rule[]; unscoped: readonly Rule[] }>();

/** How loud a finding is: as `RuleDefinition.presets` explains. */
function severityOf(rule: Rule, report: Report<Rule['messages']>, run: Pick<DocumentRun, 'settings' | 'preset'>): Severity {
  const setting = run.settings[rule.id];
  if (setting !== undefined && setting !== 'off') return setting;
  const level = presetSeverity(rule, run.preset);
  // Off in the preset: only a caller that runs rules itself (not through `activeRules`) gets here.
  return findingSeverity(rule.presets, level === 'off' ? levelWhenOn(rule) : level, report.severity);
}

function toFinding(rule: Rule, report: Report<Rule['messages']>, run: Pick<DocumentRun, 'settings' | 'preset'>, textLength: number): Finding {
  const format = rule.messages[report.message as string];
  if (!format) throw new Error(`unknown message id ${String(report.message)}`);
  checkSpan(report.span, textLength);
  const finding: Finding = {
    ruleId: rule.id,
    messageId: String(report.message),
    severity: severityOf(rule, report, run),
    message: format(...(report.args as never[])),
    span: report.span,
  };
  if (report.fix) {
    if (!rule.fixable) throw new Error(`rule ${rule.id} reported a fix but declares fixable: false`);
    // One fix shared by many findings (a step's every expression moved at once) is checked once, not once per finding.
    if (checkedEdits.get(report.fix.edits) !== textLength) {
      for (const edit of report.fix.edits) checkSpan(edit, textLength);
      checkedEdits.set(report.fix.edits, textLength);
    }
    finding.fix = { kind: rule.fixable, title: report.fix.title, edits: report.fix.edits };
  }
  return finding;
}

/** Edit lists already checked, with the text length they were checked against. */
const checkedEdits = new WeakMap<readonly TextEdit[], number>();

function checkSpan(span: Span, textLength: number): void {
  if (!(span.start >= 0 && span.end >= span.start && span.end <= textLength)) {
    throw new Error(`invalid span ${span.start}-${span.end}`);
  }
}

export interface FixAllResult {
  text: string;
  /** How many fixes were applied over all passes. */
  applied: number;
}

/** Applies fixes of the given kinds, re-linting between passes until nothing changes (at most 10 passes). */
export function fixAll(text: string, path: string, options: LintOptions, kinds: readonly FixKind[] = ['safe']): FixAllResult {
  let current = text;
  let applied = 0;
  for (let pass = 0; pass < 10; pass++) {
    const { findings } = lint(current, path, options);
    const combined = combineFixes(findings, kinds);
    if (combined.applied === 0) break;
    const next = applyEdits(current, combined.edits);
    applied += combined.applied;
    if (next === current) break;
    current = next;
  }
  return { text: current, applied };
}
