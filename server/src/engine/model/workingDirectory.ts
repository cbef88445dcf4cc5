import type { Step } from './workflow';
import { stepCommands, type ResolvedCommand } from '../languages/commandLine';
import { isMap, scalarToString } from '../yaml/yamlFile';

/**
 * The folder a step's `run:` starts in, from the workspace root (`''` for the root itself, `web/app`): its own
 * `working-directory`, else the job's `defaults.run.working-directory`, else the workflow's. Undefined when it cannot
 * be known from the text (an expression, an absolute path, `..`).
 */
export function workingDirectory(step: Step): string | undefined {
  const own = step.fields.get('working-directory');
  if (own) return literalDirectory(scalarToString(own.value));
  for (const fields of [step.job.fields, step.job.workflow.fields]) {
    const defaults = fields.get('defaults')?.value;
    if (!isMap(defaults)) continue;
    const run = defaults.items.find((pair) => scalarToString(pair.key) === 'run')?.value;
    if (!isMap(run)) continue;
    const dir = run.items.find((pair) => scalarToString(pair.key) === 'working-directory');
    if (dir) return literalDirectory(scalarToString(dir.value));
  }
  return '';
}

function literalDirectory(dir: string | undefined): string | undefined {
  if (dir === undefined || !isLiteralPath(dir)) return undefined;
  return joinPath('', dir);
}

/** Whether a path means the same folder wherever the step runs: relative, with no expansion, glob or `..`. */
export function isLiteralPath(path: string): boolean {
  return !/[$`*?{}~]/.test(path) && !path.startsWith('/') && !path.split('/').includes('..');
}

/** `base` and `relative` joined, without `.` or empty segments (`joinPath('', './web/')` is `web`). */
export function joinPath(base: string, relative: string): string {
  const parts = [...base.split('/'), ...relative.split('/')].filter((part) => part !== '' && part !== '.');
  return parts.join('/');
}

/** A command of a step's script with the folder it runs in, from the workspace root (undefined when unknown). */
export interface PlacedCommand {
  command: ResolvedCommand;
  directory: string | undefined;
}

/**
 * The commands of a step's script with the folder each runs in: `start` (usually the step's `workingDirectory`), then where
 * each `cd <folder>` before it leads; unknown from a `cd` the text cannot follow (no folder, an option, `-`, a
 * variable, `..`) on. The `cd` commands themselves are left out.
 */
export function placedCommands(step: Step, start: string | undefined): PlacedCommand[] {
  const placed: PlacedCommand[] = [];
  let directory = start;
  for (const command of stepCommands(step)) {
    if (command.program !== 'cd') placed.push({ command, directory });
    else {
      const target = command.args.length === 1 ? command.args[0]!.value : undefined;
      directory = target === undefined || target.startsWith('-') ? undefined : folderUnder(directory, target);
    }
  }
  return placed;
}

/** A folder a command names relative to the one it runs in (`cd web`, `--prefix web`); undefined when either is unknown. */
export function folderUnder(directory: string | undefined, relative: string): string | undefined {
  return directory !== undefined && isLiteralPath(relative) ? joinPath(directory, relative) : undefined;
}
