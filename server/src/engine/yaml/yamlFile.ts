import {
  Alias,
  Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  Node,
  parseAllDocuments,
  parseDocument,
  Scalar,
  visit,
  YAMLMap,
  YAMLParseError,
  YAMLSeq,
} from 'yaml';
import type { Span } from '../core/finding';
import { closingQuote, hasCutQuotedScalar, readLeniently, type UnderIndentedScalar } from './lenient';
import { isChartTemplatePath, looksLikeGoTemplate, readHelmTemplate, restoreScalars, type ChartDefaults, type TemplateReading } from './helmTemplate';

/** One YAML document of a file, with the anchors its aliases point to. */
export class YamlDoc {
  private aliasTargets: Map<Alias, Node> | undefined;

  constructor(
    readonly doc: Document.Parsed,
    readonly index: number,
  ) {}

  get span(): Span {
    return { start: this.doc.range[0], end: this.doc.range[2] };
  }

  get hasErrors(): boolean {
    return this.doc.errors.length > 0;
  }

  /** Follows aliases (GitHub Actions accepts them) to the node they name; other nodes come back as they are. */
  resolve(node: unknown): Node | undefined {
    if (isAlias(node)) return this.aliasTarget(node);
    return node instanceof Object && 'range' in node ? (node as Node) : undefined;
  }

  // One pass over the document builds every alias's target: `Alias.resolve` walks the whole document per call.
  private aliasTarget(alias: Alias): Node | undefined {
    if (!this.aliasTargets) {
      const targets = new Map<Alias, Node>();
      const anchors = new Map<string, Node>();
      visit(this.doc, {
        Node: (_key, node) => {
          if (isAlias(node)) {
            const target = anchors.get(node.source);
            // An alias inside the node its anchor marks would make the value contain itself: it names nothing readable.
            if (target && !(target.range && node.range && target.range[0] <= node.range[0] && node.range[1] <= target.range[2])) targets.set(node, target);
          } else if (node.anchor) {
            anchors.set(node.anchor, node);
          }
        },
      });
      this.aliasTargets = targets;
    }
    const target = this.aliasTargets.get(alias);
    return isAlias(target) ? undefined : target;
  }
}

export interface YamlFile {
  /** The path as given (used for classification by location); may be empty for unsaved text. */
  path: string;
  text: string;
  documents: YamlDoc[];
  lineCounter: LineCounter;
  /** `\r\n` when the file uses it, so inserted lines match. */
  eol: string;
  /** The whole file's indentation step, set when this is one piece of a larger text (incremental linting). */
  indent?: string;
  /** Quoted scalars read past under-indented continuation lines, as kubectl reads them (see `readLeniently`). */
  underIndented?: UnderIndentedScalar[];
  /** A Helm chart's template, read with its actions as placeholders (`readHelmTemplate`): what it holds is partly unknown. */
  template?: TemplateReading;
}

/** The line starts of a text, counted without parsing it (for results whose parse is not kept or not whole). */
export function countLines(text: string): LineCounter {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lineCounter.addNewLine(at + 1);
  return lineCounter;
}

/** How every YAML text is parsed (a part of a text parsed again must be parsed the same way). */
export const YAML_OPTIONS = { uniqueKeys: false } as const;

const WORKFLOW_PATH = /(^|[\\/])\.github[\\/]workflows[\\/][^\\/]+\.ya?ml$/i;

/** Whether GitHub reads the file as a workflow: every `.yml` and `.yaml` file directly in `.github/workflows/`. */
export function isWorkflowPath(path: string): boolean {
  return WORKFLOW_PATH.test(path);
}

/**
 * Parses a file; a Helm chart's template (`templates/*.yaml` with `{{ }}` actions) is read as `readHelmTemplate` reads
 * it, its `.Values` defaults taken from `values` (the chart's `values.yaml`) where given.
 */
export function parseYamlFile(text: string, path = '', values?: ChartDefaults): YamlFile {
  if (isChartTemplatePath(path) && looksLikeGoTemplate(text)) return parseTemplate(text, path, values);
  const lineCounter = new LineCounter();
  // parseAllDocuments returns an EmptyStream (an array with no documents) for empty input.
  const parsed = Array.from(parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter, prettyErrors: false }));
  // A workflow file with no content (empty, or only comments) is still one workflow to GitHub, one it rejects.
  if (parsed.length === 0 && isWorkflowPath(path)) parsed.push(parseDocument(text, { ...YAML_OPTIONS, prettyErrors: false }));
  // The lenient reading keeps every offset, so the strict parse's line counter serves it too.
  const lenient = hasCutQuotedScalar(parsed) ? readLeniently(text, parsed, { ...YAML_OPTIONS, prettyErrors: false }) : undefined;
  markUnclosedQuoteAtEnd(text, lenient?.documents ?? parsed);
  const documents = (lenient?.documents ?? parsed).map((doc, index) => new YamlDoc(doc, index));
  const file: YamlFile = { path, text, documents, lineCounter, eol: text.includes('\r\n') ? '\r\n' : '\n' };
  if (lenient) file.underIndented = lenient.scalars;
  return file;
}

/**
 * A quoted scalar the text ends in, whose last characters are an escaped quote (`'it''`, `"say \"`), has no closing
 * quote, but the `yaml` library reads it as closed when nothing follows (a line break after it is an error): the error
 * it is, so the file is not checked as if it were whole, and no fix appends to it (which would break it).
 */
function markUnclosedQuoteAtEnd(text: string, documents: Document.Parsed[]): void {
  const last = documents[documents.length - 1];
  if (!last || last.errors.length > 0 || !/['"]$/.test(text)) return;
  visit(last, {
    Scalar: (_key, node) => {
      const range = node.range;
      if (!range || range[1] !== text.length || (node.type !== 'QUOTE_SINGLE' && node.type !== 'QUOTE_DOUBLE')) return undefined;
      if (closingQuote(text, range[0]) === undefined) last.errors.push(new YAMLParseError([range[0], range[1]], 'MISSING_CHAR', `Missing closing ${text[range[0]]}quote`));
      return visit.BREAK;
    },
  });
}

function parseTemplate(text: string, path: string, values: ChartDefaults | undefined): YamlFile {
  const lineCounter = new LineCounter();
  const reading = readHelmTemplate(text);
  const parsed = Array.from(parseAllDocuments(reading.text, { ...YAML_OPTIONS, lineCounter, prettyErrors: false }));
  const printed = restoreScalars(parsed, reading, values);
  const documents = parsed.map((doc, index) => new YamlDoc(doc, index));
  return { path, text, documents, lineCounter, eol: text.includes('\r\n') ? '\r\n' : '\n', template: { branches: reading.branches, balanced: reading.balanced, defaults: values, printed } };
}

/** A key/value pair of a mapping, the value seen through aliases. */
export interface Field {
  readonly key: Scalar;
  readonly value: Node | undefined;
  /** The key's span: where a finding about this field points when the value is missing or elsewhere. */
  readonly keySpan: Span;
}

/**
 * A field whose key span is read from the key node when asked: an incremental parse keeps a job's nodes from one
 * keystroke to the next, moving them, and what was read of them (see `buildWorkflow`) with them.
 */
class MapField implements Field {
  constructor(
    readonly key: Scalar,
    readonly value: Node | undefined,
  ) {}

  get keySpan(): Span {
    return spanOf(this.key);
  }
}

const MAX_MERGE_DEPTH = 16;

/**
 * The mapping's fields by key, with merge keys (`<<: *base`) expanded: own keys win over merged ones,
 * as YAML's merge-key spec says. Non-scalar keys are skipped.
 */
export function mapFields(yaml: YamlDoc, map: YAMLMap, depth = 0): Map<string, Field> {
  const fields = new Map<string, Field>();
  const merged: Field[][] = [];
  for (const pair of map.items) {
    const key = pair.key;
    if (!isScalar(key)) continue;
    const name = scalarToString(key);
    if (name === undefined) continue;
    if (name === '<<' && key.type === 'PLAIN') {
      if (depth < MAX_MERGE_DEPTH) for (const source of mergeSources(yaml, pair.value, depth)) merged.push(source);
      continue;
    }
    if (!fields.has(name)) fields.set(name, new MapField(key, yaml.resolve(pair.value)));
  }
  for (const source of merged) {
    for (const field of source) {
      const name = scalarToString(field.key);
      if (name !== undefined && !fields.has(name)) fields.set(name, field);
    }
  }
  return fields;
}

function mergeSources(yaml: YamlDoc, value: unknown, depth: number): Field[][] {
  const target = yaml.resolve(value);
  if (isMap(target)) return [[...mapFields(yaml, target, depth + 1).values()]];
  if (isSeq(target)) {
    return target.items.flatMap((item) => {
      const map = yaml.resolve(item);
      return isMap(map) ? [[...mapFields(yaml, map, depth + 1).values()]] : [];
    });
  }
  return [];
}

/** The items of a sequence, each seen through aliases. */
export function seqItems(yaml: YamlDoc, seq: YAMLSeq): Node[] {
  const items: Node[] = [];
  for (const item of seq.items) {
    const node = yaml.resolve(item);
    if (node) items.push(node);
  }
  return items;
}

/** A scalar's value as a string (numbers and booleans as written), or undefined for null and non-scalars. */
export function scalarToString(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const value = node.value;
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return node.source ?? String(value);
  }
  return undefined;
}

/** A scalar's value as a boolean when YAML reads it as one (`true`, `false`; not the string `"true"`), else undefined. */
export function scalarToBoolean(node: unknown): boolean | undefined {
  return isScalar(node) && typeof node.value === 'boolean' ? node.value : undefined;
}

export function scalarToNumber(node: unknown): number | undefined {
  if (!isScalar(node)) return undefined;
  const value = node.value;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

/** The span of a node's value (without trailing comments). Parsed nodes always have a range; a built one is a bug. */
export function spanOf(node: Node): Span {
  const range = node.range;
  if (!range) throw new Error('node without a source range');
  return { start: range[0], end: range[1] };
}

export { isMap, isScalar, isSeq };
export type { Node, Scalar, YAMLMap, YAMLSeq };

/** No anchors, aliases or tags in the node: each would tie it to other parts of the document. */
/**
 * Whether every alias in `node` names an anchor set inside it, before the alias (the latest anchor of that name
 * before an alias is then inside too): what `node` holds is then said by its own text alone.
 */
export function aliasesResolveInside(node: unknown): boolean {
  const anchors = new Set<string>();
  const walk = (item: unknown): boolean => {
    if (item === null || item === undefined) return true;
    if (isAlias(item)) return anchors.has(item.source);
    if (isPair(item)) return walk(item.key) && walk(item.value);
    if (isScalar(item)) {
      if (item.anchor) anchors.add(item.anchor);
      return true;
    }
    if (isCollection(item)) {
      // The anchor comes before the items: an alias among them names this node (and resolves to nothing).
      if (item.anchor) anchors.add(item.anchor);
      return item.items.every(walk);
    }
    return false;
  };
  return walk(node);
}

export function isPlain(node: unknown): boolean {
  if (node === null || node === undefined) return true;
  if (isPair(node)) return isPlain(node.key) && isPlain(node.value);
  if (isAlias(node)) return false;
  if (isScalar(node)) return !node.anchor && !node.tag;
  if (isCollection(node)) return !node.anchor && !node.tag && node.items.every((item) => isPlain(item));
  return false;
}
