/**
 * The type of each part of a `${{ }}` expression, from the typed contexts of its scope (expressionScope.ts), and the
 * mistakes only types show: a property read from a string, an array indexed by a string, an object or array compared
 * with a string or number (GitHub turns them into NaN), an object or array written into text, a function given an
 * object where it takes text, two different objects or arrays compared with `==` (GitHub compares them by identity),
 * `env`, `vars` or `secrets` indexed by a boolean or number. A type is certain only where every part of it is: anything that meets `any` (the
 * webhook payload's fields, a computed matrix, outputs of actions the table does not know) is never reported.
 *
 * API:
 * - `typeOf(expr, scope)`: the type of an expression (`any` where it is not certain).
 * - `typeProblems(ast, scope)`: the type mistakes in a parsed expression, with offsets in the parsed source.
 * - `renderedType(ast, scope)`: the type of an expression written into text, when it is an object, an array or null.
 */
import { findExpressions, parseExpression, type Expr } from '../languages/expressions';
import { isMap, isScalar, isSeq, mapFields, seqItems, type Node, type YamlDoc } from '../yaml/yamlFile';
import { ANY, pathSegmentsOf, type ExprType, type Member, type Scope } from './expressionScope';

const STRING: ExprType = { kind: 'string' };
const NUMBER: ExprType = { kind: 'number' };
const BOOLEAN: ExprType = { kind: 'boolean' };
const NULL: ExprType = { kind: 'null' };

export type TypeProblem =
  /** `.name` read from a string, number or boolean. */
  | { kind: 'not-object'; receiver: string; type: ExprType; name: string; start: number; end: number }
  /** An array indexed by a string. */
  | { kind: 'array-index'; index: string; start: number; end: number }
  /** `==`, `<` … where one side is an object or array and the other a string, number or boolean (or an ordering of objects). */
  | { kind: 'compare'; op: string; left: ExprType; right: ExprType; always: boolean; start: number; end: number }
  /** A function argument of a type the function cannot use. */
  | { kind: 'argument'; name: string; position: number; given: ExprType; expected: string; start: number; end: number }
  /** `.name` or `['name']` read from an object whose properties are all known (a JSON literal, a matrix value) and lack it; context paths are expressionScope's. */
  | { kind: 'no-property'; receiver: string; name: string; known: readonly string[]; start: number; end: number }
  /** An object whose properties are all known, indexed by a boolean or a number, which GitHub turns into text no property has. */
  | { kind: 'index-type'; receiver: string; index: ExprType; start: number; end: number }
  /** `env`, `vars` or `secrets` indexed by a boolean or a number: GitHub reads the variable named 'true', 'false' or '0'. */
  | { kind: 'index-name'; receiver: string; index: ExprType; literal?: string; start: number; end: number }
  /** `==` or `!=` between two objects or arrays that are not the same value: GitHub compares them by identity. */
  | { kind: 'compare-identity'; op: string; left: ExprType; right: ExprType; always: boolean; start: number; end: number }
  /** A boolean compared with a text or number literal where the outcome does not depend on the boolean (GitHub compares them as numbers). */
  | { kind: 'compare-boolean'; op: string; text: string; always: boolean; start: number; end: number };

const isPrimitive = (type: ExprType): boolean => type.kind === 'string' || type.kind === 'number' || type.kind === 'boolean';
const isComposite = (type: ExprType): boolean => type.kind === 'object' || type.kind === 'array';

/** The type of a JSON value (`fromJSON('…')` of a literal). */
function typeOfJson(value: unknown): ExprType {
  if (value === null) return NULL;
  if (typeof value === 'string') return STRING;
  if (typeof value === 'number') return NUMBER;
  if (typeof value === 'boolean') return BOOLEAN;
  if (Array.isArray(value)) {
    const elements = value.map(typeOfJson);
    return { kind: 'array', element: sameKind(elements) ?? ANY };
  }
  const properties = new Map(Object.entries(value as Record<string, unknown>).map(([name, v]) => [name.toLowerCase(), { name, type: typeOfJson(v) }]));
  return { kind: 'object', properties, closed: true, what: 'this JSON object' };
}

/** The one primitive kind all of `types` share, or undefined (objects and arrays are never merged). */
function sameKind(types: readonly ExprType[]): ExprType | undefined {
  const first = types[0];
  if (!first || !isPrimitive(first)) return undefined;
  return types.every((type) => type.kind === first.kind) ? first : undefined;
}

/** `a && b`, `a || b`: either side's value, so certain only when both sides have the same kind. */
function either(left: ExprType, right: ExprType): ExprType {
  if (left.kind === 'any' || right.kind === 'any') return ANY;
  if (left.kind === right.kind && (isPrimitive(left) || left.kind === 'null')) return left;
  if (left.kind === 'object' && right.kind === 'object') return { kind: 'object', properties: new Map(), closed: false, what: 'an object' };
  return ANY;
}

function textOf(expr: Expr, source: string | undefined): string {
  return source === undefined ? '' : source.slice(expr.start, expr.end);
}

/** The type of `expr`, collecting problems into `problems` when given. */
function infer(expr: Expr, scope: Scope, problems: TypeProblem[] | undefined, source: string | undefined): ExprType {
  const typeOf = (e: Expr): ExprType => infer(e, scope, problems, source);
  switch (expr.kind) {
    case 'literal':
      if (expr.value === null) return NULL;
      return typeof expr.value === 'string' ? STRING : typeof expr.value === 'number' ? NUMBER : BOOLEAN;
    case 'context':
      return scope.get(expr.name.toLowerCase()) ?? ANY;
    case 'property': {
      const object = typeOf(expr.object);
      if (object.kind === 'object') missing(object, expr.object, expr.name, expr.end - expr.name.length, expr.end, problems, source);
      return property(object, expr.name, expr, problems, source);
    }
    case 'star': {
      const object = typeOf(expr.object);
      if (object.kind === 'array') return object;
      if (object.kind === 'object') {
        const values = object.closed ? [...object.properties.values()].map((m) => m.type) : object.values ? [object.values] : [];
        return { kind: 'array', element: (object.closed || object.values) && values.length > 0 ? (sameKind(values) ?? ANY) : ANY };
      }
      // An object filter always gives an array (empty when there is nothing to filter), whatever it is applied to.
      return { kind: 'array', element: ANY };
    }
    case 'index': {
      const object = typeOf(expr.object);
      const index = typeOf(expr.index);
      if (object.kind === 'array') {
        // Text that reads as a number ('0') may be converted: only other text is certain to find nothing.
        if (expr.index.kind === 'literal' && typeof expr.index.value === 'string' && Number.isNaN(Number(expr.index.value))) {
          problems?.push({ kind: 'array-index', index: textOf(expr.index, source), start: expr.index.start, end: expr.index.end });
          return ANY;
        }
        return index.kind === 'number' || index.kind === 'any' ? object.element : ANY;
      }
      if (object.kind === 'object' && expr.index.kind === 'literal' && typeof expr.index.value === 'string') {
        missing(object, expr.object, expr.index.value, expr.index.start, expr.index.end, problems, source);
        return property(object, expr.index.value, undefined, problems, source);
      }
      // GitHub turns a boolean or number index into text ('true', '1'): certain to find nothing where no property is named so.
      if (object.kind === 'object' && object.closed && (index.kind === 'boolean' || index.kind === 'number')) {
        const names = [...object.properties.keys()];
        const could = index.kind === 'boolean' ? names.some((name) => name === 'true' || name === 'false') : names.some((name) => !Number.isNaN(Number(name)));
        if (!could) problems?.push({ kind: 'index-type', receiver: textOf(expr.object, source), index, start: expr.index.start, end: expr.index.end });
      }
      // The names in `env`, `vars` and `secrets` are variable names: a boolean or number index reads one named 'true' or '0'.
      if (object.kind === 'object' && expr.object.kind === 'context' && VARIABLE_CONTEXTS.has(expr.object.name.toLowerCase()) && (index.kind === 'boolean' || index.kind === 'number')) {
        const literal = expr.index.kind === 'literal' && typeof expr.index.value === 'number' ? String(expr.index.value) : undefined;
        problems?.push({ kind: 'index-name', receiver: textOf(expr.object, source), index, ...(literal !== undefined ? { literal } : {}), start: expr.index.start, end: expr.index.end });
      }
      return ANY;
    }
    case 'call':
      return call(expr, expr.args.map(typeOf), problems);
    case 'not':
      typeOf(expr.operand);
      return BOOLEAN;
    case 'binary': {
      const left = typeOf(expr.left);
      const right = typeOf(expr.right);
      if (expr.op === '&&' || expr.op === '||') return either(left, right);
      const constant = booleanConstant(expr.op, left, right, expr.left, expr.right, source);
      if (constant) problems?.push({ kind: 'compare-boolean', op: expr.op, ...constant, start: expr.start, end: expr.end });
      const always = compareProblem(expr.op, left, right);
      if (always !== undefined) problems?.push({ kind: 'compare', op: expr.op, left, right, always, start: expr.start, end: expr.end });
      else if ((expr.op === '==' || expr.op === '!=') && isComposite(left) && isComposite(right) && !sameValue(expr.left, expr.right)) {
        problems?.push({ kind: 'compare-identity', op: expr.op, left, right, always: expr.op === '!=', start: expr.start, end: expr.end });
      }
      return BOOLEAN;
    }
  }
}

const VARIABLE_CONTEXTS: ReadonlySet<string> = new Set(['env', 'vars', 'secrets']);

/**
 * Whether two operands are certainly the same object or array: the same context path (names compared as GitHub
 * does, ignoring case). Anything else (two paths, two `fromJSON()` calls) is a different value each.
 */
function sameValue(left: Expr, right: Expr): boolean {
  const a = pathSegmentsOf(left);
  const b = pathSegmentsOf(right);
  return a !== undefined && b !== undefined && a.length === b.length && a.every((segment, i) => segment.name.toLowerCase() === b[i]!.name.toLowerCase());
}

/** A closed object without `name`, read from something that is not a context path (those are expressionScope's). */
function missing(object: ExprType & { kind: 'object' }, receiver: Expr, name: string, start: number, end: number, problems: TypeProblem[] | undefined, source: string | undefined): void {
  if (!problems || !object.closed || object.properties.has(name.toLowerCase()) || pathSegmentsOf(receiver)) return;
  problems.push({ kind: 'no-property', receiver: textOf(receiver, source), name, known: [...object.properties.values()].map((m) => m.name), start, end });
}

/**
 * A boolean compared with a literal of another kind, where the outcome is the same whether the boolean is true or false
 * (or null, when the value is absent): GitHub compares them as numbers (1 or 0, and the literal: text that is not a
 * number is NaN). `flag == 'true'` is always false, `flag > 60` always false. The literal as written and the outcome.
 */
function booleanConstant(op: string, left: ExprType, right: ExprType, leftExpr: Expr, rightExpr: Expr, source: string | undefined): { text: string; always: boolean } | undefined {
  const flip = left.kind !== 'boolean';
  const literal = flip ? leftExpr : rightExpr;
  if ((flip ? right : left).kind !== 'boolean' || literal.kind !== 'literal' || (typeof literal.value !== 'string' && typeof literal.value !== 'number')) return undefined;
  const other = typeof literal.value === 'number' ? literal.value : literal.value.trim() === '' ? 0 : Number(literal.value.trim());
  const compare = (flag: number): boolean => {
    const [a, b] = flip ? [other, flag] : [flag, other];
    switch (op) {
      case '==': return a === b;
      case '!=': return a !== b;
      case '<': return a < b;
      case '>': return a > b;
      case '<=': return a <= b;
      case '>=': return a >= b;
      default: return false;
    }
  };
  const outcome = compare(1);
  return outcome === compare(0) ? { text: textOf(literal, source), always: outcome } : undefined;
}

/** `object.name`: the property's type; a problem when `object` is a string, number or boolean. */
function property(object: ExprType, name: string, expr: Extract<Expr, { kind: 'property' }> | undefined, problems: TypeProblem[] | undefined, source: string | undefined): ExprType {
  if (object.kind === 'object') {
    const found = object.properties.get(name.toLowerCase());
    // A closed object without the property is expressionScope's 'unknown-property'.
    return found ? found.type : (object.values ?? ANY);
  }
  // `needs.*.result`: the property of each element.
  if (object.kind === 'array') {
    const element = object.element;
    return { kind: 'array', element: element.kind === 'object' ? property(element, name, undefined, undefined, source) : ANY };
  }
  if (isPrimitive(object) && expr) {
    problems?.push({ kind: 'not-object', receiver: textOf(expr.object, source), type: object, name, start: expr.end - name.length, end: expr.end });
  }
  return ANY;
}

/**
 * When a comparison's outcome is fixed by its operands' types, that outcome: GitHub turns an object or array compared
 * with a string, number or boolean into NaN, so `==` and every ordering is false and `!=` is true; an object or array
 * is never ordered. Undefined when it is not fixed (or not certain).
 */
function compareProblem(op: string, left: ExprType, right: ExprType): boolean | undefined {
  if (left.kind === 'any' || right.kind === 'any') return undefined;
  const mixed = (isComposite(left) && isPrimitive(right)) || (isPrimitive(left) && isComposite(right));
  if (op === '==' || op === '!=') return mixed ? op === '!=' : undefined;
  // <, >, <=, >=: NaN on either side makes them false.
  return mixed || (isComposite(left) && isComposite(right)) ? false : undefined;
}

/** What each function takes where an object or array cannot go (GitHub reads them as text or JSON text). */
const TEXT_ARGUMENTS: Readonly<Record<string, { name: string; positions: 'all' | readonly number[]; expected: string }>> = {
  startswith: { name: 'startsWith', positions: [0, 1], expected: 'text' },
  endswith: { name: 'endsWith', positions: [0, 1], expected: 'text' },
  format: { name: 'format', positions: [0], expected: 'a format string' },
  fromjson: { name: 'fromJSON', positions: [0], expected: 'JSON text' },
  hashfiles: { name: 'hashFiles', positions: 'all', expected: 'path patterns (text)' },
};

function call(expr: Extract<Expr, { kind: 'call' }>, args: readonly ExprType[], problems: TypeProblem[] | undefined): ExprType {
  const report = (position: number, expected: string, name: string): void => {
    const arg = expr.args[position]!;
    problems?.push({ kind: 'argument', name, position, given: args[position]!, expected, start: arg.start, end: arg.end });
  };
  const text = TEXT_ARGUMENTS[expr.name];
  if (text) {
    args.forEach((type, position) => {
      if (isComposite(type) && (text.positions === 'all' || text.positions.includes(position))) report(position, text.expected, text.name);
    });
  }
  switch (expr.name) {
    case 'contains': {
      const [haystack, needle] = args;
      if (haystack?.kind === 'object') report(0, 'text or an array', 'contains');
      else if (haystack && isPrimitive(haystack) && needle && isComposite(needle)) report(1, 'text (the first argument is text)', 'contains');
      return BOOLEAN;
    }
    case 'join':
      if (args[0]?.kind === 'object') report(0, 'an array or text', 'join');
      if (args[1] && isComposite(args[1])) report(1, 'a separator (text)', 'join');
      return STRING;
    case 'startswith':
    case 'endswith':
    case 'always':
    case 'success':
    case 'failure':
    case 'cancelled':
      return BOOLEAN;
    case 'format':
    case 'tojson':
    case 'hashfiles':
      return STRING;
    case 'fromjson': {
      const first = expr.args[0];
      if (first?.kind !== 'literal' || typeof first.value !== 'string') return ANY;
      try {
        return typeOfJson(JSON.parse(first.value));
      } catch {
        return ANY;
      }
    }
    default:
      return ANY;
  }
}

export function typeOf(expr: Expr, scope: Scope): ExprType {
  return infer(expr, scope, undefined, undefined);
}

/** The type mistakes in a parsed expression; `source` is the parsed text (to quote a receiver or an index). */
export function typeProblems(ast: Expr, scope: Scope, source: string): TypeProblem[] {
  const problems: TypeProblem[] = [];
  infer(ast, scope, problems, source);
  return problems;
}

/** The type of an expression written into text, when it is one whose text is not its contents: an object, array or null. */
export function renderedType(ast: Expr, scope: Scope): ExprType | undefined {
  const type = typeOf(ast, scope);
  return isComposite(type) || type.kind === 'null' ? type : undefined;
}

/** The type of kinds shared by all `types`: one primitive kind, arrays (of their shared element), or objects (each property typed where every object has it). */
export function mergedType(types: readonly ExprType[]): ExprType {
  const first = types[0];
  if (!first || types.some((type) => type.kind === 'any' || type.kind !== first.kind)) return ANY;
  if (first.kind === 'array') return { kind: 'array', element: mergedType(types.map((type) => (type as typeof first).element)) };
  if (first.kind !== 'object') return first;
  const objects = types as readonly (ExprType & { kind: 'object' })[];
  if (objects.some((object) => !object.closed)) return ANY;
  const properties = new Map<string, Member>();
  for (const object of objects) {
    for (const [key, found] of object.properties) {
      if (properties.has(key)) continue;
      const all = objects.map((other) => other.properties.get(key));
      // A property only some of the values have is empty in the others: its type is not certain.
      const type = all.every((m) => m !== undefined) ? mergedType(all.map((m) => m!.type)) : ANY;
      properties.set(key, { name: found.name, type });
    }
  }
  return { kind: 'object', properties, closed: true, what: first.what };
}

const NO_SCOPE: Scope = new Map();

/**
 * The type of a value as written in YAML (a matrix value): scalars by their YAML type, a whole `${{ }}` by its
 * expression where that is certain (a literal, `fromJSON()` of one, a context `scope` gives: `github.run_id`),
 * mappings and sequences by their members.
 */
export function typeOfNode(doc: YamlDoc, node: Node | undefined, what: string, scope: () => Scope = () => NO_SCOPE, depth = 0): ExprType {
  if (node === undefined || depth > 16) return ANY;
  if (isScalar(node)) {
    const value = node.value;
    if (value === null) return NULL;
    if (typeof value === 'number') return NUMBER;
    if (typeof value === 'boolean') return BOOLEAN;
    if (typeof value !== 'string') return ANY;
    if (!value.includes('${{')) return STRING;
    const found = findExpressions(value);
    const only = found.length === 1 ? found[0]! : undefined;
    if (!only || value.slice(0, only.start).trim() !== '' || value.slice(only.end).trim() !== '') return found.length > 0 ? STRING : ANY;
    const parsed = parseExpression(only.inner);
    return parsed.ok ? typeOf(parsed.ast, scope()) : ANY;
  }
  if (isSeq(node)) {
    const items = seqItems(doc, node);
    return { kind: 'array', element: items.length > 0 ? mergedType(items.map((item) => typeOfNode(doc, item, what, scope, depth + 1))) : ANY };
  }
  if (isMap(node)) {
    const properties = new Map<string, Member>();
    for (const [key, field] of mapFields(doc, node)) {
      if (key.includes('${{')) return ANY;
      properties.set(key.toLowerCase(), { name: key, type: typeOfNode(doc, field.value, what, scope, depth + 1), declared: field.keySpan });
    }
    return { kind: 'object', properties, closed: true, what };
  }
  return ANY;
}
