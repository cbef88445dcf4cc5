import { contextPaths, findExpressions, parseExpression } from '../languages/expressions';
import { parseShell, type ShellCommand, type ShellRedirect, type ShellWord } from '../languages/shell';
import { type Field, isMap, isScalar, mapFields, scalarToString, type YamlDoc } from '../yaml/yamlFile';
import type { Step } from './workflow';

/** The `secrets.*` contexts an expression-bearing text reads (`secrets.NPM_TOKEN`), as written. */
export function secretsIn(text: string): string[] {
  if (!text.includes('secrets')) return [];
  const found: string[] = [];
  for (const expression of findExpressions(text)) {
    const parsed = parseExpression(expression.inner);
    if (!parsed.ok) continue;
    for (const { segments } of contextPaths(parsed.ast)) {
      if (segments[0] === 'secrets' && segments.length > 1) found.push(segments.slice(0, 2).join('.'));
    }
  }
  return found;
}

function secretVars(yaml: YamlDoc, fields: ReadonlyMap<string, Field>, into: Map<string, string>): void {
  const env = fields.get('env')?.value;
  if (!isMap(env)) return;
  for (const [name, field] of mapFields(yaml, env)) {
    const value = isScalar(field.value) ? scalarToString(field.value) : undefined;
    const secret = value === undefined ? undefined : secretsIn(value)[0];
    if (secret) into.set(name, secret);
    else into.delete(name); // a step's own value hides the job's
  }
}

/** Environment variables a step sees whose value comes from a secret: name → `secrets.X`. */
export function secretEnv(yaml: YamlDoc, step: Step): Map<string, string> {
  const vars = new Map<string, string>();
  if (!step.job.synthetic) {
    secretVars(yaml, step.job.workflow.fields, vars);
    secretVars(yaml, step.job.fields, vars);
  }
  secretVars(yaml, step.fields, vars);
  return vars;
}

/**
 * The secret a shell word expands: `${{ secrets.X }}` or `$VAR` / `${VAR}` of a secret variable.
 * `${#VAR}` (its length) and `${VAR:+…}` (a test) do not expand the value.
 */
export function secretInWord(text: string, vars: ReadonlyMap<string, string>): string | undefined {
  const direct = secretsIn(text)[0];
  if (direct) return direct;
  for (const { name, operator } of parameterReferences(text)) {
    if (/^:?\+/.test(operator)) continue;
    const secret = vars.get(name);
    if (secret) return secret;
  }
  return undefined;
}

export interface ParameterReference {
  name: string;
  /** What follows the name inside `${…}`: `:-default`, `:+set`, `#prefix`; empty for `$NAME` and `${NAME}`. */
  operator: string;
}

/**
 * The `$NAME` and `${NAME…}` references of a shell word, left to right; a `${` without a name or a closing
 * `}` is skipped. The same as `/\$(?:\{(NAME)([^}]*)\}|(NAME))/g`, scanned by hand: that regex rescans to the
 * end from every unclosed `${NAME` (quadratic).
 */
export function parameterReferences(text: string): ParameterReference[] {
  const found: ParameterReference[] = [];
  // Once a `${NAME` has no `}` after it, no later one has: stop looking (looking again is the quadratic part).
  let unclosed = false;
  let i = text.indexOf('$');
  while (i >= 0) {
    const braced = text[i + 1] === '{';
    const nameStart = braced ? i + 2 : i + 1;
    const nameEnd = shellNameEnd(text, nameStart);
    let next = i + 1;
    if (nameEnd > nameStart && !braced) {
      found.push({ name: text.slice(nameStart, nameEnd), operator: '' });
      next = nameEnd;
    } else if (nameEnd > nameStart && !unclosed) {
      const close = text.indexOf('}', nameEnd);
      if (close < 0) {
        unclosed = true;
      } else {
        found.push({ name: text.slice(nameStart, nameEnd), operator: text.slice(nameEnd, close) });
        next = close + 1;
      }
    }
    i = text.indexOf('$', next);
  }
  return found;
}

/** The end of the shell variable name (`[A-Za-z_][A-Za-z0-9_]*`) starting at `start`; `start` when there is none. */
function shellNameEnd(text: string, start: number): number {
  if (!/[A-Za-z_]/.test(text[start] ?? '')) return start;
  let end = start + 1;
  while (end < text.length && /[A-Za-z0-9_]/.test(text[end]!)) end++;
  return end;
}

/** The text with `$( … )` and backtick command substitutions cut out: what they print is their command's output. */
export function outsideSubstitutions(text: string): string {
  return splitSubstitutions(text).outside;
}

/** The commands of the `$( … )` and backtick command substitutions of a shell word, as written. */
export function commandSubstitutions(text: string): string[] {
  return splitSubstitutions(text).inner;
}

function splitSubstitutions(text: string): { outside: string; inner: string[] } {
  let outside = '';
  const inner: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '$' && text[i + 1] === '(') {
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === '(') depth++;
        else if (text[j] === ')' && --depth === 0) break;
      }
      inner.push(text.slice(i + 2, j));
      i = j + 1;
      continue;
    }
    if (text[i] === '`') {
      const close = text.indexOf('`', i + 1);
      inner.push(text.slice(i + 1, close < 0 ? text.length : close));
      i = close < 0 ? text.length : close + 1;
      continue;
    }
    outside += text[i++];
  }
  return { outside, inner };
}

/** A value computed from a secret in a shell word: the secret, and the expansion that computes it (as written). */
export interface DerivedSecret {
  secret: string;
  expansion: string;
}

// `${NAME…}` operators that give the value itself or another value in its place (default, assign, error, alternative).
const PASS_THROUGH_OPERATOR = /^:?[-=?+]/;
const PRINTERS = new Set(['echo', 'printf', 'cat']);

/**
 * Where a shell word computes a new value from a secret instead of expanding it as it is: a parameter expansion that
 * changes it (`${TOKEN:0:4}`, `${TOKEN#*:}`, `${TOKEN,,}`), or a command substitution that reads it and does more than
 * print it (`$(echo "$TOKEN" | base64)`, `$(vault login -token-only token="$TOKEN")`). GitHub masks a secret only where
 * its exact text appears, so such a value is not masked. `vars` maps variables to the secret they hold.
 */
export function derivedSecret(text: string, vars: ReadonlyMap<string, string>): DerivedSecret | undefined {
  if (!text.includes('$') && !text.includes('`')) return undefined;
  for (const command of commandSubstitutions(text)) {
    const secret = secretInWord(command, vars);
    if (!secret) continue;
    const commands = parseShell(command);
    const [only] = commands;
    const printsIt = commands.length === 1 && !only!.pipesOut && PRINTERS.has(only!.words[0]?.value ?? '');
    if (!printsIt) return { secret, expansion: `$(${command.trim()})` };
  }
  for (const { name, operator } of parameterReferences(outsideSubstitutions(text))) {
    const secret = vars.get(name);
    if (secret && operator !== '' && !PASS_THROUGH_OPERATOR.test(operator) && !operator.startsWith('[')) return { secret, expansion: `\${${name}${operator}}` };
  }
  return undefined;
}

/**
 * Whether a variable or secret name says it holds a credential (`DOCKER_PASSWORD`, `NPM_TOKEN`, `SSH_KEY`,
 * `GOOGLE_CREDENTIALS`), not a name, an address or an id that is only kept among the secrets (`DOCKERIO_ORG`).
 */
export function credentialName(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}

const CREDENTIAL_NAME = /(?:^|[_-])(?:pass(?:word|wd|phrase)?|secret|token|pat|key|credentials?|creds|auth|cert(?:ificate)?|kubeconfig)(?:$|[_-])/i;

/** The body of a heredoc opened by this redirect (`<<EOF` … `EOF`), with its offset in the script. */
export function heredocBody(script: string, redirect: ShellRedirect): { text: string; start: number } | undefined {
  if (!redirect.operator.startsWith('<<') || redirect.operator === '<<<') return undefined;
  const tag = redirect.target.value;
  const lineEnd = script.indexOf('\n', redirect.target.end);
  if (lineEnd < 0) return undefined;
  const start = lineEnd + 1;
  let at = start;
  while (at < script.length) {
    const end = script.indexOf('\n', at);
    const stop = end < 0 ? script.length : end;
    const line = script.slice(at, stop);
    if ((redirect.operator === '<<-' ? line.replace(/^\t+/, '') : line).trim() === tag) break;
    at = stop + 1;
  }
  return { text: script.slice(start, Math.min(at, script.length)), start };
}

/** Whether the command's standard output goes to a file (or is discarded) rather than to the log. */
export function stdoutRedirected(command: ShellCommand): boolean {
  return command.redirects.some(
    ({ operator, target }) => /^1?>[>|]?$/.test(operator) && !/^(\/dev\/(stderr|stdout|tty))$/.test(target.value),
  );
}

/** Where a command writes into `$GITHUB_OUTPUT` or `$GITHUB_ENV` (`>> "$GITHUB_OUTPUT"`, `tee -a $GITHUB_ENV`). */
export function workflowFileTarget(command: ShellCommand): { file: 'GITHUB_OUTPUT' | 'GITHUB_ENV'; word: ShellWord } | undefined {
  for (const { operator, target } of command.redirects) {
    if (!/^1?>>?$/.test(operator)) continue;
    const file = /GITHUB_(OUTPUT|ENV)\b/.exec(target.value)?.[0] as 'GITHUB_OUTPUT' | 'GITHUB_ENV' | undefined;
    if (file) return { file, word: target };
  }
  if (command.words[0]?.value === 'tee') {
    for (const word of command.words.slice(1)) {
      const file = /GITHUB_(OUTPUT|ENV)\b/.exec(word.value)?.[0] as 'GITHUB_OUTPUT' | 'GITHUB_ENV' | undefined;
      if (file) return { file, word };
    }
  }
  return undefined;
}
