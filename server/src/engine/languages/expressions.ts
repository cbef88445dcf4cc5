/**
 * GitHub Actions `${{ }}` expressions: find them in text, parse them (never throwing), list the
 * context paths they read, and evaluate them three-valued (true / false / unknown) over what is known.
 *
 * API:
 * - `findExpressions(text)`: every `${{ … }}` span (whole and inner offsets, inner source).
 * - `parseExpression(source)`: `{ ok: true, ast }` or `{ ok: false, error, offset }`.
 * - `parseCondition(ifValue)`: an `if:` value, with or without `${{ }}`.
 * - `contextPaths(ast)`: every context path read (`github.event.pull_request.title`, `needs.build.result` …).
 * - `stringLiterals(ast)`: every string literal (`'merge_group'` …).
 * - `renderedPaths(ast)`: the context paths whose text can reach what the expression renders to (not those only compared or tested).
 * - `usesStatusFunction(ast)`: whether it calls always() / success() / failure() / cancelled().
 * - `evaluate(ast, env)`: a `Value` (UNKNOWN when it cannot be known); `truthiness(value)`: true/false/'unknown'.
 * Offsets inside an AST are relative to the parsed source; add `innerStart` of the found expression for the file.
 */

// ---------------------------------------------------------------- finding ${{ }}

export interface ExpressionSpan {
  /** Offsets of the whole `${{ … }}` in the text. */
  start: number;
  end: number;
  /** Offsets of what is between `${{` and `}}`. */
  innerStart: number;
  innerEnd: number;
  /** The text between the braces, as written. */
  inner: string;
}

/** The `${{ … }}` spans of a string, in order. A `}}` inside a '…' string literal does not close one; an unclosed one is skipped. */
export function findExpressions(text: string): ExpressionSpan[] {
  const spans: ExpressionSpan[] = [];
  // Built at the first unclosed `${{`: rescanning to the end for each later one would be quadratic.
  let closeFrom: Int32Array | undefined;
  let from = 0;
  while (from < text.length) {
    const open = text.indexOf('${{', from);
    if (open < 0) break;
    const innerStart = open + 3;
    const close = closeFrom ? closeFrom[innerStart]! : closingBraces(text, innerStart);
    if (close < 0) {
      closeFrom ??= closingBracesFromEach(text);
      from = innerStart;
      continue;
    }
    spans.push({ start: open, end: close + 2, innerStart, innerEnd: close, inner: text.slice(innerStart, close) });
    from = close + 2;
  }
  return spans;
}

/** The offset of the `}}` that closes an expression whose inside starts at `from`, skipping '…' literals; -1 when none does. */
function closingBraces(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "'") {
      // '' inside a literal is an escaped quote: skipping to the next quote twice handles it.
      const endQuote = text.indexOf("'", i + 1);
      if (endQuote < 0) return -1;
      i = endQuote + 1;
      continue;
    }
    if (ch === '}' && text[i + 1] === '}') return i;
    i++;
  }
  return -1;
}

/** `closingBraces(text, i)` for every i in 0..length, in one pass from the end. */
function closingBracesFromEach(text: string): Int32Array {
  const close = new Int32Array(text.length + 1).fill(-1);
  let nextQuote = -1;
  for (let i = text.length - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === "'") {
      close[i] = nextQuote < 0 ? -1 : close[nextQuote + 1]!;
      nextQuote = i;
    } else {
      close[i] = ch === '}' && text[i + 1] === '}' ? i : close[i + 1]!;
    }
  }
  return close;
}

// ---------------------------------------------------------------- AST

export type Literal = string | number | boolean | null;

export type Expr =
  | { kind: 'literal'; value: Literal; start: number; end: number }
  /** A bare name: a context (`github`, `needs`, `matrix` …). */
  | { kind: 'context'; name: string; start: number; end: number }
  | { kind: 'property'; object: Expr; name: string; start: number; end: number }
  | { kind: 'index'; object: Expr; index: Expr; start: number; end: number }
  /** `.*` or `[*]`: the object filter. */
  | { kind: 'star'; object: Expr; start: number; end: number }
  | { kind: 'call'; name: string; args: Expr[]; start: number; end: number }
  | { kind: 'not'; operand: Expr; start: number; end: number }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; start: number; end: number };

export type BinaryOp = '==' | '!=' | '<' | '>' | '<=' | '>=' | '&&' | '||';

export type ParseResult = { ok: true; ast: Expr } | { ok: false; error: string; offset: number };

export const STATUS_FUNCTIONS: ReadonlySet<string> = new Set(['always', 'success', 'failure', 'cancelled']);

// ---------------------------------------------------------------- tokens

type Token =
  | { type: 'number'; value: number; start: number; end: number }
  | { type: 'string'; value: string; start: number; end: number }
  | { type: 'ident'; value: string; start: number; end: number }
  | { type: 'punct'; value: string; start: number; end: number }
  | { type: 'eof'; start: number; end: number };

class ParseError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const PUNCT = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '[', ']', ',', '.', '*'];

const NUMBER = /[+-]?(0x[0-9a-fA-F]+|0o[0-7]+|(\d+(?:\.\d*)?|\.\d+)([eE][+-]?\d+)?)/y;
const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_-]/;
const SPACE = /\s/;
const DIGIT = /[0-9]/;
const DIGIT_OR_DOT = /[0-9.]/;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === ' ' || SPACE.test(ch)) {
      i++;
      continue;
    }
    if (ch === "'") {
      // The text between the quotes, a doubled '' read as one quote.
      let value = '';
      let from = i + 1;
      for (;;) {
        const quote = source.indexOf("'", from);
        if (quote < 0) throw new ParseError('unterminated string literal', i);
        value += source.slice(from, quote);
        if (source[quote + 1] !== "'") {
          tokens.push({ type: 'string', value, start: i, end: quote + 1 });
          i = quote + 1;
          break;
        }
        value += "'";
        from = quote + 2;
      }
      continue;
    }
    const previous = tokens[tokens.length - 1];
    // A '-' starts a number only where an operand is expected (there is no subtraction).
    const operandExpected = !previous || (previous.type === 'punct' && previous.value !== ')' && previous.value !== ']' && previous.value !== '*');
    if (DIGIT.test(ch) || ((ch === '-' || ch === '+') && operandExpected && DIGIT_OR_DOT.test(source[i + 1] ?? '')) || (ch === '.' && DIGIT.test(source[i + 1] ?? '') && operandExpected)) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(source);
      if (!match) throw new ParseError('bad number', i);
      const text = match[0];
      const sign = text.startsWith('-') ? -1 : 1;
      const body = text.replace(/^[+-]/, '');
      const value = body.startsWith('0x') ? parseInt(body.slice(2), 16) : body.startsWith('0o') ? parseInt(body.slice(2), 8) : Number(body);
      tokens.push({ type: 'number', value: sign * value, start: i, end: i + text.length });
      i += text.length;
      continue;
    }
    if (IDENT_START.test(ch)) {
      let end = i + 1;
      while (end < source.length && IDENT_PART.test(source[end]!)) end++;
      tokens.push({ type: 'ident', value: source.slice(i, end), start: i, end });
      i = end;
      continue;
    }
    const punct = PUNCT.find((p) => source.startsWith(p, i));
    if (!punct) throw new ParseError(`unexpected character '${ch}'`, i);
    tokens.push({ type: 'punct', value: punct, start: i, end: i + punct.length });
    i += punct.length;
  }
  tokens.push({ type: 'eof', start: source.length, end: source.length });
  return tokens;
}

// ---------------------------------------------------------------- parser

const MAX_DEPTH = 64;

class Parser {
  private at = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): Expr {
    const expr = this.or();
    const next = this.peek();
    if (next.type !== 'eof') throw new ParseError('unexpected token after the expression', next.start);
    return expr;
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private isPunct(value: string): boolean {
    const token = this.peek();
    return token.type === 'punct' && token.value === value;
  }

  private expect(value: string): Token {
    const token = this.peek();
    if (token.type !== 'punct' || token.value !== value) throw new ParseError(`expected '${value}'`, token.start);
    this.at++;
    return token;
  }

  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new ParseError('expression nested too deeply', this.peek().start);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private binary(ops: readonly BinaryOp[], next: () => Expr): Expr {
    let left = next();
    for (;;) {
      const token = this.peek();
      if (token.type !== 'punct' || !(ops as readonly string[]).includes(token.value)) return left;
      this.at++;
      const right = next();
      left = { kind: 'binary', op: token.value as BinaryOp, left, right, start: left.start, end: right.end };
    }
  }

  private or(): Expr {
    return this.nested(() => this.binary(['||'], () => this.and()));
  }

  private and(): Expr {
    return this.binary(['&&'], () => this.equality());
  }

  private equality(): Expr {
    return this.binary(['==', '!='], () => this.comparison());
  }

  private comparison(): Expr {
    return this.binary(['<', '>', '<=', '>='], () => this.unary());
  }

  private unary(): Expr {
    if (this.isPunct('!')) {
      const bang = this.peek();
      this.at++;
      const operand = this.nested(() => this.unary());
      return { kind: 'not', operand, start: bang.start, end: operand.end };
    }
    return this.postfix();
  }

  private postfix(): Expr {
    let expr = this.primary();
    for (;;) {
      if (this.isPunct('.')) {
        this.at++;
        const token = this.peek();
        if (token.type === 'punct' && token.value === '*') {
          this.at++;
          expr = { kind: 'star', object: expr, start: expr.start, end: token.end };
        } else if (token.type === 'ident') {
          this.at++;
          expr = { kind: 'property', object: expr, name: token.value, start: expr.start, end: token.end };
        } else {
          throw new ParseError('expected a property name after .', token.start);
        }
      } else if (this.isPunct('[')) {
        this.at++;
        if (this.isPunct('*')) {
          this.at++;
          const close = this.expect(']');
          expr = { kind: 'star', object: expr, start: expr.start, end: close.end };
        } else {
          const index = this.or();
          const close = this.expect(']');
          expr = { kind: 'index', object: expr, index, start: expr.start, end: close.end };
        }
      } else {
        return expr;
      }
    }
  }

  private primary(): Expr {
    const token = this.peek();
    switch (token.type) {
      case 'number':
      case 'string':
        this.at++;
        return { kind: 'literal', value: token.value, start: token.start, end: token.end };
      case 'ident': {
        this.at++;
        const lower = token.value.toLowerCase();
        if (this.isPunct('(')) {
          this.at++;
          const args: Expr[] = [];
          if (!this.isPunct(')')) {
            for (;;) {
              args.push(this.or());
              if (this.isPunct(',')) {
                this.at++;
                continue;
              }
              break;
            }
          }
          const close = this.expect(')');
          return { kind: 'call', name: lower, args, start: token.start, end: close.end };
        }
        if (lower === 'true' || lower === 'false') return { kind: 'literal', value: lower === 'true', start: token.start, end: token.end };
        if (lower === 'null') return { kind: 'literal', value: null, start: token.start, end: token.end };
        if (token.value === 'NaN') return { kind: 'literal', value: NaN, start: token.start, end: token.end };
        if (token.value === 'Infinity') return { kind: 'literal', value: Infinity, start: token.start, end: token.end };
        return { kind: 'context', name: token.value, start: token.start, end: token.end };
      }
      case 'punct':
        if (token.value === '(') {
          this.at++;
          const inner = this.or();
          this.expect(')');
          return inner;
        }
        throw new ParseError(`unexpected '${token.value}'`, token.start);
      case 'eof':
        throw new ParseError('unexpected end of expression', token.start);
    }
  }
}

/** Parses the inside of `${{ }}`. Never throws: bad input gives `{ ok: false }` with the offset of the problem. */
export function parseExpression(source: string): ParseResult {
  try {
    return { ok: true, ast: new Parser(tokenize(source)).parse() };
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, error: error.message, offset: error.offset };
    return { ok: false, error: String(error), offset: 0 };
  }
}

/**
 * Parses an `if:` value: a bare expression, or one wrapped whole in `${{ }}`. `offset` is where the
 * parsed source starts inside `value`. Text around an embedded `${{ }}` makes it a string template
 * (always truthy when non-empty): reported as not parseable.
 */
export function parseCondition(value: string): ParseResult & { offset: number } {
  const found = findExpressions(value);
  if (found.length === 0) return { ...parseExpression(value), offset: 0 };
  const only = found[0]!;
  if (found.length === 1 && value.slice(0, only.start).trim() === '' && value.slice(only.end).trim() === '') {
    return { ...parseExpression(only.inner), offset: only.innerStart };
  }
  return { ok: false, error: 'text around ${{ }} makes this a string, not a condition', offset: 0 };
}

// ---------------------------------------------------------------- context paths

export interface ContextPath {
  /** Lowercased, joined with '.', indexes as segments and filters as '*': `github.event.commits.*.message`. */
  path: string;
  /** The same segments, as written (string and number indexes included). */
  segments: string[];
  /** Offsets in the parsed source. */
  start: number;
  end: number;
}

/**
 * Every context path the expression reads, longest form only (`github.event.issue.title`, not also
 * `github.event`). A computed index (`matrix[inputs.key]`) ends the path; its own paths are listed too.
 */
export function contextPaths(ast: Expr): ContextPath[] {
  const paths: ContextPath[] = [];
  const visit = (expr: Expr, partOfPath: boolean): void => {
    switch (expr.kind) {
      case 'literal':
        return;
      case 'context':
      case 'property':
      case 'star':
      case 'index': {
        const segments = pathSegments(expr);
        if (segments) {
          if (!partOfPath) paths.push({ path: segments.map((s) => s.toLowerCase()).join('.'), segments, start: expr.start, end: expr.end });
          if (expr.kind === 'index') visit(expr.index, false);
          if (expr.kind !== 'context') visit(expr.object, true);
          return;
        }
        // A computed index: the prefix before it is the path; the index is read on its own.
        if (expr.kind === 'index') {
          visit(expr.object, false);
          visit(expr.index, false);
        } else if (expr.kind !== 'context') {
          visit(expr.object, false);
        }
        return;
      }
      case 'call':
        expr.args.forEach((arg) => visit(arg, false));
        return;
      case 'not':
        visit(expr.operand, false);
        return;
      case 'binary':
        visit(expr.left, false);
        visit(expr.right, false);
        return;
    }
  };
  visit(ast, false);
  return paths;
}

/** A context path whose value can reach the text an expression renders to (what `${{ }}` pastes in). */
export interface RenderedPath extends ContextPath {
  /**
   * `value`: the value itself is pasted (an object or array renders as the word `Object` or `Array`, never its fields);
   * `member`: one of its members, picked by a computed index (`github.event.issue[inputs.field]`), is pasted as a value;
   * `content`: any text inside it can reach the result, through `toJSON()`, `join()` or `fromJSON()`.
   */
  via: 'value' | 'member' | 'content';
  /**
   * When what is pasted is a member picked by name from what a function returned (`fromJSON(x).workflow_runs[0].id`):
   * that member's name (`id`), so a reader that knows the shape of the text can tell a number from free text.
   */
  field?: string;
}

// Functions whose result is a boolean (or a hash), whatever their arguments say.
const NON_TEXT_FUNCTIONS: ReadonlySet<string> = new Set([...STATUS_FUNCTIONS, 'contains', 'startswith', 'endswith', 'hashfiles']);

/**
 * The context paths whose text can end up in what the expression renders to. Comparisons, `!`, `contains()`,
 * `startsWith()`, `endsWith()` give booleans; `a && b` gives `b` unless `a` is falsy (then `a` is '', 0, false or null);
 * `a || b` gives either; `format()` pastes its arguments as values; anything else passes its arguments' content on.
 */
export function renderedPaths(ast: Expr): RenderedPath[] {
  const asContent = (paths: RenderedPath[]): RenderedPath[] => paths.map((path) => ({ ...path, via: 'content' }));
  switch (ast.kind) {
    case 'literal':
    case 'not':
      return [];
    case 'context':
    case 'property':
    case 'star':
    case 'index': {
      const segments = pathSegments(ast);
      if (segments) return [{ path: segments.map((s) => s.toLowerCase()).join('.'), segments, start: ast.start, end: ast.end, via: 'value' }];
      if (ast.kind === 'context') return [];
      const object = renderedPaths(ast.object);
      // A member picked by a computed index: one of the object's own members; anything deeper (a member's member, or
      // what a function returned) may be any text the object holds.
      if (ast.kind === 'index' && ast.object.kind !== 'index' && object.every((path) => path.via === 'value')) return object.map((path) => ({ ...path, via: 'member' }));
      return asContent(object).map(({ field: _, ...path }) => (ast.kind === 'property' ? { ...path, field: ast.name } : path));
    }
    case 'binary':
      if (ast.op === '&&') return renderedPaths(ast.right);
      if (ast.op === '||') return [...renderedPaths(ast.left), ...renderedPaths(ast.right)];
      return [];
    case 'call':
      if (NON_TEXT_FUNCTIONS.has(ast.name)) return [];
      if (ast.name === 'format') return ast.args.flatMap(renderedPaths);
      if (ast.name === 'join') return [...asContent(ast.args[0] ? renderedPaths(ast.args[0]) : []), ...ast.args.slice(1).flatMap(renderedPaths)];
      return asContent(ast.args.flatMap(renderedPaths));
  }
}

/** Every string literal of an expression, in order. */
export function stringLiterals(ast: Expr): string[] {
  switch (ast.kind) {
    case 'literal':
      return typeof ast.value === 'string' ? [ast.value] : [];
    case 'context':
      return [];
    case 'property':
    case 'star':
      return stringLiterals(ast.object);
    case 'index':
      return [...stringLiterals(ast.object), ...stringLiterals(ast.index)];
    case 'call':
      return ast.args.flatMap(stringLiterals);
    case 'not':
      return stringLiterals(ast.operand);
    case 'binary':
      return [...stringLiterals(ast.left), ...stringLiterals(ast.right)];
  }
}

/** The segments of a pure path (context, properties, literal indexes, filters), or undefined. */
function pathSegments(expr: Expr): string[] | undefined {
  const segments: string[] = [];
  return appendPath(expr, segments) ? segments : undefined;
}

/** Appends the segments of a pure path to `segments`; false when the expression is not one. */
function appendPath(expr: Expr, segments: string[]): boolean {
  switch (expr.kind) {
    case 'context':
      segments.push(expr.name);
      return true;
    case 'property':
      if (!appendPath(expr.object, segments)) return false;
      segments.push(expr.name);
      return true;
    case 'star':
      if (!appendPath(expr.object, segments)) return false;
      segments.push('*');
      return true;
    case 'index':
      if (expr.index.kind !== 'literal' || (typeof expr.index.value !== 'string' && typeof expr.index.value !== 'number')) return false;
      if (!appendPath(expr.object, segments)) return false;
      segments.push(String(expr.index.value));
      return true;
    default:
      return false;
  }
}

/** Whether the expression calls always(), success(), failure() or cancelled() anywhere. */
export function usesStatusFunction(ast: Expr): boolean {
  return (ast.kind === 'call' && STATUS_FUNCTIONS.has(ast.name)) || subexpressions(ast).some(usesStatusFunction);
}

/** The expressions directly inside one (an object read from, an index, a call's arguments, operands), for walks. */
export function subexpressions(expr: Expr): readonly Expr[] {
  switch (expr.kind) {
    case 'property':
    case 'star':
      return [expr.object];
    case 'index':
      return [expr.object, expr.index];
    case 'call':
      return expr.args;
    case 'not':
      return [expr.operand];
    case 'binary':
      return [expr.left, expr.right];
    default:
      return [];
  }
}

// ---------------------------------------------------------------- evaluation

/** A value that cannot be known statically. */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type Unknown = typeof UNKNOWN;

/** A string known only by its start and end (`refs/pull/<n>/merge`, `refs/tags/<any>`). */
export interface StringPattern {
  pattern: true;
  prefix: string;
  suffix: string;
}

export type Value = Literal | Value[] | { [key: string]: Value } | StringPattern | Unknown;

export type Truth = true | false | 'unknown';

export interface EvalEnv {
  /** The value at a context path (segments lowercased), or undefined when unknown. */
  lookup?(path: readonly string[]): Value | undefined;
  /** What always(), success(), failure() and cancelled() return here; unknown when absent. */
  status?: Partial<Record<'always' | 'success' | 'failure' | 'cancelled', Truth>>;
}

export function isPattern(value: Value): value is StringPattern {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as { pattern?: unknown }).pattern === true;
}

/** Whether a value is truthy: false, 0, -0, '', null and NaN are not; UNKNOWN gives 'unknown'. */
export function truthiness(value: Value): Truth {
  if (value === UNKNOWN) return 'unknown';
  if (value === null || value === false || value === '') return false;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (isPattern(value)) return value.prefix !== '' || value.suffix !== '' ? true : 'unknown';
  return true;
}

/** Evaluates an expression; anything it cannot know is UNKNOWN, and `&&` / `||` follow Kleene logic. */
export function evaluate(ast: Expr, env: EvalEnv = {}): Value {
  switch (ast.kind) {
    case 'literal':
      return ast.value;
    case 'context':
    case 'property':
    case 'index':
    case 'star': {
      const segments = pathSegments(ast);
      if (segments && !segments.includes('*')) {
        const known = env.lookup?.(segments.map((s) => s.toLowerCase()));
        if (known !== undefined) return known;
        if (ast.kind === 'context') return UNKNOWN;
      }
      if (ast.kind === 'context') return UNKNOWN;
      const object = evaluate(ast.object, env);
      if (object === UNKNOWN || isPattern(object)) return UNKNOWN;
      if (ast.kind === 'star') {
        if (Array.isArray(object)) return object;
        if (object !== null && typeof object === 'object') return Object.values(object);
        return [];
      }
      const key = ast.kind === 'property' ? ast.name : evaluate(ast.index, env);
      return member(object, key);
    }
    case 'not': {
      const truth = truthiness(evaluate(ast.operand, env));
      return truth === 'unknown' ? UNKNOWN : !truth;
    }
    case 'binary':
      return evaluateBinary(ast.op, ast.left, ast.right, env);
    case 'call':
      return evaluateCall(ast.name, ast.args, env);
  }
}

/** The truth of a condition: `evaluate` then `truthiness`. */
export function evaluateCondition(ast: Expr, env: EvalEnv = {}): Truth {
  return truthiness(evaluate(ast, env));
}

function member(object: Value, key: Value): Value {
  if (key === UNKNOWN || isPattern(key)) return UNKNOWN;
  if (Array.isArray(object)) {
    if (typeof key !== 'number') return null;
    return object[Math.trunc(key)] ?? null;
  }
  if (object === null || typeof object !== 'object') return null;
  // Property names are case-insensitive.
  const wanted = String(key).toLowerCase();
  for (const [name, value] of Object.entries(object)) {
    if (name.toLowerCase() === wanted) return value;
  }
  return null;
}

function evaluateBinary(op: BinaryOp, leftExpr: Expr, rightExpr: Expr, env: EvalEnv): Value {
  const left = evaluate(leftExpr, env);
  if (op === '&&' || op === '||') {
    const leftTruth = truthiness(left);
    if (leftTruth !== 'unknown') {
      // Known left: GitHub returns one of the operands.
      if (op === '&&') return leftTruth ? evaluate(rightExpr, env) : left;
      return leftTruth ? left : evaluate(rightExpr, env);
    }
    // Unknown left: only the truth of the result can be known, and only from the right.
    const rightTruth = truthiness(evaluate(rightExpr, env));
    if (op === '&&') return rightTruth === false ? false : UNKNOWN;
    return rightTruth === true ? true : UNKNOWN;
  }
  const right = evaluate(rightExpr, env);
  if (op === '==' || op === '!=') {
    const equal = looseEquals(left, right);
    if (equal === 'unknown') return UNKNOWN;
    return op === '==' ? equal : !equal;
  }
  return compare(op, left, right);
}

type Primitive = Literal;

function isPrimitive(value: Value): value is Primitive {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function toNumber(value: Primitive): number {
  if (value === null) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  const trimmed = value.trim();
  if (trimmed === '') return 0;
  const hex = /^([+-]?)0x([0-9a-f]+)$/i.exec(trimmed);
  if (hex) return (hex[1] === '-' ? -1 : 1) * parseInt(hex[2]!, 16);
  // `\d+(?:\.\d*)?`, not `\d+\.?\d*`, which backtracks quadratically on a long run of digits that fails at the end.
  return /^[+-]?(\d+(?:\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(trimmed) ? Number(trimmed) : NaN;
}

/** GitHub's `==`: strings case-insensitively, other type mismatches compared as numbers. */
function looseEquals(left: Value, right: Value): Truth {
  if (left === UNKNOWN || right === UNKNOWN) return 'unknown';
  if (isPattern(left) || isPattern(right)) {
    const pattern = (isPattern(left) ? left : right) as StringPattern;
    const other = isPattern(left) ? right : left;
    if (typeof other !== 'string') return 'unknown';
    return patternCouldBe(pattern, other) ? 'unknown' : false;
  }
  if (!isPrimitive(left) || !isPrimitive(right)) return left === right;
  if (typeof left === 'string' && typeof right === 'string') return left.toLowerCase() === right.toLowerCase();
  if (typeof left === typeof right) return left === right;
  return toNumber(left) === toNumber(right);
}

function patternCouldBe(pattern: StringPattern, value: string): boolean {
  const lower = value.toLowerCase();
  return lower.length >= pattern.prefix.length + pattern.suffix.length && lower.startsWith(pattern.prefix.toLowerCase()) && lower.endsWith(pattern.suffix.toLowerCase());
}

function compare(op: BinaryOp, left: Value, right: Value): Value {
  if (!isPrimitive(left) || !isPrimitive(right)) return left === UNKNOWN || right === UNKNOWN || isPattern(left) || isPattern(right) ? UNKNOWN : false;
  let a: string | number;
  let b: string | number;
  if (typeof left === 'string' && typeof right === 'string') {
    a = left.toLowerCase();
    b = right.toLowerCase();
  } else {
    a = toNumber(left);
    b = toNumber(right);
    if (Number.isNaN(a) || Number.isNaN(b)) return false;
  }
  switch (op) {
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    default:
      return a >= b;
  }
}

/** GitHub's string coercion; undefined when the value has no single string form (unknown, pattern, object). */
function toText(value: Value): string | undefined {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (value === UNKNOWN || isPattern(value)) return undefined;
  return Array.isArray(value) ? 'Array' : 'Object';
}

function evaluateCall(name: string, argExprs: Expr[], env: EvalEnv): Value {
  if (STATUS_FUNCTIONS.has(name)) {
    if (name === 'always') return env.status?.always ?? true;
    const truth = env.status?.[name as 'success' | 'failure' | 'cancelled'];
    return truth === undefined || truth === 'unknown' ? UNKNOWN : truth;
  }
  const args = argExprs.map((arg) => evaluate(arg, env));
  switch (name) {
    case 'contains': {
      const [search, item] = args;
      if (search === undefined || item === undefined) return UNKNOWN;
      if (Array.isArray(search)) {
        let sawUnknown = false;
        for (const element of search) {
          const equal = looseEquals(element, item);
          if (equal === true) return true;
          if (equal === 'unknown') sawUnknown = true;
        }
        return sawUnknown ? UNKNOWN : false;
      }
      const needle = toText(item);
      if (isPattern(search) && needle !== undefined) {
        const lower = needle.toLowerCase();
        return search.prefix.toLowerCase().includes(lower) || search.suffix.toLowerCase().includes(lower) ? true : UNKNOWN;
      }
      const haystack = toText(search);
      if (haystack === undefined || needle === undefined) return UNKNOWN;
      return haystack.toLowerCase().includes(needle.toLowerCase());
    }
    case 'startswith':
    case 'endswith': {
      const [subject, affix] = args;
      if (subject === undefined || affix === undefined) return UNKNOWN;
      const wanted = toText(affix)?.toLowerCase();
      if (wanted === undefined) return UNKNOWN;
      if (isPattern(subject)) {
        const known = (name === 'startswith' ? subject.prefix : subject.suffix).toLowerCase();
        if (name === 'startswith' ? known.startsWith(wanted) : known.endsWith(wanted)) return true;
        const overlap = Math.min(known.length, wanted.length);
        const agree = name === 'startswith' ? known.slice(0, overlap) === wanted.slice(0, overlap) : known.slice(known.length - overlap) === wanted.slice(wanted.length - overlap);
        return agree ? UNKNOWN : false;
      }
      const text = toText(subject)?.toLowerCase();
      if (text === undefined) return UNKNOWN;
      return name === 'startswith' ? text.startsWith(wanted) : text.endsWith(wanted);
    }
    case 'format': {
      const [template, ...rest] = args;
      const pattern = template === undefined ? undefined : toText(template);
      if (pattern === undefined) return UNKNOWN;
      let unknown = false;
      const result = pattern.replace(/\{\{|\}\}|\{(\d+)\}/g, (match, index: string | undefined) => {
        if (match === '{{') return '{';
        if (match === '}}') return '}';
        const arg = rest[Number(index)];
        const text = arg === undefined ? undefined : toText(arg);
        if (text === undefined) unknown = true;
        return text ?? '';
      });
      return unknown ? UNKNOWN : result;
    }
    case 'join': {
      const [list, separator] = args;
      const sep = separator === undefined ? ',' : toText(separator);
      if (list === undefined || sep === undefined) return UNKNOWN;
      if (!Array.isArray(list)) return toText(list) ?? UNKNOWN;
      const parts = list.map(toText);
      return parts.some((part) => part === undefined) ? UNKNOWN : parts.join(sep);
    }
    case 'tojson': {
      const [value] = args;
      if (value === undefined || containsUnknown(value)) return UNKNOWN;
      return JSON.stringify(value, null, 2);
    }
    case 'fromjson': {
      const [value] = args;
      const text = value === undefined ? undefined : toText(value);
      if (text === undefined) return UNKNOWN;
      try {
        return JSON.parse(text) as Value;
      } catch {
        return UNKNOWN;
      }
    }
    default:
      // hashFiles and anything unknown.
      return UNKNOWN;
  }
}

function containsUnknown(value: Value): boolean {
  if (value === UNKNOWN || isPattern(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsUnknown);
  return false;
}

// ---------------------------------------------------------------- functions

/** A built-in function's arity (lowercased name): the fewest and the most arguments it takes. */
export interface FunctionSignature {
  name: string;
  min: number;
  max: number;
}

/** GitHub's expression functions, by lowercased name, with their names as documented. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSignature> = new Map(
  (
    [
      ['contains', 2, 2],
      ['startsWith', 2, 2],
      ['endsWith', 2, 2],
      ['format', 1, Infinity],
      ['join', 1, 2],
      ['toJSON', 1, 1],
      ['fromJSON', 1, 1],
      ['hashFiles', 1, Infinity],
      ['always', 0, 0],
      ['success', 0, 0],
      ['failure', 0, 0],
      ['cancelled', 0, 0],
    ] as const
  ).map(([name, min, max]) => [name.toLowerCase(), { name, min, max }]),
);

/** Functions GitHub allows only where the key says so (the context-availability table): status functions and hashFiles. */
export const SPECIAL_FUNCTIONS: ReadonlySet<string> = new Set([...STATUS_FUNCTIONS, 'hashfiles']);

export type CallProblem =
  | { kind: 'unknown-function'; name: string; start: number; end: number }
  | { kind: 'arity'; name: string; given: number; signature: FunctionSignature; start: number; end: number }
  /** `format('{0} {2}', a, b)`: placeholder `{index}` has no argument. */
  | { kind: 'format-missing'; index: number; given: number; start: number; end: number }
  /** `format('{0}', a, b)`: argument `index` (0-based after the template) is used by no placeholder. */
  | { kind: 'format-unused'; index: number; start: number; end: number }
  /** `format('{0')`: a brace that is neither `{{`, `}}` nor a placeholder. */
  | { kind: 'format-invalid'; start: number; end: number }
  /** `fromJSON('{')`: a literal that is not JSON. */
  | { kind: 'bad-json'; error: string; start: number; end: number };

/** Every call of the expression, outermost first. */
export function callsOf(ast: Expr): Extract<Expr, { kind: 'call' }>[] {
  const out: Extract<Expr, { kind: 'call' }>[] = [];
  const visit = (expr: Expr): void => {
    if (expr.kind === 'call') out.push(expr);
    subexpressions(expr).forEach(visit);
  };
  visit(ast);
  return out;
}

/** The placeholders of a format() template (`{0}`, `{1}` …), or undefined when a brace is malformed. */
export function formatPlaceholders(template: string): number[] | undefined {
  const indexes: number[] = [];
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if (ch === '{') {
      if (template[i + 1] === '{') {
        i += 2;
        continue;
      }
      const match = /^\{(\d+)\}/.exec(template.slice(i));
      if (!match) return undefined;
      indexes.push(Number(match[1]));
      i += match[0].length;
      continue;
    }
    if (ch === '}') {
      if (template[i + 1] === '}') {
        i += 2;
        continue;
      }
      return undefined;
    }
    i++;
  }
  return indexes;
}

/**
 * What is wrong with the calls of an expression, whatever the key: unknown functions, wrong arity, `format()`
 * placeholders without arguments or arguments without placeholders, `fromJSON()` of a literal that is not JSON.
 * Offsets are in the parsed source; a problem's span is the function name (arity, unknown) or the argument.
 */
export function callProblems(ast: Expr): CallProblem[] {
  const problems: CallProblem[] = [];
  for (const call of callsOf(ast)) {
    const nameEnd = call.start + call.name.length;
    const signature = FUNCTIONS.get(call.name);
    if (!signature) {
      problems.push({ kind: 'unknown-function', name: call.name, start: call.start, end: nameEnd });
      continue;
    }
    if (call.args.length < signature.min || call.args.length > signature.max) {
      problems.push({ kind: 'arity', name: signature.name, given: call.args.length, signature, start: call.start, end: nameEnd });
      continue;
    }
    const first = call.args[0];
    if (call.name === 'format' && first?.kind === 'literal' && typeof first.value === 'string') {
      const placeholders = formatPlaceholders(first.value);
      const given = call.args.length - 1;
      if (!placeholders) {
        problems.push({ kind: 'format-invalid', start: first.start, end: first.end });
        continue;
      }
      const missing = placeholders.find((index) => index >= given);
      if (missing !== undefined) problems.push({ kind: 'format-missing', index: missing, given, start: first.start, end: first.end });
      for (let index = 0; index < given; index++) {
        const arg = call.args[index + 1]!;
        if (!placeholders.includes(index)) problems.push({ kind: 'format-unused', index, start: arg.start, end: arg.end });
      }
    }
    if (call.name === 'fromjson' && first?.kind === 'literal' && typeof first.value === 'string') {
      try {
        JSON.parse(first.value);
      } catch (error) {
        problems.push({ kind: 'bad-json', error: error instanceof Error ? error.message : String(error), start: first.start, end: first.end });
      }
    }
  }
  return problems;
}
