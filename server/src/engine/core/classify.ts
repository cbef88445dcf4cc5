import { buildK8sObjects, type K8sObject } from '../model/k8s';
import { buildWorkflow, type Workflow } from '../model/workflow';
import { WORKFLOW_SCHEMA } from '../schema/schemaData.generated';
import { isMap, isScalar, isWorkflowPath, mapFields, scalarToString, type YamlDoc, type YamlFile } from '../yaml/yamlFile';
import { YAMLMap } from 'yaml';

export type Classified =
  | { type: 'workflow'; workflow: Workflow }
  | { type: 'k8s'; objects: K8sObject[] }
  | { type: 'other' };

const ACTION_PATH = /(^|[\\/])action\.ya?ml$/i;

export { isWorkflowPath };

/** What a document is: a workflow, a composite action, Kubernetes objects, or something we do not check. */
export function classify(file: YamlFile, yaml: YamlDoc): Classified {
  const root = yaml.resolve(yaml.doc.contents);
  if (!isMap(root)) return isWorkflowPath(file.path) && isEmpty(root) ? { type: 'workflow', workflow: emptyWorkflow(yaml, file.text) } : { type: 'other' };
  const fields = mapFields(yaml, root);
  if (fields.has('apiVersion') && fields.has('kind')) {
    const objects = buildK8sObjects(yaml, root);
    return objects.length > 0 ? { type: 'k8s', objects } : { type: 'other' };
  }
  if (ACTION_PATH.test(file.path) && fields.has('runs')) {
    const runs = fields.get('runs')?.value;
    if (isMap(runs) && scalarToString(mapFields(yaml, runs).get('using')?.value) === 'composite') {
      return { type: 'workflow', workflow: buildWorkflow(yaml, root, file.text, 'composite-action') };
    }
    return { type: 'other' };
  }
  // GitHub reads every file in .github/workflows as a workflow, one without 'jobs' too (and rejects it).
  if (isWorkflowPath(file.path)) return { type: 'workflow', workflow: buildWorkflow(yaml, root, file.text, 'workflow') };
  const jobs = fields.get('jobs')?.value;
  if (!isMap(jobs)) return { type: 'other' };
  if (fields.has('on') && (looksLikeJobs(yaml, jobs) || onlyWorkflowKeys(yaml, fields, jobs))) {
    return { type: 'workflow', workflow: buildWorkflow(yaml, root, file.text, 'workflow') };
  }
  return { type: 'other' };
}

/** A document with nothing in it: no text but comments, a bare `---`, or a lone null (`~`). */
function isEmpty(root: unknown): boolean {
  return root === null || root === undefined || (isScalar(root) && root.value === null);
}

/** A workflow with no keys, at the start of the document: what an empty workflow file is to GitHub. */
function emptyWorkflow(yaml: YamlDoc, text: string): Workflow {
  const node = new YAMLMap();
  const at = yaml.doc.contents?.range?.[0] ?? 0;
  node.range = [at, at, at];
  const workflow = buildWorkflow(yaml, node, text, 'workflow');
  workflow.empty = true;
  return workflow;
}

// Outside .github/workflows a file is a workflow only if its jobs look like GitHub's (other CI systems have `jobs:` too).
function looksLikeJobs(yaml: YamlDoc, jobs: import('yaml').YAMLMap): boolean {
  const all = [...mapFields(yaml, jobs).values()];
  return all.length > 0 && all.every((job) => isMap(job.value) && (mapFields(yaml, job.value).has('runs-on') || mapFields(yaml, job.value).has('uses')));
}

const keysOf = (definition: string): string[] => Object.keys(WORKFLOW_SCHEMA[definition]?.mapping?.properties ?? {});
const ROOT_KEYS = new Set(keysOf('workflow-root'));
const JOB_KEYS = new Set([...keysOf('job-factory'), ...keysOf('workflow-job')]);

// A workflow whose jobs still lack `runs-on` (being written, or broken) is still a workflow when every key, at the top
// and in every job, is one of GitHub's: CircleCI's `version:`/`workflows:`, Azure's `trigger:`/`pool:`/`stages:` and the
// like are not, and their jobs' keys (`docker:`, `executor:`, `script:`, `pool:`) are not either.
function onlyWorkflowKeys(yaml: YamlDoc, fields: ReadonlyMap<string, unknown>, jobs: import('yaml').YAMLMap): boolean {
  if (![...fields.keys()].every((key) => ROOT_KEYS.has(key))) return false;
  const all = [...mapFields(yaml, jobs).values()];
  return all.length > 0 && all.every((job) => isMap(job.value) && job.value.items.length > 0 && [...mapFields(yaml, job.value).keys()].every((key) => JOB_KEYS.has(key)));
}
