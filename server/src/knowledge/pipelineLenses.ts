import { classify } from '../engine/core/classify';
import type { Span } from '../engine/core/finding';
import { pipelineOf, type Pipeline } from '../engine/model/pipeline';
import type { YamlFile } from '../engine/yaml/yamlFile';

/** A line above a workflow's `jobs:`: how many jobs, and the longest chain of `needs:` among them. */
export interface PipelineLens {
  /** The `jobs:` key. */
  span: Span;
  title: string;
}

/**
 * The longest critical path the lens spells out in full, in jobs and in characters; a longer one keeps its first job
 * and its last two, or only its first and last when those are still too long.
 */
const MAX_PATH_JOBS = 4;
const MAX_PATH_CHARS = 60;

/** Workflows with at least two jobs get a lens (a single job has no shape to show). */
export function pipelineLenses(file: YamlFile): PipelineLens[] {
  const lenses: PipelineLens[] = [];
  for (const doc of file.documents) {
    if (doc.hasErrors) continue;
    const classified = classify(file, doc);
    if (classified.type !== 'workflow' || classified.workflow.kind !== 'workflow') continue;
    const jobsKey = classified.workflow.fields.get('jobs');
    if (!jobsKey) continue;
    const pipeline = pipelineOf(classified.workflow, doc);
    if (pipeline.nodes.length < 2) continue;
    lenses.push({ span: jobsKey.keySpan, title: pipelineSummary(pipeline) });
  }
  return lenses;
}

/** "7 jobs · critical path lint → test → deploy": short, job ids (names can be long), never runs noted. */
export function pipelineSummary(pipeline: Pipeline): string {
  const parts = [`${pipeline.nodes.length} jobs`];
  const path = pipeline.criticalPath;
  if (path.length > 1) {
    const candidates = [path, [path[0]!, '…', ...path.slice(-2)], [path[0]!, '…', path.at(-1)!]].filter((shown) => shown.length <= path.length);
    const fits = candidates.find((shown, i) => (i > 0 || path.length <= MAX_PATH_JOBS) && shown.join(' → ').length <= MAX_PATH_CHARS);
    parts.push(`critical path ${(fits ?? candidates.at(-1)!).join(' → ')}`);
  } else if (pipeline.edges.length === 0) {
    parts.push('no needs: all start at once');
  }
  const never = pipeline.nodes.filter((node) => node.unreachable).length;
  if (never > 0) parts.push(`${never} never run${never === 1 ? 's' : ''}`);
  return parts.join(' · ');
}
