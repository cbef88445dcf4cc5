import { isMap, isPair, isScalar, isSeq, parseAllDocuments, parseDocument, visit, type Document, type Scalar } from 'yaml';
import type { Span } from '../core/finding';

/**
 * A quoted scalar whose continuation lines are indented no deeper than the collection that holds it:
 *
 *     - description: 'CreationTimestamp is a timestamp representing the server time
 *       when this object was created.'
 *
 * YAML 1.2 wants every continuation line of a quoted scalar indented past its key (the `yaml` library stops the
 * scalar there and reports a missing closing quote at the end of the line), but libyaml and its Go port go-yaml
 * (kubectl, Helm, kustomize, yq) do not look at indentation inside quotes at all and read the value to its closing
 * quote. Generated CRDs are written like this.
 */
export interface UnderIndentedScalar {
  /** From the opening quote to the closing one. */
  span: Span;
  /** The first continuation line indented too little: from its first character to the end of the line. */
  line: Span;
  /** What its continuation lines must be indented past: the key or the block sequence item holding it (through `[ ]` / `{ }`). */
  holder?: { key: string } | { item: true };
}

export interface LenientReading {
  documents: Document.Parsed[];
  scalars: UnderIndentedScalar[];
}

/** The strict parse stopped a quoted scalar at a less indented line (its token ends before the closing quote). */
export function hasCutQuotedScalar(documents: readonly Document.Parsed[]): boolean {
  return documents.some((doc) => doc.errors.some(isCutQuote));
}

// A few rounds: a scalar cut short can hide the next one behind the errors it causes.
const MAX_ROUNDS = 8;

/**
 * The file as go-yaml reads it, when the strict parse failed only on quoted scalars with under-indented continuation
 * lines: each such scalar's line breaks are read as spaces (so every offset, and the line count kept from the
 * strict parse, stays exact) and its value is folded as YAML folds a quoted scalar. Undefined unless that reading
 * parses without errors in every document it touches and each of those documents is a Kubernetes object (what
 * kubectl reads); other YAML keeps its syntax error.
 */
export function readLeniently(text: string, strict: readonly Document.Parsed[], options: object): LenientReading | undefined {
  const found: Span[] = [];
  const cutAt = new Map<number, number>();
  let documents = strict;
  let read = text;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const fresh = cutScalars(text, documents, found);
    if (fresh.length === 0) break;
    const chars = read.split('');
    for (const { span, cut } of fresh) {
      found.push(span);
      cutAt.set(span.start, cut);
      for (let at = span.start; at < span.end; at++) if (chars[at] === '\n' || chars[at] === '\r') chars[at] = ' ';
    }
    read = chars.join('');
    documents = parseAllDocuments(read, options) as Document.Parsed[];
  }
  if (found.length === 0) return undefined;
  const scalars: UnderIndentedScalar[] = [];
  for (const doc of documents) {
    const inside = found.filter((span) => span.start >= doc.range[0] && span.end <= doc.range[2]);
    if (inside.length === 0) continue;
    if (doc.errors.length > 0 || !isKubernetesObject(doc)) return undefined;
    const nodes = quotedValues(doc);
    for (const span of inside) {
      const node = nodes.get(span.start);
      if (!node || node.scalar.range![1] !== span.end) return undefined;
      const value = foldedValue(text.slice(span.start, span.end));
      if (value === undefined) return undefined;
      node.scalar.value = value;
      const scalar: UnderIndentedScalar = { span, line: lineAfter(text, cutAt.get(span.start)!) };
      if (node.holder) scalar.holder = node.holder;
      scalars.push(scalar);
    }
  }
  if (scalars.length !== found.length) return undefined;
  scalars.sort((a, b) => a.span.start - b.span.start);
  return { documents: documents as Document.Parsed[], scalars };
}

function isCutQuote(error: { code: string; message: string }): boolean {
  return error.code === 'MISSING_CHAR' && /^Missing closing ['"]quote/.test(error.message);
}

/**
 * The quoted scalars the parse cut short that lie outside those already found, each with its whole extent and
 * where the parse cut it; those without a closing quote as go-yaml looks for one are left out.
 */
function cutScalars(text: string, documents: readonly Document.Parsed[], found: readonly Span[]): { span: Span; cut: number }[] {
  const fresh: { span: Span; cut: number }[] = [];
  for (const doc of documents) {
    const cuts = doc.errors.filter(isCutQuote).map((error) => error.pos[0]);
    if (cuts.length === 0) continue;
    const byEnd = new Map<number, number>();
    visit(doc, {
      Scalar: (_key, node) => {
        if ((node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE') && node.range) byEnd.set(node.range[1], node.range[0]);
      },
    });
    for (const cut of cuts) {
      const start = byEnd.get(cut);
      if (start === undefined || [...found, ...fresh.map((entry) => entry.span)].some((span) => start >= span.start && start < span.end)) continue;
      const end = closingQuote(text, start);
      // go-yaml rejects it as well: that document keeps its syntax error.
      if (end === undefined || end <= cut) continue;
      fresh.push({ span: { start, end }, cut });
    }
  }
  return fresh;
}

/**
 * Where a quoted scalar opening at `start` ends (past its closing quote), read as libyaml reads it: `''` is a quote
 * inside single quotes, a backslash escapes the next character inside double quotes, indentation does not matter,
 * and a line starting with a document marker (`---`, `...`) or the end of the text is an error (undefined).
 */
export function closingQuote(text: string, start: number): number | undefined {
  const quote = text[start];
  for (let at = start + 1; at < text.length; at++) {
    const ch = text[at];
    if (ch === '\n') {
      if (/^(?:---|\.\.\.)(?:[ \t\r\n]|$)/.test(text.slice(at + 1, at + 5))) return undefined;
    } else if (quote === "'" && ch === "'") {
      if (text[at + 1] !== "'") return at + 1;
      at++;
    } else if (quote === '"') {
      if (ch === '\\') at++;
      else if (ch === '"') return at + 1;
    }
  }
  return undefined;
}

type Holder = UnderIndentedScalar['holder'];

/** The quoted scalars of a document that are values (not keys), by start offset, with what holds them. */
function quotedValues(doc: Document.Parsed): Map<number, { scalar: Scalar; holder: Holder }> {
  const values = new Map<number, { scalar: Scalar; holder: Holder }>();
  visit(doc, {
    Scalar: (key, node, path) => {
      if ((node.type !== 'QUOTE_SINGLE' && node.type !== 'QUOTE_DOUBLE') || !node.range || key === 'key') return;
      values.set(node.range[0], { scalar: node, holder: blockHolder(path) });
    },
  });
  return values;
}

/** The innermost block collection entry around a node (flow collections have no indentation of their own). */
function blockHolder(path: readonly unknown[]): Holder {
  for (let index = path.length - 1; index >= 0; index--) {
    const node = path[index];
    if (isPair(node)) {
      const map = path[index - 1];
      if (isMap(map) && map.flow) continue;
      return isScalar(node.key) ? { key: String(node.key.value) } : undefined;
    }
    if (isSeq(node) && !node.flow) return { item: true };
  }
  return undefined;
}

/** The value of a quoted scalar's source as YAML folds it: parsed on its own, where no indentation applies. */
function foldedValue(source: string): string | undefined {
  const alone = parseDocument(source);
  return alone.errors.length === 0 && isScalar(alone.contents) && typeof alone.contents.value === 'string' ? alone.contents.value : undefined;
}

/** A document whose root mapping has `apiVersion` and `kind`: what kubectl reads. */
function isKubernetesObject(doc: Document.Parsed): boolean {
  const root = doc.contents;
  return isMap(root) && root.has('apiVersion') && root.has('kind');
}

/** The line after the line break at `cut`, from its first non-blank character to its end. */
function lineAfter(text: string, cut: number): Span {
  let start = text.indexOf('\n', cut) + 1;
  while (text[start] === ' ' || text[start] === '\t') start++;
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  if (text[end - 1] === '\r') end--;
  return { start, end: Math.max(end, start + 1) };
}
