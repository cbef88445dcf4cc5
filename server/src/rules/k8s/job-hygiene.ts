import type { Span } from '../../engine/core/finding';
import { isControllerOwned, type K8sObject } from '../../engine/model/k8s';
import { defineRule } from '../../engine/core/rule';
import { type Field, isMap, mapFields, scalarToString, spanOf, type Node, type YamlDoc } from '../../engine/yaml/yamlFile';

const JOB_RESTART_POLICIES = new Set(['OnFailure', 'Never']);
// Annotations under which Helm or Argo CD delete a hook Job once it has run: no TTL needed.
const HOOK_DELETE_ANNOTATIONS = ['helm.sh/hook-delete-policy', 'argocd.argoproj.io/hook-delete-policy'];

export default defineRule({
  id: 'k8s/job-hygiene',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['change-failure-rate', 'time-to-restore'],
  capabilities: ['deployment-automation'],
  fixable: false,
  messages: {
    restartInvalid: (kind: string, policy: string) =>
      `'restartPolicy: ${policy}' is not a restart policy a ${kind}'s pods may use: the API server rejects it. Use 'OnFailure' (retry in the same pod) or 'Never' (a new pod per retry, counted by 'backoffLimit').`,
    restartUnset: (kind: string) =>
      `This ${kind}'s pod template sets no 'restartPolicy', so it defaults to 'Always', which the API server rejects for a Job. Set 'restartPolicy: OnFailure' or 'Never'.`,
    restartAlways: (kind: string, _policy: string) =>
      `A ${kind}'s pods may not use 'restartPolicy: Always': the API server rejects it, because a pod that is always restarted never completes. Use 'OnFailure' (retry in the same pod) or 'Never' (a new pod per retry, counted by 'backoffLimit').`,
    noTtl: () =>
      "This Job sets no 'ttlSecondsAfterFinished': once it finishes, the Job and its pods stay in the cluster until someone deletes them. Set a TTL (for example 'ttlSecondsAfterFinished: 3600').",
    noDeadline: (kind: string) =>
      `This ${kind} sets no 'activeDeadlineSeconds': a run that hangs (a stuck connection, a lock) keeps its pod forever and nothing fails. Set the longest a run may take.`,
    overlap: (policy: string) =>
      `With ${policy}, a new run starts while the previous one is still going, and no 'activeDeadlineSeconds' bounds a run: slow runs pile up and compete for the same data. Set 'concurrencyPolicy: Forbid' (or 'Replace'), or a deadline on the job template.`,
    noStartingDeadline: () =>
      "This CronJob sets no 'startingDeadlineSeconds': a run missed while the controller was down starts whenever it comes back, however late, and after more than 100 missed schedules the CronJob stops scheduling altogether. Set how late a run may still start.",
  },
  docs: {
    summary: "Jobs and CronJobs must not restart forever, and should clean up after themselves and stop when they hang.",
    rationale:
      "A Job is meant to finish. Its pods may not use `restartPolicy: Always` (which is also what an unset `restartPolicy` means), and the API server refuses a Job that does, so the deploy fails at apply time; the choice is `OnFailure` (the kubelet restarts the container in place) or `Never` (the Job controller starts a new pod, up to `backoffLimit`).\n\nIn the strict preset the rule also notes what makes batch work hard to operate: a Job without `ttlSecondsAfterFinished` stays with its pods after it finishes, until someone deletes it; a Job or a CronJob's job template without `activeDeadlineSeconds` can hang forever without failing, so nobody is paged; a CronJob that allows overlapping runs (`concurrencyPolicy: Allow`, the default) without a deadline piles up runs when one is slow; a CronJob without `startingDeadlineSeconds` starts missed runs arbitrarily late, and stops scheduling after 100 misses. Jobs that Helm or Argo CD delete as hooks need no TTL.",
    symptom: "`kubectl apply` fails with `Unsupported value: \"Always\"` for a Job; or completed Jobs and their pods accumulate, a nightly CronJob has three runs going at once, or a hung migration Job is found days later.",
    fix: "Set `restartPolicy: OnFailure` or `Never`. For the notes: `ttlSecondsAfterFinished` on standalone Jobs, `activeDeadlineSeconds` on every Job (on a CronJob, under `jobTemplate.spec`), `concurrencyPolicy: Forbid` unless runs are safe to overlap, and `startingDeadlineSeconds` on CronJobs.",
    bad: `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      restartPolicy: Always
      containers:
        - name: migrate
          image: ghcr.io/acme/migrate:1.8.0
`,
    good: `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  ttlSecondsAfterFinished: 3600
  activeDeadlineSeconds: 900
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: ghcr.io/acme/migrate:1.8.0
`,
  },
  visit: {
    k8sObject(object, ctx) {
      if ((object.kind !== 'Job' && object.kind !== 'CronJob') || !object.apiVersion.startsWith('batch/')) return;
      if (isControllerOwned(ctx.doc, object)) return;
      for (const pod of object.podSpecs) {
        const restart = pod.fields.get('restartPolicy');
        const policy = scalarToString(restart?.value);
        if (restart && policy !== undefined && !JOB_RESTART_POLICIES.has(policy)) {
          ctx.report({ span: spanOf(restart.value!), message: policy === 'Always' ? 'restartAlways' : 'restartInvalid', args: [object.kind, policy] });
        }
        const template = templateKey(ctx.doc, object);
        // Unset, it defaults to Always; a patch may leave it to its base.
        if (!restart && !object.partial && template) ctx.report({ span: template, message: 'restartUnset', args: [object.kind] });
      }
      if (ctx.preset === 'recommended' || object.partial) return;
      const spec = child(ctx.doc, object.fields.get('spec')?.value);
      const specKey = object.fields.get('spec')?.keySpan;
      if (!spec || !specKey) return;
      if (object.kind === 'Job') {
        if (!spec.has('ttlSecondsAfterFinished') && !hasAnnotation(ctx.doc, object, HOOK_DELETE_ANNOTATIONS)) {
          ctx.report({ span: specKey, message: 'noTtl', args: [], severity: 'info' });
        }
        if (!spec.has('activeDeadlineSeconds')) ctx.report({ span: specKey, message: 'noDeadline', args: ['Job'], severity: 'info' });
        return;
      }
      const jobSpec = child(ctx.doc, child(ctx.doc, spec.get('jobTemplate')?.value)?.get('spec')?.value);
      const concurrency = spec.get('concurrencyPolicy');
      const policy = scalarToString(concurrency?.value);
      if ((policy === undefined || policy === 'Allow') && jobSpec && !jobSpec.has('activeDeadlineSeconds')) {
        ctx.report({ span: concurrency?.keySpan ?? specKey, message: 'overlap', args: [concurrency ? "'concurrencyPolicy: Allow'" : "the default 'concurrencyPolicy: Allow'"], severity: 'info' });
      }
      if (!spec.has('startingDeadlineSeconds')) ctx.report({ span: specKey, message: 'noStartingDeadline', args: [], severity: 'info' });
    },
  },
});

function child(yaml: YamlDoc, node: Node | undefined): Map<string, Field> | undefined {
  return isMap(node) ? mapFields(yaml, node) : undefined;
}

/** The `template` key of a Job's spec or of a CronJob's job template: where a finding about the whole pod template points. */
function templateKey(yaml: YamlDoc, object: K8sObject): Span | undefined {
  const spec = child(yaml, object.fields.get('spec')?.value);
  const jobSpec = object.kind === 'CronJob' ? child(yaml, child(yaml, spec?.get('jobTemplate')?.value)?.get('spec')?.value) : spec;
  return jobSpec?.get('template')?.keySpan;
}

function hasAnnotation(yaml: YamlDoc, object: K8sObject, names: string[]): boolean {
  const annotations = child(yaml, child(yaml, object.fields.get('metadata')?.value)?.get('annotations')?.value);
  return names.some((name) => annotations?.has(name));
}
