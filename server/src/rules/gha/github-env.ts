import { defineRule } from '../../engine/core/rule';
import { JOB_OUTPUT_TAINTS, jobTaint, type Taint, taintChain } from '../../engine/model/taint';
import { mayRunPrivileged, workflowTriggers } from '../../engine/model/triggers';

export default defineRule({
  id: 'gha/github-env',
  presets: { recommended: 'off', strict: 'error' },
  dora: ['change-failure-rate'],
  capabilities: ['shift-left-security'],
  fixable: false,
  messages: {
    env: (origin: string, chain: string) =>
      `This writes '${origin}', text that whoever opens an issue, pull request or branch chooses${chain}, into '$GITHUB_ENV': a line break in it sets any variable for every later step of the job, such as 'LD_PRELOAD', 'NODE_OPTIONS' or 'BASH_ENV', and those run the attacker's code. Keep the text in a step's 'env:' instead.`,
    path: (origin: string, chain: string) =>
      `This writes '${origin}', text that whoever opens an issue, pull request or branch chooses${chain}, into '$GITHUB_PATH': the directory it names comes first in 'PATH' for every later step, so 'git', 'node' or 'bash' can be a program the attacker put there. Add only directories you chose.`,
  },
  docs: {
    summary: 'Never write untrusted text (issue and pull request titles, branch names, comments) into `$GITHUB_ENV` or `$GITHUB_PATH`.',
    rationale:
      'Every later step of the job starts with the variables written to `$GITHUB_ENV` and the directories written to `$GITHUB_PATH`. If the text comes from an issue, a pull request title or body, a comment or a branch name, the attacker writes `LD_PRELOAD=/tmp/evil.so`, `NODE_OPTIONS=--require=/tmp/evil.js` or `BASH_ENV=/tmp/evil.sh` (one line break is enough), or puts their directory first in `PATH`, and the next step runs their code with the job\'s token and secrets. ' +
      'The rule follows the text from the event through `env:` entries, step and job outputs and shell variables assigned from it (`message=$(echo "$TITLE" | …)`), and reports writes with `>>`, `>` or `tee` in bash and sh, `>>`, `Out-File` and `Add-Content` in PowerShell and `>>` in cmd. Constants, `github.sha`, and values the script computes without untrusted input are not reported, nor are free-text inputs of `workflow_dispatch` (chosen by people who can already change the workflow). ' +
      'It is an error when the workflow may run on an event that hands a stranger\'s text to a job with secrets and a writable token (`pull_request_target`, `issues`, `issue_comment`, `discussion`, `discussion_comment`, `workflow_run`, `gollum`, or one it cannot know: a reusable workflow, a composite action), a warning otherwise.',
    symptom: 'A later step crashes with odd loader or Node.js errors after an issue or pull request with a strange title; secrets or the `GITHUB_TOKEN` are exfiltrated by a step that never touches the untrusted text.',
    fix: 'Do not pass untrusted text on through `$GITHUB_ENV`: give each step that needs it the value in its own `env:` (`TITLE: ${{ github.event.pull_request.title }}`) and read it there as data. If a later step needs something derived from it, validate it against a strict pattern first (`[[ $VERSION =~ ^[0-9.]+$ ]]`) and write only the validated value, or pass it as a step output read through `env:`.',
    bad: `on: pull_request_target
jobs:
  label:
    runs-on: ubuntu-latest
    steps:
      - run: echo "PR_TITLE=\${{ github.event.pull_request.title }}" >> "$GITHUB_ENV"
      - run: ./label.sh
`,
    good: `on: pull_request_target
jobs:
  label:
    runs-on: ubuntu-latest
    steps:
      - run: ./label.sh
        env:
          PR_TITLE: \${{ github.event.pull_request.title }}
`,
  },
  scope: 'job',
  visit: {
    step(step, ctx) {
      const run = step.run;
      if (!run || !/GITHUB_(ENV|PATH)/.test(run.value)) return;
      const workflow = step.job.workflow;
      const taint = jobTaint(step.job, ctx.doc, workflow.kind === 'workflow' ? ctx.acrossJobs(JOB_OUTPUT_TAINTS) : {});
      const privileged = workflow.kind !== 'workflow' || mayRunPrivileged(workflowTriggers(workflow, ctx.doc));
      for (const write of taint.writes(step)) {
        if (write.file === 'GITHUB_OUTPUT' || write.taint?.level !== 'event' || !taint.reaches(write.taint, step)) continue;
        const span = run.text?.sourceSpan(write.start, write.end) ?? run.span;
        ctx.report({
          span,
          message: write.file === 'GITHUB_ENV' ? 'env' : 'path',
          args: [write.taint.origin, via(write.taint)],
          ...(privileged ? {} : { severity: 'warning' as const }),
        });
      }
    },
  },
});

/** How the text got here, for the message: empty when the script names the event text itself. */
function via(taint: Taint): string {
  return taint.chain.length > 0 ? ` (${taintChain(taint)})` : '';
}
