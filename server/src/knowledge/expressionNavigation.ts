/**
 * The editor inside `${{ }}`: go to definition, completion and hover of a context path, all read from the expression
 * scope model (`engine/model/expressionScope.ts`), the same answers gha/expression checks against.
 *
 * API (offsets are file offsets, spans are file spans):
 * - `expressionDefinition(file, offset, index?)`: the path segment under the cursor and the key that declares it
 *   (`steps.X` → the step's `id:` value, `needs.X` → the job key, `needs.X.outputs.Y` → the output key, `inputs.Z` →
 *   the input key, `matrix.K` → the matrix key); undefined where nothing in the file declares it (`github.sha`).
 * - `expressionCompletions(file, offset, index?)`: the names that can be written at the cursor (contexts and functions
 *   at the top level, properties after `path.`), with the span of the partial word they replace.
 * - `expressionHover(file, offset, index?)`: the type of the path up to the segment under the cursor and where its
 *   value comes from.
 */
import type { Span } from '../engine/core/finding';
import { classify } from '../engine/core/classify';
import { CheckedTogether, type IndexView, type ProjectIndex } from '../engine/core/projectIndex';
import { FUNCTIONS, SPECIAL_FUNCTIONS, findExpressions, isPattern, parseExpression, type Expr } from '../engine/languages/expressions';
import { triggerCases, workflowTriggers } from '../engine/model/triggers';
import { pathSegmentsOf, resolve, scopeOf, siteAt, typeLabel, type ExprType, type ExpressionSite, type Member, type PathSegment, type Scope } from '../engine/model/expressionScope';
import type { Workflow } from '../engine/model/workflow';
import { scalarText, type ScalarText } from '../engine/yaml/scalarText';
import { nodePathAt } from '../engine/yaml/nodePath';
import { isScalar, type YamlDoc, type YamlFile } from '../engine/yaml/yamlFile';

/** The `${{ }}` the cursor is in: its site and scope, and the expression's text up to and around the cursor. */
interface ExpressionAt {
  workflow: Workflow;
  doc: YamlDoc;
  site: ExpressionSite;
  scope: Scope;
  text: ScalarText;
  /** The expression's source (between `${{` and `}}`, or the whole condition) and where it starts in the value. */
  inner: string;
  innerStart: number;
  /** The cursor as an index into `inner`. */
  cursor: number;
}

function indexView(file: YamlFile, index: ProjectIndex | undefined): IndexView {
  return new CheckedTogether(() => [], () => [], { index, path: file.path }).view(undefined, 'editor');
}

/** The value index the file offset stands at (the first character at or after it). */
function valueIndexAt(text: ScalarText, offset: number): number | undefined {
  for (let i = 0; i <= text.value.length; i++) {
    const at = i < text.value.length ? text.sourceOffset(i) : (text.sourceOffset(i - 1) ?? -2) + 1;
    if (at === undefined) continue;
    if (at === offset) return i;
    if (at > offset) return undefined;
  }
  return undefined;
}

/**
 * Whether the cursor is on a string scalar that may hold an expression: the sites of a document are found by walking
 * all of it (a few milliseconds on a 3 000-line workflow), which a hover anywhere else should not pay.
 */
function mayBeExpression(file: YamlFile, offset: number): boolean {
  const at = nodePathAt(file, offset) ?? (offset > 0 ? nodePathAt(file, offset - 1) : undefined);
  const node = at?.nodes[at.nodes.length - 1];
  if (!at || at.keySpan || !isScalar(node) || typeof node.value !== 'string') return false;
  const key = at.path[at.path.length - 1];
  return node.value.includes('${{') || (typeof key === 'string' && /(^|-)if$/.test(key));
}

function expressionAt(file: YamlFile, offset: number, index: ProjectIndex | undefined): ExpressionAt | undefined {
  if (!mayBeExpression(file, offset)) return undefined;
  for (const doc of file.documents) {
    const { start, end } = doc.span;
    if (offset < start || offset > end || doc.hasErrors) continue;
    const classified = classify(file, doc);
    if (classified.type !== 'workflow') return undefined;
    return atSite(file, classified.workflow, doc, offset, index);
  }
  return undefined;
}

function atSite(file: YamlFile, workflow: Workflow, doc: YamlDoc, offset: number, index: ProjectIndex | undefined): ExpressionAt | undefined {
  const site = siteAt(workflow, doc, offset);
  if (!site) return undefined;
  const text = scalarText(file.text, site.node);
  if (!text) return undefined;
  const at = valueIndexAt(text, offset);
  if (at === undefined) return undefined;
  const value = text.value;
  let inner: string | undefined;
  let innerStart = 0;
  const found = findExpressions(value).find((span) => span.innerStart <= at && at <= span.innerEnd);
  if (found) ({ inner, innerStart } = found);
  else {
    // A `${{` being typed, not closed yet: the expression runs to the end of the value.
    const open = value.lastIndexOf('${{', at - 3);
    const closed = open >= 0 && value.slice(open, at).includes('}}');
    if (open >= 0 && !closed && !findExpressions(value).some((span) => span.start === open)) (innerStart = open + 3), (inner = value.slice(innerStart));
    else if (site.condition && !value.includes('${{')) inner = value;
  }
  if (inner === undefined) return undefined;
  return { workflow, doc, site, scope: scopeOf(site, workflow, doc, indexView(file, index)), text, inner, innerStart, cursor: at - innerStart };
}

/** Every context path an expression reads. */
function pathsOf(expr: Expr, out: PathSegment[][] = []): PathSegment[][] {
  const segments = pathSegmentsOf(expr);
  if (segments) {
    out.push(segments);
    return out;
  }
  switch (expr.kind) {
    case 'property':
    case 'star':
      return pathsOf(expr.object, out);
    case 'index':
      pathsOf(expr.object, out);
      return pathsOf(expr.index, out);
    case 'call':
      for (const arg of expr.args) pathsOf(arg, out);
      return out;
    case 'not':
      return pathsOf(expr.operand, out);
    case 'binary':
      pathsOf(expr.left, out);
      return pathsOf(expr.right, out);
    default:
      return out;
  }
}

/** The path under the cursor, cut after the segment under it, with that segment's file span. */
function pathAt(at: ExpressionAt): { segments: PathSegment[]; span: Span } | undefined {
  const parsed = parseExpression(at.inner);
  if (!parsed.ok) return undefined;
  for (const path of pathsOf(parsed.ast)) {
    const hit = path.findIndex((segment) => segment.start <= at.cursor && at.cursor <= segment.end && segment.name !== '*');
    if (hit < 0) continue;
    const segment = path[hit]!;
    const span = at.text.sourceSpan(at.innerStart + segment.start, at.innerStart + segment.end);
    return span ? { segments: path.slice(0, hit + 1), span } : undefined;
  }
  return undefined;
}

/** What the path under the cursor resolves to (a context name resolves to no member). */
function resolvedAt(at: ExpressionAt): { segments: PathSegment[]; span: Span; type: ExprType; member: Member | undefined } | undefined {
  const path = pathAt(at);
  if (!path) return undefined;
  const resolution = resolve(
    at.scope,
    path.segments.map((s) => s.name),
  );
  if (!resolution.ok) return undefined;
  return { ...path, type: resolution.type, member: resolution.member };
}

// ---------------------------------------------------------------- definition

export interface ExpressionDefinition {
  /** The segment the cursor is on (what the editor underlines). */
  origin: Span;
  /** The key (or `id:` value) that declares it. */
  target: Span;
}

export function expressionDefinition(file: YamlFile, offset: number, index?: ProjectIndex): ExpressionDefinition | undefined {
  const at = expressionAt(file, offset, index);
  const resolved = at && resolvedAt(at);
  const target = resolved?.member?.declared;
  return resolved && target ? { origin: resolved.span, target } : undefined;
}

// ---------------------------------------------------------------- completion

export interface ExpressionCompletion {
  label: string;
  kind: 'context' | 'property' | 'function';
  /** The type label, and where the name is declared when the file says. */
  detail: string;
}

export interface ExpressionCompletions {
  items: ExpressionCompletion[];
  /** The partial name the items replace (empty at a `.`). */
  span: Span;
}

const CONTEXT_DETAIL: Record<string, string> = {
  github: 'the run and its event',
  env: 'environment variables set in the workflow',
  vars: 'configuration variables',
  secrets: 'secrets',
  inputs: 'the inputs of the workflow or action',
  steps: 'the earlier steps of this job with an id',
  needs: "the jobs in this job's needs",
  matrix: "this job's matrix values",
  strategy: "this job's matrix strategy",
  runner: 'the runner running the job',
  job: 'the running job',
  jobs: 'the jobs of a called workflow',
};

const detailOf = (member: Member): string => [typeLabel(member.type), member.note].filter(Boolean).join(' · ');

export function expressionCompletions(file: YamlFile, offset: number, index?: ProjectIndex): ExpressionCompletions | undefined {
  const at = expressionAt(file, offset, index);
  if (!at) return undefined;
  const before = at.inner.slice(0, at.cursor);
  // Inside a string literal: nothing to complete.
  if ((before.match(/'/g)?.length ?? 0) % 2 === 1) return undefined;
  const wordAt = nameEndingAt(before, before.length);
  const word = wordAt < 0 ? '' : before.slice(wordAt);
  const wordStart = at.cursor - word.length;
  const span = at.text.sourceSpan(at.innerStart + wordStart, at.innerStart + at.cursor) ?? { start: offset - word.length, end: offset };
  const head = before.slice(0, wordStart);
  const property = pathBeforeDot(head);
  if (property) {
    if (property.index > 0 && /[\w.\]-]/.test(head[property.index - 1]!)) return undefined;
    const resolution = resolve(at.scope, property.path.split('.'));
    if (!resolution.ok || resolution.type.kind !== 'object') return { items: [], span };
    const items = [...resolution.type.properties.values()].map((member): ExpressionCompletion => ({ label: member.name, kind: 'property', detail: detailOf(member) }));
    return { items, span };
  }
  if (/[\w\].-]$/.test(head)) return undefined;
  const allowed = at.site.allowed;
  // A context known to hold nothing here (`needs` in a job without needs, `matrix` without a matrix) is not offered.
  const empty = (type: ExprType): boolean => type.kind === 'object' && type.closed && type.properties.size === 0;
  const contexts = [...at.scope.keys()].filter((name) => (!allowed || allowed.contexts.has(name)) && !empty(at.scope.get(name)!));
  const items: ExpressionCompletion[] = contexts.map((name) => ({ label: name, kind: 'context', detail: CONTEXT_DETAIL[name] ?? typeLabel(at.scope.get(name)!) }));
  for (const [lower, signature] of FUNCTIONS) {
    if (SPECIAL_FUNCTIONS.has(lower) && allowed && !allowed.functions.has(lower)) continue;
    const args = signature.max === Infinity ? `${signature.min}+ arguments` : signature.min === signature.max ? `${signature.min} argument${signature.min === 1 ? '' : 's'}` : `${signature.min}-${signature.max} arguments`;
    items.push({ label: signature.name, kind: 'function', detail: `function, ${args}` });
  }
  return { items, span };
}

// ---------------------------------------------------------------- hover

export interface ExpressionHover {
  markdown: string;
  span: Span;
}

export function expressionHover(file: YamlFile, offset: number, index?: ProjectIndex): ExpressionHover | undefined {
  const at = expressionAt(file, offset, index);
  const resolved = at && resolvedAt(at);
  if (!resolved) return undefined;
  const path = resolved.segments.map((s) => s.name).join('.');
  const lines = [`\`${path}\`: \`${typeLabel(resolved.type)}\``];
  const head = resolved.segments[0]!.name.toLowerCase();
  if (resolved.segments.length === 1) {
    const about = CONTEXT_DETAIL[head];
    if (about) lines.push(`The \`${head}\` context: ${about}.`);
  } else if (resolved.member?.note) {
    const declared = resolved.member.declared;
    const where = declared ? `, declared on line ${lineOf(file.text, declared.start)}` : '';
    lines.push(`${capitalize(resolved.member.note)}${where}.`);
  } else if (resolved.type.kind === 'any') {
    lines.push('Known only when the workflow runs.');
  }
  const values = head === 'github' ? triggerValues(at, path.toLowerCase()) : undefined;
  if (values) lines.push(values);
  return { markdown: lines.join('\n\n'), span: resolved.span };
}

/** What this workflow's triggers set a `github` property to (`github.ref`, `github.event_name` …), when they say. */
function triggerValues(at: ExpressionAt, path: string): string | undefined {
  if (at.workflow.kind !== 'workflow') return undefined;
  const cases = triggerCases(workflowTriggers(at.workflow, at.doc));
  if (cases.some((c) => c.event === undefined)) return undefined;
  const known = new Set<string>();
  const unknownOn = new Set<string>();
  for (const c of cases) {
    const value = c.values.get(path);
    if (value === undefined) unknownOn.add(c.event!);
    else if (typeof value === 'string') known.add(`\`${value}\``);
    else if (isPattern(value)) known.add(`\`${value.prefix}…${value.suffix}\``);
  }
  if (known.size === 0) return undefined;
  const rest = unknownOn.size > 0 ? `; not known on ${[...unknownOn].map((event) => `\`${event}\``).join(', ')}` : '';
  return `With this workflow's triggers: ${[...known].join(', ')}${rest}.`;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

// Read backwards from the cursor, one character at a time: regexes anchored at the end of a long line backtrack.

/** Where the name (`[A-Za-z_][\w-]*`) that ends at `end` starts, or -1 when none ends there. */
function nameEndingAt(text: string, end: number): number {
  let start = end;
  while (start > 0 && /[\w-]/.test(text[start - 1]!)) start--;
  for (let at = start; at < end; at++) if (/[A-Za-z_]/.test(text[at]!)) return at;
  return -1;
}

/** The path (`name`, then `.name` or `.*` segments) that a text ends with before its final `.`, and where it starts. */
function pathBeforeDot(text: string): { index: number; path: string } | undefined {
  if (!text.endsWith('.')) return undefined;
  let cursor = text.length - 1;
  let start = -1;
  for (;;) {
    if (text[cursor - 1] === '*' && text[cursor - 2] === '.') {
      cursor -= 2;
      continue;
    }
    const name = nameEndingAt(text, cursor);
    if (name < 0) break;
    start = name;
    if (text[name - 1] !== '.') break;
    cursor = name - 1;
  }
  return start < 0 ? undefined : { index: start, path: text.slice(start, text.length - 1) };
}
