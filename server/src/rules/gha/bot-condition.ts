import { botActorChecks } from '../../engine/model/actors';
import { parseCondition } from '../../engine/languages/expressions';
import { workflowTriggers } from '../../engine/model/triggers';
import type { Workflow } from '../../engine/model/workflow';
import { defineRule, type RuleContext } from '../../engine/core/rule';
import { scalarText } from '../../engine/yaml/scalarText';
import { type Field, isScalar, spanOf } from '../../engine/yaml/yamlFile';

// Events whose runs a stranger can start, and whose latest actor they can make a bot (asking it to rebase, recreate
// or update their pull request).
const SPOOFABLE_EVENTS: ReadonlySet<string> = new Set(['pull_request_target', 'workflow_run', 'pull_request']);
const PULL_REQUEST_EVENTS: ReadonlySet<string> = new Set(['pull_request_target', 'pull_request']);

const messages = {
  check: (check: string, actor: string, bot: string) =>
    `'${check}' trusts the run because '${actor}' is ${bot}, but '${actor}' is whoever caused the latest event: anyone can open a pull request and then get ${bot} to act on it last. Check who opened the pull request ('github.event.pull_request.user.login') instead.`,
};

export default defineRule({
  id: 'gha/bot-condition',
  presets: { recommended: 'off', strict: 'warning' },
  dora: ['change-failure-rate'],
  capabilities: ['shift-left-security'],
  fixable: 'suggestion',
  messages,
  docs: {
    summary: "Don't trust a run because `github.actor` is a bot: check who opened the pull request.",
    rationale:
      "`github.actor` (and `github.triggering_actor`) is the account that caused the latest event of the run, not the author of the pull request. An attacker can open a pull request, or a pull request in their fork, and then have Dependabot or another bot act on it last (a `@dependabot recreate` comment, a rebase, a merge of the base branch): the next run sees `github.actor == 'dependabot[bot]'`, and a job that skips review or merges automatically for Dependabot now does so for the attacker's code. It matters in workflows that run for pull requests or after them (`pull_request_target`, `workflow_run`, `pull_request`), where such jobs commonly hold a write token or secrets. `github.event.pull_request.user.login` is the pull request's author and does not change with who acted last. Comparisons with `!=` (which keep a bot out) and with people's logins are not flagged, nor are workflows on other events.",
    symptom:
      'An auto-merge or auto-approve job for Dependabot approves or merges a pull request that a stranger opened; a privileged job meant only for a bot runs code from a fork.',
    fix: "Compare the author of the pull request: `github.event.pull_request.user.login == 'dependabot[bot]'` (the quick-fix does this where every event of the workflow is a pull request event). For `workflow_run`, check `github.event.workflow_run.actor.login` together with the head repository. For Dependabot, `dependabot/fetch-metadata` also refuses pull requests it did not open.",
    bad: `on: pull_request_target
jobs:
  automerge:
    runs-on: ubuntu-latest
    if: github.actor == 'dependabot[bot]'
    steps:
      - run: gh pr merge --auto --squash "$PR_URL"
        env:
          PR_URL: \${{ github.event.pull_request.html_url }}
          GH_TOKEN: \${{ secrets.GITHUB_TOKEN }}
`,
    good: `on: pull_request_target
jobs:
  automerge:
    runs-on: ubuntu-latest
    if: github.event.pull_request.user.login == 'dependabot[bot]'
    steps:
      - run: gh pr merge --auto --squash "$PR_URL"
        env:
          PR_URL: \${{ github.event.pull_request.html_url }}
          GH_TOKEN: \${{ secrets.GITHUB_TOKEN }}
`,
  },
  scope: 'job',
  visit: {
    job(job, ctx) {
      if (!job.synthetic) check(job.fields.get('if'), job.workflow, ctx);
    },
    step(step, ctx) {
      if (!step.job.synthetic) check(step.fields.get('if'), step.job.workflow, ctx);
    },
  },
});

function check(field: Field | undefined, workflow: Workflow, ctx: RuleContext<typeof messages>): void {
  const node = field?.value;
  if (!isScalar(node) || typeof node.value !== 'string' || !/actor/i.test(node.value)) return;
  const events = [...workflowTriggers(workflow, ctx.doc).events.keys()];
  if (!events.some((event) => SPOOFABLE_EVENTS.has(event))) return;
  const parsed = parseCondition(node.value);
  if (!parsed.ok) return;
  // Every event a pull request event: `github.event.pull_request` is always there to compare instead.
  const fixable = events.every((event) => PULL_REQUEST_EVENTS.has(event));
  const text = scalarText(ctx.file.text, node);
  const source = node.value.slice(parsed.offset);
  for (const found of botActorChecks(parsed.ast)) {
    const at = (offset: number) => parsed.offset + offset;
    const span = text?.sourceSpan(at(found.start), at(found.end)) ?? spanOf(node);
    const actorSpan = fixable ? text?.sourceSpan(at(found.actor.start), at(found.actor.end)) : undefined;
    const loginPath = found.actor.path.endsWith('_id') ? 'github.event.pull_request.user.id' : 'github.event.pull_request.user.login';
    ctx.report({
      span,
      message: 'check',
      args: [source.slice(found.start, found.end), found.actor.path, `'${found.bot}'`],
      ...(actorSpan ? { fix: { title: `Compare '${loginPath}' instead`, edits: [{ start: actorSpan.start, end: actorSpan.end, newText: loginPath }] } } : {}),
    });
  }
}
