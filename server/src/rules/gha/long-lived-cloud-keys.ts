import type { TextEdit } from '../../engine/core/finding';
import type { Step } from '../../engine/model/workflow';
import { grantIdToken } from '../../engine/edits/permissionsEdit';
import { defineRule } from '../../engine/core/rule';
import { removeMapEntry } from '../../engine/edits/yamlEdit';
import { type Field, isMap, isScalar, mapFields, spanOf, type YamlDoc, type YamlFile } from '../../engine/yaml/yamlFile';

const ROLE_PLACEHOLDER = 'arn:aws:iam::<account-id>:role/<role-name>';
const AWS_KEY_INPUTS = ['aws-access-key-id', 'aws-secret-access-key', 'aws-session-token'];
// S3-compatible stores that borrow the AWS variable names but cannot federate with GitHub's OIDC.
const NOT_AWS = /R2|CLOUDFLARE|MINIO|SPACES|DIGITALOCEAN|\bDO_|B2_|BACKBLAZE|WASABI|LINODE|SCALEWAY|SCW|OVH|HETZNER|ALIYUN|OSS_|TENCENT|COS_|STORJ|FILEBASE/i;

function span(field: Field) {
  return field.value ? spanOf(field.value) : field.keySpan;
}

export default defineRule({
  id: 'gha/long-lived-cloud-keys',
  presets: { recommended: 'warning', strict: 'warning' },
  dora: ['time-to-restore', 'change-failure-rate'],
  capabilities: ['shift-left-security', 'deployment-automation'],
  fixable: 'suggestion',
  messages: {
    awsAction: (jobId: string) =>
      `Job '${jobId}' logs in to AWS with a stored access key: a key that never expires works for anyone who gets a copy. Assume an IAM role through GitHub's OIDC instead ('role-to-assume').`,
    awsEnv: (name: string) =>
      `'${name}' passes a stored AWS access key, which stays valid until someone rotates it by hand. Prefer 'aws-actions/configure-aws-credentials' with 'role-to-assume' (OIDC).`,
    azure: (jobId: string) =>
      `Job '${jobId}' logs in to Azure with a service-principal secret in 'creds'. Use a federated credential instead: 'client-id', 'tenant-id' and 'subscription-id' with 'id-token: write'.`,
    gcp: (jobId: string) =>
      `Job '${jobId}' authenticates to Google Cloud with a service-account key ('credentials_json'). Use Workload Identity Federation ('workload_identity_provider' + 'service_account'), which needs no stored key.`,
  },
  docs: {
    summary: 'Authenticate to clouds with short-lived OIDC tokens, not stored access keys.',
    rationale:
      'An access key, service-principal secret or service-account JSON kept in repository secrets is valid until a person rotates it, works from anywhere, and is copied into every job that reads it. Federated login through GitHub\'s OIDC provider gives each run a token that expires within the hour and that the cloud only accepts for the repository, branch or environment you allow, so there is nothing long-lived to leak or to rotate.',
    symptom:
      'A key leaked through a log, a fork or a compromised action keeps working for months; rotating it breaks every workflow that still uses the old value; audit logs show one shared identity for all pipelines.',
    fix: 'AWS: create an IAM role that trusts `token.actions.githubusercontent.com` and use `role-to-assume`; the quick-fix swaps the key inputs for a placeholder role ARN and grants the job `id-token: write` (review it: the role must exist). Azure: `azure/login` with `client-id`/`tenant-id`/`subscription-id`. Google Cloud: `google-github-actions/auth` with `workload_identity_provider`. A `google-github-actions/auth` step that names both `workload_identity_provider` and `credentials_json` is not flagged: the action accepts exactly one of them at run time, so the step federates wherever a provider is configured and the key is only a fallback whose use the workflow text cannot show. S3-compatible stores that only speak keys (R2, MinIO, Spaces…) are not flagged.',
    bad: `on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: \${{ secrets.AWS_ACCESS_KEY_ID }}
          aws-secret-access-key: \${{ secrets.AWS_SECRET_ACCESS_KEY }}
          aws-region: eu-west-1
`,
    good: `on: push
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
    workflow(workflow, ctx) {
      checkEnv(workflow.fields, ctx.doc, (field, name) => ctx.report({ span: span(field), message: 'awsEnv', args: [name] }));
    },
    job(job, ctx) {
      if (!job.synthetic) checkEnv(job.fields, ctx.doc, (field, name) => ctx.report({ span: span(field), message: 'awsEnv', args: [name] }));
    },
    step(step, ctx) {
      checkEnv(step.fields, ctx.doc, (field, name) => ctx.report({ span: span(field), message: 'awsEnv', args: [name] }));
      const name = step.action?.id;
      const jobId = step.job.id || 'this action';
      if (name === 'aws-actions/configure-aws-credentials') {
        const key = step.inputs.get('aws-access-key-id');
        if (!key || !isSecretish(key)) return;
        const edits = step.job.synthetic ? undefined : awsFix(ctx.file, ctx.doc, step);
        ctx.report({ span: span(key), message: 'awsAction', args: [jobId], ...(edits ? { fix: { title: 'Assume an IAM role with OIDC instead', edits } } : {}) });
      } else if (name === 'azure/login') {
        const creds = step.inputs.get('creds');
        if (creds && isSecretish(creds)) ctx.report({ span: span(creds), message: 'azure', args: [jobId] });
      } else if (name === 'google-github-actions/auth') {
        const json = step.inputs.get('credentials_json');
        // The action takes exactly one of the two at run time: with a provider named, the key is a fallback for
        // repositories (forks) without federation, and which secret is set is not in the text.
        const provider = step.inputs.get('workload_identity_provider');
        if (json && isSecretish(json) && !(provider && isSecretish(provider))) ctx.report({ span: span(json), message: 'gcp', args: [jobId] });
      }
    },
  },
});

/** A value that can hold a key: anything but empty. */
function isSecretish(field: Field): boolean {
  const value = field.value;
  return !(isScalar(value) && (value.value === null || String(value.value).trim() === ''));
}

function checkEnv(fields: ReadonlyMap<string, Field>, yaml: YamlDoc, report: (field: Field, name: string) => void): void {
  const env = fields.get('env')?.value;
  if (!isMap(env)) return;
  const vars = mapFields(yaml, env);
  // Another endpoint means an S3-compatible store, not AWS.
  if ([...vars.keys()].some((name) => /ENDPOINT/i.test(name))) return;
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
    const field = vars.get(name);
    const value = isScalar(field?.value) ? String(field.value.value ?? '') : '';
    if (!field || !/\bsecrets\./.test(value) || NOT_AWS.test(value)) continue;
    report(field, name);
    return; // one finding for the pair
  }
}

/** Key inputs out, a placeholder role in, and `id-token: write` for the job. */
function awsFix(file: YamlFile, yaml: YamlDoc, step: Step): TextEdit[] | undefined {
  const withNode = step.fields.get('with')?.value;
  if (!isMap(withNode) || withNode.flow) return undefined;
  // Keys next to a role are role chaining, set up on purpose: which role to federate to is the owner's call.
  if (step.inputs.has('role-to-assume')) return undefined;
  const grant = grantIdToken(file, yaml, step.job);
  if (!grant) return undefined;
  const edits: TextEdit[] = [...grant];
  for (const name of AWS_KEY_INPUTS) {
    const pair = withNode.items.find((item) => isScalar(item.key) && item.key.value === name);
    if (!pair) continue;
    const keyStart = (pair.key as { range?: [number, number, number] }).range?.[0];
    const valueEnd = (pair.value as { range?: [number, number, number] } | null)?.range?.[1];
    if (name === 'aws-access-key-id') {
      if (keyStart === undefined || valueEnd === undefined) return undefined;
      edits.push({ start: keyStart, end: valueEnd, newText: `role-to-assume: ${ROLE_PLACEHOLDER}` });
      continue;
    }
    const removal = isScalar(pair.key) ? removeMapEntry(file, withNode, pair.key) : undefined;
    if (!removal) return undefined;
    edits.push(removal);
  }
  return edits;
}
