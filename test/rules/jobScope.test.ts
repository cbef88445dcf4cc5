import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAlias, isMap, isScalar, visit } from 'yaml';
import type { Finding } from '../../server/src/engine/finding';
import { lint } from '../../server/src/engine/lint';
import type { Rule } from '../../server/src/engine/rule';
import { parseYamlFile } from '../../server/src/engine/yamlFile';
import { ruleById } from '../../server/src/rules';
import { manyJobWorkflow, random, workflowTexts } from '../engine/workflowEdits';

// Rules whose job and step hooks read only their job (and the top-level entries other than `jobs:`).
const RULE_IDS = ['gha/hardcoded-secret', 'gha/image-tag', 'gha/permissions'];

// What one job has that another could be tempted to read: a services: password, an image pushed as a SHA tag.
const NEIGHBOURS = `on: push
jobs:
  integration:
    runs-on: ubuntu-latest
    services:
      db:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: s3cr3t-pg-pw
    steps:
      - run: docker push ghcr.io/acme/api:\${{ github.sha }}
  migrate:
    runs-on: ubuntu-latest
    permissions: write-all
    steps:
      - run: ./migrate.sh
        env:
          DATABASE_PASSWORD: s3cr3t-pg-pw
      - run: docker push ghcr.io/acme/api:latest
`;

/** The rule with its job and step hooks only. */
function jobHooks(rule: Rule): Rule {
  const { job, step } = rule.visit;
  return { ...rule, visit: { ...(job ? { job } : {}), ...(step ? { step } : {}) } };
}

/** Each job entry's text (from its key's line to the next entry's), when the jobs are a plain block map without aliases. */
function jobEntries(text: string): { id: string; start: number; end: number }[] | undefined {
  const yaml = parseYamlFile(text).documents;
  if (yaml.length !== 1 || yaml[0]!.hasErrors) return undefined;
  const { doc } = yaml[0]!;
  let aliased = false;
  visit(doc, { Alias: () => void (aliased = true) });
  const root = doc.contents;
  if (aliased || !isMap(root)) return undefined;
  const jobs = root.items.find((pair) => isScalar(pair.key) && pair.key.value === 'jobs')?.value;
  if (!isMap(jobs) || jobs.flow || !jobs.range || root.items[root.items.length - 1]?.value !== jobs) return undefined;
  const lineStart = (at: number) => text.lastIndexOf('\n', at - 1) + 1;
  const starts = jobs.items.map((pair) => (isScalar(pair.key) && pair.key.range && !isAlias(pair.value) ? lineStart(pair.key.range[0]) : -1));
  if (starts.includes(-1)) return undefined;
  return jobs.items.map((pair, i) => ({ id: String((pair.key as { value: unknown }).value), start: starts[i]!, end: starts[i + 1] ?? text.length }));
}

/** Findings within [start, end), moved to offsets from `start`. */
function within(findings: Finding[], start: number, end: number): unknown[] {
  const move = (at: number) => at - start;
  return findings
    .filter((f) => f.span.start >= start && f.span.end <= end)
    .map((f) => ({ ...f, span: { start: move(f.span.start), end: move(f.span.end) }, fix: f.fix && { ...f.fix, edits: f.fix.edits.map((e) => ({ ...e, start: move(e.start), end: move(e.end) })) } }));
}

describe("job and step hooks that read their job alone", () => {
  for (const id of RULE_IDS) {
    it(`${id}: find the same in a job with or without the other jobs, and only inside it`, () => {
      const rule = jobHooks(ruleById(id)!);
      const texts = workflowTexts();
      let jobs = 0;
      for (let seed = 0; seed <= 12; seed++) {
        const text = seed === 0 ? NEIGHBOURS : manyJobWorkflow(texts, random(seed), 5);
        const entries = jobEntries(text);
        if (!entries) continue;
        const all = lint(text, '.github/workflows/ci.yml', { rules: [rule] }).findings;
        const inJobs = entries.reduce((sum, entry) => sum + within(all, entry.start, entry.end).length, 0);
        assert.equal(inJobs, all.length, `seed ${seed}: a finding outside every job`);
        const first = entries[0]!.start;
        for (const entry of entries) {
          if (entries.filter((other) => other.id === entry.id).length > 1) continue;
          const alone = text.slice(0, first) + text.slice(entry.start, entry.end);
          const found = lint(alone, '.github/workflows/ci.yml', { rules: [rule] }).findings;
          assert.deepEqual(within(all, entry.start, entry.end), within(found, first, alone.length), `seed ${seed}, job ${entry.id}`);
          jobs++;
        }
      }
      assert.ok(jobs > 50, `only ${jobs} jobs compared`);
    });
  }
});
