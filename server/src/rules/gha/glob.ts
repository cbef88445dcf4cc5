import { defineRule } from '../../engine/core/rule';
import type { RuleContext } from '../../engine/core/rule';
import { filterPatternProblems } from '../../engine/languages/filterPattern';
import { scalarText } from '../../engine/yaml/scalarText';
import { isMap, isScalar, isSeq, mapFields, scalarToString, spanOf, type Node } from '../../engine/yaml/yamlFile';

const messages = {
  invalid: (pattern: string, filter: string, reason: string) => `Filter '${filter}' pattern '${pattern}' never matches as meant: ${reason}`,
};

const FILTERS: Record<string, 'ref' | 'path' | 'version'> = { branches: 'ref', 'branches-ignore': 'ref', tags: 'ref', 'tags-ignore': 'ref', paths: 'path', 'paths-ignore': 'path', versions: 'version' };

/**
 * Every distinct problem of one pattern: the first underlines the whole pattern, any further one the character it
 * is about (a regular expression such as '/v\d+/' breaks the syntax in three places).
 */
function checkPattern(ctx: RuleContext<typeof messages>, item: Node, filter: string, kind: 'ref' | 'path' | 'version'): void {
  const pattern = scalarToString(item);
  if (pattern === undefined || pattern.includes('${{')) return;
  const problems = filterPatternProblems(pattern, kind);
  const text = problems.length > 1 && isScalar(item) ? scalarText(ctx.file.text, item) : undefined;
  problems.forEach((problem, index) => {
    const span = index === 0 ? spanOf(item) : text?.sourceSpan(problem.offset, problem.offset + 1);
    if (span) ctx.report({ span, message: 'invalid', args: [pattern, filter, problem.reason] });
  });
}

export default defineRule({
  id: 'gha/glob',
  presets: { recommended: 'off', strict: 'error' },
  dora: ['change-failure-rate'],
  capabilities: ['continuous-integration'],
  fixable: false,
  messages,
  docs: {
    summary: 'Patterns in `branches`, `tags`, `paths` and `versions` filters that break GitHub\'s filter-pattern syntax or can never match.',
    rationale:
      'Filter patterns are globs, not regular expressions: `[` must be closed, `+` repeats the character before it, `\\` escapes only special characters, and branch and tag names never hold spaces, `~`, `^` or `:` or start or end with `/`; paths are relative to the repository root, so `./src/**` matches nothing. A broken pattern does not fail loudly: the workflow simply does not run (or runs always) for the changes it was meant to select.',
    symptom: 'A workflow that should run on a branch, tag or path never does, or a `*-ignore` filter ignores nothing.',
    fix: 'Write the pattern in GitHub\'s filter syntax (see "Filter pattern cheat sheet" in GitHub\'s workflow syntax docs); list several branches as a YAML list, not one comma-separated string.',
    bad: `on:
  push:
    branches: 'main, develop'
    paths: ['./src/**']
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
`,
    good: `on:
  push:
    branches: [main, develop]
    paths: ['src/**']
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
`,
  },
  visit: {
    workflow(workflow, ctx) {
      if (workflow.kind !== 'workflow') return;
      const on = ctx.doc.resolve(workflow.fields.get('on')?.value);
      if (!isMap(on)) return;
      for (const [name, event] of mapFields(ctx.doc, on)) {
        if (!isMap(event.value)) continue;
        for (const [filter, field] of mapFields(ctx.doc, event.value)) {
          const kind = FILTERS[filter];
          // `versions` is a filter of image_version alone (custom runner images).
          if (!kind || !field.value || (kind === 'version' && name !== 'image_version')) continue;
          const items: Node[] = isSeq(field.value) ? field.value.items.flatMap((item) => ctx.doc.resolve(item) ?? []) : [field.value];
          for (const item of items) checkPattern(ctx, item, filter, kind);
        }
      }
    },
    job(job, ctx) {
      // A custom image's `snapshot.version` is a version pattern too ('2.*').
      const snapshot = ctx.doc.resolve(job.fields.get('snapshot')?.value);
      if (!isMap(snapshot)) return;
      const version = mapFields(ctx.doc, snapshot).get('version')?.value;
      if (version) checkPattern(ctx, version, 'version', 'version');
    },
  },
});
