import { defineRule } from '../../engine/core/rule';
import { ActionValues, type ComputedValue, envLineName, namesWritten } from '../../engine/model/envFileValue';
import { JOB_OUTPUT_TAINTS, jobTaint, type Taint, taintChain } from '../../engine/model/taint';
import { mayRunPrivileged, workflowTriggers } from '../../engine/model/triggers';
import type { Step } from '../../engine/model/workflow';

export default defineRule({
  id: 'gha/github-env',
  presets: { recommended: 'off', strict: 'error' },
  dora: ['change-failure-rate'],
  capabilities: ['shift-left-security'],
  fixable: false,
  messages: {
    env: (origin: string, chain: string) =>
      `This writes '${origin}', text that whoever opens an issue, pull request or branch chooses${chain}, into '$GITHUB_ENV': a line break in it sets any variable for every later step of the job, such as 'LD_PRELOAD', 'NODE_OPTIONS' or 'BASH_ENV', and those run the attacker's code. Keep the text in a step's 'env:' instead.`,
    path: (origin: string, chain: string) =>
      `This writes '${origin}', text that whoever opens an issue, pull request or branch chooses${chain}, into '$GITHUB_PATH': the directory it names comes first in 'PATH' for every later step, so 'git', 'node' or 'bash' can be a program the attacker put there. Add only directories you chose.`,
    computedEnv: (written: string, what: string, file: string, why: string, remedy: string) =>
      `This composite action writes '${written}' (${what}) into '${file}' as one 'NAME=value' line. The action cannot know what its callers' values and command outputs contain: ${why} ${remedy}`,
    computedPath: (written: string, what: string, file: string, why: string) =>
      `This composite action adds '${written}' (${what}) to '${file}'. The action cannot know what its callers' values and command outputs contain, and every line written there comes first in 'PATH' for every later step of the caller's job: ${why} '$GITHUB_PATH' has no multi-line form: add only a directory the action chose, or check first that the value is one line.`,
  },
  docs: {
    summary:
      'Never write untrusted text (issue and pull request titles, branch names, comments) into `$GITHUB_ENV` or `$GITHUB_PATH`; in strict, also a hint where a composite action writes a value computed at run time as one `NAME=value` line.',
    rationale:
      'Every later step of the job starts with the variables written to `$GITHUB_ENV` and the directories written to `$GITHUB_PATH`. If the text comes from an issue, a pull request title or body, a comment or a branch name, the attacker writes `LD_PRELOAD=/tmp/evil.so`, `NODE_OPTIONS=--require=/tmp/evil.js` or `BASH_ENV=/tmp/evil.sh` (one line break is enough), or puts their directory first in `PATH`, and the next step runs their code with the job\'s token and secrets. ' +
      'The rule follows the text from the event through `env:` entries, step and job outputs and shell variables assigned from it (`message=$(echo "$TITLE" | …)`), and reports writes with `>>`, `>` or `tee` in bash and sh, `>>`, `Out-File` and `Add-Content` in PowerShell and `>>` in cmd. Constants, `github.sha`, and values the script computes without untrusted input are not reported, nor are free-text inputs of `workflow_dispatch` (chosen by people who can already change the workflow). ' +
      'It is an error when the workflow may run on an event that hands a stranger\'s text to a job with secrets and a writable token (`pull_request_target`, `issues`, `issue_comment`, `discussion`, `discussion_comment`, `workflow_run`, `gollum`, or one it cannot know: a reusable workflow, a composite action), a warning otherwise. ' +
      "In `strict` the rule adds a hint for composite actions (the way zizmor audits them): a one-line `NAME=value` write into `$GITHUB_ENV`, or a line into `$GITHUB_PATH`, of a value computed at run time: a caller's input, a step's or a command's output, or a variable none of the action's scripts set. The action cannot know what its callers pass or what its commands print, and a line break in the value would set further variables (`LD_PRELOAD`, `NODE_OPTIONS`, `BASH_ENV`) for every later step of the caller's job. The multi-line form with a random delimiter (`NAME<<$delimiter`, the value, the delimiter) keeps a line break inside the value: in bash and sh `delimiter=\"ghadelimiter_$(od -An -tx1 -N16 /dev/urandom | tr -d \" \\n\")\"` and `printf \"%s<<%s\\n%s\\n%s\\n\" NAME \"$delimiter\" \"$value\" \"$delimiter\" >> \"$GITHUB_ENV\"`; in PowerShell a `[guid]::NewGuid()` delimiter; cmd has no random source fit for one (and reads `%NAME%` into the line before parsing it, so `&` or `>` in the value runs a command of its own), so such a variable is better written from a pwsh or bash step. `$GITHUB_PATH` has no multi-line form. Not reported: constants, `github.sha` and other values of the runner (`GITHUB_*`, `RUNNER_*`, `HOME`, `${{ github.action_path }}`), one-line outputs (`date`, `pwd`, `git rev-parse`), unquoted expansions in bash and sh (split into words, so `echo` joins the lines with spaces), variables an earlier step of the action wrote to `$GITHUB_ENV`, the multi-line form, and workflows (the hint is for composite actions, which cannot know their callers). No fix is offered.",
    symptom: 'A later step crashes with odd loader or Node.js errors after an issue or pull request with a strange title; secrets or the `GITHUB_TOKEN` are exfiltrated by a step that never touches the untrusted text.',
    fix: 'Do not pass untrusted text on through `$GITHUB_ENV`: give each step that needs it the value in its own `env:` (`TITLE: ${{ github.event.pull_request.title }}`) and read it there as data. If a later step needs something derived from it, validate it against a strict pattern first (`[[ $VERSION =~ ^[0-9.]+$ ]]`) and write only the validated value, or pass it as a step output read through `env:`.',
    bad: `on: pull_request_target
jobs:
  label:
    runs-on: ubuntu-latest
    steps:
      - run: echo "PR_TITLE=\${{ github.event.pull_request.title }}" >> "$GITHUB_ENV"
      - run: ./label.sh
`,
    good: `on: pull_request_target
jobs:
  label:
    runs-on: ubuntu-latest
    steps:
      - run: ./label.sh
        env:
          PR_TITLE: \${{ github.event.pull_request.title }}
`,
  },
  scope: 'job',
  visit: {
    step(step, ctx) {
      const run = step.run;
      if (!run || !/GITHUB_(ENV|PATH)/.test(run.value)) return;
      const workflow = step.job.workflow;
      const taint = jobTaint(step.job, ctx.doc, workflow.kind === 'workflow' ? ctx.acrossJobs(JOB_OUTPUT_TAINTS) : {});
      const privileged = workflow.kind !== 'workflow' || mayRunPrivileged(workflowTriggers(workflow, ctx.doc));
      for (const write of taint.writes(step)) {
        if (write.file === 'GITHUB_OUTPUT' || write.taint?.level !== 'event' || !taint.reaches(write.taint, step)) continue;
        const span = run.text?.sourceSpan(write.start, write.end) ?? run.span;
        ctx.report({
          span,
          message: write.file === 'GITHUB_ENV' ? 'env' : 'path',
          args: [write.taint.origin, via(write.taint)],
          ...(privileged ? {} : { severity: 'warning' as const }),
        });
      }
      if (ctx.preset === 'recommended' || workflow.kind !== 'composite-action') return;
      // Strict: a composite action's one-line write of a value computed at run time, whoever its callers are.
      const earlier = new Set(step.job.steps.filter((other) => other.index < step.index && other.run).flatMap((other) => namesWritten(taint, other)));
      const values = new ActionValues(step, ctx.doc, earlier);
      let delimiter: string | undefined;
      for (const write of taint.writes(step)) {
        if (write.file === 'GITHUB_OUTPUT') continue;
        const text = write.text.trim();
        if (delimiter !== undefined) {
          // The lines of a `NAME<<delimiter` value, up to the delimiter: the value of one variable.
          if (write.file === 'GITHUB_ENV' && text === delimiter) delimiter = undefined;
          continue;
        }
        const heredoc = write.file === 'GITHUB_ENV' ? /^[A-Za-z_]\w*<<(\S+)$/.exec(text) : null;
        if (heredoc) {
          delimiter = heredoc[1];
          continue;
        }
        if (write.taint?.level === 'event') continue; // reported above
        const name = write.file === 'GITHUB_ENV' ? envLineName(write, run.value) : undefined;
        if (write.file === 'GITHUB_ENV' && name === undefined) continue;
        const found = values.computed(write, run.value);
        if (!found) continue;
        const computed = { ...found, written: found.written.replace(/\s+/g, ' ') }; // a `${{ }}` may span lines
        const span = run.text?.sourceSpan(write.start, write.end) ?? run.span;
        if (write.file === 'GITHUB_PATH') ctx.report({ span, severity: 'hint', message: 'computedPath', args: pathArgs(step, computed) });
        else ctx.report({ span, severity: 'hint', message: 'computedEnv', args: envArgs(step, name!, computed) });
      }
    },
  },
});

/** The file as the step's shell names it. */
function fileIn(step: Step, file: 'GITHUB_ENV' | 'GITHUB_PATH'): string {
  return step.shell.kind === 'pwsh' ? `$env:${file}` : step.shell.kind === 'cmd' ? `%${file}%` : `$${file}`;
}

/** What cmd does with the value: `%NAME%` is read into the line before cmd parses it, `!NAME!` after. */
function cmdWhy(step: Step, computed: ComputedValue, file: 'GITHUB_ENV' | 'GITHUB_PATH'): string {
  const written = computed.written;
  if (written.startsWith('!')) return `cmd reads '${written}' after it parses the line, so a line break in the value is written as a further line${file === 'GITHUB_ENV' ? ", which sets a further variable, such as 'LD_PRELOAD', 'NODE_OPTIONS' or 'BASH_ENV', for every later step of the caller's job" : ''}.`;
  const how = written.startsWith('${{') ? `the runner pastes '${written}' into the script before cmd reads it` : `cmd puts '${written}' into the line before it parses it`;
  return `${how}, so a '&' or '>' in the value runs or redirects a command of its own, one that can append any line to '${fileIn(step, file)}'.`;
}

function pathArgs(step: Step, computed: ComputedValue): [string, string, string, string] {
  const why = step.shell.kind === 'cmd' ? cmdWhy(step, computed, 'GITHUB_PATH') : 'a line break in the value would add a further directory, named by whatever follows it.';
  return [computed.written, computed.what, fileIn(step, 'GITHUB_PATH'), why];
}

/** The hint's message, in the terms of the step's shell: what a line break does, and the multi-line form. */
function envArgs(step: Step, name: string, computed: ComputedValue): [string, string, string, string, string] {
  const kind = step.shell.kind;
  const variables = "a line break in the value would set further variables, such as 'LD_PRELOAD', 'NODE_OPTIONS' or 'BASH_ENV', for every later step of the caller's job.";
  const remedy =
    kind === 'pwsh'
      ? `The multi-line form with a random delimiter keeps any line break inside the value: '$delimiter = "ghadelimiter_$([guid]::NewGuid())"', then '"${name}<<$delimiter", $value, $delimiter | Out-File -FilePath $env:GITHUB_ENV -Append -Encoding utf8'.`
      : kind === 'cmd'
        ? `cmd has no random source fit for the multi-line form's delimiter ('${name}<<delimiter'): write this variable from a 'pwsh' or 'bash' step with a random delimiter instead.`
        : `The multi-line form with a random delimiter keeps any line break inside the value: 'delimiter="ghadelimiter_$(od -An -tx1 -N16 /dev/urandom | tr -d " \\n")"', then 'printf "%s<<%s\\n%s\\n%s\\n" ${name} "$delimiter" "$value" "$delimiter" >> "$GITHUB_ENV"'.`;
  return [computed.written, computed.what, fileIn(step, 'GITHUB_ENV'), kind === 'cmd' ? cmdWhy(step, computed, 'GITHUB_ENV') : variables, remedy];
}

/** How the text got here, for the message: empty when the script names the event text itself. */
function via(taint: Taint): string {
  return taint.chain.length > 0 ? ` (${taintChain(taint)})` : '';
}
