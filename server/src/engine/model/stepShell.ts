import { parseShell } from '../languages/shell';
import { isMap, isSeq, type Node, scalarToString, type YAMLMap } from '../yaml/yamlFile';

/**
 * What a `run:` script is written in, as far as rules care:
 * - `posix`: sh, bash, zsh, dash, ksh (quoting, `$VAR`, heredocs);
 * - `pwsh`: pwsh, powershell (`$env:VAR`);
 * - `cmd`: Windows cmd (`%VAR%`, expanded before the line is parsed);
 * - `other`: python, node, perl, an expression, any custom shell: its script is not a command line.
 */
export type ShellKind = 'posix' | 'pwsh' | 'cmd' | 'other';

/** A step's effective shell and where it was decided. */
export interface StepShell {
  /** As written (`bash`, `pwsh`, `python {0}`), or the runner's default (`bash` / `pwsh`). */
  name: string;
  kind: ShellKind;
  /**
   * `step` / `job` / `workflow`: its `shell:` or a `defaults: run: shell:`; `runner`: the default of the runner's OS;
   * `missing`: a composite action's step without `shell:` (the runner rejects it), checked as bash.
   */
  from: 'step' | 'job' | 'workflow' | 'runner' | 'missing';
}

const POSIX = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash']);
const PWSH = new Set(['pwsh', 'powershell']);

/**
 * The kind of a `shell:` value: the first shell it names decides, through launchers and command strings
 * (`/bin/bash -e {0}`, `xvfb-run bash {0}`, `script -q -e -c "bash -eo pipefail {0}"` are posix; `python {0}` is other).
 */
export function shellKind(shell: string, depth = 0): ShellKind {
  // A quoted word holding a command (`"bash -e"`) is read again, once or twice; no real shell line nests deeper.
  if (shell.includes('${{') || depth > 2) return 'other';
  for (const word of parseShell(shell)[0]?.allWords ?? []) {
    if (word.value === '{0}') break;
    const program = word.value.replace(/^.*[/\\]/, '').replace(/\.exe$/i, '').toLowerCase();
    if (POSIX.has(program)) return 'posix';
    if (PWSH.has(program)) return 'pwsh';
    if (program === 'cmd') return 'cmd';
    if (/\s/.test(word.value.trim())) return shellKind(word.value, depth + 1);
  }
  return 'other';
}

/** Whether a script in this shell is a list of command lines (programs and arguments) that rules can read. */
export function runsCommands(shell: StepShell): boolean {
  return shell.kind !== 'other';
}

/** The `defaults: run: shell:` of a workflow's or job's fields, as written. */
export function defaultShell(defaults: Node | undefined): string | undefined {
  const run = isMap(defaults) ? entry(defaults, 'run') : undefined;
  return isMap(run) ? scalarToString(entry(run, 'shell')) : undefined;
}

function entry(map: YAMLMap, key: string): Node | undefined {
  const pair = map.items.find((item) => scalarToString(item.key) === key);
  return (pair?.value ?? undefined) as Node | undefined;
}

/**
 * Whether `runs-on:` names a Windows runner: a `windows-*` label, in a list or a `{ group, labels }` map too. A value
 * only known when the job runs (`${{ matrix.os }}`) counts as not Windows: the runner default is then bash.
 */
export function runsOnWindows(runsOn: Node | undefined): boolean {
  if (isMap(runsOn)) return runsOnWindows(entry(runsOn, 'labels'));
  const labels = isSeq(runsOn) ? runsOn.items.map((item) => scalarToString(item)) : [scalarToString(runsOn)];
  return labels.some((label) => label !== undefined && !label.includes('${{') && /windows/i.test(label));
}

/**
 * Whether a step's `if:` lets it run only on Windows (`runner.os == 'Windows'`, not inside an `||` or a negation): in a
 * job whose runner is known only at run time (`${{ matrix.os }}`), such a step on the runner's default shell runs
 * PowerShell.
 */
export function onlyOnWindows(condition: string | undefined): boolean {
  return condition !== undefined && !condition.includes('||') && !condition.includes('!') && /runner\.os\s*==\s*'windows'/i.test(condition);
}

/** A shell decided by a `shell:` value (the step's, or a default) or by the runner's OS. */
export function resolveShell(written: string | undefined, from: StepShell['from'], windows: boolean): StepShell {
  if (written !== undefined) return { name: written, kind: shellKind(written), from };
  return windows ? { name: 'pwsh', kind: 'pwsh', from: 'runner' } : { name: 'bash', kind: 'posix', from: 'runner' };
}
