import { findExpressions, parseExpression, renderedPaths } from '../languages/expressions';
import { parseShell, type ShellCommand } from '../languages/shell';
import { isMap, mapFields, type YamlDoc } from '../yaml/yamlFile';
import type { FileWrite, JobTaint } from './taint';
import type { Step } from './workflow';

/**
 * What a composite action writes into `$GITHUB_ENV` or `$GITHUB_PATH` is computed from, when it is not a constant: a
 * caller's input, a step's output, a command's output or a variable none of the action's scripts set. Only expansions
 * that can carry a line break into the written line count: in bash and sh those inside quotes (an unquoted one is
 * split into words, so `echo` joins its lines with spaces), in PowerShell any outside single quotes, in cmd any.
 */
export interface ComputedValue {
  /** The expansion as the script writes it: `$(bar)`, `$env:BAR`, `%LIBRARY%`, `${{ inputs.dir }}`. */
  written: string;
  /** What it holds, for a message: "a command's output", "the caller's input 'dir'". */
  what: string;
}

/** Variables the runner sets (or the shell itself), one line each: not the caller's values. */
const RUNNER_VARIABLES = /^(?:GITHUB_\w+|RUNNER_\w+|HOME|PATH|PWD|OLDPWD|USER|TMPDIR|TEMP|TMP|HOSTNAME|RANDOM|SECONDS|LINENO|UID|EUID|PPID|OSTYPE|BASH_VERSION|CI|ImageOS|ImageVersion|AGENT_TOOLSDIRECTORY|USERPROFILE|APPDATA|LOCALAPPDATA|ProgramFiles|ProgramFiles\(x86\)|ProgramData|SystemRoot|SystemDrive|windir|ComSpec|CD|DATE|TIME|ERRORLEVEL)$/i;

/** Commands whose output is one line when their arguments are (a date, a directory, a name, a hash). */
const ONE_LINE_COMMANDS = new Set(['date', 'pwd', 'nproc', 'uname', 'whoami', 'id', 'hostname', 'mktemp', 'arch', 'basename', 'dirname', 'realpath']);

const COMMAND_OUTPUT = "a command's output";
const NOT_SET = "a variable none of the action's scripts set: the caller's, or another action's";

type Variables = Map<string, ComputedValue | null>;

/** What a script of a composite action can read: its step's `env:` and the variables earlier steps wrote to `$GITHUB_ENV`. */
export class ActionValues {
  private readonly stepEnv: Map<string, string | undefined>;
  private commands: ShellCommand[] | undefined;

  constructor(
    private readonly step: Step,
    yaml: YamlDoc,
    private readonly written: ReadonlySet<string>,
  ) {
    this.stepEnv = new Map();
    const env = step.fields.get('env')?.value;
    if (isMap(env)) for (const [name, field] of mapFields(yaml, env)) this.stepEnv.set(name, scalarText(field.value));
  }

  /** What the write is computed from, if anything: undefined for a constant. */
  computed(write: FileWrite, script: string): ComputedValue | undefined {
    switch (this.step.shell.kind) {
      case 'posix':
        return this.posix(write, script);
      case 'pwsh':
        return this.pwsh(write, script);
      case 'cmd':
        return this.cmd(write, script);
      default:
        return undefined;
    }
  }

  /** `${{ }}`: the caller's inputs and event payload, steps' outputs and variables of the caller's environment. */
  expression(inner: string, written: string): ComputedValue | undefined {
    const parsed = parseExpression(inner);
    if (!parsed.ok) return undefined;
    for (const rendered of renderedPaths(parsed.ast)) {
      const [root, ...rest] = rendered.path.split('.');
      const name = String(rendered.segments[1] ?? '');
      if (root === 'inputs') return { written, what: `the caller's input '${name}'` };
      if (root === 'steps') return { written, what: `an output of step '${name}'` };
      if (root === 'github' && rest[0] === 'event' && (rest[1] === 'inputs' || rest[1] === 'client_payload')) return { written, what: "the caller's event payload" };
      if (root === 'env' && rest.length === 1) {
        const found = this.envEntry(name);
        if (found === null) continue;
        if (found === undefined) return { written, what: NOT_SET };
        const value = this.constantOrExpression(found);
        if (value) return { written, what: hop(value) };
      }
    }
    return undefined;
  }

  /** `env.NAME`: the text of the step's `env:` entry; null when the runner or the action sets it; undefined when neither. */
  private envEntry(name: string): string | null | undefined {
    const key = name.toLowerCase();
    if (RUNNER_VARIABLES.test(name) || [...this.written].some((set) => set.toLowerCase() === key)) return null;
    const entry = [...this.stepEnv].find(([set]) => set.toLowerCase() === key);
    return entry ? (entry[1] ?? null) : undefined;
  }

  private constantOrExpression(text: string): ComputedValue | undefined {
    for (const expression of findExpressions(text)) {
      const found = this.expression(expression.inner, text.slice(expression.start, expression.end));
      if (found) return found;
    }
    return undefined;
  }

  /** A variable of the step's environment, read where the script has not set it. */
  private environment(name: string, written: string, ignoreCase: boolean): ComputedValue | undefined {
    if (RUNNER_VARIABLES.test(name) || this.written.has(name) || (ignoreCase && [...this.written].some((set) => set.toLowerCase() === name.toLowerCase()))) return undefined;
    const entry = ignoreCase ? [...this.stepEnv].find(([set]) => set.toLowerCase() === name.toLowerCase()) : this.stepEnv.has(name) ? ([name, this.stepEnv.get(name)] as const) : undefined;
    if (!entry) return { written, what: NOT_SET };
    const value = entry[1] === undefined ? undefined : this.constantOrExpression(entry[1]);
    return value && { written, what: hop(value) };
  }

  // ---------------------------------------------------------------- bash and sh

  private posix(write: FileWrite, script: string): ComputedValue | undefined {
    const variables: Variables = new Map();
    this.commands ??= parseShell(script); // one script a step: parsed once for all its writes
    for (const command of this.commands) {
      const first = command.allWords[0];
      if (!first || first.start > write.start) break;
      if (first.start === write.start) {
        const args = command.words.slice(1);
        return args.length === 0 ? undefined : this.posixText(script.slice(args[0]!.start, args[args.length - 1]!.end), true, variables);
      }
      this.posixAssignments(command, script, variables);
    }
    return undefined;
  }

  /** Records what the command sets: `X=...` (before the program, or after `export`, `local` ...), `read X`, `for X in`. */
  private posixAssignments(command: ShellCommand, script: string, variables: Variables): void {
    const program = command.words[0]?.value;
    const set = (name: string, value: ComputedValue | null) => {
      if (!variables.get(name)) variables.set(name, value); // a variable that may hold a computed value keeps it
    };
    // `for` splits its words and `read` reads one line: neither puts a line break in the variable.
    if (program === 'for' && command.words[1]) set(command.words[1].value, null);
    if (program === 'read') {
      const delimited = command.words.some((word) => /^-\w*d/.test(word.value));
      for (const word of command.words.slice(1)) {
        if (/^[A-Za-z_]\w*$/.test(word.value)) set(word.value, delimited ? { written: `$${word.value}`, what: 'text read from a file or command' } : null);
      }
    }
    const declares = program !== undefined && ['export', 'local', 'declare', 'readonly', 'typeset'].includes(program);
    const words = command.words.length === 0 || declares ? command.allWords : command.allWords.slice(0, command.allWords.indexOf(command.words[0]!));
    for (const word of words) {
      const match = /^([A-Za-z_]\w*)\+?=/.exec(word.value);
      if (!match) continue;
      const name = match[1]!;
      // Read before it is first set (`[ -z "$X" ] && X=...`): the environment's value may be the one kept.
      if (!variables.has(name) && new RegExp(`\\$\\{?${name}\\b`).test(script.slice(0, word.start))) variables.set(name, this.environment(name, `$${name}`, false) ?? null);
      const raw = script.slice(word.start, word.end);
      const value = this.posixText(raw.slice(raw.indexOf('=') + 1), false, variables);
      set(name, value ? { written: `$${name}`, what: hop(value) } : null);
    }
  }

  /**
   * The first expansion of shell text (as written) that can carry a line break: `split` for a command's arguments,
   * whose unquoted expansions are split into words; an assignment's value is not split.
   */
  private posixText(text: string, split: boolean, variables: Variables): ComputedValue | undefined {
    let quote: '' | "'" | '"' = '';
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (quote === "'") {
        if (ch === "'") quote = '';
        else if (text.startsWith('${{', i)) {
          const found = this.pasted(text, i);
          if (found.value) return found.value;
          i = found.end - 1;
        }
        continue;
      }
      if (ch === '\\') {
        i++;
        continue;
      }
      if (ch === "'" && quote === '') quote = "'";
      else if (ch === '"') quote = quote === '"' ? '' : '"';
      else if (ch === '$' || ch === '`') {
        const counts = quote === '"' || !split;
        if (text.startsWith('${{', i)) {
          const found = this.pasted(text, i);
          if (found.value && quote !== '') return found.value;
          i = found.end - 1;
          continue;
        }
        const expansion = this.posixExpansion(text, i, variables);
        if (expansion.value && counts) return expansion.value;
        i = expansion.end - 1;
      }
    }
    return undefined;
  }

  /** The `$...` or backquoted expansion at `i`: what it is computed from (undefined for a constant), and where it ends. */
  private posixExpansion(text: string, i: number, variables: Variables): { value: ComputedValue | undefined; end: number } {
    if (text[i] === '`') {
      const close = text.indexOf('`', i + 1);
      const end = close < 0 ? text.length : close + 1;
      return { value: this.substitution(text.slice(i + 1, end - 1), text.slice(i, end), variables), end };
    }
    if (text.startsWith('$((', i)) return { value: undefined, end: balanced(text, i + 1) }; // arithmetic: a number
    if (text[i + 1] === '(') {
      const end = balanced(text, i + 1);
      return { value: this.substitution(text.slice(i + 2, end - 1), text.slice(i, end), variables), end };
    }
    if (text[i + 1] === '{') {
      const end = balanced(text, i + 1);
      const inner = text.slice(i + 2, end - 1);
      const written = text.slice(i, end);
      if (inner.startsWith('#')) return { value: undefined, end }; // a length
      if (inner.startsWith('!')) return { value: { written, what: 'a variable named by another' }, end };
      const name = /^[A-Za-z_]\w*/.exec(inner)?.[0];
      if (!name) return { value: undefined, end };
      const value = this.posixVariable(name, written, variables) ?? this.posixText(inner.slice(name.length), false, variables);
      return { value, end };
    }
    const name = /^[A-Za-z_]\w*/.exec(text.slice(i + 1))?.[0];
    if (!name) return { value: undefined, end: i + 1 };
    return { value: this.posixVariable(name, `$${name}`, variables), end: i + 1 + name.length };
  }

  private posixVariable(name: string, written: string, variables: Variables): ComputedValue | undefined {
    if (variables.has(name)) {
      const value = variables.get(name);
      return value ? { written, what: value.what } : undefined;
    }
    return this.environment(name, written, false);
  }

  /** `$(command)`: computed, unless a command whose output is one line is given arguments that are. */
  private substitution(inner: string, written: string, variables: Variables): ComputedValue | undefined {
    const commands = parseShell(inner);
    const command = commands[0];
    const program = command?.words[0]?.value;
    const oneLine = commands.length === 1 && !command!.pipesOut && program !== undefined && (ONE_LINE_COMMANDS.has(program) || (program === 'git' && command!.words[1]?.value === 'rev-parse'));
    if (oneLine && !this.posixText(inner.slice(command!.words[0]!.end), true, variables)) return undefined;
    return { written, what: COMMAND_OUTPUT };
  }

  /** A `${{ }}` at `i`: pasted into the script before the shell runs. */
  private pasted(text: string, i: number): { value: ComputedValue | undefined; end: number } {
    const expression = findExpressions(text.slice(i))[0];
    if (!expression || expression.start !== 0) return { value: undefined, end: i + 3 };
    return { value: this.expression(expression.inner, text.slice(i, i + expression.end)), end: i + expression.end };
  }

  // ---------------------------------------------------------------- PowerShell

  private pwsh(write: FileWrite, script: string): ComputedValue | undefined {
    const variables: Variables = new Map();
    let offset = 0;
    for (const line of script.slice(0, write.start).split('\n')) {
      offset += line.length + 1;
      const assignment = /^\s*\$([A-Za-z_]\w*)\s*=(.*)$/.exec(line);
      if (!assignment || /^(?:env|global|script|using):/i.test(assignment[1]!)) continue;
      const value = this.pwshValue(assignment[2]!.trim(), variables);
      const name = assignment[1]!.toLowerCase();
      if (!variables.get(name)) variables.set(name, value ? { written: `$${assignment[1]}`, what: hop(value) } : null);
    }
    const line = script.slice(write.start, write.end).replace(/\$\{?env:GITHUB_(?:ENV|PATH)\}?/gi, '');
    return this.pwshText(line, variables);
  }

  /** An assignment's value: a literal, a string or a variable are read; anything else runs a command. */
  private pwshValue(value: string, variables: Variables): ComputedValue | undefined {
    if (/^(?:'[^']*'|-?[\d.]+|\$(?:true|false|null))$/i.test(value)) return undefined;
    if (/^(?:"[^"]*"|\$\{?(?:env:)?\w+\}?)$/i.test(value)) return this.pwshText(value, variables);
    return { written: value, what: COMMAND_OUTPUT };
  }

  /** The first expansion outside single quotes: PowerShell does not split a variable's text into words. */
  private pwshText(text: string, variables: Variables): ComputedValue | undefined {
    let single = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (text.startsWith('${{', i)) {
        const found = this.pasted(text, i);
        if (found.value) return found.value;
        i = found.end - 1;
        continue;
      }
      if (single) {
        if (ch === "'") single = false;
        continue;
      }
      if (ch === '`') i++;
      else if (ch === "'") single = true;
      else if (ch === '$') {
        if (text[i + 1] === '(') {
          const end = balanced(text, i + 1);
          return { written: text.slice(i, end), what: COMMAND_OUTPUT };
        }
        const braced = text[i + 1] === '{';
        const reference = (braced ? /^\{([^}]*)\}/ : /^((?:env:)?[A-Za-z_]\w*)/i).exec(text.slice(i + 1));
        if (!reference) continue;
        const written = `$${reference[0]}`;
        i += reference[0].length;
        const env = /^env:(.+)$/i.exec(reference[1]!);
        const found = env ? this.environment(env[1]!, written, true) : this.pwshVariable(reference[1]!, written, variables);
        if (found) return found;
      }
    }
    return undefined;
  }

  private pwshVariable(name: string, written: string, variables: Variables): ComputedValue | undefined {
    const key = name.toLowerCase();
    if (variables.has(key)) {
      const value = variables.get(key);
      return value ? { written, what: value.what } : undefined;
    }
    if (/^(?:true|false|null|home|pwd|psscriptroot|pid|lastexitcode)$/.test(key)) return undefined;
    // Set where the script is not read line by line here: a loop, a pipeline (`$_`), `$matches`.
    return { written, what: 'a value the script computes' };
  }

  // ---------------------------------------------------------------- cmd

  private cmd(write: FileWrite, script: string): ComputedValue | undefined {
    const variables: Variables = new Map();
    for (const line of script.slice(0, write.start).split('\n')) {
      const set = /^\s*@?set\s+(\/[ap]\s+)?"?([A-Za-z_][\w.-]*)=([^"\r]*)/i.exec(line);
      if (!set) continue;
      const name = set[2]!.toLowerCase();
      const option = set[1]?.trim().toLowerCase();
      const value = option === '/a' ? undefined : option === '/p' ? { written: `%${set[2]}%`, what: 'text read at run time' } : this.cmdText(set[3]!, variables);
      if (!variables.get(name)) variables.set(name, value ? { written: `%${set[2]}%`, what: hop(value) } : null);
    }
    return this.cmdText(script.slice(write.start, write.end).replace(/%GITHUB_(?:ENV|PATH)%/gi, ''), variables);
  }

  /** `%NAME%` and `!NAME!` (a `for` loop's `%%i`, `%~dp0` and the like are paths and lines: not followed). */
  private cmdText(text: string, variables: Variables): ComputedValue | undefined {
    for (const match of text.matchAll(/\$\{\{|%([A-Za-z_][\w.-]*)%|!([A-Za-z_][\w.-]*)!/g)) {
      if (match[0] === '${{') {
        const found = this.pasted(text, match.index);
        if (found.value) return found.value;
        continue;
      }
      const name = (match[1] ?? match[2])!;
      const key = name.toLowerCase();
      if (variables.has(key)) {
        const value = variables.get(key);
        if (value) return { written: match[0], what: value.what };
        continue;
      }
      const found = this.environment(name, match[0], true);
      if (found) return found;
    }
    return undefined;
  }
}

/** The names a step writes into `$GITHUB_ENV` (`NAME=...`, `NAME<<...`): set by the action for its later steps. */
export function namesWritten(taint: JobTaint, step: Step): string[] {
  const names: string[] = [];
  for (const write of taint.writes(step)) {
    if (write.file !== 'GITHUB_ENV') continue;
    const name = envLineName(write, step.run!.value) ?? /^([A-Za-z_]\w*)<</.exec(write.text.trim())?.[1];
    if (name) names.push(name);
  }
  return names;
}

/** The `NAME` of a one-line `NAME=value` write into `$GITHUB_ENV` (PowerShell's `-Value "NAME=..."` too). */
export function envLineName(write: FileWrite, script: string): string | undefined {
  return /^([A-Za-z_]\w*)=/.exec(write.text.trim())?.[1] ?? /-Value\s+["']?([A-Za-z_]\w*)=/i.exec(script.slice(write.start, write.end))?.[1];
}

function hop(value: ComputedValue): string {
  return value.what.startsWith('set from ') ? value.what : `set from '${value.written}', ${value.what}`;
}

function scalarText(node: unknown): string | undefined {
  const value = (node as { value?: unknown } | null)?.value;
  return typeof value === 'string' ? value : undefined;
}

/** From an opening bracket, the offset just past its match (quotes inside a `$( )` respected). */
function balanced(text: string, open: number): number {
  const opener = text[open]!;
  const closer = opener === '(' ? ')' : '}';
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') i++;
    else if (ch === "'" && opener === '(') {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return text.length;
      i = close;
    } else if (ch === opener) depth++;
    else if (ch === closer && --depth === 0) return i + 1;
  }
  return text.length;
}
