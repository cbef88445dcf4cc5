import { optionValue, stepCommands, type ResolvedCommand } from '../../engine/languages/commandLine';
import { defineRule } from '../../engine/core/rule';
import type { ShellWord } from '../../engine/languages/shell';
import { scalarToString, spanOf } from '../../engine/yaml/yamlFile';

// Flags that name their tool so plainly that the program does not matter (`tox -- --cov-fail-under=100`).
const TOOL_SPECIFIC_FLAGS = [
  '--cov-fail-under',
  '--fail-under-lines',
  '--fail-under-functions',
  '--fail-under-regions',
  '--coverage.thresholds.lines',
  '--coverage.thresholds.branches',
  '--coverage.thresholds.functions',
  '--coverage.thresholds.statements',
  '--coverage.lines',
  '--coverage.branches',
  '--coverage.functions',
  '--coverage.statements',
];
// Vitest's switch for "every threshold at 100".
const ALL_100_SWITCHES = new Set(['--coverage.thresholds.100', '--coverage.thresholds.100=true', '--coverage.100', '--coverage.100=true']);
const ISTANBUL_THRESHOLDS = ['--lines', '--branches', '--functions', '--statements'];
// Inputs of coverage actions that set a minimum (very_good_coverage's `min_coverage`, …).
const ACTION_THRESHOLD_INPUT = /^(min(imum)?[-_]?coverage|fail[-_]under|coverage[-_]threshold|threshold([-_]?(total|all))?)$/i;
// A config file written by the script (heredoc): coverage.py's `fail_under = 100`.
const CONFIG_LINE = /^[ \t]*fail_under[ \t]*=[ \t]*100(\.0*)?[ \t]*(#.*)?$/gm;

const PRINTERS = new Set(['echo', 'printf', 'grep', 'sed']);

interface Gate {
  start: number;
  end: number;
  text: string;
}

export default defineRule({
  id: 'gha/coverage-100',
  presets: { recommended: 'off', strict: 'info' },
  dora: ['lead-time'],
  capabilities: ['test-automation'],
  fixable: false,
  messages: {
    gate: (setting: string) =>
      `'${setting}' fails the build unless every line is covered: people then write tests that execute code without checking it, or exclude code to reach the number, and unrelated changes fail on one uncovered branch.`,
  },
  docs: {
    summary: 'Do not gate the build on 100% coverage.',
    rationale:
      'Coverage shows which code no test runs; it says nothing about whether the tests check anything. A hard 100% gate rewards the cheapest way to reach the number: assertion-free tests, `# pragma: no cover`, mocks that replay the implementation. It also makes unrelated changes fail over a defensive branch that is hard to reach. A threshold somewhat below the current figure (and review of what is not covered) keeps the signal without the perverse incentive.',
    symptom: 'Pull requests stall on a few uncovered error branches, tests grow that assert nothing, and "no cover" markers spread through the code base.',
    fix: 'Set the threshold a little below today\'s coverage (for example 80 or 90) and ratchet it up as it rises, or gate on coverage of the changed lines instead. Thresholds below 100 are not flagged; coverage settings kept in config files are only seen when the workflow writes them.',
    bad: `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: pytest --cov=app --cov-fail-under=100
`,
    good: `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: pytest --cov=app --cov-fail-under=85
`,
  },
  scope: 'job',
  visit: {
    step(step, ctx) {
      const action = step.action?.id;
      if (action && /coverage/.test(action)) {
        for (const [name, field] of step.inputs) {
          if (!ACTION_THRESHOLD_INPUT.test(name) || !isHundred(scalarToString(field.value)) || !field.value) continue;
          ctx.report({ span: spanOf(field.value), message: 'gate', args: [`${name}: ${scalarToString(field.value)}`] });
        }
      }
      const run = step.run;
      if (!run || !/100/.test(run.value)) return;
      const gates: Gate[] = stepCommands(step).flatMap(commandGates);
      for (const match of run.value.matchAll(CONFIG_LINE)) {
        // A matched line holds no line break: its comment is everything from the first `#`.
        const comment = match[0].indexOf('#');
        const text = (comment < 0 ? match[0] : match[0].slice(0, comment)).trim();
        const start = match.index + match[0].indexOf(text);
        gates.push({ start, end: start + text.length, text });
      }
      for (const gate of gates) {
        const span = run.text?.sourceSpan(gate.start, gate.end) ?? run.span;
        ctx.report({ span, message: 'gate', args: [gate.text] });
      }
    },
  },
});

function commandGates(command: ResolvedCommand): Gate[] {
  const gates: Gate[] = [];
  const { program, args } = command;
  // Printing a flag is not running it.
  if (PRINTERS.has(program)) return gates;
  const values = args.map((word) => word.value);
  const add = (found: { value: string; word: ShellWord; flag: ShellWord } | undefined) => {
    if (found && isHundred(found.value)) gates.push(gate(found.flag, found.word));
  };
  for (const flag of TOOL_SPECIFIC_FLAGS) add(optionValue(args, [flag]));
  for (const word of args) {
    if (ALL_100_SWITCHES.has(word.value)) gates.push(gate(word, word));
    if (word.value.startsWith('--coverageThreshold')) {
      const json = word.value.startsWith('--coverageThreshold=') ? word.value.slice(20) : args[args.indexOf(word) + 1]?.value;
      if (json !== undefined && jestThresholdIs100(json)) gates.push(gate(word, word.value.includes('=') ? word : args[args.indexOf(word) + 1]!));
    }
  }
  if (program === 'coverage') add(optionValue(args, ['--fail-under']));
  if ((program === 'cargo' && values[0] === 'tarpaulin') || program === 'cargo-tarpaulin') add(optionValue(args, ['--fail-under']));
  if (program === 'very_good') add(optionValue(args, ['--min-coverage']));
  if (program === 'nyc' || program === 'c8' || program === 'istanbul') {
    if (values.includes('--100')) gates.push(gate(args[values.indexOf('--100')]!, args[values.indexOf('--100')]!));
    // nyc and c8 only enforce --lines & co. with check-coverage.
    else if (values.some((value) => value === 'check-coverage' || value === '--check-coverage' || value === '--check-coverage=true')) {
      for (const flag of ISTANBUL_THRESHOLDS) add(optionValue(args, [flag]));
    }
  }
  return gates;
}

function gate(first: ShellWord, last: ShellWord): Gate {
  const start = Math.min(first.start, last.start);
  const end = Math.max(first.end, last.end);
  return { start, end, text: first === last ? first.value : `${first.value} ${last.value}` };
}

function isHundred(value: string | undefined): boolean {
  if (value === undefined) return false;
  // Spaces on both sides of an optional `%` would overlap (`\s*%?\s*`) and backtrack quadratically.
  const number = /^\s*(\d+(?:\.\d+)?)\s*(?:%\s*)?$/.exec(value);
  return number !== null && Number(number[1]) >= 100;
}

function jestThresholdIs100(json: string): boolean {
  try {
    const parsed: unknown = JSON.parse(json);
    const global = (parsed as { global?: Record<string, unknown> } | null)?.global;
    return global !== undefined && Object.values(global).some((value) => typeof value === 'number' && value >= 100);
  } catch {
    return false;
  }
}
