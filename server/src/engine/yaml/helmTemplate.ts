import { isMap, isScalar, isSeq, parse, visit, type Document, type LineCounter, type Scalar } from 'yaml';
import type { Origin, Span } from '../core/finding';

/**
 * A Helm chart's template read without Helm: every `{{ }}` action is replaced by text of the same length (so every
 * offset, line and column of the template maps 1:1 onto the text parsed), control lines (`if`, `else`, `range`,
 * `with`, `end`, comments, assignments) become blank lines so a block is read as the union of its branches, and an
 * action alone on its line that writes YAML (`include`, `toYaml`, `tpl` … `| nindent N`) becomes a placeholder of
 * unknown content at the column it writes at: a value, a key or a sequence item, whichever the lines around it need.
 * After parsing, each scalar holding a placeholder gets back the action's text (`{{ .Values.image.tag }}`, which rules
 * already read as unknown), or the chart's default value where the action only prints one.
 */

/** Starts each placeholder; `FILL` pads it to the action's length. Private-use characters: never in real text. */
export const UNKNOWN_START = '\uE000';
const FILL = '\uE001';
const PLACEHOLDER_RUN = /\uE000\uE001*/g;

export interface TemplateAction {
  start: number;
  end: number;
  /** The text between the delimiters, trim markers removed. */
  inner: string;
  /** Whether it left a placeholder in the parsed text (control lines and comments leave none). */
  placeholder: boolean;
}

export interface HelmReading {
  /** The text to parse: the template with every action replaced, same length. */
  text: string;
  actions: TemplateAction[];
  /** The branches of `if` / `with` / `range` blocks, outermost first. */
  branches: TemplateBranch[];
  balanced: boolean;
}

/** One branch of a block: from the end of its opening action (`{{ if … }}`, `{{ else }}`) to the next one's start. */
export interface TemplateBranch {
  start: number;
  end: number;
  /** Which block (an `if` with its `else if` and `else` branches is one): branches of one block never render together. */
  block: number;
  /** What opens the branch: `if .Values.x`, `else if not .Values.y`, `else`, `with .Values.z`, `range …`. */
  opening: string;
}

/** A chart default from `values.yaml`: its text when it is a plain value, and whether a template's `if` takes it as true. */
export interface ChartDefault {
  text: string | undefined;
  truthy: boolean;
  /** Where `values.yaml` writes it (a plain value's node), when the defaults were read with their file's place. */
  at?: Origin;
}

/** What a template needs to know of its chart: its defaults by dotted path (`image.tag`). */
export type ChartDefaults = ReadonlyMap<string, ChartDefault>;

/** How a template was read: what `inExclusiveBranches` and `offByDefault` ask. */
export interface TemplateReading {
  branches: readonly TemplateBranch[];
  /** Every block closes in the text (a document of a template read alone may not). */
  balanced: boolean;
  defaults: ChartDefaults | undefined;
  /** The scalars that print a chart default (`{{ .Values.image.tag }}`), with where `values.yaml` writes each. */
  printed?: readonly PrintedValues[];
}

/** A scalar of the template holding actions that print chart defaults, in order, each with its value's place. */
export interface PrintedValues {
  /** The scalar's span in the template. */
  start: number;
  end: number;
  /** The span of its key, when the scalar is a mapping's value and prints nothing but one default. */
  key?: Span;
  values: { start: number; end: number; origin: Origin }[];
}

/** A chart's template file: `templates/` (any depth) of a chart, YAML (`_helpers.tpl` and `NOTES.txt` are not manifests). */
export function isChartTemplatePath(path: string): boolean {
  const folders = path.split(/[\\/]/);
  return /\.ya?ml$/i.test(folders.pop() ?? '') && folders.some((folder) => folder.toLowerCase() === 'templates');
}

/** Where the chart of a template keeps its default values: `values.yaml` beside the `templates/` folder. */
export function chartValuesPath(path: string): string | undefined {
  const match = /^(.*?)(^|[\\/])templates[\\/]/i.exec(path);
  if (!match) return undefined;
  return `${match[1]}${match[2]}values.yaml`;
}

/**
 * Go/Helm templates are not YAML until rendered: a `{{` outside any quotes on its line (`{{- if }}`,
 * `image: {{ .Values.image }}`). Quoted ones (Argo's `"{{inputs.x}}"`) and GitHub's `${{ }}` are YAML.
 */
export function looksLikeGoTemplate(text: string): boolean {
  for (const line of text.split('\n')) {
    // Quotes before each `{{`, counted as the scan moves on: a line of many `{{` stays linear.
    let doubles = 0;
    let singles = 0;
    let counted = 0;
    for (let at = line.indexOf('{{'); at >= 0; at = line.indexOf('{{', at + 2)) {
      for (; counted < at; counted++) {
        if (line[counted] === '"') doubles++;
        else if (line[counted] === "'") singles++;
      }
      if (line[at - 1] === '$') continue;
      if (doubles % 2 === 0 && singles % 2 === 0) return true;
    }
  }
  return false;
}

const CONTROL = /^(if|else|range|with|end|define|block|break|continue)\b/;
const ASSIGNMENT = /^\$[\w]*\s*:?=/;
const INDENTED = /\|\s*(n?indent)\s+(\d+)\s*$/;

/** The actions of a template, in order; an unclosed `{{` ends the scan. */
export function templateActions(text: string): { start: number; end: number; inner: string }[] {
  const actions: { start: number; end: number; inner: string }[] = [];
  for (let at = text.indexOf('{{'); at >= 0; ) {
    if (text[at - 1] === '$') {
      at = text.indexOf('{{', at + 2);
      continue;
    }
    const comment = /^\{\{-?\s*\/\*/.test(text.slice(at, at + 8));
    const close = comment ? text.indexOf('*/', at) : at;
    const end = close < 0 ? -1 : text.indexOf('}}', close);
    if (end < 0) break;
    const inner = text
      .slice(at + 2, end)
      .replace(/^-\s/, ' ')
      .replace(/\s-$/, ' ')
      .trim();
    actions.push({ start: at, end: end + 2, inner });
    at = text.indexOf('{{', end + 2);
  }
  return actions;
}

function writesNothing(inner: string): boolean {
  return inner.startsWith('/*') || CONTROL.test(inner) || ASSIGNMENT.test(inner) || inner === '';
}

interface Line {
  start: number;
  end: number;
}

/** Reads a template as YAML-shaped text of the same length (see the module comment). */
export function readHelmTemplate(text: string): HelmReading {
  const found = templateActions(text);
  const chars = text.split('');
  const actions: TemplateAction[] = found.map((action) => ({ ...action, placeholder: false }));
  const lines = lineSpans(text);
  let next = 0;
  // Lines already rewritten, for the context of a placeholder block: the last line with YAML content.
  let previous: string | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    while (next < actions.length && actions[next]!.end <= line.start) next++;
    const onLine: TemplateAction[] = [];
    for (let at = next; at < actions.length && actions[at]!.start < line.end; at++) onLine.push(actions[at]!);
    if (onLine.length > 0) rewriteLine(chars, line, onLine, previous, nextContent(text, lines, index, actions, next));
    // Only a line with actions on it is rewritten (an action's characters are all on the lines it spans).
    const rewritten = onLine.length > 0 ? chars.slice(line.start, line.end).join('') : text.slice(line.start, line.end);
    if (rewritten.trim() !== '' && !rewritten.trim().startsWith('#')) previous = rewritten;
  }
  return { text: chars.join(''), actions, ...blockBranches(actions, text.length) };
}

const OPENS = /^(if|with|range)\b/;
const CONTINUES = /^else\b/;
const NESTS = /^(define|block)\b/;

/** The branches of the template's blocks, from its control actions (an unbalanced template closes what is open). */
function blockBranches(actions: readonly TemplateAction[], length: number): { branches: TemplateBranch[]; balanced: boolean } {
  const branches: TemplateBranch[] = [];
  const open: { block: number; start: number; opening: string }[] = [];
  let blocks = 0;
  let balanced = true;
  const close = (end: number) => {
    const branch = open.pop();
    if (branch && branch.block >= 0) branches.push({ start: branch.start, end, block: branch.block, opening: branch.opening });
  };
  for (const action of actions) {
    if (OPENS.test(action.inner)) open.push({ block: blocks++, start: action.end, opening: action.inner });
    else if (NESTS.test(action.inner)) open.push({ block: -1, start: action.end, opening: action.inner });
    else if (CONTINUES.test(action.inner) && open.length > 0) {
      const block = open[open.length - 1]!.block;
      close(action.start);
      open.push({ block, start: action.end, opening: action.inner });
    } else if (/^end\b/.test(action.inner)) {
      if (open.length === 0) balanced = false;
      close(action.start);
    }
  }
  if (open.length > 0) balanced = false;
  while (open.length > 0) close(length);
  return { branches: branches.sort((a, b) => a.start - b.start), balanced };
}

/** Whether two offsets lie in different branches of one block (`if` / `else`): the template never renders both. */
export function inExclusiveBranches(reading: TemplateReading, a: number, b: number): boolean {
  const of = (at: number) => new Map(reading.branches.filter((branch) => branch.start <= at && at < branch.end).map((branch) => [branch.block, branch.start]));
  const first = of(a);
  for (const [block, start] of of(b)) if (first.has(block) && first.get(block) !== start) return true;
  return false;
}

const VALUE_CONDITION = /^(if|with|range)\s+(not\s+)?\.Values((?:\.[A-Za-z_][\w-]*)+)$/;

/**
 * Whether the template leaves an offset out when rendered with the chart's defaults: inside an `if` / `with` / `range`
 * on one value (`.Values.webhook.hostNetwork`, `not .Values.x`) that the defaults make false (true for `not`), or in
 * the `else` of one they make true.
 */
export function offByDefault(reading: TemplateReading, at: number): boolean {
  const defaults = reading.defaults;
  if (!defaults) return false;
  const firsts = new Map<number, TemplateBranch>();
  for (const branch of reading.branches) if (!firsts.has(branch.block)) firsts.set(branch.block, branch);
  return reading.branches.some((branch) => {
    if (at < branch.start || at >= branch.end) return false;
    const first = firsts.get(branch.block)!;
    const taken = conditionByDefault(first.opening, defaults);
    if (taken === undefined) return false;
    if (branch === first) return !taken;
    return branch.opening === 'else' && taken;
  });
}

function conditionByDefault(opening: string, defaults: ChartDefaults): boolean | undefined {
  const match = VALUE_CONDITION.exec(opening);
  if (!match) return undefined;
  const value = defaults.get(match[3]!.slice(1));
  // A value the defaults do not hold is nil: false, unless the chart is given it from elsewhere (a parent chart).
  if (!value) return undefined;
  return match[2] ? !value.truthy : value.truthy;
}

function lineSpans(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) {
    lines.push({ start, end: at });
    start = at + 1;
  }
  lines.push({ start, end: text.length });
  return lines;
}

/** The next line below with YAML content once its actions are gone (its text with actions blanked), if any. */
function nextContent(text: string, lines: readonly Line[], index: number, actions: readonly TemplateAction[], from: number): string | undefined {
  for (let at = index + 1; at < lines.length && at < index + 40; at++) {
    const line = lines[at]!;
    let plain = text.slice(line.start, line.end);
    const writers: TemplateAction[] = [];
    for (let i = from; i < actions.length && actions[i]!.start < line.end; i++) {
      const action = actions[i]!;
      if (action.end <= line.start) continue;
      if (!writesNothing(action.inner)) writers.push(action);
      const start = Math.max(action.start, line.start) - line.start;
      const end = Math.min(action.end, line.end) - line.start;
      plain = plain.slice(0, start) + (writesNothing(action.inner) ? ' ' : 'x').repeat(end - start) + plain.slice(end);
    }
    // A line that only writes YAML is shaped by the lines around it too: look past it.
    if (writers.length === 1 && plain.trim() === 'x'.repeat(writers[0]!.end - writers[0]!.start)) continue;
    if (plain.trim() !== '' && !plain.trim().startsWith('#')) return plain;
  }
  return undefined;
}

function fill(chars: string[], start: number, end: number, first: string, rest: string): void {
  for (let at = start; at < end; at++) if (chars[at] !== '\n' && chars[at] !== '\r') chars[at] = at === start ? first : rest;
}

function rewriteLine(chars: string[], line: Line, onLine: TemplateAction[], previous: string | undefined, below: string | undefined): void {
  const bare = outsideActions(chars, line, onLine).trim() === '';
  const writers = onLine.filter((action) => !writesNothing(action.inner));
  if (bare && writers.length === 0) {
    // A control line, a comment or an assignment: nothing is left of it.
    for (const action of onLine) fill(chars, Math.max(action.start, line.start), Math.min(action.end, line.end), ' ', ' ');
    return;
  }
  if (bare && writers.length === 1 && writers[0]!.start >= line.start && writers[0]!.end <= line.end) {
    for (const action of onLine) fill(chars, action.start, action.end, ' ', ' ');
    blockPlaceholder(chars, line, writers[0]!, previous, below);
    return;
  }
  for (const action of onLine) {
    fill(chars, action.start, action.end, UNKNOWN_START, FILL);
    action.placeholder = true;
  }
  const last = onLine[onLine.length - 1]!;
  if (!writesNothing(last.inner) && last.end <= line.end && text(chars, last.end, line.end).trim() === '') blockAfterValue(chars, line, last, below);
}

function text(chars: readonly string[], start: number, end: number): string {
  return chars.slice(start, end).join('');
}

/**
 * An action ending a line after `key:` or `- ` whose output goes on over the lines below (`labels: {{ include … |
 * nindent 4 }}` above more labels; `- {{ toYaml $item | nindent 10 }}` above more keys of the item): after `- ` it
 * becomes an unknown key of the item; after `key:` it is left out (YAML has no key on the line of its map's key).
 */
function blockAfterValue(chars: string[], line: Line, action: TemplateAction, below: string | undefined): void {
  const belowKey = below !== undefined ? keyColumn(below) : undefined;
  if (belowKey === undefined) return;
  const before = text(chars, line.start, action.start);
  const column = action.start - line.start;
  if (/^\s*(-\s+)+$/.test(before) && belowKey === column && action.end - action.start >= 3) {
    chars[action.end - 1] = ':';
  } else if (readKeyLine(before) !== undefined && belowKey > (keyColumn(before) ?? Infinity) && /\s$/.test(before)) {
    fill(chars, action.start, action.end, '#', ' ');
    action.placeholder = false;
  }
}

function outsideActions(chars: readonly string[], line: Line, onLine: readonly TemplateAction[]): string {
  let text = '';
  for (let at = line.start; at < line.end; at++) if (!onLine.some((action) => at >= action.start && at < action.end)) text += chars[at];
  return text;
}

/**
 * A line that holds a key (past any `- ` item markers): the key's column, and whether nothing but a comment follows its
 * colon (the key opens a block). The key is everything up to the first colon followed by a space, a `#` or the line's
 * end (`url: http://x` is the key `url`); undefined when a `#` comes first or the line holds no key. Read in one pass.
 */
function readKeyLine(line: string): { column: number; opensBlock: boolean } | undefined {
  let at = 0;
  while (at < line.length && /\s/.test(line[at]!)) at++;
  while (line[at] === '-' && at + 1 < line.length && /\s/.test(line[at + 1]!)) {
    at++;
    while (at < line.length && /\s/.test(line[at]!)) at++;
  }
  const column = at;
  if (at >= line.length || line[at] === '#') return undefined;
  for (let colon = at + 1; colon < line.length; colon++) {
    const char = line[colon]!;
    if (char === '#') return undefined;
    if (char !== ':') continue;
    const next = line[colon + 1];
    if (next !== undefined && next !== '#' && !/\s/.test(next)) continue;
    const rest = line.slice(colon + 1);
    const comment = rest.indexOf('#');
    return { column, opensBlock: (comment < 0 ? rest : rest.slice(0, comment)).trim() === '' };
  }
  return undefined;
}
const ITEM_LINE = /^(\s*)-(\s|$)/;

/**
 * An action alone on its line that writes YAML: a placeholder where its output starts (`nindent N`: column N), shaped
 * as the lines around it need it: an unknown value under a `key:` with none, an unknown sequence item beside items, an
 * unknown key beside keys; else a comment (the output is not read).
 */
function blockPlaceholder(chars: string[], line: Line, action: TemplateAction, previous: string | undefined, below: string | undefined): void {
  const column = outputColumn(action, line);
  const at = line.start + column;
  const room = line.end - at;
  const shape = placeholderShape(column, previous, below);
  if (room < 3 || shape === 'comment') {
    chars[action.start] = '#';
    return;
  }
  action.placeholder = true;
  if (shape === 'item') {
    chars[at] = '-';
    fill(chars, at + 2, line.end, UNKNOWN_START, FILL);
  } else if (shape === 'key') {
    fill(chars, at, line.end - 1, UNKNOWN_START, FILL);
    chars[line.end - 1] = ':';
  } else {
    fill(chars, at, line.end, UNKNOWN_START, FILL);
  }
}

/** The column an action's output starts at: `nindent N`'s N, `indent N` past the action's column, else the action's. */
function outputColumn(action: TemplateAction, line: Line): number {
  const indented = INDENTED.exec(action.inner);
  const actionColumn = action.start - line.start;
  return indented ? (indented[1] === 'nindent' ? Number(indented[2]) : actionColumn + Number(indented[2])) : actionColumn;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** The column of a line's key (past any `- ` item markers), or undefined when it holds no key. */
function keyColumn(line: string): number | undefined {
  return readKeyLine(line)?.column;
}

function placeholderShape(column: number, previous: string | undefined, below: string | undefined): 'value' | 'key' | 'item' | 'comment' {
  const belowIsItem = below !== undefined && ITEM_LINE.test(below) && indentOf(below) === column;
  const belowKey = below !== undefined ? keyColumn(below) : undefined;
  if (previous !== undefined) {
    const keyLine = readKeyLine(previous);
    const opensBlock = keyLine?.opensBlock === true;
    const key = keyLine?.column;
    if (opensBlock && key !== undefined && column > key) {
      if (belowKey === column && !ITEM_LINE.test(below!)) return 'key';
      if (belowIsItem) return 'item';
      return 'value';
    }
    if (ITEM_LINE.test(previous) && indentOf(previous) === column) return 'item';
    // Another block after an unknown value (the `else` branch of one, a second `include`): the value stays unknown.
    if (previous.trimStart().startsWith(UNKNOWN_START) && indentOf(previous) === column && !previous.trimEnd().endsWith(':')) return 'comment';
    if (key !== undefined && key === column) return 'key';
  }
  if (belowIsItem) return 'item';
  if (belowKey === column) return 'key';
  return 'comment';
}

/**
 * Gives each scalar holding placeholders its value as a reader of the template understands it: each action's own
 * text (`{{ .Values.image.tag }}`), or the chart's default where the action prints one plain value (`values`:
 * `image.tag` → `1.2.3`).
 */
export function restoreScalars(documents: readonly Document.Parsed[], reading: HelmReading, values?: ChartDefaults): PrintedValues[] {
  const printed: PrintedValues[] = [];
  const placed = reading.actions.filter((action) => action.placeholder);
  if (placed.length === 0) return printed;
  for (const doc of documents) {
    visit(doc, {
      Pair: (_key, pair) => {
        // Visited before its value: a key whose value prints one default alone (`replicas: {{ .Values.replicaCount }}`).
        if (!isScalar(pair.key) || !pair.key.range || !isScalar(pair.value)) return;
        const found = restoreScalar(pair.value, placed, values, reading.text);
        if (!found) return;
        if (found.values.length === 1 && found.whole) found.printed.key = { start: pair.key.range[0], end: pair.key.range[1] };
        printed.push(found.printed);
      },
      Scalar: (_key, node) => {
        const found = restoreScalar(node, placed, values, reading.text);
        if (found) printed.push(found.printed);
      },
    });
  }
  return printed.sort((a, b) => a.start - b.start);
}

/** Restores one scalar (once: a restored value holds no placeholder); what it prints of the chart's defaults, if any. */
function restoreScalar(node: Scalar, placed: readonly TemplateAction[], values: ChartDefaults | undefined, parsed: string): { printed: PrintedValues; values: unknown[]; whole: boolean } | undefined {
  if (typeof node.value !== 'string' || !node.value.includes(UNKNOWN_START) || !node.range) return undefined;
  const [start, end] = node.range;
  let index = firstAt(placed, start);
  const printed: PrintedValues = { start, end, values: [] };
  const outside = parsed.slice(start, end).replace(PLACEHOLDER_RUN, '');
  node.value = node.value.replace(PLACEHOLDER_RUN, () => {
    const action = index < placed.length && placed[index]!.start < end ? placed[index++] : undefined;
    if (!action) return '{{ }}';
    const value = defaultPrinted(action.inner, values);
    if (value?.at) printed.values.push({ start: action.start, end: action.end, origin: value.at });
    return value?.text ?? `{{ ${action.inner} }}`;
  });
  if (printed.values.length === 0) return undefined;
  const whole = /^["'\s]*$/.test(outside);
  // A plain scalar that is one default alone renders as that default's YAML: `privileged: {{ .Values.x }}` is a boolean.
  if (whole && printed.values.length === 1 && node.type === 'PLAIN') node.value = plainValue(String(node.value));
  return { printed, values: printed.values, whole };
}

/** What a plain scalar's text reads as in YAML's core schema when that is a boolean, a number or null; else the text. */
function plainValue(text: string): unknown {
  if (/[\n:#[\]{},]/.test(text)) return text;
  try {
    const read: unknown = parse(text, { schema: 'core' });
    return read === null || typeof read === 'boolean' || typeof read === 'number' ? read : text;
  } catch {
    return text;
  }
}

/**
 * Where the chart's `values.yaml` writes the default a finding on the template's `span` is about: the span lies in a
 * scalar printing defaults (on one of them, or on the scalar: the last it prints, as an image's tag follows its name)
 * or on the key of a scalar that prints one default and nothing else. Undefined for any other text.
 */
export function originOf(reading: TemplateReading, span: Span): Origin | undefined {
  for (const scalar of reading.printed ?? []) {
    if ((scalar.key?.start ?? scalar.start) > span.start) break;
    if (scalar.key && span.start >= scalar.key.start && span.end <= scalar.key.end) return scalar.values[0]!.origin;
    if (span.end > scalar.end) continue;
    const on = scalar.values.filter((value) => value.start < span.end && span.start < value.end);
    return (on.length === 1 ? on[0] : scalar.values[scalar.values.length - 1])!.origin;
  }
  return undefined;
}

function firstAt(placed: readonly TemplateAction[], offset: number): number {
  let low = 0;
  let high = placed.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (placed[middle]!.end <= offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

const VALUE_REFERENCE = /^\.Values((?:\.[A-Za-z_][\w-]*)+)(?:\s*\|\s*quote)?$/;

/** The default a `{{ .Values.a.b }}` (or `| quote`) prints, when the chart's values give it one plain value. */
function defaultPrinted(inner: string, values: ChartDefaults | undefined): { text: string; at: Origin | undefined } | undefined {
  if (!values) return undefined;
  const match = VALUE_REFERENCE.exec(inner);
  if (!match) return undefined;
  const value = values.get(match[1]!.slice(1));
  return value?.text === undefined || value.text === '' ? undefined : { text: value.text, at: value.at };
}

const MAX_DEFAULTS = 5000;
const MAX_DEPTH = 16;

/**
 * A chart's defaults from its `values.yaml` document, by dotted path (`image.tag`); mappings nest, other values end a
 * path. With `source` (the file's path and line counter) each plain value knows where it is written.
 */
export function chartDefaults(root: unknown, source?: { path: string; lineCounter: LineCounter }): Map<string, ChartDefault> {
  const defaults = new Map<string, ChartDefault>();
  const walk = (node: unknown, path: string, depth: number) => {
    if (!isMap(node) || depth > MAX_DEPTH) return;
    for (const pair of node.items) {
      if (defaults.size >= MAX_DEFAULTS || !isScalar(pair.key)) continue;
      const key = `${path}${String(pair.key.value)}`;
      const value = pair.value;
      if (isScalar(value)) {
        const text = value.value === null || value.value === undefined ? undefined : String(value.value);
        const entry: ChartDefault = { text, truthy: text !== undefined && text !== '' && text !== 'false' && text !== '0' };
        if (source && value.range) entry.at = placeIn(source.path, source.lineCounter, { start: value.range[0], end: value.range[1] });
        defaults.set(key, entry);
      } else if (isMap(value) || isSeq(value)) {
        defaults.set(key, { text: undefined, truthy: value.items.length > 0 });
        walk(value, `${key}.`, depth + 1);
      } else {
        defaults.set(key, { text: undefined, truthy: false });
      }
    }
  };
  walk(root, '', 0);
  return defaults;
}

function placeIn(path: string, lineCounter: LineCounter, span: Span): Origin {
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line - 1, character: col - 1 };
  };
  return { path, span, start: position(span.start), end: position(span.end) };
}

/**
 * Whether a node's content is unknown until a template is rendered: a scalar that is one action's output
 * (`{{ toYaml .Values.resources | nindent 12 }}`), or a mapping with a key that is one (`{{- include "labels" . |
 * nindent 4 }}` among its keys), which may add any key.
 */
export function isUnknownNode(node: unknown): boolean {
  if (isScalar(node)) return typeof node.value === 'string' && /^\{\{[^]*\}\}$/.test(node.value.trim());
  return isMap(node) && hasUnknownKey(node);
}

/** A mapping with a key whose name is a template's output (see `isUnknownNode`). */
export function hasUnknownKey(map: { items: readonly { key: unknown }[] }): boolean {
  return map.items.some((pair) => isScalar(pair.key) && typeof pair.key.value === 'string' && pair.key.value.startsWith('{{'));
}
