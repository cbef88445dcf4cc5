import { classify } from '../engine/core/classify';
import { findExpressions } from '../engine/languages/expressions';
import type { Finding, Severity, Span } from '../engine/core/finding';
import type { RuleSetting } from '../engine/core/lint';
import { findingSeverity, presetSeverity, type Preset } from '../engine/core/presets';
import { parseSuppressions, SuppressionIndex } from '../engine/core/suppress';
import type { YamlFile } from '../engine/yaml/yamlFile';
import shellcheckRule from '../rules/gha/shellcheck';

/**
 * `gha/shellcheck`: `run:` scripts checked by the `shellcheck` binary. This is the one check that leaves the pure
 * engine, on purpose: it starts a process per script (~300 times slower than the rest of a check), which the engine
 * never does, and which the browser build cannot and an untrusted workspace must not. So the rule is declared in the
 * registry like any other (its presets, docs and `.shipcheck.yaml` level) but has no hooks; this module, called by the
 * adapters only, finds the scripts in an engine result, runs shellcheck on them and turns its comments into findings
 * of that rule for the adapters to merge with the engine's:
 * - the CLI after the engine's findings of a file (`--no-shellcheck` leaves it out, as the ecosystem run does);
 * - the language server when typing pauses, never on the keystroke path, never in untrusted workspaces or the browser.
 * Results are kept by script text, so an unchanged script is never checked twice by one process. The process itself is
 * started in `shellcheckBinary.ts`, which only the Node entries import (the browser build has no processes).
 */

/** The `shellcheck` binary (`shellcheckBinary.ts`): the one part that starts processes. */
export interface ShellcheckBinary {
  readonly version: string;
  /** Checks a script, waiting for the process (the CLI's way). */
  checkSync(script: ShellScript): readonly ShellcheckComment[];
  /** Checks a script without blocking (the language server's way). */
  check(script: ShellScript): Promise<readonly ShellcheckComment[]>;
}

/** What shellcheck can read: the shells it knows. zsh, fish and the rest are left alone. */
type CheckedShell = 'bash' | 'sh' | 'dash' | 'ksh';

/** One script to check: its text with `${{ }}` blanked out, and how to map its lines and columns back to the file. */
export interface ShellScript {
  shell: CheckedShell;
  text: string;
  /** The file offset of `text[index]`, when it stands in the file verbatim. */
  offsetOf(index: number): number | undefined;
  /** The `run:` value, where a comment that cannot be placed more precisely goes. */
  span: Span;
}

/** One of shellcheck's comments (its `json1` output), in the script's 1-based lines and columns. */
export interface ShellcheckComment {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  level: 'error' | 'warning' | 'info' | 'style';
  code: number;
  message: string;
}

/**
 * Checks left out, as actionlint leaves them out, because the blanked-out expressions and GitHub's `env:` make them
 * wrong in workflow scripts: SC1091 (a sourced file that is not there yet), SC2050 / SC2194 / SC2157 (a comparison or
 * word that looks constant because an expression was blanked out), SC2154 (variables set by `env:`), SC2043 (a loop over
 * one blanked-out word, which is a list at run time); and SC2164 (`cd` without `|| exit`: GitHub runs bash and sh
 * scripts with `-e`, so a failed `cd` stops the step anyway) and SC2034 (a variable set and not read: in a step it is
 * often read by a script it sources or a tool it starts).
 */
export const EXCLUDED_CHECKS = 'SC1091,SC2050,SC2194,SC2157,SC2154,SC2043,SC2164,SC2034';

/** The scripts of a linted file shellcheck can read: `run:` steps whose effective shell is bash, sh, dash or ksh. */
export function shellScripts(file: YamlFile): ShellScript[] {
  const scripts: ShellScript[] = [];
  for (const yaml of file.documents) {
    if (yaml.hasErrors) continue;
    const classified = classify(file, yaml);
    if (classified.type !== 'workflow') continue;
    for (const job of classified.workflow.jobs) {
      for (const step of job.steps) {
        const run = step.run;
        const shell = step.shell.kind === 'posix' ? checkedShell(step.shell.name) : undefined;
        if (!run?.text || !shell) continue;
        const text = blankExpressions(run.value);
        scripts.push({ shell, text, offsetOf: (index) => run.text?.sourceOffset(index), span: run.span });
      }
    }
  }
  return scripts;
}

function checkedShell(name: string): CheckedShell | undefined {
  const program = /(?:^|[\s/])(bash|sh|dash|ksh)(?:\s|$)/.exec(name.trim());
  return program?.[1] as CheckedShell | undefined;
}

/**
 * The findings of shellcheck's comments on one script, at the rule's level in the run (none when it is off): its errors
 * and warnings, and with `notes` (strict and all, see `shellcheckNotes`) its info notes one level lower (SC2086, quote
 * to prevent word splitting). Its style notes are never reported.
 */
export function findingsOf(script: ShellScript, comments: readonly ShellcheckComment[], level: Severity, notes: boolean): Finding[] {
  const lineStarts = [0];
  for (let at = script.text.indexOf('\n'); at >= 0; at = script.text.indexOf('\n', at + 1)) lineStarts.push(at + 1);
  const offset = (line: number, column: number): number | undefined => {
    const start = lineStarts[line - 1];
    return start === undefined ? undefined : script.offsetOf(Math.min(start + column - 1, script.text.length - 1));
  };
  return comments
    .filter((comment) => comment.level === 'error' || comment.level === 'warning' || (notes && comment.level === 'info'))
    .map((comment) => {
      const start = offset(comment.line, comment.column);
      const end = comment.endLine === comment.line && comment.endColumn > comment.column ? offset(comment.line, comment.endColumn - 1) : undefined;
      const span = start === undefined ? script.span : { start, end: end === undefined || end < start ? start + 1 : end + 1 };
      return {
        ruleId: shellcheckRule.id,
        messageId: `SC${comment.code}`,
        severity: findingSeverity(shellcheckRule.presets, level, comment.level === 'warning' ? 'warning' : comment.level === 'error' ? 'error' : 'info'),
        message: (shellcheckRule.messages.comment as (code: string, message: string) => string)(`SC${comment.code}`, comment.message),
        span,
      };
    });
}

/** The rule's level in a run (its `rules:` setting, else its level in the preset), or undefined when it is off. */
export function shellcheckLevel(preset: Preset, settings: Readonly<Record<string, RuleSetting>>): Severity | undefined {
  const level = settings[shellcheckRule.id] ?? presetSeverity(shellcheckRule, preset);
  return level === 'off' ? undefined : level;
}

/**
 * Whether shellcheck's info notes are reported: in strict and all, not in recommended (where the rule is off unless
 * `rules:` turns it on, and then says only what breaks a script).
 */
export function shellcheckNotes(preset: Preset): boolean {
  return preset !== 'recommended';
}

/** Drops findings a `# shipcheck-disable…` comment hides, as the engine does for its own. */
export function unsuppressed(file: YamlFile, findings: Finding[]): Finding[] {
  if (findings.length === 0 || !file.text.includes('shipcheck-disable')) return findings;
  const index = new SuppressionIndex(parseSuppressions(file.text, file.lineCounter));
  return findings.filter((finding) => !index.suppresses(finding.ruleId, file.lineCounter.linePos(finding.span.start).line));
}

/** The CLI's way: every script of the file checked in turn, waiting for each process; suppression comments applied. */
export function shellcheckFindingsSync(file: YamlFile, shellcheck: ShellcheckBinary, level: Severity, notes: boolean): Finding[] {
  return unsuppressed(file, shellScripts(file).flatMap((script) => findingsOf(script, shellcheck.checkSync(script), level, notes)));
}

/** The language server's way: the same, without blocking. */
export async function shellcheckFindings(file: YamlFile, shellcheck: ShellcheckBinary, level: Severity, notes: boolean): Promise<Finding[]> {
  const scripts = shellScripts(file);
  const found = await Promise.all(scripts.map(async (script) => findingsOf(script, await shellcheck.check(script), level, notes)));
  return unsuppressed(file, found.flat());
}

/** The script with each \`\${{ }}\` replaced by as many \`_\` (line breaks kept), so shellcheck's columns are the script's. */
function blankExpressions(script: string): string {
  let text = '';
  let from = 0;
  for (const { start, end } of findExpressions(script)) {
    text += script.slice(from, start) + script.slice(start, end).replace(/[^\n]/g, '_');
    from = end;
  }
  return text + script.slice(from);
}
