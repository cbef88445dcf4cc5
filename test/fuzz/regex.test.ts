import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { checkSync } from 'recheck';
import ts from 'typescript';
import { ROOT } from '../helpers/fixtures';

interface Literal {
  file: string;
  source: string;
  flags: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Every regular expression literal of the server's sources, found by TypeScript's own parser (a string or
 * comment that looks like a regex is not one), and each `new RegExp(`…`)` with its `${}` parts filled in.
 */
function regexLiterals(): Literal[] {
  const literals: Literal[] = [];
  for (const path of sourceFiles(join(ROOT, 'server', 'src'))) {
    const file = relative(ROOT, path);
    const sourceFile = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const text = node.getText(sourceFile);
        const slash = text.lastIndexOf('/');
        literals.push({ file, source: text.slice(1, slash), flags: text.slice(slash + 1) });
      } else if (ts.isNewExpression(node) && node.expression.getText(sourceFile) === 'RegExp') {
        const [pattern, flags] = node.arguments ?? [];
        const source = pattern && patternText(pattern, sourceFile);
        assert.ok(source !== undefined, `${file}: new RegExp(${pattern?.getText(sourceFile)}) cannot be checked: build it from a literal`);
        literals.push({ file, source, flags: flags && ts.isStringLiteral(flags) ? flags.text : '' });
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return literals;
}

/** A string or template literal's text, with each `${}` taken as an identifier (what they insert, escaped). */
function patternText(node: ts.Expression, sourceFile: ts.SourceFile): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((span) => `id${span.literal.text}`).join('');
  void sourceFile;
  return undefined;
}

const literals = regexLiterals();

describe('regular expressions in server/src', { timeout: 180_000 }, () => {
  it('are all found (the literal scanner is not blind)', () => {
    assert.ok(literals.length > 150, `only ${literals.length} regexes found`);
    for (const dir of ['server/src/engine/', 'server/src/rules/gha/', 'server/src/rules/k8s/']) assert.ok(literals.some((literal) => literal.file.startsWith(dir)), `none found in ${dir}`);
  });

  it('none backtracks catastrophically (recheck)', () => {
    const exponential: string[] = [];
    const polynomial: string[] = [];
    for (const { file, source, flags } of literals) {
      // A fixed seed keeps recheck's fuzzing checker deterministic, and its step limits bound it: a wall-clock
      // timeout would only make the verdict depend on how busy the machine is. That holds for every timeout recheck
      // has, not only the overall one: with its default 250 ms to incubate and 1 s per attack, a loaded machine made it
      // call a linear regex quadratic.
      const result = checkSync(source, flags, { randomSeed: 1, timeout: null, incubationTimeout: null, attackTimeout: null, seedingTimeout: null });
      if (result.status === 'unknown') assert.fail(`${file} /${source}/${flags}: recheck could not decide (${result.error.kind})`);
      if (result.status !== 'vulnerable') continue;
      const where = `${file} /${source}/`;
      if (result.complexity.type === 'exponential') exponential.push(`${where} (${result.attack.pattern})`);
      else polynomial.push(`${where} ${result.complexity.summary} (${result.attack.pattern})`);
    }
    assert.deepEqual(exponential, [], 'exponential backtracking');
    // Even quadratic is too slow: one crafted 100 kB scalar cost seconds. Anchor, make quantifiers disjoint, or scan by hand.
    assert.deepEqual(polynomial, [], 'polynomial backtracking: rewrite the regex');
  });
});

