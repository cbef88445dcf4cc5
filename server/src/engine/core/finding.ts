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
}

/** Findings the engine itself reports (not rules): they have no fix and cannot be configured off. */
export const ENGINE_RULES = {
  syntax: 'shipcheck/yaml-syntax',
  internal: 'shipcheck/internal-error',
  tooLarge: 'shipcheck/too-large',
  unusedSuppression: 'shipcheck/unused-suppression',
  config: 'shipcheck/config',
} as const;

/** The message ids of the engine's own findings. */
export const ENGINE_MESSAGES = {
  syntax: 'invalid-yaml',
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
