import { defineRule } from '../../engine/core/rule';
import { usesNode } from '../../engine/edits/workflowEdit';
import { replaceScalar } from '../../engine/edits/yamlEdit';
import { firstCurrentMajor, isRetiredRuntime, isRunnableRuntime, knownAction } from '../../engine/model/actionMetadata';
import { isScalar, spanOf } from '../../engine/yaml/yamlFile';

export default defineRule({
  id: 'gha/action-runtime',
  presets: { recommended: 'warning', strict: 'warning' },
  dora: ['change-failure-rate'],
  capabilities: ['continuous-integration'],
  fixable: 'suggestion',
  messages: {
    retired: (action: string, runtime: string, current: string) =>
      `'${action}' runs on ${runtime}, which GitHub has removed from its hosted runners: the step is forced onto a newer Node it was not written for, or fails.${current ? ` '${current}' is the first major release on a current runtime.` : ' Move to a release on a current Node runtime.'}`,
    unsupported: (action: string, runtime: string) =>
      `'${action}' asks in its action.yml for 'runs.using: ${runtime}', which is not a runtime GitHub has: the step fails before the action starts. A JavaScript action uses 'node20' or 'node24'; other actions use 'composite' or 'docker'.`,
  },
  docs: {
    summary: 'Use action releases that run on a Node version GitHub still ships.',
    rationale:
      'A JavaScript action names the Node version it runs on in its `action.yml` (`runs.using`). GitHub removed Node 12 from its runners and then Node 16; actions that still ask for them are run on a newer Node instead (with a warning in every run), which breaks some of them, and self-hosted runners that follow GitHub\'s schedule refuse them. A local action whose `runs.using` names a runtime GitHub never had (`node14`, `node18`, a typo) fails at once; that is reported too. shipcheck reads the runtime of the release a step pins from a table of popular actions (per major version) and from local actions\' `action.yml`.',
    symptom: 'A "Node.js 16 actions are deprecated" annotation on every run, and steps that break when the runner forces a newer Node.',
    fix: 'Move to the first major version of the action on a current runtime (the quick-fix changes the tag; read the action\'s release notes for breaking changes first). For an action pinned by commit SHA, pin the commit of that release.',
    bad: `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v3
`,
    good: `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
`,
  },
  scope: 'job',
  visit: {
    step(step, ctx) {
      const action = step.action;
      const uses = usesNode(step);
      if (!action || !uses) return;
      if (action.kind === 'local') {
        const read = ctx.index.localAction(action);
        const using = read.state === 'found' ? read.value?.using : undefined;
        if (isRetiredRuntime(using)) ctx.report({ span: spanOf(uses), message: 'retired', args: [action.uses, using!, ''] });
        else if (using !== undefined && using.trim() !== '' && !isRunnableRuntime(using)) ctx.report({ span: spanOf(uses), message: 'unsupported', args: [action.uses, using.trim()] });
        return;
      }
      const known = knownAction(action, uses.comment ?? undefined);
      if (!known || !isRetiredRuntime(known.metadata.using)) return;
      const current = firstCurrentMajor(known);
      const suggested = current === undefined ? '' : `${action.name}@${current}`;
      // A commit SHA is not replaced by a tag (that would unpin it); nor is a major that changes what the step does by default.
      const byTag = action.ref !== undefined && !/^[0-9a-f]{40}$/i.test(action.ref);
      const edit = suggested && byTag && !changesDefaults(action.id, current) && isScalar(uses) ? replaceScalar(uses, suggested) : undefined;
      ctx.report({ span: spanOf(uses), message: 'retired', args: [action.uses, known.metadata.using, suggested], ...(edit ? { fix: { title: `Use '${suggested}'`, edits: [edit] } } : {}) });
    },
  },
});

// Majors from which an action does more by default, so an upgrade is not only a runtime change (setup-go v4 restores
// and saves a module cache unless told 'cache: false', which matters in jobs that publish).
const NEW_DEFAULTS_FROM: Readonly<Record<string, number>> = { 'actions/setup-go': 4 };

function changesDefaults(id: string | undefined, to: string | undefined): boolean {
  const from = id === undefined ? undefined : NEW_DEFAULTS_FROM[id];
  const major = Number(/^v?(\d+)/.exec(to ?? '')?.[1]);
  return from !== undefined && major >= from;
}
