/** Offsets are UTF-16 code units into the file's text (LSP's unit). `end` is exclusive. */
export interface Span {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };

/** One replacement against the original text. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

/** `safe` cannot change what the pipeline does; `suggestion` can, so it is never applied without being asked. */
export type FixKind = 'safe' | 'suggestion';

export interface Fix {
  kind: FixKind;
  title: string;
  edits: TextEdit[];
}

export interface Finding {
  ruleId: string;
  /** Which of the rule's messages this is (the key it reported, `ENGINE_MESSAGES` for the engine's own): stable where the text is not. */
  messageId: string;
  severity: Severity;
  message: string;
  span: Span;
  fix?: Fix;
  /**
   * Where the text the finding sits on was written, when another file wrote it (a chart template's
   * `{{ .Values.image.tag }}` prints `values.yaml`'s `tag:`): the front ends show the finding there, with `span` (in
   * this file) as related information.
   */
  origin?: Origin;
}

/** A line and a UTF-16 column, both from 0 (LSP's `Position`). */
export interface Position {
  line: number;
  character: number;
}

/**
 * A place in another file. Its positions come with it: the front end showing a finding may not hold that file's text.
 */
export interface Origin {
  path: string;
  span: Span;
  start: Position;
  end: Position;
}

/** Findings the engine itself reports (not rules): they have no fix and cannot be configured off. */
export const ENGINE_RULES = {
  syntax: 'shipcheck/yaml-syntax',
  /** YAML that kubectl reads but YAML 1.2 parsers reject (see `readLeniently`): checked, and said so. */
  portability: 'shipcheck/yaml-portability',
  internal: 'shipcheck/internal-error',
  tooLarge: 'shipcheck/too-large',
  unusedSuppression: 'shipcheck/unused-suppression',
  config: 'shipcheck/config',
} as const;

/** The message ids of the engine's own findings. */
export const ENGINE_MESSAGES = {
  syntax: 'invalid-yaml',
  portability: 'under-indented-quoted',
  internal: 'rule-failed',
  tooLarge: 'too-large',
  unusedSuppression: 'unused',
  unknownRuleSuppression: 'unknown-rule',
  config: 'invalid-config',
} as const;

/** The finding moved by `delta` (its span and its fix's edits), or the finding itself when `delta` is 0. */
export function shiftFinding(finding: Finding, delta: number): Finding {
  if (delta === 0) return finding;
  const moved: Finding = { ...finding, span: { start: finding.span.start + delta, end: finding.span.end + delta } };
  if (finding.fix) moved.fix = { ...finding.fix, edits: finding.fix.edits.map((edit) => ({ ...edit, start: edit.start + delta, end: edit.end + delta })) };
  return moved;
}
