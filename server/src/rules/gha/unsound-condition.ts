import type { Span, TextEdit } from '../../engine/core/finding';
import { evaluateCondition, type Expr, findExpressions, parseCondition, parseExpression } from '../../engine/languages/expressions';
import { replaceScalar } from '../../engine/edits/yamlEdit';
import { defineRule, type RuleContext } from '../../engine/core/rule';
import { scalarText } from '../../engine/yaml/scalarText';
import { type Field, isMap, isScalar, mapFields, type Scalar, spanOf } from '../../engine/yaml/yamlFile';

const messages = {
  template: (condition: string) =>
    `This 'if:' is always true: the text around '\${{ }}' makes '${condition}' a string, and any non-empty string passes, whatever the expressions say. Write the whole condition as one expression.`,
  trailingNewline: () =>
    `This 'if:' is always true: the block scalar keeps its final line break, so the condition is the expression's result followed by a newline, a non-empty string. Strip it with '|-' (or '>-'), or write the condition on the 'if:' line.`,
  constant: (condition: string, truth: boolean) =>
    `This 'if:' is always ${truth}: '${condition}' is built from literals only (no context, no status function such as 'success()'), so it never depends on the run${truth ? '' : ' and the step or job never runs'}. Write the condition that was meant${truth ? ', or remove the \'if:\'' : ''}.`,
  switchedOff: (condition: string, outcome: string) =>
    `This 'if:' is always false ('${condition}'): ${outcome}. If it is switched off for good, delete it (git keeps its history); if it is meant to be switched on now and then, make the switch a repository variable or an input, as in: if: vars.RUN_THIS == 'true'.`,
  switchedOn: (condition: string) =>
    `This 'if:' is always true ('${condition}') and decides nothing: without it the default 'success()' applies, which is what it does now. Remove it, or write the condition that was meant.`,
  contains: (haystack: string, needle: string) =>
    `'contains()' of the string '${haystack}' tests whether '${needle}' is a substring of it, so a value such as a shorter or partial name passes too. To test membership of a list, use 'contains(fromJSON(…), ${needle})'.`,
};

export default defineRule({
  id: 'gha/unsound-condition',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['change-failure-rate'],
  capabilities: ['continuous-integration'],
  fixable: 'suggestion',
  messages,
  docs: {
    summary: 'An `if:` must be one expression: text around `${{ }}` makes it always true.',
    rationale:
      "GitHub reads an `if:` as an expression, with or without `${{ }}`. But when the value holds `${{ }}` and anything else (`${{ a }} && ${{ b }}`, a space inside quotes, or the final line break a `|` or `>` block keeps), it is a string template: each `${{ }}` is replaced by its result and the condition is the resulting text, which is never empty, so the step or job always runs. A guard that was meant to keep a deploy to `main` or a privileged step away from forks then guards nothing, silently. A related trap: `contains('main,develop', github.ref_name)` searches a string, so any substring passes (`mai`, `dev`, `e`), and a branch an attacker names accordingly gets through; `contains(fromJSON('[\"main\",\"develop\"]'), github.ref_name)` tests list membership (a warning: the usual values still behave as meant). And a condition of operators or functions over literals only (`true && 42 || !null`, `contains(format('{0}', 'a'), 'b')`) is constant: it never depends on the run, so it is not the test that was meant (a warning). A bare `true` or `false` (also quoted or in `${{ }}`) is usually a switch set by hand, so it is left alone in `recommended`; `strict` notes it (info): an `if: false` step or job is dead code that never runs, and an `if: true` decides nothing; not when a comment beside the `if:` or on the line above says why.",
    symptom: 'A step that should be skipped runs on every event (a deploy from a pull request, a release step on every branch); the run log shows the condition evaluated to a string.',
    fix: "Write the condition as one expression: `if: ${{ a && b }}` or simply `if: a && b`; end a multi-line block with `|-` or `>-`. The quick-fix does either (it changes when the step runs to what the condition says, so review it; not where the expressions are literals only, which would leave a constant condition), and turns a literal list in `contains()` into `fromJSON('[…]')`.",
    bad: `on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
        if: \${{ github.event_name == 'push' }} && \${{ github.ref == 'refs/heads/main' }}
`,
    good: `on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
        if: \${{ github.event_name == 'push' && github.ref == 'refs/heads/main' }}
`,
  },
  scope: 'job',
  visit: {
    job(job, ctx) {
      if (job.synthetic) return;
      check(job.fields.get('if'), ctx, 'job');
      // A custom image's 'snapshot:' takes its own 'if:' (whether this run saves the image).
      const snapshot = job.fields.get('snapshot')?.value;
      if (isMap(snapshot)) check(mapFields(ctx.doc, snapshot).get('if'), ctx, 'snapshot');
    },
    step(step, ctx) {
      check(step.fields.get('if'), ctx, 'step');
    },
  },
});

function check(field: Field | undefined, ctx: RuleContext<typeof messages>, where: 'job' | 'step' | 'snapshot'): void {
  const node = field?.value;
  if (!isScalar(node)) return;
  if (typeof node.value === 'boolean' || typeof node.value === 'number') {
    // `if: false` / `if: true` written as YAML booleans: the expression is the literal itself.
    if (ctx.preset !== 'recommended') switchFinding(field!, node, String(node.value), Boolean(node.value), where, ctx);
    return;
  }
  if (typeof node.value !== 'string') return;
  const value = node.value;
  const expressions = findExpressions(value);
  const outside = expressions.length === 0 ? value : value.slice(0, expressions[0]!.start) + expressions.map((e, i) => value.slice(e.end, expressions[i + 1]?.start ?? value.length)).join('');
  if (expressions.length > 0 && outside !== '') {
    const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
    // Only the block's own final line break(s) around one expression: strip them.
    if (block && expressions.length === 1 && value.startsWith('${{') && /^\n+$/.test(value.slice(expressions[0]!.end))) {
      const edit = constant(value.slice(0, expressions[0]!.end)) ? undefined : stripBlockChomping(ctx.file.text, node);
      ctx.report({ span: blockHeader(ctx.file.text, node), message: 'trailingNewline', args: [], ...(edit ? { fix: { title: "End the block with '-' so the condition is the expression alone", edits: [edit] } } : {}) });
      return;
    }
    const joined = block ? undefined : oneExpression(value, expressions);
    const edit = joined === undefined || constant(joined) ? undefined : replaceScalar(node, joined);
    ctx.report({ span: block ? blockHeader(ctx.file.text, node) : spanOf(node), message: 'template', args: [value.trim()], ...(edit ? { fix: { title: `Write one expression: '${joined}'`, edits: [edit] } } : {}) });
    return;
  }
  const parsed = parseCondition(value);
  if (!parsed.ok) return;
  // Operators or functions over literals only (`true && 42 || !null`) are a mistake; a bare `true` or `false` is a switch.
  if (literalsOnly(parsed.ast)) {
    const truth = evaluateCondition(parsed.ast);
    if (truth === 'unknown') return;
    const condition = value.slice(parsed.offset + parsed.ast.start, parsed.offset + parsed.ast.end);
    if (parsed.ast.kind !== 'literal' && parsed.ast.kind !== 'not') ctx.report({ span: spanOf(node), message: 'constant', args: [condition, truth], severity: 'warning' });
    else if (ctx.preset !== 'recommended') switchFinding(field!, node, condition, truth, where, ctx);
    return;
  }
  const text = scalarText(ctx.file.text, node);
  for (const call of substringContains(parsed.ast)) {
    const [haystack, needle] = call.args as [Expr & { kind: 'literal'; value: string }, Expr];
    const at = (offset: number) => parsed.offset + offset;
    const span = text?.sourceSpan(at(call.start), at(call.end)) ?? spanOf(node);
    const needleText = value.slice(at(needle.start), at(needle.end));
    const literalSpan = node.type === 'PLAIN' || node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED' ? text?.sourceSpan(at(haystack.start), at(haystack.end)) : undefined;
    const items = haystack.value.split(/[\s,;|]+/).filter((item) => item !== '');
    const list = `fromJSON('${JSON.stringify(items).replace(/'/g, "''")}')`;
    const fix = literalSpan && items.length > 0 ? { title: `Test membership: 'contains(${list}, ${needleText})'`, edits: [{ start: literalSpan.start, end: literalSpan.end, newText: list }] } : undefined;
    ctx.report({ span, message: 'contains', args: [haystack.value, needleText], severity: 'warning', ...(fix ? { fix } : {}) });
  }
}

/**
 * Whether a condition is built from literals only: a fix that leaves only it would trade the finding for another
 * (`${{ false }}` then never runs the step, and is a switch or a constant this rule reports).
 */
function constant(condition: string): boolean {
  const parsed = parseCondition(condition);
  return parsed.ok && literalsOnly(parsed.ast);
}

/**
 * A bare literal (`true`, `false`, `!true`, also quoted or in `${{ }}`): a switch someone set by hand. Strict only, as
 * a note: a step or job that never runs is dead code worth seeing. A comment beside the `if:` or just above it says
 * why it is switched (`if: false # until KTOR-8489 is fixed`): the author knows, so nothing is said.
 */
function switchFinding(field: Field, node: Scalar, condition: string, truth: boolean, where: 'job' | 'step' | 'snapshot', ctx: RuleContext<typeof messages>): void {
  if (explained(ctx.file.text, field.keySpan.start)) return;
  const span = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED' ? blockHeader(ctx.file.text, node) : spanOf(node);
  const outcome = where === 'snapshot' ? 'the job never saves its image snapshot' : `the ${where} never runs`;
  if (truth) ctx.report({ span, message: 'switchedOn', args: [condition], severity: 'info' });
  else ctx.report({ span, message: 'switchedOff', args: [condition, outcome], severity: 'info' });
}

/** Whether the line of the key at `keyStart` ends in a comment, or the line above it is one. */
function explained(text: string, keyStart: number): boolean {
  const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  const lineEnd = text.indexOf('\n', keyStart);
  const line = text.slice(keyStart, lineEnd === -1 ? text.length : lineEnd);
  // A '#' after a space outside quotes starts a comment; a quoted value may hold one, so only count it after the value.
  if (/^[^'"#]*\s#/.test(line) || /^[^#]*(['"])[^'"]*\1\s+#/.test(line)) return true;
  const above = text.slice(text.lastIndexOf('\n', Math.max(lineStart - 2, 0)) + 1, Math.max(lineStart - 1, 0));
  return lineStart > 0 && above.trim().startsWith('#');
}

/** `contains('<literal>', <context>)` calls: a string searched for a value the run supplies. */
function substringContains(ast: Expr): (Expr & { kind: 'call' })[] {
  const found: (Expr & { kind: 'call' })[] = [];
  const visit = (expr: Expr): void => {
    switch (expr.kind) {
      case 'call': {
        const [haystack, needle] = expr.args;
        if (expr.name === 'contains' && expr.args.length === 2 && haystack?.kind === 'literal' && typeof haystack.value === 'string' && needle && isContextRead(needle)) {
          found.push(expr);
          return;
        }
        return expr.args.forEach(visit);
      }
      case 'not':
        return visit(expr.operand);
      case 'binary':
        visit(expr.left);
        return visit(expr.right);
      default:
        return;
    }
  };
  visit(ast);
  return found;
}

/** Whether an expression reads nothing of the run: no context, no status function, no file hash. */
function literalsOnly(expr: Expr): boolean {
  // A loop, not recursion: `a && b && …` of 20 000 operands is a tree that deep (the parser bounds only brackets).
  const pending: Expr[] = [expr];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    switch (next.kind) {
      case 'literal':
        break;
      case 'call':
        if (['always', 'success', 'failure', 'cancelled', 'hashfiles'].includes(next.name.toLowerCase())) return false;
        pending.push(...next.args);
        break;
      case 'not':
        pending.push(next.operand);
        break;
      case 'binary':
        pending.push(next.left, next.right);
        break;
      default:
        return false;
    }
  }
  return true;
}

function isContextRead(expr: Expr): boolean {
  return expr.kind === 'context' || expr.kind === 'property' || expr.kind === 'index';
}

/**
 * The template as one expression: each `${{ }}` unwrapped (in parentheses when it is more than one operand) and joined
 * by the text between them, if that parses; undefined when the text around is not expression syntax (`${{ x }} lol`).
 */
function oneExpression(value: string, expressions: ReturnType<typeof findExpressions>): string | undefined {
  let source = value.slice(0, expressions[0]!.start);
  // An expression inside a quoted literal of the text around (`x == '${{ env.Y }}'`) is text, not an operand.
  let quotes = 0;
  for (const [i, expression] of expressions.entries()) {
    quotes += (value.slice(i === 0 ? 0 : expressions[i - 1]!.end, expression.start).match(/'/g) ?? []).length;
    if (quotes % 2 === 1) return undefined;
  }
  // With operators around, an expression of several operands keeps its grouping in parentheses.
  const around = expressions.some((expression, i) => value.slice(expression.end, expressions[i + 1]?.start ?? value.length).trim() !== '') || source.trim() !== '';
  expressions.forEach((expression, i) => {
    const parsed = parseExpression(expression.inner);
    const inner = expression.inner.trim();
    source += parsed.ok && (parsed.ast.kind === 'binary' || parsed.ast.kind === 'not') && around ? `(${inner})` : inner;
    source += value.slice(expression.end, expressions[i + 1]?.start ?? value.length);
  });
  source = source.trim();
  if (source === '' || /\n/.test(source) || !parseExpression(source).ok) return undefined;
  return `\${{ ${source} }}`;
}

/** The `|` or `>` header of a block scalar (the block itself runs on over several lines). */
function blockHeader(fileText: string, node: Scalar): Span {
  const start = node.range![0];
  const header = /^[|>][0-9+-]*/.exec(fileText.slice(start, start + 4));
  return { start, end: start + (header?.[0].length ?? 1) };
}

/** Sets a block scalar's chomping indicator to strip (`|` → `|-`, `>+` → `>-`), keeping any indentation indicator. */
function stripBlockChomping(fileText: string, node: Scalar): TextEdit | undefined {
  const start = node.range?.[0];
  if (start === undefined) return undefined;
  const header = /^[|>]([1-9]?)([+-]?)([1-9]?)/.exec(fileText.slice(start, start + 4));
  if (!header) return undefined;
  return { start: start + 1, end: start + header[0].length, newText: `${header[1] || header[3]}-` };
}
