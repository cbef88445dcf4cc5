import type { Span } from '../../engine/core/finding';
import { defineRule } from '../../engine/core/rule';
import { closest } from '../../engine/languages/suggest';
import { jobGraph } from '../../engine/model/jobGraph';
import type { Job } from '../../engine/model/workflow';
import { isSeq, scalarToString, spanOf, type Node, type YamlDoc } from '../../engine/yaml/yamlFile';

const messages = {
  unknown: (id: string, near: string) => `'needs' names job '${id}', which this workflow does not have, so GitHub rejects the workflow${near ? `; did you mean '${near}'?` : ''}`,
  self: (id: string) => `Job '${id}' needs itself, so it can never start (GitHub rejects the workflow)`,
  duplicate: (id: string) => `Job '${id}' is already listed in this 'needs'`,
  cycle: (path: string) => `These jobs need each other in a circle (${path}), so none of them can start (GitHub rejects the workflow)`,
};

export default defineRule({
  id: 'gha/job-needs',
  presets: { recommended: 'off', strict: 'error' },
  dora: ['change-failure-rate', 'lead-time'],
  capabilities: ['continuous-integration'],
  fixable: 'suggestion',
  messages,
  docs: {
    summary: '`needs:` that names a job the workflow does not have, the job itself, a job twice, or closes a circle.',
    rationale:
      'GitHub builds the job graph before anything runs: a `needs:` entry naming no job (often a typo or a job renamed without its dependents), a job needing itself and jobs needing each other in a circle make the whole workflow invalid, so nothing runs at all. Job ids compare ignoring case, as GitHub compares them.',
    symptom: 'The run fails at once with "The workflow is not valid … depends on unknown job" or "… contains a cycle", and no job starts.',
    fix: 'Name an existing job (a single close misspelling comes with a quick fix), and break circles by removing one of the `needs:` entries.',
    bad: `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
  deploy:
    needs: biuld
    runs-on: ubuntu-latest
    steps:
      - run: make deploy
`,
    good: `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
  deploy:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: make deploy
`,
  },
  visit: {
    workflow(workflow, ctx) {
      if (workflow.kind !== 'workflow') return;
      const ids = workflow.jobs.map((job) => job.id);
      const known = new Set(ids.map((id) => id.toLowerCase()));
      const entriesByJob = new Map<Job, { id: string; span: Span }[]>();
      for (const job of workflow.jobs) {
        const entries = needsEntries(ctx.doc, job.fields.get('needs')?.value);
        entriesByJob.set(job, entries);
        const seen = new Set<string>();
        for (const entry of entries) {
          const lower = entry.id.toLowerCase();
          if (entry.id.includes('${{')) continue;
          if (seen.has(lower)) ctx.report({ span: entry.span, message: 'duplicate', args: [entry.id] });
          else if (lower === job.id.toLowerCase()) ctx.report({ span: entry.span, message: 'self', args: [job.id] });
          else if (!known.has(lower)) {
            const near = closest(entry.id, ids.filter((id) => id.toLowerCase() !== job.id.toLowerCase()));
            ctx.report({ span: entry.span, message: 'unknown', args: [entry.id, near ?? ''], ...(near ? { fix: { title: `Change to '${near}'`, edits: [{ start: entry.span.start, end: entry.span.end, newText: near }] } } : {}) });
          }
          seen.add(lower);
        }
      }
      for (const cycle of jobGraph(workflow).cycles) {
        if (cycle.length < 2) continue;
        const first = cycle[0]!;
        const next = cycle[1 % cycle.length]!;
        const entry = entriesByJob.get(first)?.find((e) => cycle.some((member) => member.id.toLowerCase() === e.id.toLowerCase())) ?? { span: first.idSpan, id: next.id };
        ctx.report({ span: entry.span, message: 'cycle', args: [cycle.map((job) => `'${job.id}'`).join(', ')] });
      }
    },
  },
});

function needsEntries(yaml: YamlDoc, node: Node | undefined): { id: string; span: Span }[] {
  const items = isSeq(node) ? node.items.map((item) => yaml.resolve(item)) : node ? [node] : [];
  return items.flatMap((item) => {
    const id = item ? scalarToString(item) : undefined;
    return id === undefined || !item ? [] : [{ id, span: spanOf(item) }];
  });
}
