import { removeMapEntry } from '../../engine/edits/yamlEdit';
import { defineRule, type RuleContext } from '../../engine/core/rule';
import { type Field, isMap, isScalar, mapFields, scalarToString, spanOf, type YAMLMap } from '../../engine/yaml/yamlFile';

const VARIABLE = 'ACTIONS_ALLOW_UNSECURE_COMMANDS';
// What the runner reads as true (it compares case-insensitively).
const TRUE = /^(true|1)$/i;

const messages = {
  enabled: (where: string) =>
    `'${VARIABLE}' turns the 'set-env' and 'add-path' workflow commands back on for ${where}: then any text a step prints (a test's output, a file it cats, a pull request title it logs) can set 'PATH', 'LD_PRELOAD' or 'NODE_OPTIONS' for the steps after it. Write to '$GITHUB_ENV' and '$GITHUB_PATH' instead.`,
};

export default defineRule({
  id: 'gha/insecure-commands',
  presets: { recommended: 'off', strict: 'error' },
  dora: ['change-failure-rate'],
  capabilities: ['shift-left-security'],
  fixable: 'suggestion',
  messages,
  docs: {
    summary: 'Never set `ACTIONS_ALLOW_UNSECURE_COMMANDS`: it lets anything printed to the log change the environment.',
    rationale:
      "The `::set-env` and `::add-path` workflow commands were read from a step's output: whatever a step printed, the runner obeyed. Anything that ends up in the log (test output, a downloaded file, a commit message or pull request title that a script echoes) could then set `PATH`, `LD_PRELOAD`, `NODE_OPTIONS` or `BASH_ENV` for every later step, which is running the attacker's code with the job's secrets. GitHub disabled the two commands in 2020; `ACTIONS_ALLOW_UNSECURE_COMMANDS: true` turns them back on, for the steps that see it (a workflow-level or job-level `env:` reaches every step).",
    symptom: 'Usually nothing visible: an old action that still prints `::set-env` keeps working. The risk is the step that prints untrusted text.',
    fix: 'Remove the variable (the quick-fix removes the entry) and update the step or action that needed it: write `NAME=value` lines to `"$GITHUB_ENV"` and directories to `"$GITHUB_PATH"`; most actions that needed it have had a release that does so since 2020.',
    bad: `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      ACTIONS_ALLOW_UNSECURE_COMMANDS: true
    steps:
      - run: echo "::add-path::$HOME/.local/bin"
`,
    good: `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "$HOME/.local/bin" >> "$GITHUB_PATH"
`,
  },
  scope: 'job',
  visit: {
    workflow(workflow, ctx) {
      if (workflow.kind === 'workflow') check(workflow, 'every step of the workflow', ctx);
    },
    job(job, ctx) {
      if (!job.synthetic) check(job, `every step of job '${job.id}'`, ctx);
    },
    step(step, ctx) {
      check(step, 'this step', ctx);
    },
  },
});

function check(owner: { node: YAMLMap; fields: ReadonlyMap<string, Field> }, where: string, ctx: RuleContext<typeof messages>): void {
  const env = owner.fields.get('env');
  const map = env?.value;
  if (!isMap(map)) return;
  const entry = mapFields(ctx.doc, map).get(VARIABLE);
  if (!entry || !isScalar(entry.value)) return;
  const value = scalarToString(entry.value)?.trim();
  if (value === undefined || !TRUE.test(value)) return;
  // The entry alone in its `env:`: remove the whole `env:` rather than leave it empty.
  const own = map.items.some((pair) => pair.key === entry.key);
  const alone = map.items.length === 1;
  const edit = !own ? undefined : alone ? removeMapEntry(ctx.file, owner.node, env!.key) : removeMapEntry(ctx.file, map, entry.key);
  ctx.report({
    span: { start: spanOf(entry.key).start, end: spanOf(entry.value).end },
    message: 'enabled',
    args: [where],
    ...(edit ? { fix: { title: `Remove '${VARIABLE}'`, edits: [edit] } } : {}),
  });
}
