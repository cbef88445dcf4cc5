import { defineRule } from '../../engine/core/rule';
import { replaceScalar } from '../../engine/edits/yamlEdit';
import { closest } from '../../engine/languages/suggest';
import { isMap, isScalar, mapFields, scalarToString, spanOf, type Field } from '../../engine/yaml/yamlFile';

const LOCAL_WORKFLOW = /^\.github\/workflows\/[^/]+\.ya?ml$/;

export default defineRule({
  id: 'gha/workflow-call',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['change-failure-rate'],
  capabilities: ['continuous-integration'],
  fixable: 'suggestion',
  messages: {
    format: (uses: string) => `'${uses}' is not a reusable workflow GitHub can call: a local one is named by its path alone, './.github/workflows/<file>.yml', with no '@ref' (it runs at the caller's commit).`,
    missing: (path: string) => `'${path}' does not exist in this repository: the workflow fails before any job starts.`,
    undeclared: (kind: 'input' | 'secret', name: string, path: string, suggestion: string) =>
      `'${path}' declares no ${kind} '${name}' under 'on.workflow_call'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}: GitHub rejects the call.`,
    required: (kind: 'input' | 'secret', names: string, path: string) => `'${path}' requires ${kind === 'input' ? 'input' : 'secret'}${names.includes(',') ? 's' : ''} ${names}, which this job does not pass: GitHub rejects the call.`,
    requiredDefault: (names: string, path: string) =>
      `'${path}' requires input${names.includes(',') ? 's' : ''} ${names}, which this job does not pass: GitHub rejects the call, though ${names.includes(',') ? 'they have defaults' : 'it has a default'} (a default applies only to an input with 'required: false'). Pass ${names.includes(',') ? 'them' : 'it'} here, or make ${names.includes(',') ? 'them' : 'it'} optional there.`,
    type: (name: string, type: string, value: string) => `Input '${name}' is declared as a ${type}, but this job passes '${value}': GitHub rejects the call.`,
  },
  docs: {
    summary: 'Call local reusable workflows that exist, with the inputs and secrets they declare.',
    rationale:
      'A job that `uses: ./.github/workflows/x.yml` runs that file\'s jobs with the `with:` and `secrets:` it passes. GitHub checks the call when the run starts: a file that does not exist, an input or secret the called workflow does not declare under `on.workflow_call`, a required one left out (even one with a `default:`, which GitHub does not use for a required input) or a value of the wrong type make the whole run fail before any job starts, and the mistake shows only after the push. shipcheck reads the called file from the workspace (when the file being checked lies in a repository) and says nothing of reusable workflows in other repositories.',
    symptom: 'A run that fails at once with "Invalid workflow file" or "The workflow is not valid", naming the call.',
    fix: 'Fix the path or the names (the quick-fix renames a single close typo), pass every required input and secret, and give each input a value of its declared type.',
    bad: `on: push
jobs:
  test:
    uses: ./.github/workflows/test.yml@main
`,
    good: `on: push
jobs:
  test:
    uses: ./.github/workflows/test.yml
`,
  },
  scope: 'job',
  visit: {
    job(job, ctx) {
      const call = job.call;
      const usesField = job.fields.get('uses');
      if (!call || !call.local || !usesField?.value) return;
      const span = spanOf(usesField.value);
      const path = call.path ?? '';
      if (call.ref !== undefined || !LOCAL_WORKFLOW.test(path)) {
        // A local path that names no workflow file at all could be a local action used by mistake: the format says enough.
        ctx.report({ span, message: 'format', args: [call.uses] });
        return;
      }
      const read = ctx.index.localWorkflow(call);
      if (read.state === 'unknown') return;
      if (read.state === 'absent') {
        const files = ctx.project.workflowFiles;
        if (files !== undefined && !files.includes(path.slice('.github/workflows/'.length))) ctx.report({ span, message: 'missing', args: [call.name] });
        return;
      }
      const declared = read.value;
      if (!declared) return;
      const shown = call.name;
      const withField = job.fields.get('with');
      const given = isMap(withField?.value) ? mapFields(ctx.doc, withField.value) : undefined;
      if (withField?.value && !given) return;
      const inputNames = Object.keys(declared.inputs);
      const lookup = (names: readonly string[], name: string): string | undefined => names.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
      for (const [name, field] of given ?? []) {
        if (name.includes('${{')) continue;
        const declaredName = lookup(inputNames, name);
        if (declaredName === undefined) {
          reportUndeclared('input', name, field, inputNames.filter((candidate) => !given?.has(candidate)));
          continue;
        }
        const type = declared.inputs[declaredName]!.type;
        const problem = typeProblem(type, field);
        if (problem !== undefined) ctx.report({ span: spanOf(field.value!), message: 'type', args: [name, type!, problem] });
      }
      const passed = new Set([...(given?.keys() ?? [])].map((name) => name.toLowerCase()));
      // A default does not make a required input optional: GitHub rejects a call that leaves it out all the same.
      const missing = inputNames.filter((name) => declared.inputs[name]!.required && !passed.has(name.toLowerCase()));
      const missingInputs = missing.filter((name) => !declared.inputs[name]!.hasDefault);
      const defaulted = missing.filter((name) => declared.inputs[name]!.hasDefault);
      if (missingInputs.length > 0) ctx.report({ span, message: 'required', args: ['input', missingInputs.map((name) => `'${name}'`).join(', '), shown] });
      if (defaulted.length > 0) ctx.report({ span, message: 'requiredDefault', args: [defaulted.map((name) => `'${name}'`).join(', '), shown] });

      const secretsField = job.fields.get('secrets');
      // `secrets: inherit` passes every secret the caller has: nothing to check here.
      if (scalarToString(secretsField?.value) === 'inherit' || (secretsField?.value && !isMap(secretsField.value))) return;
      const secrets = isMap(secretsField?.value) ? mapFields(ctx.doc, secretsField.value) : new Map<string, Field>();
      const secretNames = Object.keys(declared.secrets);
      for (const [name, field] of secrets) {
        if (name.includes('${{') || lookup(secretNames, name) !== undefined) continue;
        reportUndeclared('secret', name, field, secretNames.filter((candidate) => !secrets.has(candidate)));
      }
      const passedSecrets = new Set([...secrets.keys()].map((name) => name.toLowerCase()));
      const missingSecrets = secretNames.filter((name) => declared.secrets[name]!.required && !passedSecrets.has(name.toLowerCase()));
      if (missingSecrets.length > 0) ctx.report({ span, message: 'required', args: ['secret', missingSecrets.map((name) => `'${name}'`).join(', '), shown] });

      function reportUndeclared(kind: 'input' | 'secret', name: string, field: Field, candidates: readonly string[]): void {
        const suggestion = closest(name, candidates);
        const edit = suggestion === undefined ? undefined : replaceScalar(field.key, suggestion);
        ctx.report({ span: field.keySpan, message: 'undeclared', args: [kind, name, shown, suggestion ?? ''], ...(edit ? { fix: { title: `Rename to '${suggestion}'`, edits: [edit] } } : {}) });
      }
    },
  },
});

/** What is wrong with a literal value for an input of a declared type (`boolean`, `number`); undefined when it fits or is computed. */
function typeProblem(type: string | undefined, field: Field): string | undefined {
  const value = field.value;
  if (!isScalar(value) || value.value === null) return undefined;
  const text = String(value.value);
  if (text.includes('${{')) return undefined;
  if (type === 'boolean' && typeof value.value !== 'boolean' && !/^(true|false)$/i.test(text)) return text;
  if (type === 'number' && typeof value.value !== 'number' && !/^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/.test(text.trim())) return text;
  return undefined;
}
