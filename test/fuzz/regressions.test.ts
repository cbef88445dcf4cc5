// Crashes and hangs the fuzzers found, each pinned by the smallest input that showed it.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { applyEdits } from '../../server/src/engine/fixes';
import { lint, looksLikeGoTemplate } from '../../server/src/engine/lint';
import { RULES } from '../../server/src/rules';
import { checkLint, parses } from './inputs';

const WORKFLOW = '.github/workflows/ci.yml';

describe('fuzz regressions', () => {
  it('a syntax error at the very end of a truncated file has its span inside the text', () => {
    for (const text of ['a: [', 'apiVersion: v1\nkind: Pod\nspec: {', 'k: "', 'x:\n  - {a: ']) {
      for (const finding of lint(text, 'pod.yaml', { rules: RULES }).findings) {
        assert.ok(finding.span.start <= finding.span.end && finding.span.end <= text.length, `${JSON.stringify(text)}: ${finding.span.start}-${finding.span.end}`);
      }
    }
  });

  it('adding to `needs:` quotes a plain scalar holding flow indicators, so the fix keeps the YAML valid', () => {
    const text = 'on: push\njobs:\n  lint:\n    runs-on: x\n    steps: [{run: npm run lint}]\n  build:\n    runs-on: x\n    steps: [{run: npm run build}]\n  e2e:\n    runs-on: x\n    needs: build{x}\n    steps: [{run: npm run e2e}]\n  deploy:\n    runs-on: x\n    needs: e2e\n    environment: production\n    steps: [{run: ./deploy.sh}]\n';
    assert.ok(parses(text));
    for (const finding of lint(text, WORKFLOW, { rules: RULES }).findings) {
      if (finding.fix) assert.ok(parses(applyEdits(text, finding.fix.edits)), `${finding.ruleId}: ${applyEdits(text, finding.fix.edits)}`);
    }
  });

  it('a line of 20 000 `{` is not a quadratic Go-template check', () => {
    const started = performance.now();
    assert.equal(looksLikeGoTemplate(`a: "${'{'.repeat(20_000)}`), false);
    assert.equal(looksLikeGoTemplate(`a: b ${'{'.repeat(20_000)}`), true);
    assert.ok(performance.now() - started < 100);
  });

  it('20 000 untrusted expressions in one script share one fix that is checked once, not once per finding', () => {
    const script = '          echo "${{ github.event.issue.title }}"\n'.repeat(20_000);
    const { result, ms } = checkLint(`on: issues\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: |\n${script}`, WORKFLOW);
    assert.ok(result.findings.filter((finding) => finding.ruleId === 'gha/script-injection').length === 20_000);
    assert.ok(ms < 5_000, `${ms} ms`);
  });

  it('a step id too long to compile into a regular expression does not crash gha/image-tag', () => {
    const id = `meta${'😀'.repeat(16_000)}`;
    const text = `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - id: ${id}\n        uses: docker/metadata-action@v5\n      - run: echo \${{ steps.${id}.outputs.tags }}\n`;
    checkLint(text, WORKFLOW);
  });
});
