import { visit, type LineCounter } from 'yaml';
import type { Span } from './finding';
import { peerCounterparts, type PeerId } from './peerChecks';
import { isMap, isSeq, mapFields, type Node, type YamlDoc, type YamlFile } from '../yaml/yamlFile';

/**
 * Inline suppressions, by rule id only:
 *   # shipcheck-disable-next-line gha/npm-ci, k8s/image-tag -- reason
 *   # shipcheck-disable k8s/image-tag          (the whole file)
 * They work in YAML comments and in shell comments inside `run:` scripts alike.
 * A peer's comment (`# zizmor: ignore[template-injection]`) hides shipcheck's counterparts of the check it names
 * (`peerChecks.ts`); it belongs to the peer, so it is never reported as unused.
 */
export interface SuppressionDirective {
  scope: 'next-line' | 'file' | 'peer';
  ruleIds: string[];
  /** The comment, from `#` to the end of its line. */
  span: Span;
  /** For `next-line`: the 1-based line it covers. For `peer`: the comment's line, which covers the findings on it. */
  line?: number;
  reason?: string;
  /**
   * For `peer`: whose comment, for which check, the lines (1-based, inclusive) where the findings it also covers
   * start, and, per rule that corresponds only in part, the message ids it hides.
   */
  peer?: { tool: PeerId; check: string; lines?: [number, number]; messages?: Record<string, readonly string[]> };
}

const DIRECTIVE = /(?<![^\s])#\s*shipcheck-(disable-next-line|disable)(?=\s|$)([^\r\n]*)/gm;

export function parseSuppressions(text: string, lineCounter: LineCounter): SuppressionDirective[] {
  if (!text.includes('shipcheck-disable')) return [];
  const directives: SuppressionDirective[] = [];
  for (const match of text.matchAll(DIRECTIVE)) {
    const [idsText, reason] = (match[2] ?? '').split(/\s--(?:\s|$)/, 2);
    const ruleIds = (idsText ?? '').split(/[\s,]+/).filter((id) => /^[a-z0-9-]+\/[a-z0-9-]+$/.test(id));
    if (ruleIds.length === 0) continue;
    const start = match.index ?? 0;
    const directive: SuppressionDirective = { scope: match[1] === 'disable' ? 'file' : 'next-line', ruleIds, span: { start, end: start + match[0].trimEnd().length } };
    if (directive.scope === 'next-line') directive.line = lineCounter.linePos(start).line + 1;
    if (reason?.trim()) directive.reason = reason.trim();
    directives.push(directive);
  }
  return directives;
}

/** Answers whether a finding is hidden, and remembers which directive ids hid something. */
export class SuppressionIndex {
  private readonly used = new Set<string>();

  constructor(readonly directives: readonly SuppressionDirective[]) {}

  /** Whether a peer's comment is among the directives: only then do findings need their last line. */
  get hasPeers(): boolean {
    return this.directives.some((directive) => directive.scope === 'peer');
  }

  /** The directive that hides a finding (of `ruleId` and `messageId`) starting on `line` and ending on `endLine` (1-based), if any. */
  suppresses(ruleId: string, line: number, endLine = line, messageId?: string): SuppressionDirective | undefined {
    let hiddenBy: SuppressionDirective | undefined;
    this.directives.forEach((directive, index) => {
      if (!directive.ruleIds.includes(ruleId) || !covers(directive, line, endLine)) return;
      const messages = directive.peer?.messages?.[ruleId];
      if (messages && (messageId === undefined || !messages.includes(messageId))) return;
      this.used.add(`${index}\0${ruleId}`);
      hiddenBy ??= directive;
    });
    return hiddenBy;
  }

  /** Every (directive, rule id) pair that hid nothing; peers' comments are theirs and not listed. */
  unused(): { directive: SuppressionDirective; ruleId: string }[] {
    return this.directives.flatMap((directive, index) =>
      directive.scope === 'peer' ? [] : directive.ruleIds.filter((ruleId) => !this.used.has(`${index}\0${ruleId}`)).map((ruleId) => ({ directive, ruleId })),
    );
  }
}

function covers(directive: SuppressionDirective, line: number, endLine: number): boolean {
  if (directive.scope === 'file') return true;
  if (directive.scope === 'next-line') return directive.line === line;
  const lines = directive.peer?.lines;
  return (directive.line! >= line && directive.line! <= endLine) || (lines !== undefined && line >= lines[0] && line <= lines[1]);
}

const KUBE_LINTER_PREFIX = 'ignore-check.kube-linter.io/';
const POLARIS_EXEMPTION = /^polaris\.fairwinds\.com\/(.+)-exempt$/;
const KUBE_SCORE_IGNORE = 'kube-score/ignore';

/**
 * What the Kubernetes peers' annotations on an object hide of shipcheck's findings: rule id → the message ids hidden
 * (`all` for every message). `annotations` are the object's, and for kube-score (which reads both) its pod template's.
 * Annotations naming a check shipcheck has no counterpart for hide nothing.
 */
export function peerAnnotationSuppressions(annotations: ReadonlyMap<string, string | undefined>, podTemplateAnnotations: ReadonlyMap<string, string | undefined>): Map<string, Set<string> | 'all'> {
  const hidden = new Map<string, Set<string> | 'all'>();
  const hide = (peer: PeerId, check: string) => {
    for (const { rule, messages } of peerCounterparts(peer, check)) {
      const current = hidden.get(rule);
      if (current === 'all') continue;
      if (!messages) hidden.set(rule, 'all');
      else hidden.set(rule, new Set([...(current ?? []), ...messages]));
    }
  };
  for (const [key, value] of annotations) {
    // kube-linter reads the key alone (its value is the reason); Polaris wants "true".
    if (key.startsWith(KUBE_LINTER_PREFIX)) hide('kube-linter', key.slice(KUBE_LINTER_PREFIX.length));
    const polaris = POLARIS_EXEMPTION.exec(key);
    if (polaris && value?.trim().toLowerCase() === 'true') hide('polaris', polaris[1]!);
  }
  for (const source of [annotations, podTemplateAnnotations]) {
    for (const check of source.get(KUBE_SCORE_IGNORE)?.split(',') ?? []) hide('kube-score', check.trim());
  }
  return hidden;
}

// zizmor's own syntax, exactly: `# zizmor: ignore[a, b]`, then the end of the line or a blank and a reason.
const ZIZMOR_COMMENT = /(?<![^\s])# zizmor: ignore\[([^[\]\r\n]*)\](?=[ \t]|\r?$)/gm;

/**
 * zizmor's ignore comments that name a check shipcheck has a counterpart for. zizmor reads them only as YAML
 * comments (not inside a `run:` script), on a line of its finding; each becomes a directive reaching as far as
 * zizmor's finding would (see `CommentReach`).
 */
export function parseZizmorComments(file: YamlFile): SuppressionDirective[] {
  if (!file.text.includes('# zizmor: ignore[')) return [];
  const directives: SuppressionDirective[] = [];
  for (const match of file.text.matchAll(ZIZMOR_COMMENT)) {
    const start = match.index ?? 0;
    const yaml = file.documents.find((doc) => start >= doc.span.start && start <= doc.span.end);
    if (!yaml || insideScalar(yaml, file.text, start)) continue;
    const line = file.lineCounter.linePos(start).line;
    const lineEnd = file.text.indexOf('\n', start);
    const comment = file.text.slice(start, lineEnd < 0 ? file.text.length : lineEnd).trimEnd();
    const reason = comment.slice(match[0].length).trim();
    for (const check of new Set((match[1] ?? '').split(',').map((name) => name.trim()))) {
      const counterparts = peerCounterparts('zizmor', check);
      if (counterparts.length === 0) continue;
      const reach = counterparts[0]!.reach ?? 'line';
      const area = reach === 'step' ? enclosingStep(yaml, start) : reach === 'triggers' ? triggersReach(yaml, start) : undefined;
      const directive: SuppressionDirective = {
        scope: 'peer',
        ruleIds: counterparts.map((entry) => entry.rule),
        span: { start, end: start + comment.length },
        line,
        peer: { tool: 'zizmor', check },
      };
      if (area) directive.peer!.lines = [file.lineCounter.linePos(area.start).line, file.lineCounter.linePos(Math.max(area.start, area.end - 1)).line];
      const partial = counterparts.filter((entry) => entry.messages);
      if (partial.length > 0) directive.peer!.messages = Object.fromEntries(partial.map((entry) => [entry.rule, entry.messages!]));
      if (reason) directive.reason = reason;
      directives.push(directive);
    }
  }
  return directives;
}

/** Whether an offset lies in a scalar's text (a `#` there is text, not a comment); a block scalar's text starts after its header line. */
function insideScalar(yaml: YamlDoc, text: string, offset: number): boolean {
  let inside = false;
  visit(yaml.doc, {
    Scalar: (_key, node) => {
      if (!node.range) return undefined;
      const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
      const from = block ? text.indexOf('\n', node.range[0]) : node.range[0];
      if (from >= 0 && offset > from && offset < node.range[1]) {
        inside = true;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return inside;
}

/** The step (of a job or a composite action) whose text holds an offset: from its first key, on its `-` line, to its last comment. */
function enclosingStep(yaml: YamlDoc, offset: number): Span | undefined {
  const root = yaml.doc.contents;
  if (!isMap(root)) return undefined;
  const fields = mapFields(yaml, root);
  const owners: Node[] = [];
  const jobs = fields.get('jobs')?.value;
  if (isMap(jobs)) for (const job of mapFields(yaml, jobs).values()) if (job.value) owners.push(job.value);
  const runs = fields.get('runs')?.value;
  if (runs) owners.push(runs);
  for (const owner of owners) {
    const steps = isMap(owner) ? mapFields(yaml, owner).get('steps')?.value : undefined;
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      if (isMap(step) && step.range && offset >= step.range[0] && offset <= step.range[2]) return { start: step.range[0], end: step.range[2] };
    }
  }
  return undefined;
}

/** The whole document, when an offset lies in the workflow's `on:` (its key, its value and the comments after them). */
function triggersReach(yaml: YamlDoc, offset: number): Span | undefined {
  const root = yaml.doc.contents;
  if (!isMap(root)) return undefined;
  const on = mapFields(yaml, root).get('on');
  if (!on) return undefined;
  const end = on.value?.range ? on.value.range[2] : on.keySpan.end;
  return offset >= on.keySpan.start && offset <= end ? yaml.span : undefined;
}
