import { defineRule } from '../../engine/core/rule';
import { addStepInputs, usesNode } from '../../engine/edits/workflowEdit';
import { spanOf } from '../../engine/yaml/yamlFile';

export default defineRule({
  id: 'gha/artifact-retention',
  presets: { recommended: 'off', strict: 'info' },
  dora: [],
  capabilities: ['continuous-integration'],
  // Artifacts someone still needs (release files, a report read next month) would vanish sooner: a behaviour change.
  fixable: 'suggestion',
  options: {
    // GitHub keeps artifacts at most 90 days by default, 400 when a private repository's settings allow it.
    days: { type: 'integer', minimum: 1, maximum: 400, default: 7, description: 'The `retention-days` the suggested fix adds.' },
  },
  messages: {
    missing: (action: string) =>
      `'${action}' without 'retention-days' keeps the artifact for the repository default (90 days unless changed), paying storage for files nobody opens after the run.`,
  },
  docs: {
    summary: 'Say how long uploaded artifacts are kept with `retention-days`.',
    rationale:
      'Artifacts count against the account\'s storage quota for as long as they are kept, and the default is 90 days. Test reports, coverage and build outputs of a single run are rarely looked at after a week; keeping every run\'s copy for three months makes storage grow with every push and can hit the quota, after which uploads fail.',
    symptom:
      'A storage bill or an "Artifact storage quota has been hit" error that makes `upload-artifact` fail in unrelated runs.',
    fix: 'Add `retention-days:` to the upload step, short for per-run files and longer only for artifacts people really download later. The quick-fix adds `retention-days: 7` (configurable as `days`). A repository-wide default set in the settings is not visible to shipcheck: turn the rule off if you rely on it.',
    bad: `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
      - uses: actions/upload-artifact@v4
        with:
          name: junit
          path: reports/
`,
    good: `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
      - uses: actions/upload-artifact@v4
        with:
          name: junit
          path: reports/
          retention-days: 7
`,
  },
  scope: 'job',
  visit: {
    step(step, ctx) {
      if (step.job.synthetic || step.action?.id !== 'actions/upload-artifact') return;
      if (step.inputs.has('retention-days')) return;
      const uses = usesNode(step);
      if (!uses) return;
      const days = ctx.option('days');
      const edit = addStepInputs(ctx.file, step, [['retention-days', String(days)]]);
      ctx.report({
        span: spanOf(uses),
        message: 'missing',
        args: [step.uses ?? 'actions/upload-artifact'],
        ...(edit ? { fix: { title: `Add 'retention-days: ${days}'`, edits: [edit] } } : {}),
      });
    },
  },
});
