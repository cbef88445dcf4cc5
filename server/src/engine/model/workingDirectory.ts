import type { Step } from './workflow';
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
