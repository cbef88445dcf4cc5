import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { ENGINE_RULES, type Finding, type Span, type TextEdit } from '../../server/src/engine/core/finding';
import { applyEdits } from '../../server/src/engine/core/fixes';
import { lint, type LintResult } from '../../server/src/engine/core/lint';
import { RULES } from '../../server/src/rules';
import { FIXTURES, lintPath, ROOT } from './fixtures';

/** A text and the path it is linted under (workflows are recognised by where they live). */
export interface Sample {
  name: string;
  path: string;
  text: string;
}

/** Every fixture (goldens included) and every file of test/ok, under the path the fixture harness uses. */
export function projectSamples(): Sample[] {
  const samples: Sample[] = [];
  for (const group of ['gha', 'k8s']) {
    for (const rule of readdirSync(join(FIXTURES, group)).sort()) {
      const ruleId = `${group}/${rule}`;
      for (const name of readdirSync(join(FIXTURES, ruleId)).filter((file) => /\.ya?ml$/.test(file)).sort()) {
        samples.push({ name: `${ruleId}/${name}`, path: lintPath(ruleId, name), text: readFileSync(join(FIXTURES, ruleId, name), 'utf8') });
      }
    }
  }
  const walk = (dir: string, rel: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name), `${rel}/${entry.name}`);
      else if (/\.ya?ml$/.test(entry.name)) {
        const name = `${rel}/${entry.name}`;
        const path = rel.startsWith('ok/actions') && !entry.name.startsWith('action.') ? `.github/workflows/${entry.name}` : name;
        samples.push({ name, path, text: readFileSync(join(dir, entry.name), 'utf8') });
      }
    }
  };
  walk(join(ROOT, 'test', 'ok'), 'ok');
  return samples;
}

export const PATHS = ['.github/workflows/ci.yml', 'action.yml', 'deploy/app.yaml', 'notes.yaml'];

// ---------------------------------------------------------------- mutations of real files

const LONE_SURROGATES = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF', 'a\uD83D', '\uDE00b'];
const ODD = ['\r\n', '\r', '\t', '\u0000', '\uFEFF', '\u2028', '\u0085', '${{', '${{ github.event.issue.title', '}}', "'", '"', '&a ', '*a', '<<: *a', '? ', '- ', ': ', '#', '|', '>-', '!!binary ', '%YAML 1.2\n---\n', '---\n', '...\n', '{', '[', ']', '}'];

/** Text to insert: odd YAML tokens, lone surrogate halves, any unicode, or bytes of binary junk. */
const junk: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...ODD),
  fc.constantFrom(...LONE_SURROGATES),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r\n', ':', '-', '$', '{', '}', "'", 'a'), maxLength: 16 }),
);

type Mutation =
  | { op: 'delete-line' | 'duplicate-line' | 'tabs'; at: number }
  | { op: 'indent'; at: number; by: number }
  | { op: 'truncate'; at: number; mode: 'anywhere' | 'line-start' | 'after-colon' | 'inside-expression' }
  | { op: 'swap-lines'; at: number; other: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'long-line'; at: number; length: number; char: string }
  | { op: 'crlf' | 'bom' | 'empty' };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('delete-line' as const, 'duplicate-line' as const, 'tabs' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('indent' as const), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat(), mode: fc.constantFrom('anywhere' as const, 'line-start' as const, 'after-colon' as const, 'inside-expression' as const) }),
  fc.record({ op: fc.constant('swap-lines' as const), at: fc.nat(), other: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: junk }),
  fc.record({ op: fc.constant('long-line' as const), at: fc.nat(), length: fc.integer({ min: 1000, max: 20_000 }), char: fc.constantFrom('x', ' ', '$', '{', "'", '\\', '-', 'é', '😀') }),
  fc.record({ op: fc.constantFrom('crlf' as const, 'bom' as const, 'empty' as const) }),
);

/** Applies one mutation; positions are taken modulo the text so any number is valid. */
export function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const line = (at: number): number => at % Math.max(lines.length, 1);
  switch (m.op) {
    case 'delete-line':
      lines.splice(line(m.at), 1);
      return lines.join('\n');
    case 'duplicate-line':
      lines.splice(line(m.at), 0, lines[line(m.at)] ?? '');
      return lines.join('\n');
    case 'tabs':
      lines[line(m.at)] = (lines[line(m.at)] ?? '').replace(/^ +/, (spaces) => '\t'.repeat(Math.max(1, spaces.length >> 1)));
      return lines.join('\n');
    case 'indent': {
      const i = line(m.at);
      const current = lines[i] ?? '';
      lines[i] = m.by >= 0 ? ' '.repeat(m.by) + current : current.replace(new RegExp(`^ {0,${-m.by}}`), '');
      return lines.join('\n');
    }
    case 'truncate': {
      const candidates = truncationPoints(text, m.mode);
      return text.slice(0, candidates.length === 0 ? m.at % (text.length + 1) : candidates[m.at % candidates.length]);
    }
    case 'swap-lines': {
      const [a, b] = [line(m.at), line(m.other)];
      [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
      return lines.join('\n');
    }
    case 'insert': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'long-line': {
      const i = line(m.at);
      lines[i] = `${lines[i] ?? ''}${m.char.repeat(m.length)}`;
      return lines.join('\n');
    }
    case 'crlf':
      return text.replace(/\r?\n/g, '\r\n');
    case 'bom':
      return `\uFEFF${text}`;
    case 'empty':
      return '';
  }
}

function truncationPoints(text: string, mode: 'anywhere' | 'line-start' | 'after-colon' | 'inside-expression'): number[] {
  if (mode === 'anywhere') return [];
  const pattern = mode === 'line-start' ? /\n/g : mode === 'after-colon' ? /: /g : /\$\{\{ ?/g;
  return [...text.matchAll(pattern)].map((match) => match.index + match[0].length);
}

// ---------------------------------------------------------------- generated pathological files

/** Whole files built to hurt: deep nesting, alias bombs, huge scalars, junk, unclosed expressions. */
export function pathological(): Sample[] {
  const workflow = (steps: string): string => `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
  const bomb = (depth: number, width: number): string => {
    let text = 'a0: &a0 [lol, lol]\n';
    for (let i = 1; i <= depth; i++) text += `a${i}: &a${i} [${Array.from({ length: width }, () => `*a${i - 1}`).join(', ')}]\n`;
    return text;
  };
  const jobBomb = `on: push\njobs:\n  base: &j\n    runs-on: ubuntu-latest\n    steps: &s\n      - run: npm install\n      - run: echo \${{ github.event.issue.title }}\n${Array.from({ length: 200 }, (_, i) => `  j${i}: *j`).join('\n')}\n`;
  const podBomb = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  x: &c {name: a, image: "nginx:latest", env: [{name: A_SECRET, value: hunter2}]}\n  containers: [${Array.from({ length: 500 }, () => '*c').join(', ')}]\n`;
  const deepBlock = (depth: number): string => Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' v\n';
  const deepSeq = (depth: number): string => Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}-`).join('\n') + ' x\n';
  return [
    { name: 'empty', path: PATHS[0]!, text: '' },
    { name: 'only a BOM', path: PATHS[2]!, text: '\uFEFF' },
    { name: 'BOM workflow', path: PATHS[0]!, text: `\uFEFF${workflow('      - run: npm install\n')}` },
    { name: 'flow nesting 10 000 deep', path: PATHS[0]!, text: `on: push\njobs: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n` },
    { name: 'unclosed flow nesting 10 000 deep', path: PATHS[2]!, text: `spec: ${'{a: '.repeat(10_000)}` },
    { name: 'block mapping 2 000 deep', path: PATHS[2]!, text: deepBlock(2_000) },
    { name: 'block sequence 2 000 deep', path: PATHS[0]!, text: `on: push\njobs:\n${deepSeq(2_000)}` },
    { name: 'alias bomb (billion laughs)', path: PATHS[2]!, text: bomb(9, 10) },
    { name: 'alias bomb in a workflow', path: PATHS[0]!, text: jobBomb },
    { name: 'alias bomb of containers', path: PATHS[2]!, text: podBomb },
    { name: 'huge run scalar', path: PATHS[0]!, text: workflow(`      - run: ${'npm install && '.repeat(100_000)}true\n`) },
    { name: 'huge block scalar', path: PATHS[0]!, text: workflow(`      - run: |\n${'          echo "${{ github.event.issue.title }}" $HOME\n'.repeat(20_000)}`) },
    { name: '50 000 unclosed ${{', path: PATHS[0]!, text: workflow(`      - run: echo ${'${{ '.repeat(50_000)}\n`) },
    { name: "50 000 unclosed ${{ '", path: PATHS[0]!, text: workflow(`      - run: echo ${"${{ '".repeat(50_000)}\n`) },
    { name: '1 MB line', path: PATHS[2]!, text: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${'x'.repeat(1_000_000)}}\n` },
    { name: '100 000 ${{ }} in an if', path: PATHS[0]!, text: `on: push\njobs:\n  a:\n    if: ${'${{ true }} && '.repeat(20_000)}x\n    runs-on: x\n` },
    { name: 'binary junk', path: PATHS[2]!, text: Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919 + 13) % 256)).toString('latin1') },
    { name: '5 000 documents', path: PATHS[2]!, text: Array.from({ length: 5_000 }, (_, i) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}}\nspec: {containers: [{name: a, image: "nginx:latest"}]}\n`).join('---\n') },
    { name: '5 000 jobs', path: PATHS[0]!, text: `on: push\njobs:\n${Array.from({ length: 5_000 }, (_, i) => `  j${i}:\n    needs: [j${Math.max(0, i - 1)}]\n    runs-on: x\n    steps: [{run: npm install}]\n`).join('')}` },
    { name: 'lone surrogates and CRLF', path: PATHS[0]!, text: 'on: push\r\njobs:\r\n  a\uD800:\r\n    runs-on: \uDC00x\r\n    steps:\r\n      - run: echo ${{ github.event.issue.title \uD83D\r\n' },
  ];
}

// ---------------------------------------------------------------- what must hold for every input

export function parses(text: string): boolean {
  return parseAllDocuments(text).every((doc) => doc.errors.length === 0);
}

function checkSpan(span: Span, length: number, what: string): void {
  assert.ok(Number.isInteger(span.start) && Number.isInteger(span.end), `${what}: non-integer span ${span.start}-${span.end}`);
  assert.ok(span.start >= 0 && span.start <= span.end && span.end <= length, `${what}: span ${span.start}-${span.end} outside 0-${length}`);
}

/**
 * Lints with every rule and checks what must hold for any input: no exception, no rule failure, spans and
 * fix edits inside the text, edits of one fix not overlapping. How long it takes is for fuzz.test.ts (relative to
 * `yaml`'s own parse) and `npm run bench`.
 */
export function checkLint(text: string, path: string): LintResult {
  const result = lint(text, path, { rules: RULES, preset: 'all' });
  const failures = result.findings.filter((finding) => finding.ruleId === ENGINE_RULES.internal);
  assert.deepEqual(failures.map((finding) => finding.message), [], 'a rule threw');
  const fixes = new Set<readonly TextEdit[]>();
  for (const finding of result.findings) {
    checkSpan(finding.span, text.length, finding.ruleId);
    // Several findings may share one fix (the same edits): check it once.
    if (!finding.fix || fixes.has(finding.fix.edits)) continue;
    fixes.add(finding.fix.edits);
    for (const edit of finding.fix.edits) checkSpan(edit, text.length, `${finding.ruleId} fix`);
    applyEdits(text, finding.fix.edits);
  }
  return result;
}

export function describe(finding: Finding): string {
  return `${finding.ruleId} ${finding.span.start}-${finding.span.end} ${finding.message}`;
}

/** A fixture, one to four mutations of it, and sometimes another path to lint it under. */
export function mutatedSamples(samples: readonly Sample[]): fc.Arbitrary<Sample> {
  return fc
    .tuple(fc.nat(samples.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.option(fc.constantFrom(...PATHS), { freq: 4 }))
    .map(([index, mutations, otherPath]) => {
      const sample = samples[index]!;
      return { name: `${sample.name} after ${mutations.map((m) => m.op).join(', ')}`, path: otherPath ?? sample.path, text: mutations.reduce(mutate, sample.text) };
    });
}

/** What must hold for a mutated file: `checkLint`, and a fix on a file that parsed keeps it parsing. */
export function checkMutated(sample: Sample): void {
  const result = checkLint(sample.text, sample.path);
  if (!parses(sample.text)) return;
  const seen = new Set<readonly TextEdit[]>();
  for (const finding of result.findings) {
    if (!finding.fix || seen.has(finding.fix.edits)) continue;
    seen.add(finding.fix.edits);
    assert.ok(parses(applyEdits(sample.text, finding.fix.edits)), `${finding.ruleId} fix "${finding.fix.title}" broke the YAML of ${sample.name}`);
  }
}
