import { heredocBody, outsideSubstitutions, secretEnv, secretInWord, secretsIn, workflowFileTarget } from '../../engine/model/secrets';
import { defineRule } from '../../engine/core/rule';
import { parseShell } from '../../engine/languages/shell';
import { isMap, mapFields, scalarToString, spanOf } from '../../engine/yaml/yamlFile';


export default defineRule({
  id: 'gha/secret-in-output',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['change-failure-rate'],
  capabilities: ['shift-left-security'],
  fixable: false,
  messages: {
    jobOutput: (output: string, jobId: string, secret: string) =>
      `Output '${output}' of job '${jobId}' carries '${secret}'. GitHub refuses to pass outputs that contain a secret (the value arrives empty downstream), and outputs are readable through the API by anyone who can read the run.`,
    stepOutput: (secret: string) =>
      `This writes '${secret}' into '$GITHUB_OUTPUT': step outputs end up in job outputs, logs and other actions' inputs, where the value is no longer guarded like a secret. Read the secret directly where it is needed.`,
    envFile: (secret: string) =>
      `This writes '${secret}' into '$GITHUB_ENV': every later step of the job, third-party actions included, gets it in its environment. Give the secret only to the step that needs it, through that step's 'env:'.`,
  },
  docs: {
    summary: 'Keep secrets out of job outputs, `$GITHUB_OUTPUT` and `$GITHUB_ENV`.',
    rationale:
      'A secret is guarded because GitHub knows where it is: it masks it in logs and hands it only to the steps that reference it. Copying it into an output or into `$GITHUB_ENV` breaks that: job outputs that contain a secret are dropped by the runner (so the next job quietly gets an empty value), step outputs travel on to other jobs and actions, and `$GITHUB_ENV` puts the value in the environment of every later step, including third-party actions that never asked for it.',
    symptom:
      'A downstream job gets an empty token and fails with an authentication error ("Skip output since it may contain secret" in the log), or a later, unrelated action can read a credential it was never given.',
    fix: 'Reference `${{ secrets.X }}` in the `env:` of each step (or job) that needs it instead of passing it along. To hand a credential to another job, use a secret in both, or a short-lived token minted where it is used (OIDC, a GitHub App token step).',
    bad: `on: push
jobs:
  login:
    runs-on: ubuntu-latest
    outputs:
      token: \${{ steps.auth.outputs.token }}
    steps:
      - id: auth
        run: echo "token=$REGISTRY_TOKEN" >> "$GITHUB_OUTPUT"
        env:
          REGISTRY_TOKEN: \${{ secrets.REGISTRY_TOKEN }}
`,
    good: `on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: echo "version=1.2.3" >> "$GITHUB_OUTPUT"
      - run: ./publish.sh
        env:
          REGISTRY_TOKEN: \${{ secrets.REGISTRY_TOKEN }}
`,
  },
  scope: 'job',
  visit: {
    job(job, ctx) {
      const outputs = job.fields.get('outputs')?.value;
      if (!isMap(outputs)) return;
      for (const [name, field] of mapFields(ctx.doc, outputs)) {
        // Reusable workflows write `outputs: { x: { value: … } }`.
        const value = isMap(field.value) ? mapFields(ctx.doc, field.value).get('value')?.value : field.value;
        const text = scalarToString(value);
        const secret = text === undefined ? undefined : secretsIn(text)[0];
        if (secret && value) ctx.report({ span: spanOf(value), message: 'jobOutput', args: [name, job.id || 'this action', secret] });
      }
    },
    step(step, ctx) {
      const run = step.run;
      if (!run || !/GITHUB_(OUTPUT|ENV)|::set-output/.test(run.value)) return;
      if (step.shell.kind !== 'posix') return;
      const vars = secretEnv(ctx.doc, step);
      if (vars.size === 0 && !run.value.includes('secrets')) return;
      const commands = parseShell(run.value);
      commands.forEach((command, index) => {
        const words = command.words;
        const program = words[0]?.value;
        // Deprecated `echo "::set-output name=x::value"` is an output too.
        const setOutput = program === 'echo' && words.some((word) => word.value.includes('::set-output'));
        const target = setOutput ? { file: 'GITHUB_OUTPUT' as const } : workflowFileTarget(command);
        if (!target) return;
        // `echo "x=$S" | tee -a $GITHUB_ENV`: the value comes from the command piped into tee.
        const source = program === 'tee' && index > 0 && commands[index - 1]!.pipesOut ? commands[index - 1]! : command;
        let found: { secret: string; start: number; end: number } | undefined;
        for (const word of source.words.slice(1)) {
          const secret = secretInWord(outsideSubstitutions(word.value), vars);
          if (secret) {
            found = { secret, start: word.start, end: word.end };
            break;
          }
        }
        for (const redirect of found ? [] : source.redirects) {
          const text = redirect.operator === '<<<' ? redirect.target.value : heredocBody(run.value, redirect)?.text;
          const secret = text === undefined ? undefined : secretInWord(text, vars);
          if (secret) found = { secret, start: source.words[0]!.start, end: redirect.target.end };
        }
        if (!found) return;
        ctx.report({
          span: run.text?.sourceSpan(found.start, found.end) ?? run.span,
          message: target.file === 'GITHUB_ENV' ? 'envFile' : 'stepOutput',
          args: [found.secret],
        });
      });
    },
  },
});
