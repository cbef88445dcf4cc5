import { insertJobEntry } from '../../engine/edits/jobEdit';
import { classifyJob } from '../../engine/model/jobKind';
import { defineRule } from '../../engine/core/rule';

export default defineRule({
  id: 'gha/deploy-environment',
  presets: { recommended: 'warning', strict: 'warning' },
  dora: ['change-failure-rate', 'time-to-restore'],
  capabilities: ['deployment-automation', 'streamlining-change-approval'],
  fixable: 'suggestion',
  messages: {
    missing: (job: string, evidence: string, environment: string) =>
      `'${job}' deploys (${evidence}) without an 'environment:', so no approval, branch restriction or wait timer can stop it and its secrets are open to every job. Declare 'environment: ${environment}'.`,
  },
  docs: {
    summary: 'A job that deploys should declare the GitHub environment it deploys to.',
    rationale:
      'An `environment:` is where GitHub Actions keeps the controls for a deployment: required reviewers, wait timers, which branches may deploy, and secrets that only that environment\'s jobs can read. Without it a deploy job runs with repository-wide secrets, nothing can hold it for approval, and the repository has no deployment history to tell what is live and when it changed, which is the first question during an incident.',
    symptom:
      'A push to a feature branch deploys to production because nothing restricts which refs may deploy; production credentials are readable by every workflow; the Deployments page is empty when you need to find the last good release.',
    fix: 'Add `environment: production` (or `staging`, which the suggested fix picks when the job\'s id or name says staging), then configure protection rules and move the deploy secrets into that environment in the repository settings. Jobs are recognised as deploys by their commands (`kubectl apply`, `kubectl set image`, `kubectl argo rollouts set image`, `helm upgrade`/`install`, `terraform apply`, `pulumi up`, cloud deploy CLIs) and known deploy actions; commands against a cluster the job creates itself (kind, minikube, k3d) are tests, not deploys. Reusable-workflow calls are not checked.',
    bad: `on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: kubectl apply -f k8s/
`,
    good: `on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/checkout@v4
      - run: kubectl apply -f k8s/
`,
  },
  scope: 'job',
  visit: {
    job(job, ctx) {
      if (job.synthetic || job.workflow.kind !== 'workflow' || job.fields.has('environment')) return;
      const kind = classifyJob(job);
      if (!kind.deploy) return;
      const evidence = kind.reasons[0] ?? 'its steps';
      const edit = insertJobEntry(ctx.file, job, `environment: ${kind.target}`, ['runs-on']);
      ctx.report({
        span: job.idSpan,
        message: 'missing',
        args: [job.id, evidence, kind.target],
        ...(edit ? { fix: { title: `Add 'environment: ${kind.target}'`, edits: [edit] } } : {}),
      });
    },
  },
});
