import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify } from '../../server/src/engine/core/classify';
import { OUT_OF_SCOPE } from '../../server/src/engine/incremental/jobCache';
import type { Job, Workflow } from '../../server/src/engine/model/workflow';
import type { AcrossJobs, Report, Rule, RuleContext } from '../../server/src/engine/core/rule';
import { memo } from '../../server/src/engine/incremental/memo';
import { parseYamlFile, type Field, type YamlFile } from '../../server/src/engine/yaml/yamlFile';
import { RULES } from '../../server/src/rules';
import { manyJobWorkflow, random, workflowTexts } from '../helpers/workflowEdits';

// The `scope: 'job'` promise (rule.ts): a rule's job and step hooks read only the job they are given and the
// workflow's entries other than `jobs:`. The engine reuses their findings for unchanged jobs, so a broken promise
// shows up as stale findings while typing. Both tests run every such rule's hooks directly on every fixture workflow.

const PATH = '.github/workflows/ci.yml';
const SCOPED = RULES.filter((rule) => rule.scope === 'job');

// What one job has that another could be tempted to read: a services: password, an image pushed as a SHA tag.
const NEIGHBOURS = `on: push
jobs:
  integration:
    runs-on: ubuntu-latest
    services:
      db:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: s3cr3t-pg-pw
    steps:
      - run: docker push ghcr.io/acme/api:\${{ github.sha }}
  migrate:
    runs-on: ubuntu-latest
    permissions: write-all
    steps:
      - run: ./migrate.sh
        env:
          DATABASE_PASSWORD: s3cr3t-pg-pw
      - run: docker push ghcr.io/acme/api:latest
`;

/** Every fixture workflow, workflows of many jobs made from them, and jobs that tempt a rule to look next door. */
function texts(): string[] {
  const fixtures = workflowTexts();
  const next = random(7);
  return [...fixtures, NEIGHBOURS, ...Array.from({ length: 12 }, () => manyJobWorkflow(fixtures, next, 3 + Math.floor(next() * 5)))];
}

function workflowOf(file: YamlFile): Workflow | undefined {
  const [yaml, ...others] = file.documents;
  if (!yaml || others.length > 0 || yaml.hasErrors) return undefined;
  const classified = classify(file, yaml);
  return classified.type === 'workflow' && classified.workflow.kind === 'workflow' ? classified.workflow : undefined;
}

/** The text of a job: from its key's line to the end of its value. */
function jobRange(file: YamlFile, job: Job): { start: number; end: number } {
  return { start: file.text.lastIndexOf('\n', job.idSpan.start - 1) + 1, end: job.node.range![2] };
}

type AcrossJobsAnswers = <V>(compute: AcrossJobs<V>) => V;

/** Answers `ctx.acrossJobs` questions about the workflow of a file. */
function answersFrom(file: YamlFile): AcrossJobsAnswers {
  const workflow = workflowOf(file)!;
  return (compute) => compute(workflow, file.documents[0]!, memo);
}

/** What a rule's job and step hooks report for one job, offsets made relative to where the job's text starts. */
function jobReports(rule: Rule, file: YamlFile, job: Job, whole: AcrossJobsAnswers): unknown[] {
  const reports: unknown[] = [];
  const { start } = jobRange(file, job);
  const ctx: RuleContext<Rule['messages']> = {
    file,
    doc: file.documents[0]!,
    project: {},
    // Strict: rules that report less in recommended (gha/job-timeout) show all they read.
    preset: 'strict',
    index: { objects: () => [], imagesFilledIn: () => [], localAction: () => ({ state: 'unknown' }), localWorkflow: () => ({ state: 'unknown' }), overlays: () => [], isPatch: () => false },
    memo: (slot, key, compute) => memo.get(slot, key, compute),
    option: (name: string) => rule.options![name]!.default,
    acrossJobs: whole,
    report: (report: Report<Rule['messages']>) => {
      reports.push({
        message: report.message,
        args: report.args,
        severity: report.severity,
        span: [report.span.start - start, report.span.end - start],
        fix: report.fix && { title: report.fix.title, edits: report.fix.edits.map((edit) => [edit.start - start, edit.end - start, edit.newText]) },
      });
    },
  };
  rule.visit.job?.(job, ctx);
  for (const step of job.steps) rule.visit.step?.(step, ctx);
  return reports;
}

/** Entries job-scoped rules must not read: the jobs, and what the engine leaves out of what reused findings depend on. */
const HIDDEN = new Set(['jobs', ...OUT_OF_SCOPE]);

/** A map that throws when a hidden entry is read through it, or when it is walked (which would read them too). */
class FieldsWithoutJobs extends Map<string, Field> {
  override get(name: string): Field | undefined {
    if (HIDDEN.has(name)) throw new Error(`read the workflow’s ${name}: field`);
    return super.get(name);
  }
  override has(name: string): boolean {
    if (HIDDEN.has(name)) throw new Error(`asked for the workflow’s ${name}: field`);
    return super.has(name);
  }
  override entries(): MapIterator<[string, Field]> {
    throw new Error('walked the workflow’s fields, jobs: included');
  }
  override values(): MapIterator<Field> {
    throw new Error('walked the workflow’s fields, jobs: included');
  }
  override forEach(): void {
    throw new Error('walked the workflow’s fields, jobs: included');
  }
  override [Symbol.iterator](): MapIterator<[string, Field]> {
    throw new Error('walked the workflow’s fields, jobs: included');
  }
}

describe('rules with scope: job', () => {
  it('are most of the workflow rules', () => {
    assert.ok(SCOPED.length >= 20, `only ${SCOPED.length} rules say scope: 'job'`);
  });

  it('never read the workflow’s jobs in their job and step hooks', () => {
    let checked = 0;
    for (const text of texts()) {
      const file = parseYamlFile(text, PATH);
      const workflow = workflowOf(file);
      if (!workflow) continue;
      const jobs = workflow.jobs;
      // What the hooks ask of the whole workflow is answered from another parse of it, every job in view.
      const whole = answersFrom(parseYamlFile(text, PATH));
      // The jobs stay reachable only through the hooks' own arguments.
      Object.defineProperty(workflow, 'jobs', {
        get() {
          throw new Error('read workflow.jobs');
        },
      });
      workflow.fields = new FieldsWithoutJobs([...Map.prototype.entries.call(workflow.fields)]);
      for (const rule of SCOPED) {
        for (const job of jobs) {
          assert.doesNotThrow(() => jobReports(rule, file, job, whole), `${rule.id} on job ${job.id} of:\n${text}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 1000, `only ${checked} job checks`);
  });

  it('report the same for a job whatever the other jobs are', () => {
    let compared = 0;
    let reported = 0;
    for (const text of texts()) {
      const file = parseYamlFile(text, PATH);
      const workflow = workflowOf(file);
      if (!workflow || workflow.jobs.length < 2) continue;
      const ranges = workflow.jobs.map((job) => jobRange(file, job));
      // Jobs are cut from their key's line up to the next job's key line (or the end of the last one's value).
      const cuts = ranges.map((range, index) => ({ start: range.start, end: ranges[index + 1]?.start ?? range.end }));
      if (cuts.some((cut, index) => index > 0 && cut.start < cuts[index - 1]!.end)) continue;
      workflow.jobs.forEach((job, index) => {
        let alone = text;
        for (let other = cuts.length - 1; other >= 0; other--) if (other !== index) alone = alone.slice(0, cuts[other]!.start) + alone.slice(cuts[other]!.end);
        const aloneFile = parseYamlFile(alone, PATH);
        const aloneJob = workflowOf(aloneFile)?.jobs.find((candidate) => candidate.id === job.id);
        if (!aloneJob) return;
        // What the hooks ask across jobs is the whole workflow's, as the engine would answer (it is part of what reused findings depend on).
        const whole = answersFrom(file);
        for (const rule of SCOPED) {
          const expected = jobReports(rule, file, job, whole);
          assert.deepEqual(jobReports(rule, aloneFile, aloneJob, whole), expected, `${rule.id} on job ${job.id}, alone vs with the others, in:\n${text}`);
          compared++;
          reported += expected.length;
        }
      });
    }
    assert.ok(compared > 1000 && reported > 50, `only ${compared} comparisons with ${reported} reports`);
  });
});
