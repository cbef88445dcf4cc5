import type { Span } from '../../engine/core/finding';
import { defineRule, type RuleContext } from '../../engine/core/rule';
import { cronProblem, cronMinimumGap } from '../../engine/languages/cron';
import { closest } from '../../engine/languages/suggest';
import { WORKFLOW_SCHEMA } from '../../engine/schema/schemaData.generated';
import { validate } from '../../engine/schema/validate';
import { isMap, isScalar, isSeq, mapFields, scalarToString, spanOf, type Field, type Node, type Scalar, type YamlDoc, type YAMLSeq } from '../../engine/yaml/yamlFile';

/** GitHub's limit on a `workflow_dispatch` event's inputs (10 until December 2025). */
const MAX_DISPATCH_INPUTS = 25;

const messages = {
  unknownEvent: (name: string, near: string) => `'${name}' is not an event GitHub triggers workflows on${near ? `; did you mean '${near}'?` : ''}`,
  unknownType: (type: string, event: string, allowed: string) => `'${type}' is not an activity type of '${event}' (it has ${allowed})`,
  unknownFilter: (key: string, event: string, known: string, near: string) => `'${event}' does not take '${key}'${known}${near ? `; did you mean '${near}'?` : ''}`,
  noFilters: (event: string) => `'${event}' takes no filters: GitHub rejects the workflow (leave the event empty)`,
  invalid: (what: string) => `${what}`,
  bothFilters: (filter: string) => `'${filter}' and '${filter}-ignore' cannot be used together for one event: GitHub rejects the workflow (use '${filter}' with '!' patterns instead)`,
  badTimezone: (zone: string) => `'${zone}' is not a time zone GitHub knows: write an IANA name such as 'Europe/Berlin' or 'America/New_York'`,
  badCron: (cron: string, problem: string) => `Invalid cron '${cron}': ${problem}`,
  tooFrequent: (cron: string, gap: number) => `'${cron}' asks to run every ${gap} minute${gap === 1 ? '' : 's'}; GitHub runs schedules at most once every 5 minutes`,
  choiceWithoutOptions: (input: string) => `Input '${input}' of type 'choice' needs a non-empty 'options' list`,
  optionsWithoutChoice: (input: string, type: string) => `'options' of input '${input}' is ignored: only inputs of type 'choice' have options (this one is '${type}')`,
  defaultNotAnOption: (input: string, value: string) => `The default '${value}' of input '${input}' is not one of its 'options'`,
  defaultWrongType: (input: string, value: string, type: string) => `The default '${value}' of input '${input}' is not a ${type}`,
  duplicateOption: (value: string, input: string) => `'${value}' is already an option of input '${input}': the run form lists it twice`,
  tooManyInputs: (count: number) => `'workflow_dispatch' takes at most ${MAX_DISPATCH_INPUTS} inputs and this one defines ${count}: GitHub refuses the workflow ("you may only define up to ${MAX_DISPATCH_INPUTS} inputs")`,
  scheduleWithoutCron: () => `'schedule' lists no 'cron', so the workflow never starts on a schedule: add entries such as '- cron: "0 3 * * 1"'`,
};

type Ctx = RuleContext<typeof messages>;
/** What the checks of an event's body need: somewhere to report (the rule's context, or a count of what they would say). */
type Reporter = Pick<Ctx, 'report'>;

const PAIRED_FILTERS = ['branches', 'tags', 'paths'];

export default defineRule({
  id: 'gha/events',
  presets: { recommended: 'off', strict: 'error' },
  dora: ['change-failure-rate', 'deployment-frequency'],
  capabilities: ['continuous-integration'],
  fixable: 'suggestion',
  messages,
  docs: {
    summary: 'Triggers GitHub cannot use: unknown events or activity types, filters an event does not take, invalid cron, malformed `workflow_dispatch` / `workflow_call` inputs.',
    rationale:
      'Mistakes under `on:` either make the workflow invalid or, worse, make it silently never run: a misspelled event (`pull-request`), an activity type the event does not have, `branches` together with `branches-ignore`, a cron with six fields or a month of 13. The event names, activity types and filters come from GitHub\'s own workflow schema; cron fields are checked as GitHub reads them (minute 0–59, hour 0–23, day 1–31, month 1–12 or JAN–DEC, weekday 0–6 or SUN–SAT), and a schedule more frequent than every 5 minutes is reported as a warning, since GitHub never runs it that often. A `schedule` with no `cron` (`on: [push, schedule]`, `schedule: []`) is a warning: GitHub accepts it and never starts the workflow on a schedule. A schedule\'s `timezone` must be a name of the IANA time zone database, a `choice` input\'s options should each appear once (a warning), a `boolean` or `number` input\'s default (of `workflow_dispatch` or `workflow_call`) must be one, and `workflow_dispatch` takes at most 25 inputs.',
    symptom: 'The workflow is rejected when pushed, or it is accepted and never starts on the event it was written for.',
    fix: 'Use the event, type or filter GitHub documents (a single close misspelling comes with a quick fix); for cron, five fields in UTC.',
    bad: `on:
  pull-request:
    branches: [main]
  schedule:
    - cron: '0 0 * * 8'
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
`,
    good: `on:
  pull_request:
    branches: [main]
  schedule:
    - cron: '0 0 * * 0'
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
`,
  },
  visit: {
    workflow(workflow, ctx) {
      if (workflow.kind !== 'workflow') return;
      const on = workflow.fields.get('on');
      if (!on?.value) return;
      schemaProblems(on, ctx);
      checkEmptySchedule(ctx.doc, on.value, ctx);
      const events = ctx.doc.resolve(on.value);
      if (!isMap(events)) return;
      for (const [event, field] of mapFields(ctx.doc, events)) checkEventBody(ctx.doc, event, field.value, ctx);
    },
  },
});

/** The checks of one event's filters, schedule or inputs beyond the schema's. */
function checkEventBody(yaml: YamlDoc, event: string, value: Node | undefined, ctx: Reporter): void {
  if (event === 'schedule' && isSeq(value)) checkSchedule(yaml, value, ctx);
  if (!isMap(value)) return;
  const filters = mapFields(yaml, value);
  for (const filter of PAIRED_FILTERS) {
    const ignore = filters.get(`${filter}-ignore`);
    if (filters.has(filter) && ignore) ctx.report({ span: ignore.keySpan, message: 'bothFilters', args: [filter] });
  }
  if (event === 'workflow_dispatch') checkDispatchInputs(yaml, filters.get('inputs'), ctx);
  if (event === 'workflow_call') checkDefaults(yaml, filters.get('inputs')?.value, ctx);
}

/**
 * Whether renaming an unknown event to `event` leaves nothing to report about it: `value` is what the event would
 * take (absent in `on: [a, b]` and `on: a`). `SCHEDULE:` with no cron becomes a schedule that never fires, and a
 * body the misspelt key hid from the checks may not be one the event takes.
 */
function cleanAs(yaml: YamlDoc, event: string, value: Node | undefined, at: Span): boolean {
  const empty = value === undefined || (isScalar(value) && value.value === null);
  if (event === 'schedule' && (empty || (isSeq(value) && value.items.length === 0))) return false;
  if (empty) return true;
  const type = WORKFLOW_SCHEMA['on-mapping-strict']?.mapping?.properties[event]?.type;
  if (!type || validate(WORKFLOW_SCHEMA, yaml, value, type, at, { parent: event }).length > 0) return false;
  let problems = 0;
  checkEventBody(yaml, event, value, { report: () => void problems++ });
  return problems === 0;
}

function schemaProblems(on: Field, ctx: Ctx): void {
  const events = Object.keys(WORKFLOW_SCHEMA['on-mapping-strict']?.mapping?.properties ?? {});
  for (const problem of validate(WORKFLOW_SCHEMA, ctx.doc, on.value, 'on-strict', on.keySpan, { parent: 'on' })) {
    switch (problem.kind) {
      case 'unknown-key': {
        if (problem.mapping === 'on-mapping-strict') reportUnknownEvent(problem.key, problem.at, events, ctx, problem.keys, eventValue(ctx.doc, on.value, problem.at));
        else {
          const near = closest(problem.key, problem.known);
          const known = problem.known.length > 0 ? ` (it takes ${problem.known.map((k) => `'${k}'`).join(', ')})` : '';
          ctx.report({ span: problem.at, message: 'unknownFilter', args: [problem.key, problem.parent, known, near ?? ''], ...(near && !problem.keys.has(near) ? { fix: { title: `Change to '${near}'`, edits: [{ start: problem.at.start, end: problem.at.end, newText: near }] } } : {}) });
        }
        break;
      }
      case 'value':
        if (problem.allowed.includes('push') && problem.allowed.includes('pull_request')) reportUnknownEvent(problem.value, problem.at, events, ctx, new Set());
        else if (problem.parent === 'types' && problem.allowed.length > 0) {
          ctx.report({ span: problem.at, message: 'unknownType', args: [problem.value, eventOf(ctx.doc, problem.at) ?? 'this event', problem.allowed.map((v) => `'${v}'`).join(', ')] });
        } else {
          const allowed = problem.allowed.length > 0 ? ` (one of ${problem.allowed.map((v) => `'${v}'`).join(', ')})` : `: expected ${problem.expected}`;
          ctx.report({ span: problem.at, message: 'invalid', args: [`'${problem.value}' is not a valid value${problem.parent ? ` for '${problem.parent}'` : ''}${allowed}`] });
        }
        break;
      case 'type':
        if (events.includes(problem.parent) && problem.found === 'a mapping') ctx.report({ span: problem.at, message: 'noFilters', args: [problem.parent] });
        else ctx.report({ span: problem.at, message: 'invalid', args: [`'${problem.parent}' expects ${problem.expected}, not ${problem.found}`] });
        break;
      case 'missing-key':
        ctx.report({ span: problem.at, message: 'invalid', args: [`'${problem.key}' is required in '${problem.parent}' and missing`] });
        break;
      case 'duplicate-key':
        ctx.report({ span: problem.at, message: 'invalid', args: [`'${problem.key}' is written twice here (GitHub compares keys ignoring case)`] });
        break;
      case 'expression':
        ctx.report({ span: problem.at, message: 'invalid', args: [`GitHub evaluates no expressions in '${problem.parent}': write the value itself`] });
        break;
      case 'ambiguous':
        ctx.report({ span: problem.at, message: 'invalid', args: [`'${problem.parent}' needs '${problem.choices.join("' or '")}'`] });
        break;
    }
  }
}

function reportUnknownEvent(name: string, at: Span, events: string[], ctx: Ctx, keys: ReadonlySet<string>, value?: Node): void {
  const near = closest(name, events);
  const fixable = near && !keys.has(near) && cleanAs(ctx.doc, near, value, at);
  ctx.report({ span: at, message: 'unknownEvent', args: [name, near ?? ''], ...(fixable ? { fix: { title: `Change to '${near}'`, edits: [{ start: at.start, end: at.end, newText: near }] } } : {}) });
}

/** The value of the `on:` key written at `at`. */
function eventValue(yaml: YamlDoc, on: Node | undefined, at: Span): Node | undefined {
  const events = yaml.resolve(on);
  if (!isMap(events)) return undefined;
  for (const field of mapFields(yaml, events).values()) if (field.keySpan.start === at.start) return field.value;
  return undefined;
}

/** The event whose `types:` holds the value at `at`: the `on:` key whose value's range contains it. */
function eventOf(yaml: YamlDoc, at: Span): string | undefined {
  const root = yaml.doc.contents;
  if (!isMap(root)) return undefined;
  const on = root.items.find((pair) => scalarToString(pair.key) === 'on')?.value;
  if (!isMap(on)) return undefined;
  for (const pair of on.items) {
    const value = pair.value as Node | null;
    if (value?.range && value.range[0] <= at.start && at.end <= value.range[2]) return scalarToString(pair.key);
  }
  return undefined;
}

/** `on: schedule`, `on: [schedule]`, `schedule:` or `schedule: []`: GitHub accepts the event with no cron, and never fires it. */
function checkEmptySchedule(yaml: YamlDoc, on: Node, ctx: Ctx): void {
  const events = yaml.resolve(on);
  const named = (node: unknown): node is Scalar => isScalar(node) && node.value === 'schedule';
  const report = (span: Span): void => ctx.report({ span, message: 'scheduleWithoutCron', args: [], severity: 'warning' });
  if (named(events)) return report(spanOf(events));
  if (isSeq(events)) {
    for (const item of events.items) if (named(item)) report(spanOf(item));
    return;
  }
  if (!isMap(events)) return;
  const schedule = mapFields(yaml, events).get('schedule');
  if (!schedule) return;
  const value = schedule.value;
  if (value === undefined || (isScalar(value) && value.value === null) || (isSeq(value) && value.items.length === 0)) report(schedule.keySpan);
}

function checkSchedule(yaml: YamlDoc, schedule: Node, ctx: Reporter): void {
  if (!isSeq(schedule)) return;
  for (const item of schedule.items) {
    const entry = yaml.resolve(item);
    if (!isMap(entry)) continue;
    const cron = mapFields(yaml, entry).get('cron')?.value;
    const text = scalarToString(cron);
    if (!cron || text === undefined || text.includes('${{')) continue;
    const problem = cronProblem(text);
    if (problem) {
      ctx.report({ span: spanOf(cron), message: 'badCron', args: [text, problem] });
      continue;
    }
    const gap = cronMinimumGap(text);
    if (gap !== undefined && gap < 5) ctx.report({ span: spanOf(cron), message: 'tooFrequent', args: [text, gap], severity: 'warning' });
  }
  for (const item of schedule.items) {
    const entry = yaml.resolve(item);
    const timezone = isMap(entry) ? mapFields(yaml, entry).get('timezone')?.value : undefined;
    const zone = scalarToString(timezone);
    if (timezone && zone && !zone.includes('${{') && !isTimeZone(zone)) ctx.report({ span: spanOf(timezone), message: 'badTimezone', args: [zone] });
  }
}

/** Whether the IANA time zone database (as the JavaScript runtime's Intl knows it) has this zone. */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function checkDispatchInputs(yaml: YamlDoc, field: Field | undefined, ctx: Reporter): void {
  const inputs = field?.value;
  if (!field || !isMap(inputs)) return;
  const fields = mapFields(yaml, inputs);
  if (fields.size > MAX_DISPATCH_INPUTS) ctx.report({ span: field.keySpan, message: 'tooManyInputs', args: [fields.size] });
  for (const [name, field] of fields) {
    if (!isMap(field.value)) continue;
    const input = mapFields(yaml, field.value);
    const type = scalarToString(input.get('type')?.value) ?? 'string';
    const options = input.get('options');
    const optionValues = isSeq(options?.value) ? options.value.items.flatMap((item) => scalarToString(yaml.resolve(item)) ?? []) : [];
    if (type === 'choice' && optionValues.length === 0) ctx.report({ span: options?.keySpan ?? field.keySpan, message: 'choiceWithoutOptions', args: [name] });
    if (type === 'choice' && isSeq(options?.value)) checkDuplicateOptions(yaml, options.value, name, ctx);
    if (type !== 'choice' && options && ['string', 'boolean', 'number', 'environment'].includes(type)) ctx.report({ span: options.keySpan, message: 'optionsWithoutChoice', args: [name, type], severity: 'warning' });
    const defaultNode = input.get('default')?.value;
    const value = scalarToString(defaultNode);
    if (!defaultNode || value === undefined || value.includes('${{')) continue;
    if (type === 'choice' && optionValues.length > 0 && !optionValues.includes(value)) ctx.report({ span: spanOf(defaultNode), message: 'defaultNotAnOption', args: [name, value] });
  }
  checkDefaults(yaml, inputs, ctx);
}

/** A choice listed twice shows twice in the run form's drop-down: a copy-paste slip, or a value that was meant to differ. */
function checkDuplicateOptions(yaml: YamlDoc, options: YAMLSeq, input: string, ctx: Reporter): void {
  const seen = new Set<string>();
  for (const item of options.items) {
    const node = yaml.resolve(item);
    const value = scalarToString(node);
    if (!node || value === undefined) continue;
    if (seen.has(value)) ctx.report({ span: spanOf(node), message: 'duplicateOption', args: [value, input], severity: 'warning' });
    seen.add(value);
  }
}

/** Defaults of 'boolean' and 'number' inputs (of workflow_dispatch or workflow_call) that are not of their type. */
function checkDefaults(yaml: YamlDoc, inputs: Node | undefined, ctx: Reporter): void {
  if (!isMap(inputs)) return;
  for (const [name, field] of mapFields(yaml, inputs)) {
    if (!isMap(field.value)) continue;
    const input = mapFields(yaml, field.value);
    const type = scalarToString(input.get('type')?.value);
    const defaultNode = input.get('default')?.value;
    const value = scalarToString(defaultNode);
    if (!defaultNode || value === undefined || value.includes('${{')) continue;
    if (type === 'boolean' && isScalar(defaultNode) && typeof defaultNode.value !== 'boolean' && !['true', 'false'].includes(value)) ctx.report({ span: spanOf(defaultNode), message: 'defaultWrongType', args: [name, value, 'boolean'] });
    if (type === 'number' && !/^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/.test(value.trim())) ctx.report({ span: spanOf(defaultNode), message: 'defaultWrongType', args: [name, value, 'number'] });
  }
}
