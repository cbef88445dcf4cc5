import { scriptCommands } from '../languages/commandLine';
import { scalarToString } from '../yaml/yamlFile';
import { runsCommands } from './stepShell';
import type { Step } from './workflow';

/**
 * What privileged workflows (`pull_request_target`, `workflow_run`) do with code a pull request's author controls,
 * asked by the rules that report running it.
 */

// A guard that lets only branches of this repository (pushed by people with write access) through.
const SAME_REPO_GUARD = /pull_request\.user\.login\s*==\s*'dependabot\[bot\]'|head\.repo\.full_name\s*==\s*github\.repository\b|github\.repository\s*==\s*github\.event\.pull_request\.head\.repo\.full_name|head\.repo\.fork\s*==\s*false|!\s*github\.event\.pull_request\.head\.repo\.fork\b/;

/** Programs that only read files or talk to git and GitHub: run after untrusted files arrive, they execute none of them. */
export const INERT_PROGRAMS: ReadonlySet<string> = new Set(['git', 'echo', 'printf', 'cat', 'ls', 'diff', 'test', '[', '[[', 'grep', 'jq', 'wc', 'head', 'tail', 'exit', 'cd', 'then', 'fi', 'else', 'done', 'true', 'false']);
const HARMLESS_ACTIONS = new Set(['actions/github-script', 'actions/upload-artifact', 'actions/checkout']);

/** Whether the step's job or the step itself only runs for branches of this repository (or Dependabot's). */
export function guardedToSameRepository(step: Step): boolean {
  return [step.job.fields.get('if')?.value, step.fields.get('if')?.value].some((node) => SAME_REPO_GUARD.test(scalarToString(node) ?? ''));
}

/** A step that cannot execute files of a checkout: only git and text commands, or an action that just reads. */
export function runsNoCheckedOutCode(step: Step): boolean {
  if (step.uses !== undefined) return HARMLESS_ACTIONS.has(step.action?.id ?? '');
  if (!step.run) return true;
  return runsCommands(step.shell) && scriptCommands(step.run.value).every((command) => INERT_PROGRAMS.has(command.program));
}
