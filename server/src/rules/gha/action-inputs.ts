import { defineRule } from '../../engine/core/rule';
import type { ActionInput, IndexView } from '../../engine/core/projectIndex';
import { usesNode } from '../../engine/edits/workflowEdit';
import { replaceScalar } from '../../engine/edits/yamlEdit';
import { suggestRenames } from '../../engine/languages/suggest';
import { inputNamed, knownAction } from '../../engine/model/actionMetadata';
import type { Step } from '../../engine/model/workflow';
import { isMap, scalarToString, spanOf } from '../../engine/yaml/yamlFile';

// A Docker container action also takes these two `with:` keys: they replace its image's ENTRYPOINT and CMD.
const DOCKER_KEYS = new Set(['args', 'entrypoint']);

export default defineRule({
  id: 'gha/action-inputs',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['change-failure-rate'],
  capabilities: ['continuous-integration'],
  fixable: 'suggestion',
  messages: {
    unknown: (input: string, action: string, suggestion: string) =>
      `'${action}' has no input '${input}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}: the runner only warns about it, and the action runs without the value.`,
    missing: (inputs: string, action: string) => `'${action}' requires ${inputs}, which this step does not pass: the action fails or does something else without it.`,
    deprecated: (input: string, action: string, note: string) => `Input '${input}' of '${action}' is deprecated${note ? `: ${note}` : '.'}`,
  },
  docs: {
    summary: 'Pass an action the inputs it declares: no unknown names, every required one, none deprecated.',
    rationale:
      'An action reads only the inputs its `action.yml` declares. A misspelt name (`node_version` for `node-version`) is not an error on GitHub: the runner prints a warning in the log and the action runs with its default, so the build quietly uses another Node version or skips the cache. A required input left out fails the step, or makes the action guess. shipcheck knows the inputs of the actions used most (a table generated from their `action.yml` at each major version, shipped with the extension) and of local actions (`uses: ./path`, read from the workspace). Actions it does not know, and keys written as expressions, are left alone.',
    symptom: 'A "Unexpected input(s) \'node_version\', valid inputs are [...]" warning in the run log, and a step that did not do what its `with:` says.',
    fix: 'Use the input name the action declares (the quick-fix renames a single close typo), add the required inputs, and move off deprecated inputs as their message says.',
    bad: `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node_version: 20
`,
    good: `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
`,
  },
  scope: 'job',
  visit: {
    step(step, ctx) {
      const declared = declaredInputs(step, ctx);
      if (!declared) return;
      const withField = step.fields.get('with');
      // `with: ${{ fromJSON(...) }}` computes the inputs: nothing can be said about them.
      if (withField && withField.value !== undefined && withField.value !== null && !isMap(withField.value) && scalarToString(withField.value) !== '') return;
      const action = step.uses ?? '';
      const names = Object.keys(declared.inputs);
      const unknown = [...step.inputs.keys()].filter((name) => !name.includes('${{') && !inputNamed(declared.inputs, name) && !(declared.using === 'docker' && DOCKER_KEYS.has(name.toLowerCase())));
      const renames = suggestRenames(unknown, names, step.inputs.keys());
      for (const [name, field] of step.inputs) {
        const rename = renames.get(name);
        if (rename) {
          const edit = rename.suggestion !== undefined && rename.fixable ? replaceScalar(field.key, rename.suggestion) : undefined;
          ctx.report({ span: field.keySpan, message: 'unknown', args: [name, action, rename.suggestion ?? ''], ...(edit ? { fix: { title: `Rename to '${rename.suggestion}'`, edits: [edit] } } : {}) });
          continue;
        }
        const input = name.includes('${{') ? undefined : inputNamed(declared.inputs, name);
        // The action author's words, Markdown and all: diagnostics are plain text.
        if (input?.deprecationMessage !== undefined && declared.deprecations) {
          ctx.report({ span: field.keySpan, message: 'deprecated', args: [name, action, input.deprecationMessage.replace(/\s+/g, ' ').replace(/`/g, "'").trim()], severity: 'warning' });
        }
      }
      const given = new Set([...step.inputs.keys()].map((name) => name.toLowerCase()));
      const missing = names.filter((name) => declared.inputs[name]!.required && declared.inputs[name]!.default === undefined && !given.has(name.toLowerCase()));
      const uses = usesNode(step);
      if (missing.length > 0 && uses) {
        const list = missing.map((name) => `'${name}'`);
        ctx.report({ span: spanOf(uses), message: 'missing', args: [list.length === 1 ? `input ${list[0]}` : `inputs ${list.join(', ')}`, action] });
      }
    },
  },
});

/**
 * The inputs the step's action declares, when shipcheck knows them: the embedded table, or a local action's metadata.
 * `deprecations`: whether its deprecation messages are those of the pinned release (an older release of the same major
 * may not deprecate what the newest does).
 */
function declaredInputs(step: Step, ctx: { index: IndexView }): { inputs: Readonly<Record<string, ActionInput>>; using: string | undefined; deprecations: boolean } | undefined {
  const action = step.action;
  if (!action) return undefined;
  if (action.kind === 'remote') {
    const comment = usesNode(step)?.comment;
    const known = knownAction(action, comment ?? undefined);
    return known?.metadata.inputs ? { inputs: known.metadata.inputs, using: known.metadata.using, deprecations: known.exact } : undefined;
  }
  if (action.kind !== 'local') return undefined;
  const read = ctx.index.localAction(action);
  return read.state === 'found' && read.value ? { inputs: read.value.inputs, using: read.value.using, deprecations: true } : undefined;
}
