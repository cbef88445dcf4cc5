import { DiagnosticSeverity, type Connection, type Diagnostic, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ENGINE_MESSAGES, ENGINE_RULES, type Finding, type Severity } from '../engine/core/finding';
import { deferredYamlFile, IncrementalLinter } from '../engine/incremental/incremental';
import { fixAll, lint, type LintOptions, type LintResult } from '../engine/core/lint';
import { DEFAULT_PRESET } from '../engine/core/presets';
import type { ProjectIndex } from '../engine/core/projectIndex';
import { RULES, ruleById } from '../rules';
import { engineRuleDoc } from '../knowledge/engineRules';
import type { CheckQueue } from './checkQueue';
import type { ServerHost } from './host';
import { toRange } from './positions';
import type { EditorSettings, SettingsCache } from './settings';
import { briefly } from '../engine/incremental/memo';
import { parseYamlFile, type YamlFile } from '../engine/yaml/yamlFile';
import { chartValuesPath } from '../engine/yaml/helmTemplate';
import { CONFIG_FILE_NAMES, parseConfig, withConfiguredFacts } from '../project/config';
import { shellcheckFindings, shellcheckLevel, shellcheckNotes } from '../project/shellcheck';

export const DIAGNOSTIC_SOURCE = 'shipcheck';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

// How many documents keep their parsed pieces between checks: the ones typed in last (and the one opened last, see
// `resultFor`).
const INCREMENTAL_DOCUMENTS = 4;
// How many documents keep their last lint result: the ones typed in, hovered or asked for code actions lately.
// Another document's is worked out again when asked for (a few milliseconds): kept for every open document, the
// findings of a whole repository were a fifth of the heap.
const RESULT_DOCUMENTS = 32;
// How long typing must pause before gha/shellcheck runs the shellcheck binary on the document's scripts.
const SHELLCHECK_PAUSE_MS = 750;

/** Lints open documents, publishes their diagnostics and keeps the latest result per document for hover and code actions. */
export class DocumentLinter {
  private readonly results = new Map<string, { version: number; generation: number; settings: EditorSettings; result: LintResult }>();
  // Settings requests on their way, so a burst of changes to a new document asks once.
  private readonly loadingSettings = new Map<string, Promise<unknown>>();
  // The documents whose check waits for their settings (see `schedule`), with how urgent it is.
  private readonly waitingForSettings = new Map<string, 'open' | 'typing'>();
  // Rule failures already written to the log (a failing rule fails again on every keystroke).
  private readonly loggedFailures = new Set<string>();
  // For the documents edited last: parses and findings of their YAML documents, kept between keystrokes.
  private readonly incremental = new Map<string, IncrementalLinter>();
  // The same for the document checked last without an edit (just opened, most likely about to be typed in).
  private lastOpened: { uri: string; linter: IncrementalLinter } | undefined;
  // Bumped when settings change, so cached results made under the old settings are not reused.
  private generation = 0;
  private readonly announced = new Map<string, string>();
  // Findings of open chart templates on values their `values.yaml` writes, shown there: by that file's URI, then by
  // the template's. And what each URI's own check last published, to publish it again with what moved in.
  private readonly movedIn = new Map<string, Map<string, Diagnostic[]>>();
  private readonly own = new Map<string, { version: number | undefined; diagnostics: Diagnostic[] }>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly host: ServerHost,
    private readonly settings: SettingsCache,
    private readonly editorExtensions: () => EditorExtensions,
    private readonly logError: (what: string, error: unknown) => void,
    private readonly queue: CheckQueue,
    private readonly index?: ProjectIndex,
    private readonly workspaceTrusted: () => boolean = () => false,
  ) {}

  // gha/shellcheck's findings per document, for the version they were made for (see `scheduleShellcheck`).
  private readonly shellchecked = new Map<string, { version: number; findings: Finding[] }>();
  private readonly shellcheckTimers = new Map<string, ReturnType<typeof setTimeout>>();

  /**
   * The lint result for the document's current version, linting again when the cached one is older. What the
   * engine's caches work out is kept for good only for a document being typed in (see `briefly`).
   */
  resultFor(document: TextDocument, typing = false): LintResult {
    const cached = this.results.get(document.uri);
    // The settings too: a check that ran while they were being asked again used the defaults.
    const settings = this.settings.get(document.uri);
    if (cached?.version === document.version && cached.generation === this.generation && cached.settings === settings) {
      this.results.delete(document.uri);
      this.results.set(document.uri, cached);
      return cached.result;
    }
    const linter = this.linterFor(document.uri, typing);
    const check = (): LintResult => this.lintText(document.uri, document.getText(), settings, linter);
    const linted = typing ? check() : briefly(check);
    // Syntax trees are large (many times the text): keep findings, and parse again only for a hover or code action.
    const tooLarge = linted.findings.some((finding) => finding.ruleId === ENGINE_RULES.tooLarge);
    const result = tooLarge ? linted : new ResultWithFileOnDemand(linted, document);
    this.results.delete(document.uri);
    this.results.set(document.uri, { version: document.version, generation: this.generation, settings, result });
    for (const uri of this.results.keys()) if (this.results.size > RESULT_DOCUMENTS) this.results.delete(uri);
    return result;
  }

  /**
   * The document's incremental linter: kept for the documents typed in last, and otherwise only for the one checked
   * last. Many documents opened at once would else keep the parse of the last four, however large, none typed in.
   */
  private linterFor(uri: string, typing: boolean): IncrementalLinter {
    const opened = this.lastOpened?.uri === uri ? this.lastOpened.linter : undefined;
    const linter = this.incremental.get(uri) ?? opened ?? new IncrementalLinter();
    if (typing || this.incremental.has(uri)) {
      if (opened) this.lastOpened = undefined;
      this.incremental.delete(uri);
      this.incremental.set(uri, linter);
      for (const key of this.incremental.keys()) if (this.incremental.size > INCREMENTAL_DOCUMENTS) this.incremental.delete(key);
    } else {
      this.lastOpened = { uri, linter };
    }
    return linter;
  }

  /**
   * Lints text as the settings and the project's `.shipcheck.yaml` say: nothing when disabled or ignored,
   * the configuration's own problems for a configuration file, and syntax errors only when wanted.
   */
  lintText(uri: string, text: string, settings: EditorSettings = this.settings.get(uri), linter?: IncrementalLinter): LintResult {
    const path = documentPath(uri, this.host);
    const project = this.host.projectConfig?.(path);
    if (project?.file) this.announce(project.file, project.problems.length > 0 ? `has ${project.problems.length} problem(s), shown in it; what is valid in it applies` : 'loaded');
    if (isConfigFile(path)) return configFileResult(text, path);
    if (!settings.enable || project?.isIgnored(path)) return emptyResult(path);
    const options = this.options(path, settings);
    const result = linter ? linter.lint(text, path, options) : lint(text, path, options);
    if (!this.showSyntaxErrors(settings)) result.findings = result.findings.filter((finding) => finding.ruleId !== ENGINE_RULES.syntax);
    if (settings.syntaxErrors === 'auto' && this.editorExtensions().actions) result.findings = result.findings.filter((finding) => !leftToActionsExtension(finding));
    return result;
  }

  /** Logs each configuration file once per state, so the output channel says which one is in force. */
  private announce(file: string, state: string): void {
    if (this.announced.get(file) === state) return;
    this.announced.set(file, state);
    this.connection.console.info(`shipcheck: configuration ${file} ${state}`);
  }

  /** The document's text with every safe fix applied (what fix-all writes). */
  fixAllText(document: TextDocument): string {
    const path = documentPath(document.uri, this.host);
    const settings = this.settings.get(document.uri);
    if (!settings.enable || isConfigFile(path) || this.host.projectConfig?.(path).isIgnored(path)) return document.getText();
    return briefly(() => fixAll(document.getText(), path, this.options(path, settings), ['safe']).text);
  }

  /** Editor settings win over `.shipcheck.yaml`, which wins over the rules' defaults; `shipcheck.preset` only when the user chose one. */
  private options(path: string, settings: EditorSettings): LintOptions {
    const config = this.host.projectConfig?.(path).config;
    return {
      rules: RULES,
      preset: settings.preset !== 'auto' ? settings.preset : (config?.preset ?? DEFAULT_PRESET),
      project: withConfiguredFacts(this.host.projectFacts(path), config),
      ruleSettings: { ...config?.ruleSettings, ...settings.rules },
      ruleOptions: config?.ruleOptions ?? {},
      maxFileSize: settings.maxFileSize * 1024,
      ...(this.index ? { index: this.index } : {}),
    };
  }

  private showSyntaxErrors(settings: EditorSettings): boolean {
    return settings.syntaxErrors === 'on' || (settings.syntaxErrors === 'auto' && !this.editorExtensions().yaml);
  }

  /**
   * Queues a check of the document's latest version: changes (the document being typed in) before other documents,
   * and a change that arrives before the check ran replaces it. `change` is ignored when checks run on save only.
   */
  schedule(document: TextDocument, trigger: 'open' | 'change' | 'save'): void {
    const { uri } = document;
    if (trigger === 'change' && this.settings.get(uri).run === 'onSave') return;
    const urgency = trigger === 'open' ? 'open' : 'typing';
    // One wait for settings a document: later calls only raise its urgency. (A file opened in a workspace of many open
    // files asks to check them all again; a wait each would pile up with every open while the settings are asked.)
    const waiting = this.waitingForSettings.get(uri);
    if (waiting !== undefined) {
      if (urgency === 'typing') this.waitingForSettings.set(uri, urgency);
      return;
    }
    this.waitingForSettings.set(uri, urgency);
    void this.queue.track(this.settingsLoaded(uri)).then(() => {
      const wanted = this.waitingForSettings.get(uri) ?? urgency;
      this.waitingForSettings.delete(uri);
      if (this.documents.get(uri)) this.queue.add(uri, wanted, () => this.publish(uri, wanted === 'typing'));
    });
  }

  /** Pulls the document's settings once (the defaults if the client cannot answer); later calls wait for the same answer. */
  private settingsLoaded(uri: string): Promise<unknown> {
    let loading = this.loadingSettings.get(uri);
    if (!loading) {
      loading = this.settings.refresh(uri).then(
        () => this.loadingSettings.delete(uri),
        (error: unknown) => {
          this.loadingSettings.delete(uri);
          // A client that cannot answer configuration requests gets the defaults.
          this.logError(`reading settings for ${uri}`, error);
        },
      );
      this.loadingSettings.set(uri, loading);
    }
    return loading;
  }

  /** Settings for a scope (a workspace folder, for files that are not open), asked once and cached. */
  async settingsFor(scopeUri: string): Promise<EditorSettings> {
    try {
      return await this.settings.refresh(scopeUri);
    } catch (error) {
      this.logError(`reading settings for ${scopeUri}`, error);
      return this.settings.get(scopeUri);
    }
  }

  /** After a settings change: forget cached settings and results, and check every open document again. */
  settingsChanged(): void {
    this.settings.clear();
    this.generation++;
    for (const document of this.documents.all()) this.schedule(document, 'open');
  }

  /** Checks an open document again though its text is the same: a file checked together with it changed. */
  recheck(document: TextDocument): void {
    this.results.delete(document.uri);
    this.schedule(document, 'open');
  }

  forget(uri: string): void {
    this.queue.remove(uri);
    clearTimeout(this.shellcheckTimers.get(uri));
    this.shellcheckTimers.delete(uri);
    this.shellchecked.delete(uri);
    this.results.delete(uri);
    this.incremental.delete(uri);
    if (this.lastOpened?.uri === uri) this.lastOpened = undefined;
    this.settings.forget(uri);
    this.move(uri, []);
    this.send(uri, undefined, []);
    if (!this.movedIn.has(uri)) this.own.delete(uri);
  }

  /** Checks the document as it is now (after an edit when `typing`) and publishes the findings for its current version. */
  private publish(uri: string, typing: boolean): void {
    const document = this.documents.get(uri);
    // While its settings are being asked again (they changed), a check follows the answer: not one with the defaults now.
    if (!document || this.loadingSettings.has(uri)) return;
    let diagnostics: Diagnostic[];
    const moved: Diagnostic[] = [];
    try {
      const { findings } = this.resultFor(document, typing);
      this.logRuleFailures(uri, findings);
      diagnostics = [];
      for (const finding of findings) {
        if (finding.origin && chartValuesPath(uri) !== undefined) moved.push(movedDiagnostic(document, { ...finding, origin: finding.origin }, this.host));
        else diagnostics.push(toDiagnostic(document, finding, this.host));
      }
      const shellchecked = this.shellchecked.get(uri);
      if (shellchecked?.version === document.version) for (const finding of shellchecked.findings) diagnostics.push(toDiagnostic(document, finding, this.host));
      else this.scheduleShellcheck(document);
    } catch (error) {
      this.logError(`checking ${uri}`, error);
      return;
    }
    this.send(uri, document.version, diagnostics);
    this.move(uri, moved);
  }

  /**
   * Publishes a template's findings on values of its chart's `values.yaml` in that file (with the file's own findings
   * and those of the chart's other open templates), when they changed.
   */
  private move(from: string, diagnostics: Diagnostic[]): void {
    const target = chartValuesPath(from);
    if (target === undefined) return;
    const sources = this.movedIn.get(target);
    const before = sources?.get(from);
    if ((before ?? []).length === 0 && diagnostics.length === 0) return;
    if (before && JSON.stringify(before) === JSON.stringify(diagnostics)) return;
    if (diagnostics.length > 0) {
      if (sources) sources.set(from, diagnostics);
      else this.movedIn.set(target, new Map([[from, diagnostics]]));
    } else {
      sources!.delete(from);
      if (sources!.size === 0) this.movedIn.delete(target);
    }
    const own = this.own.get(target);
    this.send(target, own?.version, own?.diagnostics ?? []);
  }

  /**
   * gha/shellcheck (project/shellcheck.ts) once typing pauses: never on the keystroke path, only in a trusted
   * workspace, only where the host can start processes and the rule is on. Its findings join the document's
   * diagnostics for the version they were made for; an edit meanwhile drops them and waits for the next pause.
   */
  private scheduleShellcheck(document: TextDocument): void {
    const { uri, version } = document;
    clearTimeout(this.shellcheckTimers.get(uri));
    this.shellcheckTimers.delete(uri);
    if (!this.workspaceTrusted() || !this.host.shellcheck) return;
    const settings = this.settings.get(uri);
    const path = documentPath(uri, this.host);
    if (!settings.enable || isConfigFile(path)) return;
    const options = this.options(path, settings);
    const level = shellcheckLevel(options.preset ?? DEFAULT_PRESET, options.ruleSettings ?? {});
    if (!level) return;
    const notes = shellcheckNotes(options.preset ?? DEFAULT_PRESET);
    const done = new Promise<void>((resolve) => {
      this.shellcheckTimers.set(
        uri,
        setTimeout(() => {
          this.shellcheckTimers.delete(uri);
          void this.runShellcheck(uri, version, level, notes).finally(resolve);
        }, SHELLCHECK_PAUSE_MS),
      );
    });
    void this.queue.track(done);
  }

  private async runShellcheck(uri: string, version: number, level: Severity, notes: boolean): Promise<void> {
    const document = this.documents.get(uri);
    const shellcheck = this.host.shellcheck?.();
    if (!document || document.version !== version || !shellcheck) return;
    try {
      const result = this.resultFor(document);
      if (!result.kinds.includes('workflow') || this.host.projectConfig?.(documentPath(uri, this.host)).isIgnored(documentPath(uri, this.host))) return;
      const findings = await shellcheckFindings(result.file, shellcheck, level, notes);
      if (this.documents.get(uri)?.version !== version) return;
      this.shellchecked.set(uri, { version, findings });
      this.publish(uri, false);
    } catch (error) {
      this.logError(`running shellcheck on ${uri}`, error);
    }
  }

  /**
   * A rule that threw is reported in the file as an internal-error finding (the engine skips it there and the other
   * rules still run); the log gets each failure once, not on every keystroke.
   */
  logRuleFailures(uri: string, findings: readonly Finding[]): void {
    for (const finding of findings) {
      if (finding.ruleId !== ENGINE_RULES.internal || this.loggedFailures.has(finding.message)) continue;
      this.loggedFailures.add(finding.message);
      this.connection.console.error(`shipcheck: ${finding.message} (first seen in ${uri})`);
    }
  }

  private send(uri: string, version: number | undefined, own: Diagnostic[]): void {
    this.own.set(uri, { version, diagnostics: own });
    const moved = this.movedIn.get(uri);
    const diagnostics = moved ? [...own, ...[...moved.values()].flat()] : own;
    const sent = this.connection.sendDiagnostics(version === undefined ? { uri, diagnostics } : { uri, version, diagnostics });
    this.queue.sending(sent);
    sent.catch((error: unknown) => this.logError(`publishing diagnostics for ${uri}`, error));
  }
}

/** The result with its file parsed again from the document's text when first asked for (a hover, a code action). */
class ResultWithFileOnDemand implements LintResult {
  readonly findings: Finding[];
  readonly kinds: LintResult['kinds'];
  readonly skipped?: string;
  readonly suppressed?: LintResult['suppressed'];
  private readonly path: string;
  private readonly version: number;
  private parsed: YamlFile | undefined;

  constructor(
    result: LintResult,
    private readonly document: TextDocument,
  ) {
    this.findings = result.findings;
    this.kinds = result.kinds;
    if (result.skipped !== undefined) this.skipped = result.skipped;
    if (result.suppressed !== undefined) this.suppressed = result.suppressed;
    this.path = result.file.path;
    this.version = document.version;
  }

  get file(): YamlFile {
    if (this.parsed) return this.parsed;
    // Callers read a result for the version they asked for; a newer text would put the offsets in the wrong place.
    if (this.document.version !== this.version) throw new Error(`${this.document.uri} changed since version ${this.version} was checked`);
    return (this.parsed = deferredYamlFile(this.document.getText(), this.path));
  }
}

function emptyResult(path: string): LintResult {
  return { file: parseYamlFile('', path), findings: [], kinds: [] };
}

/** Extensions the client found installed that report some of what shipcheck reports (initialization options). */
export interface EditorExtensions {
  /** Red Hat's YAML extension: YAML syntax errors. */
  yaml: boolean;
  /** GitHub's Actions extension: it checks workflows against GitHub's workflow schema. */
  actions: boolean;
}

// What the GitHub Actions extension reports from the same workflow schema gha/syntax reads: unknown and missing keys,
// values of the wrong kind or outside the allowed ones, expressions where none are allowed, keys written twice. The
// rest of gha/syntax (ids, shells, `uses:` references, env names, images) it does not check.
const ACTIONS_EXTENSION_MESSAGES = new Set(['unknownKey', 'missingKey', 'wrongType', 'badValue', 'expressionNotAllowed', 'duplicateKey']);

function leftToActionsExtension(finding: Finding): boolean {
  return finding.ruleId === 'gha/syntax' && ACTIONS_EXTENSION_MESSAGES.has(finding.messageId);
}

function isConfigFile(path: string): boolean {
  return CONFIG_FILE_NAMES.includes(path.split(/[\\/]/).pop() ?? '');
}

/** A `.shipcheck.yaml` is checked by the configuration loader (the one the CLI uses): each problem at its place. */
function configFileResult(text: string, path: string): LintResult {
  const findings = parseConfig(text, RULES).problems.map((problem): Finding => ({ ruleId: ENGINE_RULES.config, messageId: ENGINE_MESSAGES.config, severity: 'error', message: `shipcheck configuration: ${problem.message}`, span: problem.span }));
  return { file: parseYamlFile(text, path), findings, kinds: [] };
}


/** A finding as the editor shows it; code actions find the finding again by rule id (`code`) and range. */
export function toDiagnostic(document: TextDocument, finding: Finding, host: ServerHost): Diagnostic {
  const diagnostic: Diagnostic = {
    range: toRange(document, finding.span),
    severity: SEVERITY[finding.severity],
    code: finding.ruleId,
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
  };
  // Rules and the engine's own findings have pages; anything else has nothing to link to.
  const href = ruleById(finding.ruleId) || engineRuleDoc(finding.ruleId) ? host.docsHref(finding.ruleId) : undefined;
  if (href) diagnostic.codeDescription = { href };
  // A finding on a value the chart's values.yaml writes: where it is written.
  const valuesUri = finding.origin ? chartValuesPath(document.uri) : undefined;
  if (finding.origin && valuesUri !== undefined) diagnostic.relatedInformation = [{ location: { uri: valuesUri, range: { start: finding.origin.start, end: finding.origin.end } }, message: 'The value is written here.' }];
  return diagnostic;
}

/**
 * A template's finding on a value its chart's `values.yaml` writes, as that file shows it: at the value, with the
 * template's place as related information.
 */
export function movedDiagnostic(document: TextDocument, finding: Finding & { origin: NonNullable<Finding['origin']> }, host: ServerHost): Diagnostic {
  const diagnostic = toDiagnostic(document, finding, host);
  return { ...diagnostic, range: { start: finding.origin.start, end: finding.origin.end }, relatedInformation: [{ location: { uri: document.uri, range: diagnostic.range }, message: 'The template prints the value here.' }] };
}

/** The path classification sees: workflows are recognised by where they live. */
export function documentPath(uri: string, host: ServerHost): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return '';
  }
  return url.protocol === 'file:' ? host.filePath(url) : decodeURIComponent(url.pathname);
}
