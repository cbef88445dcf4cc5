import type { Span } from '../../engine/core/finding';
import { defineRule, type RuleContext } from '../../engine/core/rule';
import { callProblems, findExpressions, parseCondition, parseExpression, type ParseResult } from '../../engine/languages/expressions';
import { closest as nearest, editDistance } from '../../engine/languages/suggest';

/** A close match only: one edit away, or two in a name of six characters or more. */
function closest(word: string, candidates: Iterable<string>): string | undefined {
  const found = nearest(word, candidates);
  if (found === undefined) return undefined;
  const distance = editDistance(word.toLowerCase(), found.toLowerCase());
  return distance <= (word.length >= 6 ? 2 : 1) ? found : undefined;
}
import { expressionSites, scopeOf, scopeProblems, typeLabel, type ExpressionSite, type ExprType, type ScopeProblem } from '../../engine/model/expressionScope';
import { renderedType, typeOf, typeProblems, type TypeProblem } from '../../engine/model/expressionTypes';
import type { Workflow } from '../../engine/model/workflow';
import { scalarText } from '../../engine/yaml/scalarText';
import { spanOf } from '../../engine/yaml/yamlFile';

const quoted = (names: readonly string[]): string => names.map((name) => `'${name}'`).join(', ');
const didYouMean = (suggestion: string | undefined): string => (suggestion ? ` Did you mean '${suggestion}'?` : '');

const messages = {
  syntax: (error: string) => `This expression does not parse: ${error}. GitHub fails the run when it evaluates it.`,
  unknownContext: (name: string, suggestion: string | undefined) =>
    `'${name}' is not a context GitHub knows: the run fails when it evaluates this expression.${didYouMean(suggestion)}`,
  unavailableContext: (name: string, key: string, allowed: string) =>
    `The '${name}' context is not available in '${key}': GitHub evaluates this key before (or outside) what '${name}' describes, and rejects the workflow. Here it allows ${allowed}.`,
  unavailableFunction: (name: string, key: string) => `'${name}()' cannot be called in '${key}': GitHub allows it only in keys such as a step's 'if:' (and 'hashFiles()' in a step's keys).`,
  unknownProperty: (path: string, what: string, known: string, suggestion: string | undefined) =>
    `'${path}' is not defined: ${what} holds ${known}, so this is always empty.${didYouMean(suggestion)}`,
  laterStep: (id: string) => `Step '${id}' does not run before this point, so 'steps.${id}' is always empty here: only steps earlier in the same job can be read.`,
  notNeeded: (id: string, job: string) => `Job '${job}' does not list '${id}' in its 'needs:', so 'needs.${id}' is always empty here. Add '${id}' to 'needs:' to wait for it and read its outputs.`,
  ownInputInDefault: (name: string, own: string) =>
    `In a 'workflow_call' input's default, 'inputs' does not hold this workflow's inputs (GitHub gives it the inputs the run was dispatched with, if any), so 'inputs.${name}' is not the value the caller passes: it is usually empty. ${
      name.toLowerCase() === own.toLowerCase() ? 'Write the default value itself, or leave it out.' : `Leave the default out and write 'inputs.${own} || inputs.${name}' where the value is used.`
    }`,
  unknownFunction: (name: string, suggestion: string | undefined) => `'${name}()' is not a function GitHub knows: the run fails when it evaluates this expression.${didYouMean(suggestion)}`,
  arity: (name: string, expected: string, given: number) => `'${name}()' takes ${expected}, and ${given} ${given === 1 ? 'is' : 'are'} given: GitHub rejects the expression.`,
  formatMissing: (index: number, given: number) =>
    `This format string uses the placeholder '{${index}}', but only ${given} argument${given === 1 ? ' follows' : 's follow'} it: GitHub fails the run. Add the argument or fix the placeholder.`,
  formatUnused: (index: number) => `No placeholder '{${index}}' in the format string uses this argument: it is dropped from the text. Add '{${index}}' or remove the argument.`,
  formatInvalid: () => `This format string has a '{' or '}' that is neither a placeholder such as '{0}' nor doubled ('{{', '}}'): GitHub fails the run.`,
  badJson: (error: string) => `'fromJSON()' is given text that is not JSON (${error}): GitHub fails the run.`,
  notObject: (receiver: string, type: string, name: string) =>
    `'${receiver}' is a ${type}, which has no properties: '.${name}' on it is always empty. Read '${receiver}' itself, or the object it was meant to be.`,
  arrayIndex: (index: string) => `An array is indexed by a number, and ${index} is text: this is always empty. Use a number such as [0], or '.*' and a property name.`,
  compare: (op: string, left: string, right: string, always: boolean) =>
    `This '${op}' compares ${left} with ${right}: GitHub turns an object or array into NaN for the comparison, so it is always ${always}. Compare one of its properties, or use contains() or toJSON().`,
  argument: (name: string, position: number, given: string, expected: string) =>
    `Argument ${position} of '${name}()' is ${given}, but it takes ${expected}: GitHub reads an object as 'Object' and an array as 'Array' here, so the result means nothing. Pass one of its properties, or toJSON() of it.`,
  noProperty: (receiver: string, name: string, known: string) => `'${receiver}' holds ${known}, and no '${name}': reading it is always empty.`,
  indexType: (receiver: string, type: string, text: string) =>
    `'${receiver}' is indexed by a ${type}, which GitHub turns into the text ${text}; '${receiver}' has no such property, so this is always empty.`,
  indexName: (receiver: string, type: string, text: string) =>
    `'${receiver}' is indexed by a ${type}: GitHub turns it into the text ${text} and reads the ${receiver === 'secrets' ? 'secret' : 'variable'} of that name. Index it by the variable's name, such as ${receiver}['NAME'] or ${receiver}[format('NAME_{0}', …)].`,
  compareIdentity: (op: string, left: string, right: string, always: boolean) =>
    `This '${op}' compares ${left} with ${right}: GitHub compares objects and arrays by identity, not by contents, so two different values are never equal and this is always ${always}. Compare their properties, or toJSON() of each.`,
  compareBoolean: (op: string, text: string, always: boolean) =>
    `This '${op}' compares a boolean with ${text}: GitHub compares them as numbers (the boolean is 1 or 0, and text that is not a number is NaN), so it is always ${always}. Compare it with true or false (without quotes).`,
  keyType: (key: string, expected: string, found: string) => `'${key}' takes ${expected}, and this expression gives ${found}: GitHub cannot use it and fails the run.`,
  rendered: (type: string, text: string) =>
    `This writes ${type} into text, which gives ${text}, not its contents. Use toJSON() for JSON, or read one of its properties.`,
  renderedValue: (type: string, key: string) =>
    `This gives '${key}' ${type}, but '${key}' takes text: GitHub does not turn it into its contents. Use toJSON() for JSON, or read one of its properties.`,
};

type Ctx = RuleContext<typeof messages>;

export default defineRule({
  id: 'gha/expression',
  presets: { recommended: 'off', strict: 'error' },
  dora: ['change-failure-rate'],
  capabilities: ['continuous-integration'],
  fixable: 'suggestion',
  messages,
  docs: {
    summary: 'Check what `${{ }}` expressions read: step ids, needs, outputs, matrix keys, inputs, contexts and functions.',
    rationale:
      "An expression that reads something that is not there does not fail loudly: `steps.biuld.outputs.dist`, `needs.lint.outputs.tool` for a job not in `needs:`, `matrix.nodee` or `inputs.dry-runn` are empty strings, so a condition is silently false, a path is empty, a deploy goes to the wrong place. Other mistakes fail the run only when the line is reached: a context GitHub does not allow at that key (`secrets` in a job's `if:`, `matrix` in the workflow's `env:`), an unknown function, the wrong number of arguments, a `format()` placeholder without an argument. The rule knows what each context holds where the workflow says so: the ids of earlier steps (also inside `parallel:` groups) and the outputs of local actions and of well-known actions (with the `<group>_…` outputs of `tj-actions/changed-files` and the filter outputs of `dorny/paths-filter` when their groups or filters are written inline), the jobs in `needs:` and their declared outputs, the keys of the job's matrix (with `include`), the declared inputs of `workflow_dispatch` and `workflow_call` (or of a composite action), and the documented properties of `github`, `runner`, `job` and `strategy`. Which contexts each key allows comes from GitHub's own workflow schema. Where the types are certain it also reports what only types show: a property read from a string (`github.ref.name`), an array indexed by text, an object or array compared with a string or number (always false: GitHub compares them as NaN), an object or array written into text (it gives 'Object' or 'Array', not JSON), a function given an object where it takes text, a boolean compared with text such as `'true'` (always false: GitHub compares them as numbers), two different objects or arrays compared with `==` (always false: GitHub compares them by identity, not contents), `env`, `vars` or `secrets` indexed by a boolean or number (GitHub reads the variable named 'true' or '0'), and a key given a value it cannot take (`env:`, `services:` or `credentials:` given text, `runs-on:` given an object). In a `workflow_call` input's `default:`, `inputs` does not hold the workflow's own inputs (GitHub gives it the inputs the run was dispatched with, if any), so reading one of them there is reported. Matrix values are typed from the values written, and from the `github` and `inputs` contexts they read (a key whose values differ in kind is untyped), `github.event.inputs` from the `workflow_dispatch` inputs (outside reusable workflows), and `${{ }}` in `env:` names is checked like any other expression (GitHub evaluates it). What only the run knows is never reported: `github.event.*`, a matrix built by `fromJSON()`, outputs of `run:` steps and of actions it does not know, `env`, `vars` and `secrets` names.",
    symptom: 'A step that should run is always skipped, an output is empty, or the run fails at an expression with "Unrecognized named-value" or "Unrecognized function".',
    fix: 'Correct the name (the quick-fix offers a single close match), add the job to `needs:`, declare the output or input, or move the expression to a key where the context is available.',
    bad: `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      version: \${{ steps.version.outputs.value }}
    steps:
      - id: version
        run: echo "value=1.0" >> "$GITHUB_OUTPUT"
  deploy:
    runs-on: ubuntu-latest
    needs: build
    steps:
      - run: ./deploy.sh "\${{ needs.build.outputs.verison }}"
`,
    good: `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      version: \${{ steps.version.outputs.value }}
    steps:
      - id: version
        run: echo "value=1.0" >> "$GITHUB_OUTPUT"
  deploy:
    runs-on: ubuntu-latest
    needs: build
    steps:
      - run: ./deploy.sh "\${{ needs.build.outputs.version }}"
`,
  },
  visit: {
    workflow(workflow, ctx) {
      for (const site of expressionSites(workflow, ctx.doc)) checkSite(site, workflow, ctx);
    },
  },
});

function keyName(site: ExpressionSite): string {
  const keys = site.path.filter((part): part is string => typeof part === 'string');
  const last = keys[keys.length - 1] ?? '';
  // `env: { NAME: … }`, `with: { input: … }`, `outputs: { name: … }`: name the block, not the entry.
  const parent = keys[keys.length - 2];
  if (parent && ['env', 'with', 'outputs', 'secrets', 'inputs', 'services'].includes(parent)) return parent;
  return last;
}

function checkSite(site: ExpressionSite, workflow: Workflow, ctx: Ctx): void {
  const node = site.node;
  const value = node.value as string;
  const text = scalarText(ctx.file.text, node);
  const spanAt = (start: number, end: number): Span => text?.sourceSpan(start, end) ?? spanOf(node);
  // `text`: the value is written into text (text around it), or is the whole value of a key that takes text.
  const parsed: { result: ParseResult; offset: number; text: 'embedded' | 'value' | false }[] = [];
  if (site.condition) {
    const condition = parseCondition(value);
    // Text around `${{ }}` in an `if:` is gha/unsound-condition's; check each expression of it here.
    if (condition.ok || condition.error !== 'text around ${{ }} makes this a string, not a condition') parsed.push({ result: condition, offset: condition.offset, text: false });
    else for (const found of findExpressions(value)) parsed.push({ result: parseExpression(found.inner), offset: found.innerStart, text: false });
  } else {
    const textKey = takesText(site);
    for (const found of findExpressions(value)) {
      const whole = value.slice(0, found.start).trim() === '' && value.slice(found.end).trim() === '';
      parsed.push({ result: parseExpression(found.inner), offset: found.innerStart, text: !whole ? 'embedded' : textKey ? 'value' : false });
    }
  }
  let scope: ReturnType<typeof scopeOf> | undefined;
  // Composite actions run inside a caller's job: which contexts they may read is not checked.
  const checkedSite: ExpressionSite = workflow.kind === 'workflow' ? site : { ...site, allowed: undefined };
  const key = keyName(site);
  for (const { result, offset, text: written } of parsed) {
    if (!result.ok) {
      const at = offset + result.offset;
      ctx.report({ span: spanAt(at, Math.min(at + 1, value.length)), message: 'syntax', args: [result.error] });
      continue;
    }
    for (const problem of callProblems(result.ast)) {
      const span = spanAt(offset + problem.start, offset + problem.end);
      switch (problem.kind) {
        case 'unknown-function':
          ctx.report({ span, message: 'unknownFunction', args: [problem.name, closest(problem.name, ['contains', 'startsWith', 'endsWith', 'format', 'join', 'toJSON', 'fromJSON', 'hashFiles', 'always', 'success', 'failure', 'cancelled'])] });
          break;
        case 'arity': {
          const { min, max } = problem.signature;
          const expected = min === max ? `${min} argument${min === 1 ? '' : 's'}` : max === Infinity ? `at least ${min} argument${min === 1 ? '' : 's'}` : `${min} to ${max} arguments`;
          ctx.report({ span, message: 'arity', args: [problem.signature.name, expected, problem.given] });
          break;
        }
        case 'format-missing':
          ctx.report({ span, message: 'formatMissing', args: [problem.index, problem.given] });
          break;
        case 'format-unused':
          ctx.report({ span, message: 'formatUnused', args: [problem.index] });
          break;
        case 'format-invalid':
          ctx.report({ span, message: 'formatInvalid', args: [] });
          break;
        case 'bad-json':
          ctx.report({ span, message: 'badJson', args: [problem.error] });
          break;
      }
    }
    scope ??= scopeOf(site, workflow, ctx.doc, ctx.index);
    const source = value.slice(offset);
    const whole = parsed.length === 1;
    // A rename must leave the expression with fewer problems: `github.events` to `github.event` writes an object into text.
    const renameFits = (start: number, end: number, name: string): boolean => {
      const text = source.slice(result.ast.start, start) + name + source.slice(end, result.ast.end);
      const renamed = parseExpression(text);
      return renamed.ok && problemCount(renamed.ast, text, site, checkedSite, scope!, written, whole) < problemCount(result.ast, source, site, checkedSite, scope!, written, whole);
    };
    for (const problem of scopeProblems(result.ast, checkedSite, scope)) report(problem, offset, site, key, spanAt, ctx, renameFits);
    for (const problem of typeProblems(result.ast, scope, source)) reportType(problem, offset, spanAt, ctx);
    if (!written && whole && !site.condition) checkKeyType(site, result.ast, scope, spanAt(offset + result.ast.start, offset + result.ast.end), ctx);
    const rendered = written ? renderedType(result.ast, scope) : undefined;
    if (rendered) {
      const span = spanAt(offset + result.ast.start, offset + result.ast.end);
      const shown = rendered.kind === 'object' ? "the text 'Object'" : rendered.kind === 'array' ? "the text 'Array'" : 'an empty string';
      if (written === 'embedded') ctx.report({ span, message: 'rendered', args: [describe(rendered), shown] });
      else ctx.report({ span, message: 'renderedValue', args: [describe(rendered), String(site.path[site.path.length - 1])] });
    }
  }
}

/** Keys whose value is text even when it is a single `${{ }}` (a step's `run:`, an `env:` or `with:` entry …). */
function takesText(site: ExpressionSite): boolean {
  const path = site.path;
  if (path.includes('strategy') || typeof path[path.length - 1] !== 'string') return false;
  const last = path[path.length - 1] as string;
  const parent = path[path.length - 2];
  return ['run', 'name', 'run-name', 'working-directory', 'shell'].includes(last) || (typeof parent === 'string' && ['env', 'with', 'outputs'].includes(parent));
}

/** Keys that take a mapping, and `runs-on` (a label or a list of them), given a whole `${{ }}` of a certain other type. */
function checkKeyType(site: ExpressionSite, ast: Parameters<typeof typeOf>[0], scope: ReturnType<typeof scopeOf>, span: Span, ctx: Ctx): void {
  const problem = keyTypeProblem(site, ast, scope);
  if (problem) ctx.report({ span, message: 'keyType', args: problem });
}

function keyTypeProblem(site: ExpressionSite, ast: Parameters<typeof typeOf>[0], scope: ReturnType<typeof scopeOf>): [string, string, string] | undefined {
  const key = site.path[site.path.length - 1];
  if (typeof key !== 'string' || site.path.some((part) => part === 'strategy' || part === 'with' || part === 'inputs' || part === 'outputs')) return undefined;
  const wantsMapping = key === 'env' || key === 'credentials' || (key === 'services' && site.path.length === 3);
  if (!wantsMapping && key !== 'runs-on') return undefined;
  const type = typeOf(ast, scope);
  if (type.kind === 'any' || type.kind === 'null') return undefined;
  if (wantsMapping && type.kind !== 'object') return [key, 'a mapping', describe(type)];
  if (key === 'runs-on' && type.kind === 'object') return [key, 'a runner label or a list of labels', describe(type)];
  return undefined;
}

/** How many findings `checkSite` makes of one parsed expression (`source`: the text its offsets point into). */
function problemCount(ast: Parameters<typeof typeOf>[0], source: string, site: ExpressionSite, checkedSite: ExpressionSite, scope: ReturnType<typeof scopeOf>, written: 'embedded' | 'value' | false, whole: boolean): number {
  let count = callProblems(ast).length + scopeProblems(ast, checkedSite, scope).length + typeProblems(ast, scope, source).length;
  if (written && renderedType(ast, scope)) count++;
  if (!written && whole && !site.condition && keyTypeProblem(site, ast, scope)) count++;
  return count;
}

function describe(type: ExprType): string {
  switch (type.kind) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'null':
      return 'null';
    case 'any':
      return 'a value';
    default:
      return `a ${type.kind}`;
  }
}

function reportType(problem: TypeProblem, offset: number, spanAt: (start: number, end: number) => Span, ctx: Ctx): void {
  const span = spanAt(offset + problem.start, offset + problem.end);
  switch (problem.kind) {
    case 'not-object':
      ctx.report({ span, message: 'notObject', args: [problem.receiver, problem.type.kind, problem.name] });
      return;
    case 'array-index':
      ctx.report({ span, message: 'arrayIndex', args: [problem.index] });
      return;
    case 'compare':
      ctx.report({ span, message: 'compare', args: [problem.op, describe(problem.left), describe(problem.right), problem.always] });
      return;
    case 'argument':
      ctx.report({ span, message: 'argument', args: [problem.name, problem.position + 1, describe(problem.given), problem.expected] });
      return;
    case 'no-property':
      ctx.report({ span, message: 'noProperty', args: [problem.receiver, problem.name, problem.known.length === 0 ? 'nothing' : quoted(problem.known.slice(0, 12))] });
      return;
    case 'index-type':
      ctx.report({ span, message: 'indexType', args: [problem.receiver, problem.index.kind, problem.index.kind === 'boolean' ? "'true' or 'false'" : 'of a number'] });
      return;
    case 'compare-boolean':
      ctx.report({ span, message: 'compareBoolean', args: [problem.op, problem.text, problem.always] });
      return;
    case 'index-name':
      ctx.report({ span, message: 'indexName', args: [problem.receiver, problem.index.kind, problem.index.kind === 'boolean' ? "'true' or 'false'" : problem.literal !== undefined ? `'${problem.literal}'` : 'of a number'] });
      return;
    case 'compare-identity':
      ctx.report({ span, message: 'compareIdentity', args: [problem.op, describe(problem.left), describe(problem.right), problem.always] });
      return;
  }
}

function report(problem: ScopeProblem, offset: number, site: ExpressionSite, key: string, spanAt: (start: number, end: number) => Span, ctx: Ctx, renameFits: (start: number, end: number, name: string) => boolean): void {
  const span = spanAt(offset + problem.start, offset + problem.end);
  switch (problem.kind) {
    case 'unknown-context':
      ctx.report({ span, message: 'unknownContext', args: [problem.name, closest(problem.name, problem.known)] });
      return;
    case 'unavailable-context':
      ctx.report({ span, message: 'unavailableContext', args: [problem.name, key, problem.allowed.length > 0 ? quoted(problem.allowed) : 'no context'] });
      return;
    case 'unavailable-function':
      ctx.report({ span, message: 'unavailableFunction', args: [problem.name, key] });
      return;
    case 'later-step':
      ctx.report({ span, message: 'laterStep', args: [problem.name] });
      return;
    case 'not-needed':
      ctx.report({ span, message: 'notNeeded', args: [problem.name, site.job?.id ?? ''] });
      return;
    case 'own-input-in-default':
      ctx.report({ span, message: 'ownInputInDefault', args: [problem.name, String(site.path[3])] });
      return;
    case 'unknown-property': {
      const suggestion = closest(problem.name, problem.known);
      const known = problem.known.length === 0 ? 'nothing' : problem.known.length > 12 ? `${quoted(problem.known.slice(0, 12))} …` : quoted(problem.known);
      const what = problem.of.closed ? problem.of.what : typeLabel(problem.of);
      // A fix only where the name is written as a plain `.name` (same length of text in the file).
      const fixable = suggestion !== undefined && span.end - span.start === problem.name.length && ctx.file.text.slice(span.start, span.end) === problem.name && renameFits(problem.start, problem.end, suggestion);
      ctx.report({
        span,
        message: 'unknownProperty',
        args: [problem.path, what, known, suggestion],
        ...(fixable ? { fix: { title: `Change '${problem.name}' to '${suggestion}'`, edits: [{ start: span.start, end: span.end, newText: suggestion }] } } : {}),
      });
      return;
    }
  }
}
