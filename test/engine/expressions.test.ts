import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  contextPaths,
  evaluate,
  evaluateCondition,
  type EvalEnv,
  type Expr,
  findExpressions,
  parseCondition,
  parseExpression,
  renderedPaths,
  stringLiterals,
  UNKNOWN,
  usesStatusFunction,
  type Value,
} from '../../server/src/engine/languages/expressions';

function ast(source: string): Expr {
  const result = parseExpression(source);
  if (!result.ok) throw new Error(`${source}: ${result.error} at ${result.offset}`);
  return result.ast;
}

function envOf(values: Record<string, Value>, status?: EvalEnv['status']): EvalEnv {
  return { lookup: (path) => values[path.join('.')], ...(status ? { status } : {}) };
}

const truth = (source: string, values: Record<string, Value> = {}, status?: EvalEnv['status']) => evaluateCondition(ast(source), envOf(values, status));

describe('findExpressions', () => {
  it('finds every ${{ }} with whole and inner offsets', () => {
    const text = 'echo ${{ github.ref }} and ${{matrix.os}}';
    const found = findExpressions(text);
    assert.equal(found.length, 2);
    assert.equal(text.slice(found[0]!.start, found[0]!.end), '${{ github.ref }}');
    assert.equal(found[0]!.inner, ' github.ref ');
    assert.equal(text.slice(found[1]!.innerStart, found[1]!.innerEnd), 'matrix.os');
  });

  it("does not close on }} inside a '' string literal, and skips unclosed ones", () => {
    const text = "${{ format('}}{0}', 'x') }} ${{ open";
    const found = findExpressions(text);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.inner, " format('}}{0}', 'x') ");
  });

  it('returns nothing for plain text', () => {
    assert.deepEqual(findExpressions('no expressions here {{ x }}'), []);
  });
});

describe('parseExpression', () => {
  it('parses literals: numbers, strings with escaped quotes, booleans, null', () => {
    assert.equal(evaluate(ast('42')), 42);
    assert.equal(evaluate(ast('-1.5')), -1.5);
    assert.equal(evaluate(ast('0xff')), 255);
    assert.equal(evaluate(ast('1e3')), 1000);
    assert.equal(evaluate(ast("'it''s'")), "it's");
    assert.equal(evaluate(ast('true')), true);
    assert.equal(evaluate(ast('FALSE')), false);
    assert.equal(evaluate(ast('null')), null);
  });

  it('never throws on bad input', () => {
    for (const bad of ['', '(', "'open", 'a ==', 'a b', '!', 'f(a,', 'a[', '#', 'a.', '1 2', '('.repeat(500)]) {
      const result = parseExpression(bad);
      assert.equal(result.ok, false, bad);
    }
  });

  it('gives ! precedence over ==, == over &&, && over ||', () => {
    assert.equal(truth('!false == true'), true);
    assert.equal(truth('true || false && false'), true);
    assert.equal(truth('(true || false) && false'), false);
    assert.equal(truth('1 < 2 == true'), true);
  });
});

describe('parseCondition', () => {
  it('accepts if: values with and without ${{ }}', () => {
    const bare = parseCondition("github.event_name == 'push'");
    const wrapped = parseCondition("  ${{ github.event_name == 'push' }} ");
    assert.ok(bare.ok && wrapped.ok);
    assert.equal(wrapped.offset, 5);
  });

  it('refuses text around ${{ }} (a string template, not a condition)', () => {
    assert.equal(parseCondition("${{ github.ref }} == 'refs/heads/main'").ok, false);
  });
});

describe('stringLiterals', () => {
  it('lists the string literals of every operand, argument and index', () => {
    const literals = stringLiterals(ast("github.repository == 'a/b' && !startsWith(github.ref, 'refs/tags/') || matrix['os'] != 1"));
    assert.deepEqual(literals, ['a/b', 'refs/tags/', 'os']);
  });
});

describe('contextPaths', () => {
  const paths = (source: string) => contextPaths(ast(source)).map((p) => p.path);

  it('lists the longest path of each read, with indexes and filters', () => {
    assert.deepEqual(paths('github.event.pull_request.title'), ['github.event.pull_request.title']);
    assert.deepEqual(paths("needs.build.outputs['image-tag']"), ['needs.build.outputs.image-tag']);
    assert.deepEqual(paths('github.event.commits[*].message'), ['github.event.commits.*.message']);
    assert.deepEqual(paths('github.event.commits.*.author.name'), ['github.event.commits.*.author.name']);
  });

  it('finds paths inside calls, operators and computed indexes', () => {
    assert.deepEqual(paths("contains(github.event.issue.body, 'x') && !inputs.dry || matrix[env.KEY]"), ['github.event.issue.body', 'inputs.dry', 'matrix', 'env.key']);
  });

  it('keeps the segments as written and offsets into the source', () => {
    const source = "'x' == Github.Head_Ref";
    const [found] = contextPaths(ast(source));
    assert.deepEqual(found!.segments, ['Github', 'Head_Ref']);
    assert.equal(found!.path, 'github.head_ref');
    assert.equal(source.slice(found!.start, found!.end), 'Github.Head_Ref');
  });
});

describe('renderedPaths', () => {
  const rendered = (source: string) => renderedPaths(ast(source)).map((p) => `${p.path}:${p.via}`);

  it('keeps what can be pasted as text, and how', () => {
    assert.deepEqual(rendered('github.event.issue.title'), ['github.event.issue.title:value']);
    assert.deepEqual(rendered('github.head_ref || github.ref_name'), ['github.head_ref:value', 'github.ref_name:value']);
    assert.deepEqual(rendered("inputs.on && github.event.issue.body"), ['github.event.issue.body:value']);
    assert.deepEqual(rendered("format('{0} {1}', github.event, inputs.x)"), ['github.event:value', 'inputs.x:value']);
    assert.deepEqual(rendered('toJSON(github.event)'), ['github.event:content']);
    assert.deepEqual(rendered("join(github.event.commits.*.message, github.event.issue.title)"), ['github.event.commits.*.message:content', 'github.event.issue.title:value']);
    assert.deepEqual(rendered('fromJSON(github.event.issue.body).name'), ['github.event.issue.body:content']);
    assert.deepEqual(rendered('github.event.pull_request[inputs.field]'), ['github.event.pull_request:member']);
    assert.deepEqual(rendered('github.event.pages[inputs.n].page_name'), ['github.event.pages:content']);
  });

  it('drops what is only compared or tested', () => {
    for (const source of [
      "github.event.issue.title == 'x'",
      '!github.event.issue.body',
      "contains(github.event.issue.title, 'wip')",
      "startsWith(github.head_ref, 'release/') || endsWith(github.head_ref, '-fix')",
      "github.event.issue.title && 'yes'",
      "hashFiles(github.event.issue.title)",
      "success()",
    ]) {
      assert.deepEqual(rendered(source), [], source);
    }
  });
});

describe('usesStatusFunction', () => {
  it('sees always/success/failure/cancelled anywhere', () => {
    assert.equal(usesStatusFunction(ast("!cancelled() && needs.a.result == 'success'")), true);
    assert.equal(usesStatusFunction(ast('ALWAYS()')), true);
    assert.equal(usesStatusFunction(ast("github.ref == 'refs/heads/main'")), false);
  });
});

describe('evaluate', () => {
  it('compares strings case-insensitively', () => {
    assert.equal(truth("github.event_name == 'PUSH'", { 'github.event_name': 'push' }), true);
    assert.equal(truth("github.event_name != 'push'", { 'github.event_name': 'push' }), false);
  });

  it('coerces mismatched types to numbers', () => {
    assert.equal(truth("'1' == 1"), true);
    assert.equal(truth('null == 0'), true);
    assert.equal(truth("'abc' == 0"), false);
    assert.equal(truth('true == 1'), true);
    assert.equal(truth("'' == false"), true);
  });

  it('keeps unknown values unknown and follows Kleene logic', () => {
    assert.equal(truth("github.ref == 'refs/heads/main'"), 'unknown');
    assert.equal(truth("github.ref == 'refs/heads/main' && false"), false);
    assert.equal(truth("github.ref == 'refs/heads/main' || true"), true);
    assert.equal(truth("false && github.ref == 'x'"), false);
    assert.equal(truth("!(github.ref == 'x')"), 'unknown');
    assert.equal(truth("github.event_name == 'push' && github.ref == 'x'", { 'github.event_name': 'pull_request' }), false);
  });

  it('returns operands from && and || like GitHub', () => {
    assert.equal(evaluate(ast("inputs.env || 'staging'"), envOf({ 'inputs.env': '' })), 'staging');
    assert.equal(evaluate(ast("'a' && 'b'")), 'b');
  });

  it('reads known objects, case-insensitively, and null for missing members', () => {
    const env = envOf({ github: { event: { action: 'opened' } } });
    assert.equal(evaluate(ast('github.event.ACTION'), env), 'opened');
    assert.equal(evaluate(ast('github.event.missing'), env), null);
    assert.equal(evaluate(ast('github.whatever'), envOf({})), UNKNOWN);
  });

  it('implements contains, startsWith, endsWith, format, join, fromJSON, toJSON', () => {
    assert.equal(truth("contains('Hello world', 'WORLD')"), true);
    assert.equal(truth("contains(fromJSON('[\"a\",\"b\"]'), 'B')"), true);
    assert.equal(truth("contains(fromJSON('[\"a\"]'), 'c')"), false);
    assert.equal(truth("startsWith(github.ref, 'refs/tags/')", { 'github.ref': 'refs/tags/v1' }), true);
    assert.equal(truth("endsWith('file.yml', '.YML')"), true);
    assert.equal(evaluate(ast("format('{0}-{1} {{x}}', 'a', 1)")), 'a-1 {x}');
    assert.equal(evaluate(ast("join(fromJSON('[1,2]'), '+')")), '1+2');
    assert.equal(evaluate(ast("toJSON(fromJSON('{\"a\":1}'))")), '{\n  "a": 1\n}');
    assert.equal(evaluate(ast("hashFiles('**/package-lock.json')")), UNKNOWN);
    assert.equal(evaluate(ast("fromJSON('not json')")), UNKNOWN);
    assert.equal(evaluate(ast("contains(github.event.labels.*.name, 'x')")), UNKNOWN);
  });

  it('takes status functions from the environment, unknown by default (always() is true)', () => {
    assert.equal(truth('success()'), 'unknown');
    assert.equal(truth('always()'), true);
    assert.equal(truth('!cancelled()', {}, { cancelled: false }), true);
    assert.equal(truth('success() && false'), false);
  });

  it('knows patterns only by their start and end', () => {
    const pr: Value = { pattern: true, prefix: 'refs/pull/', suffix: '/merge' };
    assert.equal(truth("github.ref == 'refs/heads/main'", { 'github.ref': pr }), false);
    assert.equal(truth("github.ref == 'refs/pull/7/merge'", { 'github.ref': pr }), 'unknown');
    assert.equal(truth("startsWith(github.ref, 'refs/pull/')", { 'github.ref': pr }), true);
    assert.equal(truth("startsWith(github.ref, 'refs/tags/')", { 'github.ref': pr }), false);
    assert.equal(truth("startsWith(github.ref, 'refs/pull/12')", { 'github.ref': pr }), 'unknown');
  });
});
