/** POSIX cron as GitHub's `schedule:` reads it: five fields, numbers, ranges, steps, lists, month and weekday names. */
interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** What is wrong with a cron expression, or undefined when GitHub can schedule it. */
export function cronProblem(cron: string): string | undefined {
  const parts = cron.trim().split(/\s+/);
  if (parts.length !== 5) return `expected 5 fields (minute hour day month weekday), found ${parts.length}`;
  for (let i = 0; i < 5; i++) {
    const problem = fieldProblem(parts[i]!, FIELDS[i]!);
    if (problem) return problem;
  }
  return undefined;
}

function fieldProblem(text: string, field: CronField): string | undefined {
  for (const item of text.split(',')) {
    const values = itemValues(item, field);
    if (typeof values === 'string') return `${field.name} '${item}': ${values}`;
  }
  return undefined;
}

/** The values an item (`*`, `5`, `1-5`, `*\/15`, `MON-FRI`) stands for, or what is wrong with it. */
function itemValues(item: string, field: CronField): number[] | string {
  const [range, step, extra] = item.split('/');
  if (extra !== undefined || range === undefined || range === '') return 'not a value, range or step';
  let from = field.min;
  let to = field.max;
  if (range !== '*') {
    const [a, b, more] = range.split('-');
    if (more !== undefined) return 'not a value, range or step';
    const start = value(a!, field);
    if (typeof start === 'string') return start;
    from = start;
    to = start;
    if (b !== undefined) {
      const end = value(b, field);
      if (typeof end === 'string') return end;
      if (end < start) return `range ends before it starts`;
      to = end;
    } else if (step !== undefined) to = field.max;
  }
  let by = 1;
  if (step !== undefined) {
    if (!/^\d+$/.test(step) || Number(step) === 0) return `step '${step}' is not a positive number`;
    by = Number(step);
  }
  const values: number[] = [];
  for (let v = from; v <= to; v += by) values.push(v);
  return values;
}

function value(text: string, field: CronField): number | string {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + field.min;
  if (!/^\d+$/.test(text)) return field.names ? `'${text}' is neither a number nor a name (${field.names[0]}–${field.names[field.names.length - 1]})` : `'${text}' is not a number`;
  const number = Number(text);
  if (number < field.min || number > field.max) return `${number} is out of range (${field.min}–${field.max})`;
  return number;
}

/** The shortest gap in minutes between two runs within an hour, for a valid cron; undefined when it runs once an hour or less. */
export function cronMinimumGap(cron: string): number | undefined {
  const minute = cron.trim().split(/\s+/)[0]!;
  const minutes = new Set<number>();
  for (const item of minute.split(',')) {
    const values = itemValues(item, FIELDS[0]!);
    if (typeof values === 'string') return undefined;
    for (const v of values) minutes.add(v);
  }
  const sorted = [...minutes].sort((a, b) => a - b);
  if (sorted.length < 2) return undefined;
  let gap = 60 - sorted[sorted.length - 1]! + sorted[0]!;
  for (let i = 1; i < sorted.length; i++) gap = Math.min(gap, sorted[i]! - sorted[i - 1]!);
  return gap;
}
