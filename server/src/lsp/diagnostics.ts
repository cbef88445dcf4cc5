import { DiagnosticSeverity, type Connection, type Diagnostic, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, FixKind, Severity } from '../engine/finding';
import { fixAll, lint, type LintOptions, type LintResult } from '../engine/lint';
import { RULES, ruleById } from '../rules';
import type { ServerHost } from './init';
import { toRange } from './positions';

export const DIAGNOSTIC_SOURCE = 'shipcheck';

/** What a code action needs from a diagnostic besides its `code` (the rule id). */
export interface DiagnosticData {
  ruleId: string;
  fixable: FixKind | false;
}

export function isDiagnosticData(data: unknown): data is DiagnosticData {
  if (typeof data !== 'object' || data === null) return false;
  const { ruleId, fixable } = data as Record<string, unknown>;
  return typeof ruleId === 'string' && (fixable === false || fixable === 'safe' || fixable === 'suggestion');
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

// Coalesces a burst of keystrokes into one check while staying well under what a typist notices.
const LINT_DELAY_MS = 15;

/** Lints open documents, publishes their diagnostics and keeps the latest result per document for hover and code actions. */
export class DocumentLinter {
  private readonly results = new Map<string, { version: number; result: LintResult }>();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly host: ServerHost,
    private readonly logError: (what: string, error: unknown) => void,
  ) {}

  /** The lint result for the document's current version, linting again when the cached one is older. */
  resultFor(document: TextDocument): LintResult {
    const cached = this.results.get(document.uri);
    if (cached?.version === document.version) return cached.result;
    const path = documentPath(document.uri, this.host);
    const result = lint(document.getText(), path, this.options(path));
    this.results.set(document.uri, { version: document.version, result });
    return result;
  }

  /** The document's text with every safe fix applied (what fix-all writes). */
  fixAllText(document: TextDocument): string {
    const path = documentPath(document.uri, this.host);
    return fixAll(document.getText(), path, this.options(path), ['safe']).text;
  }

  private options(path: string): LintOptions {
    return { rules: RULES, project: this.host.projectFacts(path) };
  }

  schedule(document: TextDocument): void {
    const { uri, version } = document;
    clearTimeout(this.pending.get(uri));
    this.pending.set(
      uri,
      setTimeout(() => {
        this.pending.delete(uri);
        this.publish(uri, version);
      }, LINT_DELAY_MS),
    );
  }

  forget(uri: string): void {
    clearTimeout(this.pending.get(uri));
    this.pending.delete(uri);
    this.results.delete(uri);
    this.send(uri, undefined, []);
  }

  private publish(uri: string, version: number): void {
    const document = this.documents.get(uri);
    // A newer version has its own run scheduled; results for this one must not overwrite it.
    if (!document || document.version !== version) return;
    let diagnostics: Diagnostic[];
    try {
      diagnostics = this.resultFor(document).findings.map((finding) => toDiagnostic(document, finding, this.host));
    } catch (error) {
      this.logError(`checking ${uri}`, error);
      return;
    }
    this.send(uri, version, diagnostics);
  }

  private send(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void {
    this.connection
      .sendDiagnostics(version === undefined ? { uri, diagnostics } : { uri, version, diagnostics })
      .catch((error: unknown) => this.logError(`publishing diagnostics for ${uri}`, error));
  }
}

function toDiagnostic(document: TextDocument, finding: Finding, host: ServerHost): Diagnostic {
  const rule = ruleById(finding.ruleId);
  const data: DiagnosticData = { ruleId: finding.ruleId, fixable: finding.fix?.kind ?? false };
  const diagnostic: Diagnostic = {
    range: toRange(document, finding.span),
    severity: SEVERITY[finding.severity],
    code: finding.ruleId,
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
    data,
  };
  const href = rule ? host.docsHref(rule.id) : undefined;
  if (href) diagnostic.codeDescription = { href };
  return diagnostic;
}

/** The path classification sees: workflows are recognised by where they live. */
function documentPath(uri: string, host: ServerHost): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return '';
  }
  return url.protocol === 'file:' ? host.filePath(url) : decodeURIComponent(url.pathname);
}
