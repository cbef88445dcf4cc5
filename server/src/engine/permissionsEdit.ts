import type { TextEdit } from './finding';
import { effectivePermissions } from './model/permissions';
import type { Job, Workflow } from './model/workflow';
import { appendToMap, columnOf, indentUnit, replaceScalar } from './yamlEdit';
import { isScalar, type Scalar, type YamlDoc, type YamlFile } from './yamlFile';

/**
 * Inserts `block` (YAML at column 0, nested with two spaces) on its own lines right before the line of
 * `key`, at the key's indentation. Undefined when something else precedes the key on its line.
 */
export function insertBeforeKey(file: YamlFile, key: Scalar, block: string): TextEdit | undefined {
  const start = key.range?.[0];
  if (start === undefined) return undefined;
  const lineStart = file.text.lastIndexOf('\n', start - 1) + 1;
  if (file.text.slice(lineStart, start).trim() !== '') return undefined;
  const indent = ' '.repeat(columnOf(file, start));
  const unit = indentUnit(file);
  const lines = block.split('\n').map((line) => indent + unit.repeat(/^ */.exec(line)![0].length / 2) + line.trimStart());
  return { start: lineStart, end: lineStart, newText: lines.join(file.eol) + file.eol };
}

/** Adds top-level `permissions: contents: read`, right before `jobs:`. */
export function addWorkflowPermissions(file: YamlFile, workflow: Workflow): TextEdit | undefined {
  const jobs = workflow.fields.get('jobs');
  if (!jobs || jobs.key.range?.[0] === undefined || columnOf(file, jobs.key.range[0]) !== 0) return undefined;
  return insertBeforeKey(file, jobs.key, 'permissions:\n  contents: read');
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
      const edit = appendToMap(file, declared.map, 'id-token: write');
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
  const edit = insertBeforeKey(file, anchor, ['permissions:', ...scopes.map((line) => `  ${line}`), '  id-token: write'].join('\n'));
  return edit ? [edit] : undefined;
}
