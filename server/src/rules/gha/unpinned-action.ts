import { isWellFormedUses, type ActionRef } from '../../engine/model/action';
import { defineRule, type RuleContext } from '../../engine/core/rule';
import { PRIVILEGED_EVENTS, workflowTriggers } from '../../engine/model/triggers';
import type { Job } from '../../engine/model/workflow';
import { type Field, spanOf } from '../../engine/yaml/yamlFile';

const FULL_SHA = /^[0-9a-f]{40}$/i;
// A version tag: `v4`, `v1.2.3`, `2.0.0-rc.1`, `1.2+build`. The same strings as `^v?\d+(\.\d+)*([-+.][0-9A-Za-z.-]+)?$`
// without its overlap (`.1.2` read as numbers or as a suffix: quadratic on a long one): a suffix taking only
// `[0-9A-Za-z.-]` can also take any `.1.2` before it, so numbers are spelled out only before a `+`.
const VERSION = /^v?\d+(?:[-+.][0-9A-Za-z.-]+|(?:\.\d+)+\+[0-9A-Za-z.-]+)?$/;
// Refs that are branches by convention: whatever is pushed there runs next time.
const BRANCHES = new Set(['main', 'master', 'develop', 'development', 'dev', 'trunk', 'head', 'latest', 'nightly', 'edge', 'canary']);
// GitHub's own actions: tags there are maintained by GitHub, so a tag is an acceptable trade-off.
const FIRST_PARTY = /^(actions|github)\//i;

const messages = {
  tag: (uses: string) =>
    `'${uses}' is pinned to a tag, which its owner (or anyone who takes over the repository) can move to different code. Pin the full commit SHA and keep the version in a comment: '@<sha> # v1.2.3'.`,
  branch: (uses: string, ref: string) =>
    `'${uses}' follows the branch '${ref}': every push there changes what this workflow runs, without review. Pin a full commit SHA ('@<sha> # v1.2.3').`,
  ownBranch: (uses: string, ref: string, owner: string) =>
    `'${uses}' follows the branch '${ref}', and '${owner}' owns both that repository and this one: a push there changes what this workflow runs without a review here. Pin a full commit SHA ('@<sha> # v1.2.3') unless that branch is protected like this repository's.`,
  privilegedTag: (uses: string, event: string) =>
    `'${uses}' is pinned to a tag in a workflow that runs on '${event}', with secrets and a token that can write: whoever moves that tag (its owner, or anyone who takes over the repository) runs code here with them. Pin the full commit SHA and keep the version in a comment: '@<sha> # v1.2.3'.`,
  ref: (uses: string, ref: string) =>
    `'${uses}' points at '${ref}', a tag or branch that can move to different code at any time. Pin the full commit SHA and keep the version in a comment: '@<sha> # v1.2.3'.`,
  firstPartyTag: (uses: string) =>
    `'${uses}' is pinned by tag: a tag can be moved to other code, a full commit SHA cannot. GitHub maintains the tags of its own actions, so the risk is small, but GitHub's security hardening guide recommends pinning every action to a full SHA; '@<sha> # v1.2.3' keeps the version readable.`,
  privilegedFirstPartyTag: (uses: string, event: string) =>
    `'${uses}' is pinned by tag in a workflow that runs on '${event}', with secrets and a token that can write: a tag can be moved to other code, a full commit SHA cannot. GitHub maintains the tags of its own actions, so the risk is small, but GitHub's security hardening guide recommends pinning every action to a full SHA; '@<sha> # v1.2.3' keeps the version readable.`,
  dockerLatest: (uses: string) =>
    `'${uses}' runs whatever image is tagged latest at the time of the run. Pin a version tag or, better, a digest ('@sha256:…').`,
};

export default defineRule({
  id: 'gha/unpinned-action',
  presets: { recommended: 'info', strict: 'info' },
  dora: ['change-failure-rate'],
  capabilities: ['shift-left-security', 'version-control'],
  fixable: false,
  messages,
  docs: {
    summary: 'Pin third-party actions to a full commit SHA, not to a branch or a tag.',
    rationale:
      'A `uses:` reference is resolved at run time. Branches move with every push, and tags can be moved or re-created by the action\'s owner, or by an attacker who compromises the owner\'s account, as happened with tj-actions/changed-files in 2025. A 40-character commit SHA is the only reference that always means the same code; a trailing `# v4.1.1` comment keeps it readable, and Dependabot or Renovate update both together. GitHub\'s own `actions/*` and `github/*` by tag are not flagged in the recommended preset; in strict each is a hint (a faint dot, not an entry in the Problems list), as hardening advice rather than a defect: GitHub maintains those tags, so the risk is small, but a SHA is still the only reference that cannot move, and GitHub\'s security hardening guide recommends pinning every action to one. In a workflow that runs on an event an outsider can cause and that hands the job secrets and a writable token (`pull_request_target`, `issues`, `issue_comment`, `discussion`, `discussion_comment`, `workflow_run`, `gollum`), a third-party tag is a warning in the strict preset rather than a note: a moved tag there runs with those. A branch of a repository that belongs to this repository\'s own owner (the GitHub remote in `.git/config`, or `owner:` in `.shipcheck.yaml`) is reported as info rather than a warning: the same organization controls both sides, so it is a trade-off to review, not an outside party\'s code. References the runner would reject (`uses: checkout@v2`, no `@ref`) are not this rule\'s to report.',
    symptom:
      'A workflow that has not changed starts failing, or worse, starts sending secrets somewhere, because the action it references was updated under the same name.',
    fix: 'Replace the tag or branch with the commit SHA it currently points to and keep the tag in a comment (`uses: owner/action@<40 hex> # v2.3.4`); let Dependabot (`package-ecosystem: github-actions`) keep them current. For `docker://` images, pin a version tag or a `@sha256:` digest.',
    bad: `on: push
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: reviewdog/action-shellcheck@master
`,
    good: `on: push
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - uses: reviewdog/action-shellcheck@5ebd09ddbe2ebb471646ce234c6c8dd18663ca7c # v1.30.0
      - uses: ./.github/actions/setup
`,
  },
  scope: 'job',
  visit: {
    job(job, ctx) {
      check(job.fields.get('uses'), job.call, job, ctx);
    },
    step(step, ctx) {
      check(step.fields.get('uses'), step.action, step.job, ctx);
    },
  },
});

function check(field: Field | undefined, action: ActionRef | undefined, job: Job, ctx: RuleContext<typeof messages>): void {
  const workflow = job.workflow;
  // Malformed references are for a syntax check to report, not for advice on pinning.
  if (!field?.value || !action || action.local || action.uses.includes('${{') || !isWellFormedUses(action)) return;
  const uses = action.uses;
  // A block scalar (`uses: |`) ends after its line break: the finding ends with the reference.
  const whole = spanOf(field.value);
  const span = { start: whole.start, end: whole.start + ctx.file.text.slice(whole.start, whole.end).trimEnd().length };
  if (action.image) {
    if (action.image.digest !== undefined) return;
    const tag = action.image.tag;
    if (tag === undefined || tag === 'latest') ctx.report({ span, message: 'dockerLatest', args: [uses], severity: 'warning' });
    return;
  }
  const ref = action.ref!;
  if (FULL_SHA.test(ref)) return;
  if (BRANCHES.has(ref.toLowerCase())) {
    // The repository's own owner pinning its own shared actions to a branch is a choice within one organization.
    const owner = ctx.project.owner;
    if (owner !== undefined && action.owner!.toLowerCase() === owner.toLowerCase()) {
      if (ctx.preset !== 'recommended') ctx.report({ span, message: 'ownBranch', args: [uses, ref, action.owner!] });
    } else ctx.report({ span, message: 'branch', args: [uses, ref], severity: 'warning' });
    return;
  }
  // Where a tag's code runs with a writable token and secrets on an outsider's event, a moved tag is an attack path.
  const privileged = workflow.kind === 'workflow' ? [...workflowTriggers(workflow, ctx.doc).events.keys()].find((event) => PRIVILEGED_EVENTS.has(event)) : undefined;
  if (FIRST_PARTY.test(uses)) {
    // GitHub's own tags are a trade-off most repositories make knowingly: silent by default; in strict, which asks for
    // peer parity (zizmor asks a SHA of every action), a hint on each, worded as the hardening advice it is.
    if (ctx.preset === 'recommended') return;
    if (privileged !== undefined) ctx.report({ span, message: 'privilegedFirstPartyTag', args: [uses, privileged], severity: 'hint' });
    else ctx.report({ span, message: 'firstPartyTag', args: [uses], severity: 'hint' });
    return;
  }
  if (privileged !== undefined && ctx.preset !== 'recommended') {
    ctx.report({ span, message: 'privilegedTag', args: [uses, privileged], severity: 'warning' });
    return;
  }
  // A version tag (or another fixed name) is what most repositories use and what most would keep: read on real
  // repositories, about half of these notes were worth acting on, so the recommended preset leaves them to strict.
  if (ctx.preset === 'recommended') return;
  if (VERSION.test(ref)) ctx.report({ span, message: 'tag', args: [uses] });
  else ctx.report({ span, message: 'ref', args: [uses, ref] });
}
