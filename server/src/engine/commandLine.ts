import type { Step } from './model/workflow';
import { parseShell, type ShellCommand, type ShellWord } from './shell';
import { scalarToString } from './yamlFile';

/** A command with its launchers peeled off: `npx nyc check-coverage` → program `nyc`, args `check-coverage`. */
export interface ResolvedCommand {
  /** The program's base name (`/usr/bin/kubectl` → `kubectl`). */
  program: string;
  programWord: ShellWord;
  args: ShellWord[];
  command: ShellCommand;
}

// Launchers that run the next word as the program (their own options come first).
const LAUNCHERS = new Set(['npx', 'bunx', 'pnpx', 'env', 'nice', 'nohup', 'xvfb-run', 'stdbuf', 'dotenv']);
// `<tool> run|exec <program>` launchers.
const RUNNERS = new Set(['poetry', 'pipenv', 'uv', 'hatch', 'pdm', 'rye', 'pnpm', 'yarn', 'bundle', 'npm', 'bun']);
// `python -m pytest` and friends.
const PYTHON = /^python(\d(\.\d+)?)?$|^py$/;

function baseName(word: string): string {
  const slash = word.lastIndexOf('/');
  return slash >= 0 ? word.slice(slash + 1) : word;
}

/** Shells whose scripts are not shell commands. */
const NON_SHELL = /^(python|node|perl|ruby)\b/;

export function runsShell(step: Step): boolean {
  return !NON_SHELL.test(scalarToString(step.fields.get('shell')?.value) ?? '');
}

export function resolveCommand(command: ShellCommand): ResolvedCommand | undefined {
  const words = command.words;
  let i = 0;
  for (let guard = 0; guard < 8 && i < words.length; guard++) {
    const name = baseName(words[i]!.value);
    if (LAUNCHERS.has(name)) {
      i++;
      while (i < words.length && (words[i]!.value.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!.value))) i++;
      continue;
    }
    if (RUNNERS.has(name) && (words[i + 1]?.value === 'run' || words[i + 1]?.value === 'exec' || words[i + 1]?.value === 'dlx')) {
      // `npm run x` / `yarn run x` run package scripts, not programs: only `exec` is a program for npm.
      if ((name === 'npm' || name === 'yarn' || name === 'bun') && words[i + 1]!.value === 'run') break;
      i += 2;
      while (i < words.length && words[i]!.value.startsWith('-')) i++;
      continue;
    }
    if (PYTHON.test(name) && words[i + 1]?.value === '-m' && words[i + 2]) {
      i += 2;
      break;
    }
    break;
  }
  const programWord = words[i];
  if (!programWord) return undefined;
  return { program: baseName(programWord.value), programWord, args: words.slice(i + 1), command };
}

/** Every command of a step's script, launchers peeled off; empty for non-shell scripts. */
export function stepCommands(step: Step): ResolvedCommand[] {
  if (!step.run || !runsShell(step)) return [];
  return parseShell(step.run.value).flatMap((command) => resolveCommand(command) ?? []);
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
