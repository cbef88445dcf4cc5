import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLError } from 'yaml';
import { closest } from '../engine/languages/suggest';
import type { Span } from '../engine/core/finding';
import type { RuleOptionValue, RuleSetting } from '../engine/core/lint';
import { KUBERNETES_PATCHES, type KubernetesPatches, type ProjectFacts, type Rule } from '../engine/core/rule';
import { optionValueProblem } from '../engine/core/ruleOptions';
import { PRESETS, type Preset } from '../engine/core/presets';

/**
 * `.shipcheck.yaml`, parsed and checked from its text alone (no file system), so the CLI and the
 * language server read it the same way:
 *
 *     preset: strict          # recommended (the default), strict or all
 *     rules:
 *       gha/npm-ci: off
 *       k8s/image-tag: error
 *       gha/job-timeout: { level: warning, minutes: 20 }   # options as the rule declares them
 *     ignore:
 *       - test/fixtures/**
 *     owner: acme          # the repository's GitHub owner, when .git/config does not say
 *     selfHostedRunnerLabels: [gpu-runner, arc-linux]   # labels your own runners carry
 *     kubernetes:
 *       patches: listed    # read every object whole unless a kustomization lists its file as a patch
 */
export interface ShipcheckConfig {
  /** Which rules run and how loud; undefined leaves it to the front end (`recommended` unless told otherwise). */
  preset?: Preset;
  /** Severity overrides; `off` turns a rule off. */
  ruleSettings: Record<string, RuleSetting>;
  /** Options per rule, read by the rule with `ctx.option`. */
  ruleOptions: Record<string, Record<string, RuleOptionValue>>;
  /** Globs relative to the directory that holds the configuration file. */
  ignore: string[];
  /** `maxFileSize`: larger files are reported as not checked (KiB). */
  maxFileSizeKiB?: number;
  /** `owner`: the GitHub account that owns the repository, instead of the one read from .git/config. */
  owner?: string;
  /** `selfHostedRunnerLabels`: `runs-on` labels of the project's own runners (besides `self-hosted`, `linux` …). */
  selfHostedRunnerLabels?: string[];
  /** `kubernetes: { patches: … }`: which objects are read as Kustomize patches (`ProjectFacts.kubernetesPatches`). */
  kubernetesPatches?: KubernetesPatches;
}

/** Where a configuration went wrong: the offending key or value (offsets, and its start's 1-based line and column), and what to change. */
export interface ConfigProblem {
  span: Span;
  line: number;
  column: number;
  message: string;
}

/**
 * A configuration and its problems. The config holds what is valid: an entry with a problem is left out (its rule keeps
 * its default level, an option its default), so one typo does not undo the rest of the file. Text that is not valid
 * YAML, or not a mapping, yields the empty config.
 */
export interface ConfigCheck {
  config: ShipcheckConfig;
  problems: ConfigProblem[];
}

/** What the configuration needs to know of a rule: its id and what options it declares. */
export type ConfigurableRule = Pick<Rule, 'id' | 'options'>;

/** Looked for in this order in each directory, from the starting one up to the file-system root. */
export const CONFIG_FILE_NAMES: readonly string[] = ['.shipcheck.yaml', '.shipcheck.yml'];

export const RULE_SETTINGS: readonly RuleSetting[] = ['off', 'hint', 'info', 'warning', 'error'];
const TOP_LEVEL_KEYS = ['preset', 'rules', 'ignore', 'maxFileSize', 'owner', 'selfHostedRunnerLabels', 'kubernetes'];
const KUBERNETES_KEYS = ['patches'];
// A GitHub account name: letters, digits and hyphens, not starting with a hyphen, at most 39 characters.
export const OWNER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/;

export function emptyConfig(): ShipcheckConfig {
  return { ruleSettings: {}, ruleOptions: {}, ignore: [] };
}

/** `file:line:column: message`, the line each configuration problem is reported in. */
export function describeConfigProblem(fileName: string, problem: Pick<ConfigProblem, 'line' | 'column' | 'message'>): string {
  return `${fileName}:${problem.line}:${problem.column}: ${problem.message}`;
}

/** Reads a configuration from its text; `rules` are those that may be configured (any other id is a typo). */
export function parseConfig(text: string, rules: readonly ConfigurableRule[]): ConfigCheck {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: ConfigProblem[] = [];
  const report = (span: Span, message: string): void => {
    const { line, col } = lineCounter.linePos(span.start);
    problems.push({ span, line, column: col, message });
  };
  if (doc.errors.length > 0) {
    for (const error of doc.errors) report({ start: error.pos[0], end: Math.max(error.pos[1], error.pos[0]) }, yamlProblem(error));
    return { config: emptyConfig(), problems };
  }
  return { config: new ConfigReader(rules, report).read(doc.contents), problems };
}

/** A YAML error in the user's terms; the parser's own message otherwise names its API. */
function yamlProblem(error: YAMLError): string {
  // The parser stops at the second document and reports it from its start (its `---` line).
  if (error.code === 'MULTIPLE_DOCS') return 'a configuration file holds one YAML document; this is a second one';
  return `not valid YAML: ${error.message.split('\n')[0]}`;
}

type Entry = Pair<Node, Node | null>;

class ConfigReader {
  private readonly config = emptyConfig();
  private readonly rulesById: ReadonlyMap<string, ConfigurableRule>;

  constructor(
    rules: readonly ConfigurableRule[],
    private readonly report: (span: Span, message: string) => void,
  ) {
    this.rulesById = new Map(rules.map((rule) => [rule.id, rule]));
  }

  read(contents: Node | null): ShipcheckConfig {
    if (isEmpty(contents)) return this.config;
    if (!isMap(contents)) {
      this.report(spanOf(contents), "the configuration must be a mapping with 'rules:' and/or 'ignore:'");
      return this.config;
    }
    for (const pair of contents.items as Entry[]) {
      const key = this.keyName(pair);
      if (key === 'preset') this.readPreset(pair);
      else if (key === 'rules') this.readRules(pair);
      else if (key === 'ignore') this.readIgnore(pair);
      else if (key === 'maxFileSize') this.readMaxFileSize(pair);
      else if (key === 'owner') this.readOwner(pair);
      else if (key === 'selfHostedRunnerLabels') this.readRunnerLabels(pair);
      else if (key === 'kubernetes') this.readKubernetes(pair);
      else if (key !== undefined) this.report(spanOf(pair.key), `unknown setting '${key}': expected one of ${TOP_LEVEL_KEYS.join(', ')}`);
    }
    return this.config;
  }

  private keyName(pair: Entry): string | undefined {
    if (isScalar(pair.key) && (typeof pair.key.value === 'string' || typeof pair.key.value === 'number')) return String(pair.key.value);
    this.report(spanOf(pair.key), 'keys must be plain names');
    return undefined;
  }

  private readRules(pair: Entry): void {
    const rules = pair.value;
    if (isEmpty(rules)) return;
    if (!isMap(rules)) {
      this.report(valueSpan(pair), "'rules' must map rule ids to a level (off, hint, info, warning, error) or to '{ level: …, <option>: … }'");
      return;
    }
    for (const entry of rules.items as Entry[]) {
      const id = this.keyName(entry);
      if (id === undefined) continue;
      const rule = this.rulesById.get(id);
      if (!rule) {
        this.report(spanOf(entry.key), unknownRule(id, [...this.rulesById.keys()]));
        continue;
      }
      const value = entry.value;
      if (isScalar(value)) this.readLevel(entry, id);
      else if (isMap(value)) this.readRuleMapping(value.items as Entry[], rule);
      else this.report(valueSpan(entry), `${id} needs a level (${RULE_SETTINGS.join(', ')}) or a mapping such as '{ level: warning }'`);
    }
  }

  private readRuleMapping(entries: readonly Entry[], rule: ConfigurableRule): void {
    const declared = rule.options ?? {};
    const options: Record<string, RuleOptionValue> = {};
    for (const entry of entries) {
      const name = this.keyName(entry);
      if (name === undefined) continue;
      if (name === 'level') {
        this.readLevel(entry, rule.id);
        continue;
      }
      const declaration = declared[name];
      if (!declaration) {
        this.report(spanOf(entry.key), unknownOption(name, rule.id, Object.keys(declared)));
        continue;
      }
      const value = isScalar(entry.value) ? entry.value.value : entry.value === null ? null : [];
      const problem = optionValueProblem(declaration, value);
      if (problem !== undefined) this.report(valueSpan(entry), `option ${name} of ${rule.id} ${problem}`);
      else options[name] = value as RuleOptionValue;
    }
    if (Object.keys(options).length > 0) this.config.ruleOptions[rule.id] = options;
  }

  private readLevel(entry: Entry, id: string): void {
    const value = isScalar(entry.value) ? entry.value.value : undefined;
    const match = RULE_SETTINGS.find((setting) => setting === value);
    if (match === undefined) this.report(valueSpan(entry), `the level of ${id} must be one of ${RULE_SETTINGS.join(', ')}, not ${describe(value)}`);
    else this.config.ruleSettings[id] = match;
  }

  private readPreset(pair: Entry): void {
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    const match = PRESETS.find((preset) => preset === value);
    if (match === undefined) this.report(valueSpan(pair), `'preset' must be one of ${PRESETS.join(', ')}, not ${describe(value)}`);
    else this.config.preset = match;
  }

  private readMaxFileSize(pair: Entry): void {
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) this.config.maxFileSizeKiB = value;
    else this.report(valueSpan(pair), "'maxFileSize' must be a whole number of KiB, at least 1");
  }

  private readOwner(pair: Entry): void {
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    if (typeof value === 'string' && OWNER_PATTERN.test(value)) this.config.owner = value;
    else this.report(valueSpan(pair), "'owner' must be a GitHub user or organization name, such as 'acme' (letters, digits and hyphens)");
  }

  private readRunnerLabels(pair: Entry): void {
    const list = pair.value;
    if (isEmpty(list)) return;
    if (!isSeq(list)) {
      this.report(valueSpan(pair), "'selfHostedRunnerLabels' must be a list of runner labels, such as '- gpu-runner'");
      return;
    }
    const labels: string[] = [];
    for (const item of list.items as (Node | null)[]) {
      const label = isScalar(item) ? item.value : undefined;
      if (typeof label === 'string' && label.trim() !== '') labels.push(label.trim());
      else this.report(item ? spanOf(item) : valueSpan(pair), "each 'selfHostedRunnerLabels' entry must be a non-empty label");
    }
    if (labels.length > 0) this.config.selfHostedRunnerLabels = labels;
  }

  private readKubernetes(pair: Entry): void {
    const settings = pair.value;
    if (isEmpty(settings)) return;
    if (!isMap(settings)) {
      this.report(valueSpan(pair), "'kubernetes' must be a mapping, such as '{ patches: listed }'");
      return;
    }
    for (const entry of settings.items as Entry[]) {
      const key = this.keyName(entry);
      if (key === undefined) continue;
      if (key !== 'patches') {
        this.report(spanOf(entry.key), `unknown setting 'kubernetes.${key}': expected ${KUBERNETES_KEYS.join(', ')}`);
        continue;
      }
      const value = isScalar(entry.value) ? entry.value.value : undefined;
      const match = KUBERNETES_PATCHES.find((reading) => reading === value);
      if (match === undefined) this.report(valueSpan(entry), `'kubernetes.patches' must be one of ${KUBERNETES_PATCHES.join(', ')}, not ${describe(value)}`);
      else this.config.kubernetesPatches = match;
    }
  }

  private readIgnore(pair: Entry): void {
    const list = pair.value;
    if (isEmpty(list)) return;
    if (!isSeq(list)) {
      this.report(valueSpan(pair), "'ignore' must be a list of globs, such as '- test/fixtures/**'");
      return;
    }
    for (const item of list.items as (Node | null)[]) {
      const glob = isScalar(item) ? item.value : undefined;
      if (typeof glob === 'string' && glob.trim() !== '') this.config.ignore.push(glob);
      else this.report(item ? spanOf(item) : valueSpan(pair), "each 'ignore' entry must be a non-empty glob string");
    }
  }
}

function isEmpty(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

function spanOf(node: Node | null | undefined): Span {
  const [start = 0, end = start] = node?.range ?? [];
  return { start, end };
}

/** The value of an entry, or its key when the value is missing (`gha/npm-ci:` with nothing after it). */
function valueSpan(entry: Entry): Span {
  const value = spanOf(entry.value);
  return value.end > value.start ? value : spanOf(entry.key);
}

function describe(value: unknown): string {
  return value === undefined ? 'a list or mapping' : value === null ? 'empty' : `'${String(value)}'`;
}

function unknownRule(id: string, knownRules: readonly string[]): string {
  const tail = id.includes('/') ? id.slice(id.indexOf('/') + 1) : id;
  const near = closest(id, knownRules) ?? knownRules.find((known) => known.endsWith(`/${tail}`));
  return `unknown rule '${id}'${near ? ` (did you mean ${near}?)` : ''}; 'shipcheck --list-rules' lists them`;
}

function unknownOption(name: string, id: string, declared: readonly string[]): string {
  const near = closest(name, declared);
  if (near) return `unknown option ${name} for ${id}; did you mean ${near}?`;
  return declared.length === 0 ? `unknown option ${name} for ${id}, which takes only 'level'` : `unknown option ${name} for ${id}; it takes ${declared.join(', ')}`;
}

/**
 * The project facts a check is given, with what the configuration says of the project: `owner:`, when set, wins over the
 * one read from .git/config; `selfHostedRunnerLabels` and `kubernetes.patches` are passed on.
 */
export function withConfiguredFacts(facts: ProjectFacts, config: Pick<ShipcheckConfig, 'owner' | 'selfHostedRunnerLabels' | 'kubernetesPatches'> | undefined): ProjectFacts {
  const owner = config?.owner;
  const labels = config?.selfHostedRunnerLabels;
  const patches = config?.kubernetesPatches;
  if (owner === undefined && labels === undefined && patches === undefined) return facts;
  return {
    ...facts,
    ...(owner !== undefined ? { owner } : {}),
    ...(labels !== undefined ? { selfHostedRunnerLabels: labels } : {}),
    ...(patches !== undefined ? { kubernetesPatches: patches } : {}),
  };
}

/** What the command line sets wins over the file: `--rule id=level` per rule, `--preset` for the whole run. */
export function withCommandLine(config: ShipcheckConfig, flags: { rules: Readonly<Record<string, RuleSetting>>; preset?: Preset | undefined }): ShipcheckConfig {
  return { ...config, ...(flags.preset ? { preset: flags.preset } : {}), ruleSettings: { ...config.ruleSettings, ...flags.rules } };
}
