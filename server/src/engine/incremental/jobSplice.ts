import { Alias, Composer, isMap, isScalar, LineCounter, Pair, Parser, Scalar, YAMLMap, YAMLSeq, type Document, type Node } from 'yaml';
import { detach } from './memo';
import { countLines, isPlain, YAML_OPTIONS, YamlDoc, type YamlFile } from '../yaml/yamlFile';

/**
 * Keystroke-speed parsing of a one-document file (a workflow): after an edit inside one job, or inside one top-level
 * entry other than `jobs:`, only that entry's text is parsed again and spliced into the previous parse, the nodes
 * after it moved by the edit's length. The result is the tree a whole parse gives (proven by random edits in the
 * tests); whatever this cannot be sure of (an edit reaching outside one entry, a line at or left of the entry keys'
 * column, an entry with anchors, aliases or tags before or after the edit, directives, syntax errors) is left to a
 * whole parse. Anchors and aliases in the other entries are fine: those nodes are only moved, and an alias still names
 * the same node, since the edited entry holds no anchor before or after the edit.
 */
export class JobSplicer {
  private layout: Layout | undefined;

  /** Forgets the previous parse (the next text comes from elsewhere). */
  reset(): void {
    this.layout = undefined;
  }

  /** Remembers a whole parse for later edits, when it is a document this can splice into. */
  remember(file: YamlFile): void {
    this.layout = layoutOf(file);
  }

  /**
   * The parse of `text` made by re-parsing one entry of the remembered parse, or undefined when that is not safe.
   * The remembered tree is reused and changed: a file returned or remembered earlier must not be read afterwards.
   * `known`: where the caller already found `text` to differ from a previous text (used when that is the remembered one).
   */
  splice(text: string, path: string, known?: KnownEdit): YamlFile | undefined {
    const layout = this.layout;
    this.layout = undefined;
    if (!layout || layout.file.path !== path) return undefined;
    this.layout = text === layout.file.text ? layout : spliceEntry(layout, text, known?.before === layout.file.text ? known : undefined);
    return this.layout?.file;
  }
}

/** Two texts agree on their first `prefix` characters and, after those, on their last `suffix` (see commonSuffix). */
export interface KnownEdit {
  before: string;
  prefix: number;
  suffix: number;
}

/** A block mapping whose entries each start a line: the root mapping, and `jobs:` in a workflow. */
interface Level {
  map: YAMLMap;
  /** The column of every key. */
  column: number;
  /** Where each entry's text starts (the start of its key's line). */
  starts: number[];
  /** Where the last entry's text ends: at the next outer key (its indentation included), or the end of the text. */
  end: number;
  /** The start of the line `end` is on (the end of the text when that is the end). */
  endLine: number;
}

/** A remembered one-document parse: the root level and, for a workflow, the `jobs:` level inside it. */
interface Layout {
  file: YamlFile;
  doc: Document.Parsed;
  root: Level;
  jobs: Level | undefined;
}

function layoutOf(file: YamlFile): Layout | undefined {
  const [yaml, ...others] = file.documents;
  // A lenient reading is of another text than the file's: re-parsing one entry strictly would not match it.
  if (!yaml || others.length > 0 || yaml.hasErrors || file.underIndented) return undefined;
  const { doc } = yaml;
  const text = file.text;
  const rootMap = doc.contents;
  // Directives can change how every node reads (`%YAML 1.1`, `%TAG`). The mappings whose entries are replaced must not
  // be aliased or tagged themselves; what is inside their entries is checked entry by entry (see `replaceEntry`).
  if (!isMap(rootMap) || rootMap.flow || /^%/m.test(text) || !ownPropsFree(rootMap)) return undefined;
  const root = levelOf(text, rootMap, text.length, text.length);
  if (!root) return undefined;
  const index = rootMap.items.findIndex((pair) => isScalar(pair.key) && pair.key.value === 'jobs');
  const jobsMap = rootMap.items[index]?.value;
  if (!isMap(jobsMap) || jobsMap.flow || !ownPropsFree(jobsMap)) return { file, doc, root, jobs: undefined };
  // The last job's text ends at the next top-level key, or at the end of the text.
  const nextLine = root.starts[index + 1];
  const jobs = nextLine === undefined ? levelOf(text, jobsMap, text.length, text.length) : levelOf(text, jobsMap, nextLine + root.column, nextLine);
  return { file, doc, root, jobs };
}

/** No anchor and no tag on the mapping itself. */
function ownPropsFree(map: YAMLMap): boolean {
  return !map.anchor && !map.tag;
}

function levelOf(text: string, map: YAMLMap, end: number, endLine: number): Level | undefined {
  const starts: number[] = [];
  let column = -1;
  for (const pair of map.items) {
    const key = pair.key;
    if (!isScalar(key) || !key.range || key.range[1] === key.range[0]) return undefined;
    const lineStart = text.lastIndexOf('\n', key.range[0] - 1) + 1;
    // A key must start its line after spaces only (no `? ` explicit key): its line is where its entry begins.
    if (!/^ *$/.test(text.slice(lineStart, key.range[0]))) return undefined;
    if (column < 0) column = key.range[0] - lineStart;
    starts.push(lineStart);
  }
  if (starts.length === 0 || endLine <= starts[starts.length - 1]!) return undefined;
  return { map, column, starts, end, endLine };
}

/** The layout of `text` made from the previous one by re-parsing the one entry the edit lies in; undefined when unsafe. */
function spliceEntry(layout: Layout, text: string, known: KnownEdit | undefined): Layout | undefined {
  const before = layout.file.text;
  const prefix = known?.prefix ?? commonPrefix(before, text);
  const suffix = known?.suffix ?? commonSuffix(before, text, prefix);
  const edit: Edit = { prefix, end: before.length - suffix, delta: text.length - before.length, before, text };
  const jobsIndex = layout.jobs ? layout.root.map.items.findIndex((pair) => pair.value === layout.jobs!.map) : -1;
  const inJob = layout.jobs ? entryOf(layout.jobs, edit) : undefined;
  const inRoot = inJob === undefined ? entryOf(layout.root, edit) : undefined;
  const doc = layout.doc;
  const root = layout.root.map;
  if (inJob !== undefined) {
    const enclosing = [layout.jobs!.map.range!, root.range!, doc.range];
    if (!replaceEntry(layout.jobs!, inJob, edit, enclosing)) return undefined;
    for (const later of root.items.slice(jobsIndex + 1)) shiftPair(later, edit.delta);
    return { ...layout, file: splicedFile(layout, text), root: moved(layout.root, jobsIndex, edit.delta), jobs: moved(layout.jobs!, inJob, edit.delta) };
  }
  // An edit among the jobs but not inside one of them would need them all parsed again.
  if (inRoot === undefined || inRoot === jobsIndex) return undefined;
  if (!replaceEntry(layout.root, inRoot, edit, [root.range!, doc.range])) return undefined;
  const jobs = layout.jobs && (inRoot < jobsIndex ? moved(layout.jobs, -1, edit.delta) : layout.jobs);
  return { ...layout, file: splicedFile(layout, text), root: moved(layout.root, inRoot, edit.delta), jobs };
}

interface Edit {
  /** Where the old and new text first differ. */
  prefix: number;
  /** Where, in the old text, they agree again up to the end. */
  end: number;
  delta: number;
  before: string;
  text: string;
}

/** The entry of the level whose text alone the edit changed, if any. */
function entryOf(level: Level, edit: Edit): number | undefined {
  const index = lastAtOrBefore(level.starts, edit.prefix - 1);
  if (index < 0) return undefined;
  // The edit lies after the entry's line start and before the line break before the next key (or the end of the text).
  const nextLine = level.starts[index + 1] ?? level.endLine;
  return edit.end < nextLine || (nextLine === edit.before.length && edit.end === nextLine) ? index : undefined;
}

/**
 * Parses the entry's new text and puts it in place of the old entry, moving the entries after it and the enclosing
 * nodes' ranges; false (nothing changed) when the old entry or the new text is not one plain entry (an anchor there
 * may be named by an alias elsewhere, an alias there names a node elsewhere) or the ranges cannot be told.
 */
function replaceEntry(level: Level, index: number, edit: Edit, enclosing: [number, number, number][]): boolean {
  if (!isPlain(level.map.items[index])) return false;
  const { delta, text } = edit;
  const start = level.starts[index]!;
  const followed = index + 1 < level.starts.length;
  // An entry's text runs to the next key, including that key's indentation: a whole parse ranges a trailing
  // comment up to the next token.
  const end = followed ? level.starts[index + 1]! + level.column : level.end;
  const atTextEnd = end === edit.before.length;
  if (!staysInside(text, start, end + delta, level.column, followed || atTextEnd)) return false;
  const piece = parseEntry(text, start, end + delta, followed);
  if (!piece) return false;
  const pieceRoot = piece.root;
  const pair = pieceRoot.items[0]!;
  // The key is where the old one was (an empty key's range is not where its colon is).
  const key = pair.key;
  if (!isScalar(key) || key.range?.[0] !== start + level.column || key.range[1] === key.range[0]) return false;

  // The enclosing nodes start before the entry. They end after it, or, when it is the last entry, where its value
  // ends; a trailing comment of an enclosing mapping is not spliced.
  const oldValueEnd = (level.map.items[index]!.value as Node | null)?.range?.[2];
  const newValueEnd = (pair.value as Node | null)?.range?.[2];
  if (newValueEnd === undefined || (!followed && pieceRoot.range?.[2] !== newValueEnd)) return false;
  const moveStart = (offset: number): number | undefined => (offset <= start + level.column ? offset : offset >= end ? offset + delta : undefined);
  const moveEnd = (offset: number): number | undefined => {
    if (!followed && offset === oldValueEnd) return newValueEnd;
    return offset >= end ? offset + delta : offset < start ? offset : undefined;
  };
  // The document's own end comes after what follows its content (blank lines, comments): at the end of the text
  // that is what follows the entry alone too.
  const last = enclosing.length - 1;
  const moveDocumentEnd = (offset: number): number | undefined => (!followed && atTextEnd ? piece.documentEnd : offset >= end ? offset + delta : moveEnd(offset));
  const moved = enclosing.map(([from, value, to], at) => [moveStart(from), moveEnd(value), at === last ? moveDocumentEnd(to) : moveEnd(to)]);
  if (moved.some((range) => range.some((offset) => offset === undefined))) return false;

  level.map.items[index] = pair;
  for (const later of level.map.items.slice(index + 1)) shiftPair(later, delta);
  enclosing.forEach((range, at) => {
    const [from, value, to] = moved[at]! as [number, number, number];
    range[0] = from;
    range[1] = value;
    range[2] = to;
  });
  return true;
}

/** The level after an edit in entry `index` (-1: before all of them): the entries after it moved by `delta`. */
function moved(level: Level, index: number, delta: number): Level {
  return { ...level, starts: level.starts.map((offset, at) => (at > index ? offset + delta : offset)), end: level.end + delta, endLine: level.endLine + delta };
}

function splicedFile(layout: Layout, text: string): YamlFile {
  return new LazyLinesFile(layout.file.path, text, new YamlDoc(layout.doc, 0));
}

/**
 * Whether every line of the entry after its first is blank, a comment, or indented past the keys: then nothing in
 * it can end the mapping or start another entry. Comments at the keys' column are allowed only where what follows
 * the entry is known (the next key, stood in for when parsing, or the end of the text).
 */
function staysInside(text: string, start: number, end: number, column: number, commentsAllowed: boolean): boolean {
  // A carriage return alone may or may not break a line, depending on where it is: not worth the doubt.
  for (let at = text.indexOf('\r', start); at >= 0 && at < end; at = text.indexOf('\r', at + 1)) if (text.charCodeAt(at + 1) !== NEWLINE) return false;
  for (let lineStart = text.indexOf('\n', start) + 1; lineStart > 0 && lineStart < end; lineStart = text.indexOf('\n', lineStart) + 1) {
    let at = lineStart;
    while (text.charCodeAt(at) === SPACE) at++;
    const char = text.charCodeAt(at);
    if (at - lineStart > column || char === NEWLINE || char === RETURN || at >= end) continue;
    if (char !== HASH || !commentsAllowed) return false;
  }
  return true;
}

const SPACE = 32;
const NEWLINE = 10;
const RETURN = 13;
const HASH = 35;

/**
 * The entry's text parsed alone, at its offsets in the whole text; undefined unless it is one plain entry. When
 * another entry follows, a stand-in key goes where that entry's key is: how the text before a key parses (an empty
 * value takes the comments after it, a kept block scalar the blank lines) depends on that key being there.
 */
function parseEntry(text: string, start: number, end: number, followed: boolean): { root: YAMLMap; documentEnd: number } | undefined {
  // A copy: the new nodes' strings outlive the keystroke and must not hold on to the whole file (see `detach`).
  const source = detach(followed ? `${text.slice(start, end)}${NEXT_KEY}` : text.slice(start, end));
  const parser = new Parser();
  parser.offset = start;
  const documents = Array.from(new Composer(YAML_OPTIONS).compose(parser.parse(source), true, start + source.length));
  const [doc] = documents;
  if (!doc || documents.length !== 1 || doc.errors.length > 0) return undefined;
  const root = doc.contents;
  if (!isMap(root) || root.flow || root.items.length !== (followed ? 2 : 1) || !isPlain(root.items[0])) return undefined;
  return { root, documentEnd: doc.range[2] };
}

const NEXT_KEY = 'next:';

/** Moves a pair's nodes (all after the edit) by `delta`. */
function shiftPair(pair: Pair, delta: number): void {
  shiftNode(pair.key, delta);
  shiftNode(pair.value, delta);
}

/**
 * Moves a node and everything in it by `delta`. This visits every node after the edit on each keystroke, so it asks
 * `instanceof` (a fast check on the object's class) rather than yaml's `isScalar`/`isPair`/`isCollection` (a property
 * looked up by symbol on every kind of node), which made it the costliest part of typing near a long file's start.
 */
function shiftNode(node: unknown, delta: number): void {
  if (node instanceof Scalar) {
    shiftRange(node, delta);
  } else if (node instanceof YAMLMap) {
    shiftRange(node, delta);
    const items = node.items as Pair[];
    for (let index = 0; index < items.length; index++) shiftPair(items[index]!, delta);
  } else if (node instanceof YAMLSeq) {
    shiftRange(node, delta);
    const items = node.items as unknown[];
    for (let index = 0; index < items.length; index++) shiftNode(items[index], delta);
  } else if (node instanceof Pair) {
    shiftPair(node, delta);
  } else if (node instanceof Alias) {
    shiftRange(node, delta);
  }
}

function shiftRange(node: Node, delta: number): void {
  const range = node.range;
  if (!range) return;
  range[0] += delta;
  range[1] += delta;
  range[2] += delta;
}

/** The index of the last value ≤ `offset` in an ascending list, or -1. */
function lastAtOrBefore(values: readonly number[], offset: number): number {
  let low = 0;
  let high = values.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (values[middle]! <= offset) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/**
 * A parsed file whose line starts are counted only when asked for (fixes ask; most keystrokes do not). A class rather
 * than an object literal with a getter: V8 gives every such literal its own hidden class, which only a full collection
 * frees, and until then the getter's closure (this keystroke's whole text) survives each young-generation collection
 * and is promoted: on the 3 000-line bench workflow, every keystroke's text was.
 */
class LazyLinesFile implements YamlFile {
  readonly eol: string;
  readonly documents: YamlDoc[];
  private counted: LineCounter | undefined;

  constructor(
    readonly path: string,
    readonly text: string,
    yaml: YamlDoc,
  ) {
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
    this.documents = [yaml];
  }

  get lineCounter(): LineCounter {
    return (this.counted ??= countLines(this.text));
  }
}

// Strings built by edits are ropes, slow to read a character at a time: compare blocks, then characters.
const BLOCK = 4096;

export function commonPrefix(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let at = 0;
  while (at + BLOCK <= limit && a.slice(at, at + BLOCK) === b.slice(at, at + BLOCK)) at += BLOCK;
  while (at < limit && a.charCodeAt(at) === b.charCodeAt(at)) at++;
  return at;
}

/** The length of the common tail that does not overlap the common head. */
export function commonSuffix(a: string, b: string, prefix: number): number {
  const limit = Math.min(a.length, b.length) - prefix;
  let length = 0;
  while (length + BLOCK <= limit && a.slice(a.length - length - BLOCK, a.length - length) === b.slice(b.length - length - BLOCK, b.length - length)) length += BLOCK;
  while (length < limit && a.charCodeAt(a.length - 1 - length) === b.charCodeAt(b.length - 1 - length)) length++;
  return length;
}
