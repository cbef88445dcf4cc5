import { insertJobEntry } from '../../engine/edits/jobEdit';
import { classifyJob, jobEnvironment } from '../../engine/model/jobKind';
import { defineRule } from '../../engine/core/rule';

export default defineRule({
  id: 'gha/deploy-concurrency',
  presets: { recommended: 'info', strict: 'info' },
  dora: ['change-failure-rate'],
  capabilities: ['deployment-automation'],
  fixable: 'suggestion',
  messages: {
    missing: (job: string, group: string) =>
      `'${job}' deploys with no 'concurrency:' on it or on the workflow, so two runs can deploy at once and the older commit may finish last. Queue deploys with 'concurrency: ${group}' (without cancelling one in progress).`,
  },
  docs: {
    summary: 'Deploy jobs should be serialised with a `concurrency:` group.',
    rationale:
      'Two quick merges start two workflow runs, and without a concurrency group their deploy jobs run side by side. Whichever finishes last wins, and that can be the older commit: production silently goes back a version, or two `kubectl apply`/`terraform apply` runs interleave and leave a half-applied state or a held lock. A concurrency group queues the second deploy behind the first; `cancel-in-progress: false` keeps a deploy that has started from being killed halfway.',
    symptom:
      'After two merges in a row production runs the first one; a Terraform run fails on a state lock; a rollout is interrupted by the next one and ends in a mixed state.',
    fix: 'Add `concurrency: { group: deploy-<environment>, cancel-in-progress: false }` to the deploy job (the suggested fix uses the job\'s environment name, else production or staging from its id or name). A `concurrency:` on the whole workflow also counts.',
    bad: `on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: helm upgrade --install api ./chart
`,
    good: `on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    concurrency:
      group: deploy-production
      cancel-in-progress: false
    steps:
      - run: helm upgrade --install api ./chart
`,
  },
  scope: 'job',
  visit: {
    job(job, ctx) {
      if (job.synthetic || job.workflow.kind !== 'workflow') return;
      if (job.fields.has('concurrency') || job.workflow.fields.has('concurrency')) return;
      const kind = classifyJob(job);
      if (!kind.deploy) return;
      const environment = jobEnvironment(job) ?? kind.target;
      const group = `deploy-${environment.replace(/[^A-Za-z0-9_.-]+/g, '-')}`;
      const edit = insertJobEntry(ctx.file, job, `concurrency:\n  group: ${group}\n  cancel-in-progress: false`, ['environment', 'runs-on']);
      ctx.report({
        span: job.idSpan,
        message: 'missing',
        args: [job.id, `{ group: ${group}, cancel-in-progress: false }`],
        ...(edit ? { fix: { title: `Add a '${group}' concurrency group`, edits: [edit] } } : {}),
      });
    },
  },
});
