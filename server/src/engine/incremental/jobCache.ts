import { isMap, isScalar, type Node } from 'yaml';
import { shiftFinding, type Finding } from '../core/finding';
import { jobSource, type Job, type Workflow } from '../model/workflow';
import { indentUnit } from '../edits/yamlEdit';
import { detach } from './memo';
import { isPlain, type YamlFile } from '../yaml/yamlFile';
import type { AcrossJobs } from '../core/rule';
import type { LocalQuestion } from '../core/projectIndex';

/**
 * What the `job` and `step` hooks of `scope: 'job'` rules reported for each job of one document's workflow, kept
 * from one lint to the next: a job whose text is unchanged, in a workflow whose text around the jobs is unchanged,
 * gets the same findings, moved to where the job now starts, while what its hooks read across jobs is the same.
 * Only what lies inside the job's text is kept.
 * One cache per document (the language server's incremental linter); it holds only the latest lint's jobs.
 */
export class JobFindingsCache {
  private context: readonly string[] | undefined;
  private entries = new Map<string, Entry>();

  /** Starts checking a workflow; undefined when its jobs cannot be told apart by their text (flow style, aliases into `jobs:`). */
  begin(file: YamlFile, workflow: Workflow, optionsKey: string): JobCacheSession | undefined {
    const jobs = workflow.fields.get('jobs');
    const range = jobs?.value?.range;
    if (workflow.kind !== 'workflow' || !jobs || !isMap(jobs.value) || jobs.value.flow || !range || range[0] < jobs.keySpan.end) return undefined;
    const text = file.text;
    const root = workflow.node;
    if (!root.range) return undefined;
    // What job hooks may read besides their job: the workflow's other entries (`on:`, `env:`, `permissions:`…) but
    // not its names, and whatever comes before the document's content (directives change how all of it reads).
    const context = [optionsKey, file.path, file.eol, indentUnit(file), text.slice(0, root.range[0])];
    for (const pair of root.items) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if (key === 'jobs' || (typeof key === 'string' && OUT_OF_SCOPE.has(key))) continue;
      const from = (pair.key as Node | null)?.range?.[0];
      const to = (pair.value as Node | null)?.range?.[2] ?? (pair.key as Node | null)?.range?.[2];
      if (from === undefined || to === undefined) return undefined;
      const entry = text.slice(from, to);
      // An alias there (`permissions: *p`) reads an anchor that may sit in a job: the text around the jobs would not
      // say when what it reads changed.
      if (entry.includes('*') && !isPlain(pair)) return undefined;
      context.push(entry);
    }
    if (!this.context || context.length !== this.context.length || context.some((part, index) => part !== this.context![index])) {
      this.entries = new Map();
    }
    this.context = context;
    return new JobCacheSession(range[2], this.entries, (kept) => (this.entries = kept));
  }

  /** Forgets everything (a rule failed, or the next text is another document). */
  clear(): void {
    this.context = undefined;
    this.entries = new Map();
  }
}

interface Entry {
  /** The job's text, kept as a copy (see `detach`). */
  key: string;
  /** Findings with offsets relative to the job's start. */
  relative: Finding[];
  /** The same findings at `at`, where the job started when they were last placed. */
  placed: Finding[];
  at: number;
  reads: readonly AcrossJobsRead[];
  locals: readonly LocalRead[];
}

/** What a job's hooks read of a local file through `ctx.index`: the question, and the answer (`CheckedTogether.localAnswer`). */
export type LocalRead = readonly [LocalQuestion, string];

/** What a job's hooks learnt of the whole workflow through `ctx.acrossJobs`: the question, and the answer's JSON. */
export interface AcrossJobsRead {
  compute: AcrossJobs<unknown>;
  json: string;
}

/** Where a job's text lies, and what was reported for the same text last time (if anything). */
export interface JobSlot {
  start: number;
  end: number;
  key: string;
  cached: Finding[] | undefined;
  /** What the cached findings' hooks read across jobs: they hold only while every answer is the same. */
  reads: readonly AcrossJobsRead[];
  /** Likewise for what they read of local files. */
  locals: readonly LocalRead[];
}

export class JobCacheSession {
  private readonly kept = new Map<string, Entry>();

  constructor(
    private readonly jobsEnd: number,
    private readonly previous: ReadonlyMap<string, Entry>,
    private readonly done: (kept: Map<string, Entry>) => void,
  ) {}

  /** The job's slot, or undefined when its findings may depend on text outside it (an alias) or it cannot be delimited. */
  slot(job: Job): JobSlot | undefined {
    const range = job.node.range;
    const source = jobSource(job);
    if (!range || !source || range[2] > this.jobsEnd) return undefined;
    const { text: key, start } = source;
    const entry = this.previous.get(key) ?? this.kept.get(key);
    if (!entry) return { start, end: range[2], key, cached: undefined, reads: [], locals: [] };
    if (entry.at !== start) {
      entry.placed = entry.relative.map((finding) => shiftFinding(finding, start));
      entry.at = start;
    }
    this.kept.set(entry.key, entry);
    return { start, end: range[2], key, cached: entry.placed, reads: entry.reads, locals: entry.locals };
  }

  /** Keeps what was reported for a job that had no cached findings, when all of it lies inside the job's text. */
  store(slot: JobSlot, findings: Finding[], reads: readonly AcrossJobsRead[], locals: readonly LocalRead[] = []): void {
    const inside = (span: { start: number; end: number }): boolean => span.start >= slot.start && span.end <= slot.end;
    if (!findings.every((finding) => inside(finding.span) && (finding.fix?.edits.every(inside) ?? true))) {
      this.kept.delete(slot.key);
      return;
    }
    // Kept across keystrokes: a copy of the job's text, not a slice that holds on to the whole file.
    const key = detach(slot.key);
    this.kept.set(key, { key, relative: findings.map((finding) => shiftFinding(finding, -slot.start)), placed: findings, at: slot.start, reads, locals });
  }

  /** Ends the check: only the jobs seen in it are kept for the next. */
  end(): void {
    this.done(this.kept);
  }
}


/** Top-level entries job-scoped rules never read (the workflow's names): editing them keeps every job's findings. */
export const OUT_OF_SCOPE: ReadonlySet<string> = new Set(['name', 'run-name']);
