import { idTokenUse } from '../../engine/model/oidc';
import { effectivePermissions, onlyCalledByOtherWorkflows } from '../../engine/model/permissions';
import { grantIdToken } from '../../engine/edits/permissionsEdit';
import { defineRule } from '../../engine/core/rule';
import { spanOf } from '../../engine/yaml/yamlFile';

const SOURCE = {
  job: "its own 'permissions:'",
  workflow: "the workflow-level 'permissions:'",
  default: "the repository default (no 'permissions:' anywhere)",
} as const;

export default defineRule({
  id: 'gha/oidc-permission',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['change-failure-rate', 'time-to-restore'],
  capabilities: ['shift-left-security', 'deployment-automation'],
  fixable: 'suggestion',
  messages: {
    missing: (jobId: string, use: string, source: string) =>
      `Job '${jobId}' uses ${use}, which needs an OIDC token, but its permissions (from ${source}) do not include 'id-token: write': the token request fails and so does the job.`,
  },
  docs: {
    summary: 'A job that authenticates with OIDC must be granted `id-token: write`.',
    rationale:
      'Federated login to AWS, Azure, Google Cloud, PyPI, Pages or Sigstore works by asking GitHub for a short-lived OIDC token. GitHub only hands that token to jobs whose GITHUB_TOKEN permissions include `id-token: write`, and no repository default includes it. As soon as a job (or the workflow) lists any `permissions:`, every scope it does not list is `none`, so adding a `permissions:` block for hardening is a classic way to break a deploy that used to work.',
    symptom:
      'The login or publish step fails with "Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable" (the runner offered no token) or a "Credentials could not be loaded" error from the cloud login, typically right when a release or deploy is due.',
    fix: 'Add `id-token: write` to the job\'s `permissions:`. The quick-fix appends it to the job\'s map, or creates a job-level block that keeps the workflow\'s scopes (a job\'s map replaces the workflow\'s), or `contents: read` + `id-token: write` when nothing is declared. Reusable workflows that declare nothing are left alone: their caller grants the token.',
    bad: `on: push
permissions:
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/deploy
          aws-region: eu-west-1
`,
    good: `on: push
permissions:
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      id-token: write
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/deploy
          aws-region: eu-west-1
`,
  },
  scope: 'job',
  visit: {
    job(job, ctx) {
      if (job.synthetic) return;
      for (const step of job.steps) {
        const use = idTokenUse(step);
        if (!use) continue;
        const effective = effectivePermissions(job, ctx.doc);
        const level = effective.level('id-token');
        if (level === 'write' || level === 'unknown') return;
        if (effective.source === 'default' && onlyCalledByOtherWorkflows(ctx.doc, job.workflow)) return;
        const at = step.fields.get('uses')?.value ?? step.run?.node;
        const edits = grantIdToken(ctx.file, ctx.doc, job);
        ctx.report({
          span: at ? spanOf(at) : job.idSpan,
          message: 'missing',
          args: [job.id, use, SOURCE[effective.source]],
          ...(edits && edits.length > 0 ? { fix: { title: "Grant 'id-token: write' to this job", edits } } : {}),
        });
        return;
      }
    },
  },
});
