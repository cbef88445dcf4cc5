import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import type { RuleOptionValue, RuleSetting } from '../engine/lint';

/**
 * `.shipcheck.yaml`, parsed and checked from its text alone (no file system), so the CLI and the
 * language server read it the same way:
 *
 *     rules:
 *       gha/npm-ci: off
 *       k8s/image-tag: error
 *       gha/job-timeout: { level: warning, minutes: 20 }
 *     ignore:
 *       - test/fixtures/**
 */
export interface ShipcheckConfig {
  /** Severity overrides; `off` turns a rule off. */
  ruleSettings: Record<string, RuleSetting>;
  /** Options per rule, read by the rule with `ctx.option`. */
  ruleOptions: Record<string, Record<string, RuleOptionValue>>;
  /** Globs relative to the directory that holds the configuration file. */
  ignore: string[];
  /** `maxFileSize`: larger files are reported as not checked (KiB). */
  maxFileSizeKiB?: number;
}

/** Where a configuration went wrong: 1-based line and column, and what to change. */
export interface ConfigProblem {
  line: number;
  column: number;
  message: string;
}

export type ConfigResult = { ok: true; config: ShipcheckConfig } | { ok: false; problem: ConfigProblem };

/** Looked for in this order in each directory, from the starting one up to the file-system root. */
export const CONFIG_FILE_NAMES: readonly string[] = ['.shipcheck.yaml', '.shipcheck.yml'];

export const RULE_SETTINGS: readonly RuleSetting[] = ['off', 'hint', 'info', 'warning', 'error'];
const TOP_LEVEL_KEYS = ['rules', 'ignore', 'maxFileSize'];

export function emptyConfig(): ShipcheckConfig {
  return { ruleSettings: {}, ruleOptions: {}, ignore: [] };
}

/** `file:line:column: message`, the one line a malformed configuration is reported in. */
export function describeConfigProblem(fileName: string, problem: ConfigProblem): string {
  return `${fileName}:${problem.line}:${problem.column}: ${problem.message}`;
}

/** Reads a configuration; `knownRules` are the ids that may be configured (anything else is a typo). */
export function parseConfig(text: string, knownRules: ReadonlySet<string>): ConfigResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const syntax = doc.errors[0];
  if (syntax) return { ok: false, problem: { ...at(syntax.pos[0]), message: `not valid YAML: ${syntax.message.split('\n')[0]}` } };
  try {
    return { ok: true, config: readConfig(doc.contents, knownRules) };
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    return { ok: false, problem: { ...at(error.offset), message: error.message } };
  }
}

class Problem extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

function fail(node: Node | null | undefined, fallbackOffset: number, message: string): never {
  throw new Problem(node?.range?.[0] ?? fallbackOffset, message);
}

function readConfig(contents: Node | null, knownRules: ReadonlySet<string>): ShipcheckConfig {
  const config = emptyConfig();
  if (contents === null || (isScalar(contents) && contents.value === null)) return config;
  if (!isMap(contents)) fail(contents, 0, 'the configuration must be a mapping with `rules:` and/or `ignore:`');
  for (const pair of contents.items as Pair<Node, Node | null>[]) {
    const key = keyName(pair);
    if (key === 'rules') readRules(pair, config, knownRules);
    else if (key === 'ignore') config.ignore = readIgnore(pair);
    else if (key === 'maxFileSize') config.maxFileSizeKiB = readMaxFileSize(pair);
    else fail(pair.key, 0, `unknown setting '${key}': expected one of ${TOP_LEVEL_KEYS.join(', ')}`);
  }
  return config;
}

function keyName(pair: Pair<Node, Node | null>): string {
  if (!isScalar(pair.key) || (typeof pair.key.value !== 'string' && typeof pair.key.value !== 'number')) fail(pair.key, 0, 'keys must be plain names');
  return String(pair.key.value);
}

function valueOffset(pair: Pair<Node, Node | null>): number {
  return pair.value?.range?.[0] ?? pair.key?.range?.[0] ?? 0;
}

function readRules(pair: Pair<Node, Node | null>, config: ShipcheckConfig, knownRules: ReadonlySet<string>): void {
  const rules = pair.value;
  if (rules === null || (isScalar(rules) && rules.value === null)) return;
  if (!isMap(rules)) fail(rules, valueOffset(pair), '`rules` must map rule ids to a level (off, hint, info, warning, error) or to `{ level: …, <option>: … }`');
  for (const entry of rules.items as Pair<Node, Node | null>[]) {
    const id = keyName(entry);
    if (!knownRules.has(id)) fail(entry.key, 0, unknownRule(id, knownRules));
    const value = entry.value;
    if (isScalar(value)) {
      config.ruleSettings[id] = level(value, valueOffset(entry), id);
    } else if (isMap(value)) {
      const options: Record<string, RuleOptionValue> = {};
      for (const option of value.items as Pair<Node, Node | null>[]) {
        const name = keyName(option);
        if (name === 'level') {
          config.ruleSettings[id] = level(option.value, valueOffset(option), id);
          continue;
        }
        const optionValue = isScalar(option.value) ? option.value.value : undefined;
        if (typeof optionValue !== 'string' && typeof optionValue !== 'number' && typeof optionValue !== 'boolean') {
          fail(option.value, valueOffset(option), `option '${name}' of ${id} must be a string, number or boolean`);
        }
        options[name] = optionValue;
      }
      if (Object.keys(options).length > 0) config.ruleOptions[id] = options;
    } else {
      fail(value, valueOffset(entry), `${id} needs a level (${RULE_SETTINGS.join(', ')}) or a mapping such as \`{ level: warning }\``);
    }
  }
}

function level(node: Node | null, offset: number, id: string): RuleSetting {
  const value = isScalar(node) ? node.value : undefined;
  const match = RULE_SETTINGS.find((setting) => setting === value);
  if (match === undefined) fail(node, offset, `the level of ${id} must be one of ${RULE_SETTINGS.join(', ')}, not ${describe(value)}`);
  return match;
}

function describe(value: unknown): string {
  return value === undefined ? 'a list or mapping' : value === null ? 'empty' : `'${String(value)}'`;
}

function unknownRule(id: string, knownRules: ReadonlySet<string>): string {
  const tail = id.includes('/') ? id.slice(id.indexOf('/') + 1) : id;
  const near = [...knownRules].find((known) => known.endsWith(`/${tail}`));
  return `unknown rule '${id}'${near ? ` (did you mean ${near}?)` : ''}; \`shipcheck --list-rules\` lists them`;
}

function readIgnore(pair: Pair<Node, Node | null>): string[] {
  const list = pair.value;
  if (list === null || (isScalar(list) && list.value === null)) return [];
  if (!isSeq(list)) fail(list, valueOffset(pair), '`ignore` must be a list of globs, such as `- test/fixtures/**`');
  return (list.items as (Node | null)[]).map((item) => {
    const glob = isScalar(item) ? item.value : undefined;
    if (typeof glob !== 'string' || glob.trim() === '') fail(item, valueOffset(pair), 'each `ignore` entry must be a non-empty glob string');
    return glob;
  });
}

function readMaxFileSize(pair: Pair<Node, Node | null>): number {
  const value = isScalar(pair.value) ? pair.value.value : undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) fail(pair.value, valueOffset(pair), '`maxFileSize` must be a whole number of KiB, at least 1');
  return value;
}

/** Command-line `--rule id=level` settings win over the file's. */
export function withRuleSettings(config: ShipcheckConfig, overrides: Readonly<Record<string, RuleSetting>>): ShipcheckConfig {
  return { ...config, ruleSettings: { ...config.ruleSettings, ...overrides } };
}

