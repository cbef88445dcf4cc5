import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { applyEdits } from '../../server/src/engine/core/fixes';
import { lint } from '../../server/src/engine/core/lint';
import { blankExpressions } from '../../server/src/engine/model/jobKind';
import { parameterReferences } from '../../server/src/engine/model/secrets';
import { markdownToPlainText } from '../../server/src/knowledge/plainText';
import { ruleById } from '../../server/src/rules';
import { isPullRef } from '../../server/src/rules/gha/pull-request-target-checkout';
import { waitsInScript } from '../../server/src/rules/gha/service-healthcheck';

// Hand-written scans that replaced regexes which backtrack quadratically (test/fuzz/regex.test.ts). Each is
// held to the regex it replaced, kept here as the reference: on edge cases, and on many short random
// strings of the characters that matter to it (where a scan would go wrong, if anywhere).

const SEED = 11;
const RUNS = 5_000;

/** Short strings made of the given pieces. */
const made = (...pieces: string[]) => fc.string({ unit: fc.constantFrom(...pieces), maxLength: 24 });

function sameAsReference<T>(pieces: string[], scan: (text: string) => T, reference: (text: string) => T): void {
  fc.assert(
    fc.property(made(...pieces), (text) => {
      assert.deepEqual(scan(text), reference(text), JSON.stringify(text));
    }),
    { seed: SEED, numRuns: RUNS },
  );
}

describe('blankExpressions (job names without their ${{ }})', () => {
  const reference = (text: string) => text.replace(/\$\{\{[\s\S]*?\}\}/g, ' ');

  it('replaces each ${{ … }} up to its first }} by a space, and leaves an unclosed one', () => {
    assert.equal(blankExpressions(''), '');
    assert.equal(blankExpressions('build'), 'build');
    assert.equal(blankExpressions('${{'), '${{');
    assert.equal(blankExpressions('}}'), '}}');
    assert.equal(blankExpressions('${{}}'), ' ');
    assert.equal(blankExpressions('test (${{ matrix.os }})'), 'test ( )');
    assert.equal(blankExpressions('${{ a }} }}'), '  }}');
    assert.equal(blankExpressions('a ${{ b }} c ${{ d'), 'a   c ${{ d');
    assert.equal(blankExpressions('${{ a\n}}x'), ' x');
  });

  it('matches the regex it replaced', () => {
    sameAsReference(['$', '{', '}', '${{', '}}', 'a', ' ', '\n'], blankExpressions, reference);
  });
});

describe('parameterReferences ($NAME and ${NAME…} in a shell word)', () => {
  const reference = (text: string) =>
    [...text.matchAll(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g)].map((match) => ({ name: match[1] ?? match[3]!, operator: match[2] ?? '' }));

  it('finds names and operators, and skips what is not a reference', () => {
    assert.deepEqual(parameterReferences(''), []);
    assert.deepEqual(parameterReferences('$'), []);
    assert.deepEqual(parameterReferences('$$'), []);
    assert.deepEqual(parameterReferences('${}'), []);
    assert.deepEqual(parameterReferences('${#A}'), []);
    assert.deepEqual(parameterReferences('$1 ${2}'), []);
    assert.deepEqual(parameterReferences('$A'), [{ name: 'A', operator: '' }]);
    assert.deepEqual(parameterReferences('x=$TOKEN_2/y'), [{ name: 'TOKEN_2', operator: '' }]);
    assert.deepEqual(parameterReferences('${A}${B:-x}'), [
      { name: 'A', operator: '' },
      { name: 'B', operator: ':-x' },
    ]);
    // The default's own $B is inside the braces: not a reference of its own (as with the regex).
    assert.deepEqual(parameterReferences('${A:-$B}'), [{ name: 'A', operator: ':-$B' }]);
    // An unclosed ${A: the scan goes on after the $ and finds $B.
    assert.deepEqual(parameterReferences('${A $B'), [{ name: 'B', operator: '' }]);
  });

  it('matches the regex it replaced', () => {
    sameAsReference(['$', '{', '}', 'A', '_', '1', ':', '+', '-', '#', ' '], parameterReferences, reference);
  });
});

describe('markdownToPlainText (tables and links)', () => {
  const reference = (markdown: string) =>
    markdown
      .split('\n')
      .filter((line) => !/^\|?\s*:?-{3,}/.test(line))
      .map((line) =>
        line
          .replace(/^\|\s*|\s*\|$/g, '')
          .replace(/\s*\|\s*/g, ' — ')
          .replace(/\[([^\]]*)\]\(([^)]*)\)/g, '$1 ($2)')
          .replace(/\*\*([^*]*)\*\*/g, '$1')
          .replace(/`([^`]*)`/g, '$1'),
      )
      .join('\n');

  it('drops the edges of a table row and joins its cells', () => {
    assert.equal(markdownToPlainText(''), '');
    assert.equal(markdownToPlainText('|'), '');
    assert.equal(markdownToPlainText('||'), '');
    assert.equal(markdownToPlainText('| |'), '');
    assert.equal(markdownToPlainText('|||'), ' — ');
    assert.equal(markdownToPlainText('   '), '   ');
    assert.equal(markdownToPlainText(' a  b '), ' a  b ');
    assert.equal(markdownToPlainText('| a | b |'), 'a — b');
    assert.equal(markdownToPlainText('a|b'), 'a — b');
    assert.equal(markdownToPlainText('a | | b'), 'a —  — b');
    assert.equal(markdownToPlainText('\t|\t'), ' — ');
    assert.equal(markdownToPlainText('|\t'), '');
  });

  it('unwraps links from the first [ to the next ] and (…)', () => {
    assert.equal(markdownToPlainText('['), '[');
    assert.equal(markdownToPlainText('[]()'), ' ()');
    assert.equal(markdownToPlainText('[a](b'), '[a](b');
    assert.equal(markdownToPlainText('[a] (b)'), '[a] (b)');
    assert.equal(markdownToPlainText('[a [b](c)'), 'a [b (c)');
    assert.equal(markdownToPlainText('[a]] [b](c) [d](e)'), '[a]] b (c) d (e)');
    assert.equal(markdownToPlainText('see [docs](https://x.test/a(b)'), 'see docs (https://x.test/a(b)');
  });

  it('matches the regexes it replaced', () => {
    sameAsReference(['|', ' ', '\t', '\u00a0', '[', ']', '(', ')', 'a', '-', '*', '`', ':', '\r', '\n'], markdownToPlainText, reference);
  });
});

describe('isPullRef (pull-request-target-checkout)', () => {
  const reference = (value: string) => /refs\/pull\/|pull\/\$\{\{[^}]*\}\}\/(head|merge)/.test(value);

  it('recognises refs/pull/ and pull/${{ … }}/head or /merge', () => {
    assert.equal(isPullRef(''), false);
    assert.equal(isPullRef('main'), false);
    assert.equal(isPullRef('refs/pull/${{ github.event.number }}/merge'), true);
    assert.equal(isPullRef('pull/${{ github.event.number }}/head'), true);
    assert.equal(isPullRef('pull/${{ github.event.number }}/base'), false);
    assert.equal(isPullRef('pull/${{'), false);
    assert.equal(isPullRef('pull/${{ a } }}/head'), false);
    assert.equal(isPullRef('pull/${{ a pull/${{ b }}/head'), true);
    assert.equal(isPullRef('pull/${{ a }}/x pull/${{ b }}/merge'), true);
  });

  it('matches the regex it replaced', () => {
    sameAsReference(['pull/', 'refs/', '${{', '}}', '}', '{', '$', '/head', '/merge', 'p', 'a'], isPullRef, reference);
  });
});

describe('waitsInScript (service-healthcheck)', () => {
  const reference = (script: string) => /\b(pg_isready|wait-for-it|wait-for|wait4x|dockerize\s+-wait|nc\s+-z|until\b)|\bmysqladmin\b[^\n]*\bping\b|-cli\b[^\n]*\bping\b/.test(script);

  it('sees a wait command, or a client and ping on one line', () => {
    assert.equal(waitsInScript(''), false);
    assert.equal(waitsInScript('\n\n'), false);
    assert.equal(waitsInScript('until pg_isready; do sleep 1; done'), true);
    assert.equal(waitsInScript('mysqladmin -h 127.0.0.1 --silent ping'), true);
    assert.equal(waitsInScript('redis-cli -h localhost ping'), true);
    assert.equal(waitsInScript('mysqladmin -h db\nping'), false);
    assert.equal(waitsInScript('ping\nmysqladmin status'), false);
    assert.equal(waitsInScript('mysqladminping'), false);
    assert.equal(waitsInScript('mysqladmin mysqladmin x ping'), true);
    assert.equal(waitsInScript('redis-cli pinger'), false);
  });

  it('matches the regex it replaced', () => {
    sameAsReference(['mysqladmin', 'redis-cli', '-cli', 'ping', 'until', 'nc -z', ' ', '\n', '\r', '-', '_', 'x'], waitsInScript, reference);
  });
});

describe('trailing separators', () => {
  it("secret-env's fix names the volume without the dash left where the Secret's name was cut at 63", () => {
    const secret = `${'a'.repeat(62)}.b`;
    const text = `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: c
      image: ghcr.io/acme/c:1.0.0
      env:
        - name: DATABASE_URL
          valueFrom:
            secretKeyRef:
              name: ${secret}
              key: url
`;
    const [finding] = lint(text, 'pod.yaml', { rules: [ruleById('k8s/secret-env')!], preset: 'strict' }).findings;
    assert.ok(finding?.fix, 'a fix');
    const fixed = applyEdits(text, finding.fix.edits);
    assert.match(fixed, new RegExp(`- name: ${'a'.repeat(62)}\\n`));
    assert.match(fixed, new RegExp(`secretName: ${secret.replace('.', '\\.')}\\n`));
  });
});

describe('rewritten regexes, through their rules', () => {
  it("unpinned-action still reads 1.2+build (numbers before a '+' suffix) as a version tag", () => {
    const messages = (ref: string) => lint(`on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: acme/tool@${ref}\n`, '.github/workflows/ci.yml', { rules: [ruleById('gha/unpinned-action')!] }).findings.map((f) => f.message);
    for (const tag of ['v4', 'v1.2.3', '1.2+build.5', '2.0.0-rc.1', '1.2.3.4+x', '3.a']) assert.match(messages(tag)[0] ?? '', /is pinned to a tag/, tag);
    for (const ref of ['release-1', 'v1.2+', '1.', 'v', '1.2+b+c']) assert.match(messages(ref)[0] ?? '', /points at/, ref);
  });
});
