import { idTokenUse } from '../../engine/model/oidc';
import type { TextEdit } from '../../engine/core/finding';
import { insertMapEntry, replaceScalar } from '../../engine/edits/yamlEdit';
import { type DeclaredPermissions, declaredPermissions, forkOnlyJobs, onlyCalledByOtherWorkflows } from '../../engine/model/permissions';
import type { Job } from '../../engine/model/workflow';
import { addWorkflowPermissions } from '../../engine/edits/permissionsEdit';
import { closest } from '../../engine/languages/suggest';
import { pushesAfter } from '../../engine/model/gitPush';
import { defineRule } from '../../engine/core/rule';
import { isScalar, scalarToString, spanOf, type YamlFile } from '../../engine/yaml/yamlFile';

// Actions that never act on the repository with the job's token beyond reading it.
const READ_ONLY_ACTIONS = /^actions\/(checkout|setup-[a-z]+|cache|upload-artifact|download-artifact)$/;
// Script text that talks to GitHub with the token.
// Scripts that may push, tag or release with the credentials a checkout leaves behind.
const TOKEN_IN_SCRIPT = /\bgh\s|\bgit\s+push\b|GITHUB_TOKEN|github\.token|api\.github\.com|ghcr\.io|docker\s+push\b/;

export default defineRule({
  id: 'gha/permissions',
  presets: { recommended: 'info', strict: 'info' },
  dora: ['change-failure-rate'],
  capabilities: ['shift-left-security'],
  fixable: 'suggestion',
  messages: {
    missing: (jobIds: string) =>
      `No top-level 'permissions:', and ${jobIds} ${jobIds.startsWith('jobs') ? 'set none of their' : 'sets none of its'} own: the GITHUB_TOKEN then gets the repository default, which may be write access to contents, packages, issues and more.`,
    jobMissing: (jobId: string) =>
      `Job '${jobId}' declares no 'permissions:', and neither does the workflow: its GITHUB_TOKEN gets the repository default, which may be write access to contents, packages, issues and more.`,
    workflowMissing: (exposed: number, total: number) =>
      `No top-level 'permissions:': ${exposed === total ? (total === 2 ? 'both jobs here' : `all ${total} jobs here`) : `${exposed} of the ${total} jobs here`} and any job added later without its own block get the repository default token. One top-level 'permissions: contents: read' (or 'permissions: {}') makes least privilege the default for all of them, and each job widens it only where it needs to.`,
    writeAll: (where: string) =>
      `'permissions: write-all' on ${where} gives the GITHUB_TOKEN write access to every scope: one compromised step or action can push code, publish packages or rewrite releases.`,
    broadScope: (scope: string, jobId: string) =>
      `'${scope}: write' at the top level reaches every job that declares no permissions, but only '${jobId}' looks like it needs it: grant it on that job instead.`,
    unusedScope: (scope: string, lowered: string) =>
      `'${scope}: write' at the top level reaches every job that declares no permissions, and none of them looks like it uses it: a compromised step in any of them can use it. Lower it to '${lowered}', and grant it on a job that needs it.`,
    readAll: () =>
      `'permissions: read-all' lets every job without its own 'permissions:' read every scope: code, packages, security alerts, deployments. Name the scopes the jobs read ('contents: read' is often all).`,
    jobReadAll: (jobId: string) =>
      `'permissions: read-all' on job '${jobId}' lets it read every scope: code, packages, security alerts, deployments. Name the scopes it reads ('contents: read' is often all).`,
  },
  docs: {
    summary: 'Give the GITHUB_TOKEN least privilege: declare `permissions:` at the top level and widen per job.',
    rationale:
      'Without a `permissions:` block the token gets whatever the repository or organisation default is, and for many older repositories that is write access to nearly every scope. Any step (a compromised dependency, an injected script, a third-party action) can then push commits, create releases or publish packages with it. Declaring `contents: read` at the top and adding write scopes only on the job that needs them limits the damage of any single step, and makes the required access visible in review.',
    symptom:
      'A supply-chain incident in one action ends with tags rewritten or a package published from CI; or a workflow breaks the day the organisation switches its default to read-only.',
    fix: 'Add `permissions: contents: read` at the top of the workflow (the quick-fix does this, before `jobs:`; review jobs that push, comment or publish, and give them their own `permissions:`). Replace `write-all` with the scopes actually used. Move a write scope that only one job uses onto that job. The recommended preset reports a missing block once, at `jobs:`, naming the jobs; the strict preset reports it on each job that gets the repository default instead (at the job\'s key), so each such job is marked where it is written, and, where two or more jobs get it, once more for the workflow, at `on:`: one block at the top covers them all and any job added later (with one such job, its own note says as much). In the strict preset, a write scope (or `id-token: write`) at the top level that not every job inheriting it looks like it uses is a warning: the quick-fix gives the jobs that use it their own `permissions:` (the workflow\'s scopes, that one at `write`) and lowers it at the top to `read` (`id-token` to `none`), so each job keeps what it used; jobs with their own `permissions:` are not counted. A `read-all`, at the top level or on a job, is a note there: it lets the jobs read every scope (packages, security alerts, deployments) where `contents: read` is usually all they need. Reusable workflows that declare nothing inherit the caller\'s token and are not flagged, nor are jobs that run only for pull requests from forks (an `if:` such as `github.event.pull_request.head.repo.full_name != github.repository` on a workflow that runs on `pull_request`, worked out by evaluating the conditions): GitHub gives those runs a read-only token whatever the settings say (unless a private repository turns on sending write tokens to fork pull requests).',
    bad: `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
`,
    good: `on: push
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
`,
  },
  scope: 'job',
  visit: {
    workflow(workflow, ctx) {
      if (workflow.kind !== 'workflow' || workflow.jobs.length === 0) return;
      const top = declaredPermissions(ctx.doc, workflow.fields);
      if (top?.shorthand === 'write-all' && top.field.value) {
        ctx.report({ span: spanOf(top.field.value), message: 'writeAll', args: ['the workflow'], severity: 'warning' });
      }
      const inheriting = workflow.jobs.filter((job) => !job.fields.has('permissions'));
      if (inheriting.length === 0) return;
      if (!top) {
        if (onlyCalledByOtherWorkflows(ctx.doc, workflow)) return;
        // 'permisions:' is a typo gha/syntax reports and fixes; adding a second block beside it would be wrong.
        if ([...workflow.fields.keys()].some((key) => key !== 'permissions' && closest(key, ['permissions']) !== undefined)) return;
        // Runs for pull requests from forks always get a read-only token.
        const forkOnly = forkOnlyJobs(workflow, ctx.doc, ctx.file.text);
        const exposed = inheriting.filter((job) => !forkOnly.has(job));
        if (exposed.length === 0) return;
        const edit = addWorkflowPermissions(ctx.file, workflow);
        const fix = edit ? { fix: { title: "Add top-level 'permissions: contents: read'", edits: [edit] } } : {};
        if (ctx.preset !== 'recommended') {
          // Strict says which jobs get the default token, on each of them; recommended says it once, at 'jobs:'.
          for (const job of exposed) ctx.report({ span: job.idSpan, message: 'jobMissing', args: [job.id], ...fix });
          // Once for the workflow, at 'on:', where several jobs get the default: what their notes do not say is that
          // one block at the top covers them all and every job added later. With one such job, its own note says it
          // all; where every job declares its own, nothing gets the default today.
          const on = workflow.fields.get('on');
          if (on && exposed.length >= 2) ctx.report({ span: on.keySpan, message: 'workflowMissing', args: [exposed.length, workflow.jobs.length], ...fix });
          return;
        }
        const jobsField = workflow.fields.get('jobs')!;
        const names = exposed.length > 3 ? `${exposed.slice(0, 3).map((job) => `'${job.id}'`).join(', ')} and ${exposed.length - 3} more jobs` : exposed.map((job) => `'${job.id}'`).join(', ');
        ctx.report({ span: jobsField.keySpan, message: 'missing', args: [exposed.length === 1 ? `job ${names}` : `jobs ${names}`], ...fix });
        return;
      }
      if (ctx.preset === 'recommended') {
        // Measured on the corpus before the wider checks below: only a scope that one job of several needs, as a hint.
        if (inheriting.length < 2) return;
        for (const [scope, { level, field }] of top.scopes) {
          if (level !== 'write') continue;
          const users = inheriting.filter((job) => needsScope(job, scope));
          if (users.length !== 1) continue;
          ctx.report({ span: field.keySpan, message: 'broadScope', args: [scope, users[0]!.id], severity: 'hint' });
        }
        return;
      }
      if (top.shorthand === 'read-all' && top.field.value) {
        ctx.report({ span: spanOf(top.field.value), message: 'readAll', args: [] });
      }
      for (const [scope, { level, field }] of top.scopes) {
        if (level !== 'write') continue;
        const users = inheriting.filter((job) => needsScope(job, scope));
        if (users.length === inheriting.length) continue;
        const edits = moveScopeEdits(ctx.file, top, scope, users);
        const lowered = scope === 'id-token' ? 'none' : 'read';
        const title =
          users.length === 0
            ? `Set '${scope}: ${lowered}' at the top level`
            : `Move '${scope}: write' to ${users.length === 1 ? `job '${users[0]!.id}'` : `jobs ${users.map((job) => `'${job.id}'`).join(', ')}`}`;
        ctx.report({
          span: field.keySpan,
          message: users.length === 0 ? 'unusedScope' : 'broadScope',
          args: users.length === 0 ? [scope, lowered] : [scope, users.map((job) => job.id).join("', '")],
          severity: 'warning',
          ...(edits ? { fix: { title, edits } } : {}),
        });
      }
    },
    job(job, ctx) {
      if (job.synthetic) return;
      const own = declaredPermissions(ctx.doc, job.fields);
      if (own?.shorthand === 'write-all' && own.field.value) {
        ctx.report({ span: spanOf(own.field.value), message: 'writeAll', args: [`job '${job.id}'`], severity: 'warning' });
      }
      // Like the workflow's, a job's own read-all is more than it reads; a note where the preset asks for more.
      if (own?.shorthand === 'read-all' && own.field.value && ctx.preset !== 'recommended') {
        ctx.report({ span: spanOf(own.field.value), message: 'jobReadAll', args: [job.id] });
      }
    },
  },
});

/** Whether the job may use a write scope (or an OIDC token) it inherits from the workflow. */
function needsScope(job: Job, scope: string): boolean {
  if (scope === 'id-token') return job.call !== undefined || job.steps.some((step) => idTokenUse(step));
  if (mayUseToken(job)) return true;
  // A checkout that keeps its credentials lets a later script push with them (a release script, a version bump).
  if (scope !== 'contents') return false;
  return job.steps.some((step) => step.action?.id === 'actions/checkout' && scalarToString(step.inputs.get('persist-credentials')?.value) !== 'false' && pushesAfter(step));
}

/**
 * Edits that give the jobs using `scope` their own `permissions:` (the workflow's scopes, which they had) and lower
 * it at the top level to `read` (`none` for `id-token`, which has no read level): every job keeps what it used.
 */
function moveScopeEdits(file: YamlFile, top: DeclaredPermissions, scope: string, users: readonly Job[]): TextEdit[] | undefined {
  const written = top.scopes.get(scope)?.field.value;
  if (!top.map || top.unknown || !isScalar(written)) return undefined;
  const lower = replaceScalar(written, scope === 'id-token' ? 'none' : 'read');
  if (!lower) return undefined;
  const block = ['permissions:', ...[...top.scopes].map(([name, { level }]) => `  ${name}: ${level}`)].join('\n');
  const edits: TextEdit[] = [lower];
  for (const job of users) {
    const anchor = job.fields.get('steps')?.key ?? job.fields.get('uses')?.key;
    const edit = anchor ? insertMapEntry(file, job.node, block, { before: anchor }) : undefined;
    if (!edit) return undefined;
    edits.push(edit);
  }
  return edits;
}

/** Whether the job could act with its token: a call to another workflow, an action that may use it, or a script (or its environment) that talks to GitHub. */
function mayUseToken(job: Job): boolean {
  if (job.call) return true;
  const text = job.workflow.text;
  const jobEnv = job.fields.get('env')?.value?.range;
  if (jobEnv && TOKEN_IN_SCRIPT.test(text.slice(jobEnv[0], jobEnv[1]))) return true;
  return job.steps.some((step) => {
    if (step.uses !== undefined) {
      const name = step.action?.id;
      if (name === undefined || !READ_ONLY_ACTIONS.test(name)) return true;
    }
    if (step.run !== undefined && TOKEN_IN_SCRIPT.test(step.run.value)) return true;
    const env = step.fields.get('env')?.value?.range;
    return env !== undefined && env !== null && TOKEN_IN_SCRIPT.test(text.slice(env[0], env[1]));
  });
}
