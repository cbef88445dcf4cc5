import type { Span, TextEdit } from '../../engine/core/finding';
import { contextPaths, type Expr, stringLiterals } from '../../engine/languages/expressions';
import { byJobId, conditionFacts, crossJobVerdicts, type CrossJobs, type JobFacts } from '../../engine/model/crossJob';
import { graphOf } from '../../engine/model/jobGraph';
import { type ConditionReading, conditionReading, type JobCondition, jobCondition, reachabilityOf } from '../../engine/model/reachability';
import type { Job } from '../../engine/model/workflow';
import { defineRule } from '../../engine/core/rule';
import { isScalar, isSeq, scalarToString, seqItems, spanOf, type YamlDoc, type YamlFile } from '../../engine/yaml/yamlFile';

/** Contexts the trigger decides (see triggerCases). */
const TRIGGER_PATHS = new Set(['github.event_name', 'github.ref', 'github.ref_name', 'github.ref_type', 'github.base_ref', 'github.head_ref', 'github.event.action']);

export default defineRule({
  id: 'gha/needs-skipped',
  presets: { recommended: 'off', strict: 'warning' },
  dora: ['deployment-frequency', 'lead-time'],
  capabilities: ['continuous-delivery', 'deployment-automation'],
  fixable: 'suggestion',
  messages: {
    skipTrap: (job: string, needs: string) =>
      `'${job}' needs ${needs}; whenever that job is skipped, '${job}' is skipped too, even when its own 'if:' is true, because a condition without a status function only runs after every need succeeded. Say what should happen when the need was skipped.`,
    skippedOnEvents: (job: string, needs: string, events: string) =>
      `'${job}' needs ${needs}, which ${needs.includes(' and ') ? 'are' : 'is'} skipped on ${events} events, so '${job}' is skipped on them too (its own 'if:' does not rule them out). Fine if '${job}' is not meant to run then; otherwise say what a skipped need means.`,
  },
  docs: {
    summary: 'A job with its own `if:` that needs a conditional job is silently skipped whenever that job is.',
    rationale:
      'A job-level `if:` that calls no status function (`always()`, `success()`, `failure()`, `cancelled()`) is implicitly `success() && (<condition>)`, and `success()` is false when any needed job was skipped. So when job B needs job A and A has a condition of its own, B only ever runs when A\'s condition holds too, whatever B\'s `if:` says. Authors usually expect B\'s condition to decide. The skip also propagates: everything that needs B is skipped with it.',
    symptom:
      'The job shows as skipped with no error, on exactly the runs where it mattered (a push to main, a release tag), because some upstream job only runs on pull requests or on a label. Nothing fails, so nothing alerts.',
    fix: 'Decide explicitly: `if: ${{ !cancelled() && !failure() && (needs.A.result == \'success\' || needs.A.result == \'skipped\') && (<old condition>) }}` lets the job run when A succeeded or was skipped, still stops it when anything upstream failed or the run was cancelled, and keeps its own condition. The suggested fix writes exactly that. Jobs whose `if:` already uses a status function or reads `needs.A.result` are not reported, nor jobs whose condition already includes the needed job\'s condition (they are meant to run together), nor jobs without an `if:` of their own or whose `if:` says nothing about the event or ref (a condition on inputs or outputs usually means "only after that job"). Only needs that are certainly skipped for some event or ref the workflow runs on are reported. When a need is skipped only for whole kinds of events (its `if:` reads nothing but `github.event_name` and the event\'s payload, such as `github.event.pull_request.draft`), the job still runs on the other events, and its own condition does not name the skipped ones, the finding is only info: most often the job is not meant to run on those events either.',
    bad: `on: [push, pull_request]
jobs:
  integration:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - run: make integration-test
  release:
    needs: integration
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    steps:
      - run: make release
`,
    good: `on: [push, pull_request]
jobs:
  integration:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - run: make integration-test
  release:
    needs: integration
    if: \${{ !cancelled() && !failure() && (needs.integration.result == 'success' || needs.integration.result == 'skipped') && github.ref == 'refs/heads/main' }}
    runs-on: ubuntu-latest
    steps:
      - run: make release
`,
  },
  scope: 'job',
  visit: {
    job(job, ctx) {
      const verdict = ctx.acrossJobs(VERDICTS)[job.id];
      if (!verdict) return;
      const fix = buildFix(ctx.file, job, jobCondition(job, ctx.file.text), verdict.trapped);
      const span = needSpan(ctx.doc, job, verdict.trapped[0]!);
      if (verdict.onlyOnEvents) {
        const needs = verdict.trapped.map((need) => `'${need}'`).join(' and ');
        const events = verdict.onlyOnEvents.map((event) => `'${event}'`).join(', ');
        ctx.report({ span, message: 'skippedOnEvents', args: [job.id, needs, events], severity: 'info', ...(fix ? { fix } : {}) });
        return;
      }
      ctx.report({ span, message: 'skipTrap', args: [job.id, verdict.named], ...(fix ? { fix } : {}) });
    },
  },
});

// Which needs of each job its own condition does not expect to be skipped: worked out from every job's facts,
// reported (with the rewritten `if:`) from the job's own hook.
const VERDICTS = crossJobVerdicts<Verdict>('needs-skipped', verdicts);

/** The needs (their ids) a job is skipped along with, and how the message names them. */
interface Verdict {
  trapped: string[];
  named: string;
  /**
   * Set when the needs are skipped by design for whole event types (these), the job still runs on the others, and its
   * own condition does not name these events: most likely the job is not meant to run on them either (reported as info).
   */
  onlyOnEvents?: string[];
}

type Verdicts = Readonly<Record<string, Verdict>>;

function verdicts({ jobs, cases }: CrossJobs): Verdicts {
  const graph = graphOf(jobs);
  const analysis = reachabilityOf(graph, cases, conditionFacts);
  const found: Record<string, Verdict> = byJobId<Verdict>();
  for (const job of jobs) {
    const condition = readingOf(job);
    // No `if:` of its own: the job simply runs whenever its needs did (it inherits their conditions).
    if (!condition?.ast || condition.usesStatus || condition.constant || graph.inCycle(job)) continue;
    const paths = contextPaths(condition.ast);
    // Only a condition about the trigger (event, ref) says when the job itself wants to run; one about
    // inputs or outputs of earlier jobs usually means "after that job", and skipping along is the design.
    if (!paths.some((path) => TRIGGER_PATHS.has(path.path))) continue;
    const readsResult = new Set(
      paths
        .filter((path) => path.segments.length >= 3 && path.segments[0]!.toLowerCase() === 'needs' && path.segments[2]!.toLowerCase() === 'result')
        .map((path) => path.segments[1]!.toLowerCase()),
    );
    const trapped = graph.needs(job).filter((need) => {
      if (readsResult.has(need.id.toLowerCase())) return false;
      const needCondition = readingOf(need);
      if (!needCondition?.ast || needCondition.constant || impliesCondition(condition, needCondition)) return false;
      // Some way the workflow starts (event, ref) where the need is certainly skipped by its own condition while this
      // job's condition may hold. Conditions on inputs, outputs or the repository are left alone: skipping along is often the design.
      return cases.some((_, i) => analysis.ownCondition(need, i) === false && analysis.ownCondition(job, i) !== false);
    });
    if (trapped.length === 0) continue;
    const named = trapped.map((need) => `'${need.id}' (which only runs when ${shorten(readingOf(need)?.source ?? '')})`).join(' and ');
    const verdict: Verdict = { trapped: trapped.map((need) => need.id), named };
    const trapEvents = new Set<string>();
    cases.forEach((triggerCase, i) => {
      if (triggerCase.event && analysis.ownCondition(job, i) !== false && trapped.some((need) => analysis.ownCondition(need, i) === false)) trapEvents.add(triggerCase.event);
    });
    // The trap is real when the job can never run, or when its own condition names an event on which it is skipped.
    const namedInCondition = new Set(stringLiterals(condition.ast).map((literal) => literal.toLowerCase()));
    if (
      trapEvents.size > 0 &&
      trapped.every((need) => decidedByEvent(readingOf(need)!)) &&
      analysis.canRun(job) !== false &&
      ![...trapEvents].some((event) => namedInCondition.has(event))
    ) {
      verdict.onlyOnEvents = [...trapEvents];
    }
    found[job.id] = verdict;
  }
  return found;
}

/**
 * Whether a condition reads nothing but the event: its name and its payload (`github.event.pull_request.draft`), so it
 * skips the job for whole kinds of events by design rather than for some refs, inputs or outputs.
 */
function decidedByEvent(condition: ConditionReading): boolean {
  const paths = condition.ast ? contextPaths(condition.ast) : [];
  return paths.length > 0 && paths.every(({ path }) => path === 'github.event_name' || path.startsWith('github.event.'));
}

/** What a job's `if:` says, when it has one. */
function readingOf(job: JobFacts): ConditionReading | undefined {
  return job.hasIf ? conditionReading(job.ifText) : undefined;
}

function shorten(source: string): string {
  const flat = source.trim().replace(/\s+/g, ' ');
  return flat.length > 80 ? `${flat.slice(0, 77)}…` : flat;
}

/** Top-level `&&` operands, normalised (no blanks, lowercase) for comparison. */
function conjuncts(condition: ConditionReading): Set<string> {
  const found = new Set<string>();
  const source = condition.source ?? '';
  const walk = (expr: Expr): void => {
    if (expr.kind === 'binary' && expr.op === '&&') {
      walk(expr.left);
      walk(expr.right);
      return;
    }
    found.add(source.slice(expr.start, expr.end).replace(/[\s()]+/g, '').toLowerCase());
  };
  if (condition.ast) walk(condition.ast);
  return found;
}

/** Whether the job's condition already requires everything the need's condition does (they are meant to run together). */
function impliesCondition(job: ConditionReading, need: ConditionReading): boolean {
  const own = conjuncts(job);
  return [...conjuncts(need)].every((part) => own.has(part));
}

function needSpan(yaml: YamlDoc, job: Job, need: string): Span {
  const field = job.fields.get('needs')!;
  const value = field.value;
  if (isSeq(value)) {
    const item = seqItems(yaml, value).find((node) => scalarToString(node)?.toLowerCase() === need.toLowerCase());
    if (item) return spanOf(item);
  }
  return value ? spanOf(value) : field.keySpan;
}

/** `${{ !cancelled() && !failure() && (needs.K.result == 'success' || needs.K.result == 'skipped') && (<old>) }}` in place of the old value. */
function buildFix(file: YamlFile, job: Job, condition: JobCondition, trapped: string[]): { title: string; edits: TextEdit[] } | undefined {
  const own = job.node.items.find((item) => isScalar(item.key) && item.key.value === 'if');
  const node = own?.value;
  if (!isScalar(node) || !node.range || condition.source === undefined) return undefined;
  // Each run of spaces that holds a line break becomes one space (`/\s*\n\s*/g` would retry every offset of a long run without one).
  const old = condition.source.trim().replace(/\s+/g, (run) => (run.includes('\n') ? ' ' : run));
  const allowSkip = trapped.map((need) => `(needs.${need}.result == 'success' || needs.${need}.result == 'skipped')`);
  const value = `\${{ ${['!cancelled()', '!failure()', ...allowSkip, `(${old})`].join(' && ')} }}`;
  const [start, end] = node.range;
  const plainOk = !/: |\s#|[\r\n]/.test(value);
  let newText = plainOk ? value : JSON.stringify(value);
  // A block scalar's range ends after its last line break: keep one.
  if (file.text[end - 1] === '\n') newText += file.eol;
  return { title: `Let '${job.id}' run when ${trapped.map((need) => `'${need}'`).join(' or ')} was skipped`, edits: [{ start, end, newText }] };
}
