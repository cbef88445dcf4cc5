import { LineCounter } from 'yaml';
import { classify, type Classified } from '../core/classify';
import { shiftFinding, type Finding } from '../core/finding';
import { JobFindingsCache } from './jobCache';
import { commonPrefix, commonSuffix, JobSplicer, type KnownEdit } from './jobSplice';
import { activeRules, chartDefaultsOf, checkDocument, DEFAULT_MAX_FILE_SIZE, finishFindings, lint, lintFile, ownObjects, renderedByDefault, type DocumentRun, type FileKind, type LintOptions, type LintResult } from '../core/lint';
import { CheckedTogether, listedObjects, type IndexedObject, type IndexReads } from '../core/projectIndex';
import type { Rule } from '../core/rule';
import { indentUnit } from '../edits/yamlEdit';
import { detach } from './memo';
import { ENGINE_PRESET } from '../core/presets';
import { countLines, parseYamlFile, type YamlDoc, type YamlFile } from '../yaml/yamlFile';
import type { ChartDefaults } from '../yaml/helmTemplate';

/**
 * Keystroke-speed linting of multi-document files: the text is cut at `---` lines, and a piece that lies wholly in
 * the text before or after the edit keeps its parse and findings from the previous run (shifted to its new offset);
 * only the pieces the edit touched are parsed and checked again, and a piece whose rules read other documents
 * (`ctx.index`) is checked again when what they read changed. The result equals `lint`
 * on the whole text; what this cannot be sure of (syntax errors, directives, `...` markers, a rule that threw) is
 * linted whole. A file of one document (a workflow) is parsed again only in the job the edit lies in (`JobSplicer`).
 */
export class IncrementalLinter {
  private previous: { text: string; starts: number[]; pieces: Map<number, Placed> } | undefined;
  private optionsKey: string | undefined;
  private rules: readonly Rule[] | undefined;
  private readonly splicer = new JobSplicer();
  private readonly jobs = new JobFindingsCache();
  private jobRules: readonly Rule[] | undefined;
  // The kinds of other files' objects the last lint saw (see `changedKinds`).
  private externalKinds: ReadonlySet<string> = new Set();
  // The chart defaults the last parse was made with (a template's; undefined for other files).
  private defaults: ChartDefaults | undefined;

  lint(text: string, path: string, options: LintOptions): LintResult {
    if (text.length > (options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE)) return this.whole(text, path, options);
    // A chart template's parse holds its chart's defaults: when `values.yaml` changed, nothing parsed before is reused.
    const defaults = chartDefaultsOf(path, options);
    if (defaults !== this.defaults) {
      this.defaults = defaults;
      this.previous = undefined;
      this.splicer.reset();
    }
    // What the edit left alone: a common prefix and, after it, a common suffix.
    let before = this.previous;
    let prefix = before ? commonPrefix(before.text, text) : 0;
    let suffix = before ? commonSuffix(before.text, text, prefix) : 0;
    const starts = before ? pieceStartsAfterEdit(before.starts, text, prefix, suffix, text.length - before.text.length) : pieceStarts(text);
    if (starts.length < MIN_PIECES) return this.single(text, path, options, starts, before && { before: before.text, prefix, suffix });
    this.splicer.reset();
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    // Fixes indent by the whole file's step: a piece alone might suggest another.
    const indent = indentUnit({ path, text, eol, documents: [], lineCounter: new LineCounter() });
    const preset = options.preset ?? ENGINE_PRESET;
    // A file a kustomization lists as a patch is checked as fragments: every piece is checked again when that changes.
    const key = JSON.stringify([path, eol, indent, options.project ?? {}, preset, options.ruleSettings ?? {}, options.ruleOptions ?? {}, options.index?.isPatch(path) ?? false]);
    if (key !== this.optionsKey || options.rules !== this.rules) {
      this.previous = before = undefined;
      prefix = suffix = 0;
      this.optionsKey = key;
      this.rules = options.rules;
    }
    const settings = options.ruleSettings ?? {};
    const rules = activeRules(options);

    const delta = text.length - (before?.text.length ?? 0);
    const placed = new Map<number, Placed>();
    const kept = new Set<Piece>();
    const ordered: Piece[] = starts.map((start, index) => {
      const end = starts[index + 1] ?? text.length;
      const old = start >= text.length - suffix ? before?.pieces.get(start - delta) : end <= prefix ? before?.pieces.get(start) : undefined;
      const reused = old && old.end === (start >= text.length - suffix ? end - delta : end) ? old.piece : undefined;
      if (reused) kept.add(reused);
      const piece = reused ?? parsePiece(text.slice(start, end), path, eol, indent, defaults);
      placed.set(start, { end, piece });
      return piece;
    });
    // The pieces this edit added or dropped: only the kinds of their objects can read differently from last time.
    const changedPieces = [...ordered.filter((piece) => !kept.has(piece)), ...[...(before?.pieces.values() ?? [])].flatMap(({ piece }) => (kept.has(piece) ? [] : [piece]))];
    this.previous = { text, starts, pieces: placed };
    if (ordered.some((piece) => piece.broken || piece.markers)) return lint(text, path, options);

    const documents: YamlDoc[] = [];
    for (const piece of ordered) for (const yaml of piece.documents) documents.push(yaml);
    const fileOf = (piece: Piece): YamlFile => ({ ...piece.file, documents });
    for (const piece of ordered) piece.classified ??= piece.documents.map((yaml) => classify(fileOf(piece), yaml));
    const objectsOf = (piece: Piece): IndexedObject[] => (piece.objects ??= [...ownObjects(piece.file, (piece.classified ??= piece.documents.map((yaml) => classify(fileOf(piece), yaml))))]);
    const external = [...listedObjects(options.index, path)];
    const together = new CheckedTogether(
      function* () {
        for (const piece of ordered) yield* objectsOf(piece);
        yield* external;
      },
      () => options.index?.imagesFilledIn(path) ?? [],
      { index: options.index, path },
    );
    // What rules read can differ from last time only for the kinds of objects in pieces the edit added or dropped, and
    // of other files' objects (now or last time): reads of other kinds are not compared, so most edits build no index.
    const changedKinds = new Set([...changedPieces.flatMap(objectsOf), ...external].map((entry) => entry.kind));
    for (const kind of this.externalKinds) changedKinds.add(kind);
    this.externalKinds = new Set(external.map((entry) => entry.kind));
    const check = (piece: Piece, ruleSet: readonly Rule[]): { findings: Finding[]; reads: IndexReads } => {
      const findings: Finding[] = [];
      const failed = new Map<string, unknown>();
      const reads: IndexReads = { kinds: new Map(), readers: new Set() };
      const run: DocumentRun = { rules: ruleSet, preset, settings, findings, failed, project: options.project ?? {}, ruleOptions: options.ruleOptions ?? {}, together, reads };
      piece.kinds = piece.documents.map((yaml, index) => checkDocument(fileOf(piece), yaml, run, piece.classified![index]));
      if (failed.size > 0) piece.failed = true;
      piece.placedAt = undefined;
      return { findings: renderedByDefault(piece.file, findings, preset), reads };
    };
    for (const piece of ordered) {
      if (!piece.findings) {
        const { findings, reads } = check(piece, rules);
        piece.findings = findings;
        piece.reads = reads.readers.size > 0 ? reads : undefined;
        continue;
      }
      // A checked piece keeps its findings while what its rules read of the other pieces is the same text; else the
      // rules that read run again (the others read only their own document).
      const reads = piece.reads;
      // What a build tool fills in comes from other files only: compared on every run (the index keeps it worked out).
      const sameFilledIn = reads?.filledIn === undefined || sameStrings(reads.filledIn, together.filledInAnswer());
      // Local files (actions, reusable workflows) are other files too: compared on every run, each asked of the index once.
      const sameLocals = reads?.locals === undefined || [...reads.locals].every(([question, answer]) => together.localAnswer(question) === answer);
      // How overlays deploy the file comes from kustomizations and patches only: likewise.
      const sameOverlays = reads?.overlays === undefined || reads.overlays === together.overlaysAnswer();
      if (!reads || (sameFilledIn && sameLocals && sameOverlays && [...reads.kinds].every(([kind, seen]) => !changedKinds.has(kind) || sameStrings(seen, together.answer(kind))))) continue;
      const again = check(piece, rules.filter((rule) => reads.readers.has(rule.id)));
      piece.findings = [...piece.findings.filter((finding) => !reads.readers.has(finding.ruleId)), ...again.findings];
      piece.reads = again.reads.readers.size > 0 ? again.reads : undefined;
    }
    // A rule that throws is skipped for the rest of the file, which only a whole lint reproduces.
    if (ordered.some((piece) => piece.failed)) return lint(text, path, options);

    const findings: Finding[] = [];
    const kinds: FileKind[] = [];
    ordered.forEach((piece, index) => {
      const offset = starts[index]!;
      if (piece.placedAt?.offset !== offset) {
        piece.placedAt = { offset, findings: piece.findings!.map((finding) => shiftFinding(finding, offset)) };
      }
      for (const finding of piece.placedAt.findings) findings.push(finding);
      for (const kind of piece.kinds) kinds.push(kind);
    });
    const file = deferredYamlFile(text, path);
    return { file, kinds, ...finishFindings(file, findings, new Map(), rules, options.rules, false) };
  }

  private whole(text: string, path: string, options: LintOptions): LintResult {
    this.previous = undefined;
    this.splicer.reset();
    return lint(text, path, options);
  }

  /** A file of few documents: its parse is kept for the next edit (the tree changes then, so the result gets its own). */
  private single(text: string, path: string, options: LintOptions, starts: number[], known: KnownEdit | undefined): LintResult {
    // The document starts are kept (so the next edit searches only its own stretch for `---`); no piece is.
    this.previous = { text, starts, pieces: new Map() };
    let file = this.splicer.splice(text, path, known);
    if (!file) {
      file = parseYamlFile(text, path, chartDefaultsOf(path, options));
      this.splicer.remember(file);
    }
    if (options.rules !== this.jobRules) {
      this.jobs.clear();
      this.jobRules = options.rules;
    }
    return { ...lintFile(file, { ...options, jobCache: this.jobs }), file: deferredYamlFile(text, path) };
  }
}

interface Placed {
  end: number;
  piece: Piece;
}

// Below this many pieces a whole lint costs no more than the bookkeeping.
const MIN_PIECES = 3;

/** One `---`-separated piece of the text, parsed on its own (offsets relative to the piece). */
interface Piece {
  text: string;
  file: YamlFile;
  documents: YamlDoc[];
  /** A syntax error or a lenient reading: the file is then linted whole. */
  broken: boolean;
  markers: boolean;
  kinds: FileKind[];
  /** Findings at offsets relative to the piece; undefined until checked. */
  findings: Finding[] | undefined;
  /** What its rules read of the file's objects (`ctx.index`), and which rules read. */
  reads: IndexReads | undefined;
  failed: boolean;
  /** What the piece's documents are, worked out once. */
  classified?: Classified[];
  /** The objects its documents hold, as `ctx.index` lists them, worked out once. */
  objects?: IndexedObject[];
  /** The findings at the piece's offset (the same until an edit before the piece moves it). */
  placedAt?: { offset: number; findings: Finding[] } | undefined;
}

// `%YAML`/`%TAG` directives and `...` end markers change how documents split: such files are linted whole.
const MARKERS = /^(%|\.\.\.(?:[ \t\r]|$))/m;
const DOCUMENT_START = /^---(?=[ \t\r]|$)/gm;

/** Offsets where pieces start: 0 and every line that opens a document with `---`. */
export function pieceStarts(text: string): number[] {
  const starts = [0];
  for (const match of text.matchAll(DOCUMENT_START)) if (match.index !== 0) starts.push(match.index);
  return starts;
}

/**
 * The piece starts of a text made from the previous one by an edit, from the previous starts: those whose `---`
 * (and the line break before it) lie wholly in the unchanged head or tail stay (the tail's moved by `delta`), and
 * only the changed stretch between is searched again. Equals `pieceStarts(text)`.
 */
export function pieceStartsAfterEdit(previous: readonly number[], text: string, prefix: number, suffix: number, delta: number): number[] {
  // A start at `s` depends on the characters from s - 1 (the line break) to s + 3 (after `---`).
  const tail = text.length - suffix;
  const starts = [0];
  for (const start of previous) if (start > 0 && start + 4 <= prefix) starts.push(start);
  const from = Math.max(1, prefix - 3);
  const to = tail + 1;
  // The stretch from the character before `from` (where a match would start a line) to past what `to - 1` reads.
  const stretch = text.slice(from - 1, to + 4);
  for (const match of stretch.matchAll(DOCUMENT_START)) {
    const start = from - 1 + match.index;
    if (start >= from && start < to) starts.push(start);
  }
  for (const start of previous) if (start + delta >= to) starts.push(start + delta);
  return starts;
}

function parsePiece(slice: string, path: string, eol: string, indent: string, defaults: ChartDefaults | undefined): Piece {
  // A copy: the piece and its findings outlive the keystroke and must not hold on to the whole file (see `detach`).
  const text = detach(slice);
  const file = { ...parseYamlFile(text, path, defaults), eol, indent };
  // A template's block that spans documents (`{{- if }}` above a `---`) is read only in the whole file.
  const broken = file.documents.some((doc) => doc.hasErrors) || file.underIndented !== undefined || (file.template !== undefined && !file.template.balanced);
  return { text, file, documents: file.documents, broken, markers: MARKERS.test(text), kinds: [], findings: undefined, reads: undefined, failed: false };
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/** The whole file as `lint` returns it, parsed only when asked for (hovers and code actions read it, diagnostics do not). */
export function deferredYamlFile(text: string, path: string): YamlFile {
  return new DeferredYamlFile(path, text);
}

// A class, not an object literal with getters: see LazyLinesFile in jobSplice.ts (each literal's getters would keep
// this keystroke's text alive through young-generation collections).
class DeferredYamlFile implements YamlFile {
  readonly eol: string;
  private parsed: YamlFile | undefined;
  private counted: LineCounter | undefined;

  constructor(
    readonly path: string,
    readonly text: string,
  ) {
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
  }

  get documents(): YamlDoc[] {
    return (this.parsed ??= parseYamlFile(this.text, this.path)).documents;
  }

  get lineCounter(): LineCounter {
    if (this.parsed) return this.parsed.lineCounter;
    return (this.counted ??= countLines(this.text));
  }
}
