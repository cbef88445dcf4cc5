import type { YamlDoc } from '../yaml/yamlFile';
import { stepCommands } from '../languages/commandLine';
import { releaseTriggers, workflowTriggers } from './triggers';
import { jobTextMayMatch, type Step, type Workflow } from './workflow';

// Actions whose job is to create a GitHub release.
const RELEASE_ACTIONS = new Set(['softprops/action-gh-release', 'ncipollo/release-action', 'actions/create-release', 'goreleaser/goreleaser-action']);

/** Whether a step creates a GitHub release: one of the release actions, or `gh release create`. */
export function createsGitHubRelease(step: Step): boolean {
  const id = step.action?.id;
  if (id !== undefined && RELEASE_ACTIONS.has(id)) return true;
  if (!step.run || !/\brelease\s+create\b/.test(step.run.value)) return false;
  return stepCommands(step).some((command) => command.program === 'gh' && command.args[0]?.value === 'release' && command.args[1]?.value === 'create');
}

/**
 * Whether the workflow builds releases: it runs only for releases and tag pushes (and by hand next to those), or only
 * by hand and one of its jobs creates a GitHub release. What such a workflow builds is what gets published.
 * Shaped for `ctx.acrossJobs`.
 */
export function isReleaseWorkflow(workflow: Workflow, yaml: YamlDoc): boolean {
  if (workflow.kind !== 'workflow') return false;
  const triggers = releaseTriggers(workflowTriggers(workflow, yaml));
  if (triggers !== 'manual') return triggers === 'release';
  return workflow.jobs.some((job) => jobTextMayMatch(job, (source) => /release/.test(source)) && job.steps.some(createsGitHubRelease));
}
