import type { TextEdit } from '../core/finding';
import { effectivePermissions } from '../model/permissions';
import type { Job, Workflow } from '../model/workflow';
import { columnOf, insertMapEntry, replaceScalar } from './yamlEdit';
import { isScalar, type YamlDoc, type YamlFile } from '../yaml/yamlFile';

/** Adds top-level `permissions: contents: read`, right before `jobs:`. */
export function addWorkflowPermissions(file: YamlFile, workflow: Workflow): TextEdit | undefined {
  const jobs = workflow.fields.get('jobs');
  if (!jobs || jobs.key.range?.[0] === undefined || columnOf(file, jobs.key.range[0]) !== 0) return undefined;
  return insertMapEntry(file, workflow.node, 'permissions:\n  contents: read', { before: jobs.key });
}

/**
 * Edits that give the job `id-token: write` and change nothing else it is allowed: appended to its own
 * `permissions:` map, or a new job-level map that copies the workflow's scopes (a job's map replaces the
 * workflow's entirely), or `contents: read` + `id-token: write` when nothing is declared. Undefined for
 * forms that cannot be extended in place (`read-all`, expressions, flow maps) and when it is already granted.
 */
export function grantIdToken(file: YamlFile, yaml: YamlDoc, job: Job): TextEdit[] | undefined {
  const effective = effectivePermissions(job, yaml);
  if (effective.level('id-token') === 'write') return [];
  const declared = effective.declared;
  if (declared?.unknown || declared?.shorthand) return undefined;
  if (effective.source === 'job') {
    const written = declared?.scopes.get('id-token')?.field.value;
    if (written) {
      const edit = isScalar(written) ? replaceScalar(written, 'write') : undefined;
      return edit ? [edit] : undefined;
    }
    if (declared?.map) {
      const edit = insertMapEntry(file, declared.map, 'id-token: write');
      return edit ? [edit] : undefined;
    }
    // `permissions:` with no value or `{}`: replace it by a block map.
    return undefined;
  }
  let scopes = ['contents: read'];
  if (effective.source === 'workflow') {
    if (!declared?.map) return undefined;
    scopes = [...declared.scopes].filter(([scope]) => scope !== 'id-token').map(([scope, { level }]) => `${scope}: ${level}`);
  }
  const anchor = job.fields.get('steps')?.key ?? job.fields.get('uses')?.key;
  if (!anchor || !isScalar(anchor)) return undefined;
  const edit = insertMapEntry(file, job.node, ['permissions:', ...scopes.map((line) => `  ${line}`), '  id-token: write'].join('\n'), { before: anchor });
  return edit ? [edit] : undefined;
}
