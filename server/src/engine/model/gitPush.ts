import { stepCommands } from '../languages/commandLine';
import type { Step } from './workflow';

// Actions that push with the credentials a checkout left in `.git/config`.
const PUSHING_ACTIONS = new Set([
  'stefanzweifel/git-auto-commit-action',
  'endbug/add-and-commit',
  'ad-m/github-push-action',
  'changesets/action',
  'peter-evans/create-pull-request',
  'github-actions-x/commit',
  'planetscale/ghcommit-action',
  'devops-infra/action-commit-push',
  'actions-js/push',
]);
// Programs that commit, tag or push for you through git (release tools, version bumps).
const PUSHING_PROGRAMS = new Set(['semantic-release', 'lerna', 'release-it', 'standard-version', 'changeset', 'bump2version', 'bumpversion', 'cz', 'git-cliff', 'mike', 'ghp-import', 'gh-pages']);
// Words of a script that may commit, tag or push on its own (`./scripts/release.sh`, `make publish`, `git …`).
const PUSHING_SCRIPT = /\b(git|release|publish|deploy|push|tag|commit|version|changelog)\b/i;

/**
 * Whether a step may push with git using the credentials a checkout stored: a pushing action, a local action (it may
 * do anything), a release tool, or a script whose words say it may commit, tag or push. Generous on purpose: a job
 * that may push keeps its credentials (gha/checkout-credentials) and its `contents: write` (gha/permissions).
 */
export function mayPushWithGit(step: Step): boolean {
  if (step.uses !== undefined) return PUSHING_ACTIONS.has(step.action?.id ?? '') || step.action?.local === true;
  if (!step.run) return false;
  if (PUSHING_SCRIPT.test(step.run.value)) return true;
  return stepCommands(step).some(({ program, args }) => PUSHING_PROGRAMS.has(program) || (program === 'npm' && args[0]?.value === 'version') || (program === 'mvn' && args.some((arg) => arg.value.startsWith('release:'))));
}

/** Whether a step after `checkout` in its job may push with the credentials it stored. */
export function pushesAfter(checkout: Step): boolean {
  return checkout.job.steps.slice(checkout.index + 1).some(mayPushWithGit);
}
