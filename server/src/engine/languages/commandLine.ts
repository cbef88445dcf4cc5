import type { Step } from '../model/workflow';
import { runsCommands, type ShellKind } from '../model/stepShell';
import { parseShell, type ShellCommand, type ShellWord } from './shell';

/** A command with its launchers peeled off: `npx nyc check-coverage` → program `nyc`, args `check-coverage`. */
export interface ResolvedCommand {
  /** The program's base name (`/usr/bin/kubectl` → `kubectl`). */
  program: string;
  programWord: ShellWord;
  args: ShellWord[];
  /** The launchers peeled off, by base name, outermost first (`timeout 5m npx jest` → timeout, npx). */
  launchers: string[];
  /** The command it was read from (for `bash -c '…'`, the command inside, its offsets into the step's script). */
  command: ShellCommand;
}

/** A launcher that runs the command after its own options: which of those take a value, and what else it reads first. */
interface Launcher {
  valueOptions: ReadonlySet<string>;
  /** Reads `VAR=value` words before the command (`env`, `sudo`). */
  assignments?: boolean;
  /** Plain words it reads before the command (`timeout`'s duration). */
  operands?: number;
}

const launcher = (valueOptions: string[], extra: Omit<Launcher, 'valueOptions'> = {}): Launcher => ({ valueOptions: new Set(valueOptions), ...extra });
const PACKAGE_RUNNER = launcher(['-p', '--package']);

const LAUNCHERS: ReadonlyMap<string, Launcher> = new Map([
  ['npx', PACKAGE_RUNNER],
  ['bunx', PACKAGE_RUNNER],
  ['pnpx', PACKAGE_RUNNER],
  ['env', launcher(['-u', '--unset', '-C', '--chdir', '-S', '--split-string'], { assignments: true })],
  ['sudo', launcher(['-u', '--user', '-g', '--group', '-C', '--close-from', '-D', '--chdir', '-h', '--host', '-p', '--prompt', '-r', '--role', '-t', '--type', '-U', '--other-user', '-T', '--command-timeout'], { assignments: true })],
  ['time', launcher(['-f', '--format', '-o', '--output'])],
  ['timeout', launcher(['-s', '--signal', '-k', '--kill-after'], { operands: 1 })],
  ['nice', launcher(['-n', '--adjustment'])],
  ['nohup', launcher([])],
  ['xvfb-run', launcher(['-n', '--server-num', '-s', '--server-args', '-e', '--error-file', '-f', '--auth-file', '-p', '--xauth-protocol', '-w', '--wait'])],
  ['stdbuf', launcher(['-i', '-o', '-e'])],
  ['dotenv', launcher(['-e', '-c', '-v', '-p'])],
]);
// Words the parser treats as shell syntax before a command (`if`, `!`, `exec`), skipped like assignments.
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', '}', 'exec', 'command']);
// `<tool> run|exec|dlx <program>` launchers; `npm run`, `pnpm run`, `yarn run` and `bun run` run package scripts instead.
const RUNNERS = new Set(['poetry', 'pipenv', 'uv', 'hatch', 'pdm', 'rye', 'pnpm', 'yarn', 'bundle', 'npm', 'bun', 'pipx']);
// `pipx run twine==6.1.0`: the package may carry a version, which is not part of the program's name.
const VERSIONED_RUNNERS = new Set(['pipx']);
const PACKAGE_SCRIPTS = new Set(['npm', 'pnpm', 'yarn', 'bun']);
// `python -m pytest` and friends.
const PYTHON = /^python(\d(\.\d+)?)?$|^py$/;
// Shells whose `-c` argument is a script: its commands are what runs.
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

function baseName(word: string): string {
  const slash = word.lastIndexOf('/');
  return slash >= 0 ? word.slice(slash + 1) : word;
}

/**
 * What one parsed command runs, launchers peeled off (`xvfb-run`, `env A=1`, `npx`, `sudo -E`, `time`, `timeout 5m`,
 * `nice -n 5`, `nohup`, `pnpm exec`, `uv run`, `python -m`); `bash -c 'a && b'` runs the commands of its script.
 * `script` is the text the command was parsed from: it maps the offsets of a `-c` script's words back into it.
 */
export function resolveCommands(command: ShellCommand, script: string, depth = 0, outer: readonly string[] = []): ResolvedCommand[] {
  const words = command.allWords;
  const launchers = [...outer];
  let i = 0;
  while (i < words.length && (KEYWORDS.has(words[i]!.value) || ASSIGNMENT.test(words[i]!.value))) i++;
  for (let guard = 0; guard < 8 && i < words.length; guard++) {
    const name = baseName(words[i]!.value);
    const peeled = LAUNCHERS.get(name);
    if (peeled) {
      launchers.push(name);
      i = afterLauncher(words, i + 1, peeled);
      continue;
    }
    const sub = words[i + 1]?.value;
    if (RUNNERS.has(name) && (sub === 'run' || sub === 'exec' || sub === 'dlx')) {
      if (PACKAGE_SCRIPTS.has(name) && sub === 'run') break;
      launchers.push(name);
      i += 2;
      while (i < words.length && words[i]!.value.startsWith('-')) i++;
      continue;
    }
    if (PYTHON.test(name) && sub === '-m' && words[i + 2]) {
      launchers.push(name);
      i += 2;
      break;
    }
    if (SHELLS.has(name) && depth < 2) {
      const inner = commandString(words, i + 1);
      const base = inner && scriptStart(inner, script);
      if (inner && base !== undefined) return parseShell(inner.value).flatMap((parsed) => resolveCommands(shifted(parsed, base), script, depth + 1, [...launchers, name]));
    }
    break;
  }
  const programWord = words[i];
  if (!programWord) return [];
  const program = VERSIONED_RUNNERS.has(launchers[launchers.length - 1] ?? '') ? beforeVersion(baseName(programWord.value)) : baseName(programWord.value);
  return [{ program, programWord, args: words.slice(i + 1), launchers, command }];
}

/** The first word of the command a launcher runs, after the launcher's options and operands (`words[from]` follows its name). */
function afterLauncher(words: ShellWord[], from: number, { valueOptions, assignments, operands = 0 }: Launcher): number {
  let i = from;
  while (i < words.length) {
    const value = words[i]!.value;
    if (value === '--') return i + 1;
    if (valueOptions.has(value)) i += 2;
    else if (value.startsWith('-') || (assignments && ASSIGNMENT.test(value))) i++;
    else break;
  }
  return Math.min(i + operands, words.length);
}

/** The script word of `sh [options] -c 'script'` (`-c` may be grouped: `-ec`, `-xec`); undefined when there is none. */
function commandString(words: ShellWord[], from: number): ShellWord | undefined {
  let takesScript = false;
  for (let i = from; i < words.length; i++) {
    const value = words[i]!.value;
    if (value === '-o' || value === '+o') i++;
    else if (/^--[a-z-]+$/.test(value)) continue;
    else if (/^[-+][A-Za-z]+$/.test(value)) takesScript ||= value.startsWith('-') && value.includes('c');
    else return takesScript ? words[i] : undefined;
  }
  return undefined;
}

/**
 * Where the text of a `-c` script starts in `script`: it must be the word as written, or quoted whole without escapes,
 * so that offsets inside it are offsets into the step's script (findings and fixes point at them); undefined otherwise.
 */
function scriptStart(word: ShellWord, script: string): number | undefined {
  const raw = script.slice(word.start, word.end);
  if (raw === word.value) return word.start;
  const quoted = raw.length === word.value.length + 2 && (raw[0] === "'" || raw[0] === '"') && raw.endsWith(raw[0]) && raw.slice(1, -1) === word.value;
  return quoted ? word.start + 1 : undefined;
}

/** A command parsed from a `-c` script starting at `base`, its offsets moved into the step's script. */
function shifted(command: ShellCommand, base: number): ShellCommand {
  const moved = new Map<ShellWord, ShellWord>(command.allWords.map((word) => [word, { value: word.value, start: word.start + base, end: word.end + base }]));
  const move = (word: ShellWord): ShellWord => moved.get(word) ?? { value: word.value, start: word.start + base, end: word.end + base };
  return {
    words: command.words.map(move),
    allWords: command.allWords.map(move),
    redirects: command.redirects.map((redirect) => ({ operator: redirect.operator, target: move(redirect.target) })),
    pipesOut: command.pipesOut,
  };
}

/** Every command of a script, launchers peeled off. */
export function scriptCommands(script: string): ResolvedCommand[] {
  return parseShell(script).flatMap((command) => resolveCommands(command, script));
}

/** Every command of a step's script, launchers peeled off; empty for scripts that are not command lines (`shell: python`). */
export function stepCommands(step: Step): ResolvedCommand[] {
  if (!step.run || !runsCommands(step.shell)) return [];
  return scriptCommands(joinContinuations(step.run.value, step.shell.kind));
}

// The line continuations of PowerShell (a backtick) and cmd (a caret) at the end of a line, with the line break: the
// POSIX reading would take them for a command substitution or a word, and split the command in two.
const CONTINUATION: Partial<Record<ShellKind, RegExp>> = { pwsh: /`\r?\n/g, cmd: /\^\r?\n/g };

/** The script with each continuation turned into spaces: one command line, at the same offsets. */
function joinContinuations(script: string, kind: ShellKind): string {
  const continuation = CONTINUATION[kind];
  return continuation ? script.replace(continuation, (match) => ' '.repeat(match.length)) : script;
}

/** The value of `--flag value` or `--flag=value` among args, with the word holding the value. */
export function optionValue(args: ShellWord[], names: readonly string[]): { value: string; word: ShellWord; flag: ShellWord } | undefined {
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    for (const name of names) {
      if (word.value === name && args[i + 1]) return { value: args[i + 1]!.value, word: args[i + 1]!, flag: word };
      if (word.value.startsWith(`${name}=`)) return { value: word.value.slice(name.length + 1), word, flag: word };
    }
  }
  return undefined;
}

/** A package name without the version a runner pins (\`black==24.1\`, \`eslint@9\`). */
function beforeVersion(word: string): string {
  const cut = word.search(/[=<>!~@]/);
  return cut < 0 ? word : word.slice(0, cut);
}
