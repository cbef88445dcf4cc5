import { scriptCommands, stepCommands, type ResolvedCommand } from '../../engine/languages/commandLine';
import { commandKind } from '../../engine/model/jobKind';
import type { Step } from '../../engine/model/workflow';
import { defineRule } from '../../engine/core/rule';
import { scalarToString, spanOf } from '../../engine/yaml/yamlFile';

// Actions that run a command (or another action) again when it fails.
const RETRY_ACTIONS = new Set(['nick-fields/retry', 'nick-invision/retry', 'wandalen/wretry.action', 'kaliber5/action-retry', 'sliteteam/github-action-retry']);
// Actions that run a test suite, when a retry action wraps an action instead of a command.
const TEST_ACTIONS = /^(cypress-io\/github-action|microsoft\/playwright-github-action)/;
// Rerun flags whose name alone says "tests" (pytest-rerunfailures, gotestsum, surefire/failsafe, bazel).
const RERUN_FLAGS = ['--reruns', '--rerun-fails', '-Dsurefire.rerunFailingTestsCount', '-Dfailsafe.rerunFailingTestsCount', '--flaky_test_attempts'];
// Generic retry flags, counted only on a test command (`pip install --retries 5` is a download).
const TEST_RETRY_FLAGS = ['--retries', '--retry'];

export default defineRule({
  id: 'gha/retry-masks-flakiness',
  presets: { recommended: 'info', strict: 'info' },
  dora: ['change-failure-rate'],
  capabilities: ['test-automation'],
  fixable: false,
  messages: {
    retryAction: (action: string) =>
      `'${action}' re-runs the tests until they pass: a test that fails only sometimes (a race, an order dependency, a real bug under load) turns green without anyone looking at it.`,
    rerunFlag: (flag: string) =>
      `'${flag}' re-runs failing tests and reports the build green when a retry passes, so flaky tests, and the real bugs some of them hide, stop being visible.`,
    continueOnError: () =>
      `'continue-on-error: true' on a test step lets the job pass when the tests fail: its check shows green and the failures go unnoticed.`,
  },
  docs: {
    summary: 'Do not hide failing or flaky tests behind retries or `continue-on-error`.',
    rationale:
      'A retry turns "fails sometimes" into "passes", which removes the only signal that a test, or the code under it, has a timing or ordering problem. Once retries are routine, people also re-run real failures, and bugs ship on the second attempt. `continue-on-error: true` on a test step goes further and reports the job green whatever the tests do. Flaky tests need to be visible: quarantined, tracked and fixed, not absorbed by the pipeline.',
    symptom: 'A green build whose log shows "1 rerun" or "attempt 2 of 3", and a bug in production that a test had flagged intermittently for weeks.',
    fix: 'Remove the retry (or `continue-on-error`) from test steps; quarantine known flaky tests in a separate, non-blocking job and track them until fixed. `continue-on-error: true` on a job is that quarantine and is not flagged: the job itself is still marked failed, only the run as a whole passes. Retries around network work (dependency installs, `curl`, `docker pull`, `apt-get`) are fine and not flagged, nor are retry counts of 0.',
    bad: `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: pytest --reruns 3
`,
    good: `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: nick-fields/retry@v3
        with:
          max_attempts: 3
          timeout_minutes: 5
          command: pip install -r requirements.txt
      - run: pytest
`,
  },
  scope: 'job',
  visit: {
    step(step, ctx) {
      const action = step.action?.id;
      if (action && RETRY_ACTIONS.has(action) && wrapsTests(step)) {
        ctx.report({ span: spanOf(step.fields.get('uses')!.value!), message: 'retryAction', args: [step.uses ?? action] });
      }
      const flag = step.fields.get('continue-on-error');
      if (flag?.value && scalarToString(flag.value) === 'true' && runsTests(step)) {
        ctx.report({ span: spanOf(flag.value), message: 'continueOnError', args: [] });
      }
      const run = step.run;
      if (!run || !/rerun|retr|flaky/i.test(run.value)) return;
      for (const command of stepCommands(step)) {
        for (const found of rerunFlags(command)) {
          ctx.report({ span: run.text?.sourceSpan(found.start, found.end) ?? run.span, message: 'rerunFlag', args: [run.value.slice(found.start, found.end)] });
        }
      }
    },
  },
});

function isTestCommand(command: ResolvedCommand): boolean {
  const kind = commandKind(command);
  return kind === 'unit' || kind === 'slow';
}

function runsTests(step: Step): boolean {
  return stepCommands(step).some(isTestCommand) || TEST_ACTIONS.test(step.action?.id ?? '');
}

function wrapsTests(step: Step): boolean {
  const command = scalarToString(step.inputs.get('command')?.value);
  if (command !== undefined && scriptCommands(command).some(isTestCommand)) return true;
  const wrapped = scalarToString(step.inputs.get('action')?.value);
  return wrapped !== undefined && TEST_ACTIONS.test(wrapped.toLowerCase());
}

/** Offsets (into the script) of each rerun option with a count above zero. */
function rerunFlags(command: ResolvedCommand): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  const names = [...RERUN_FLAGS, ...(isTestCommand(command) ? TEST_RETRY_FLAGS : [])];
  const args = command.args;
  args.forEach((word, index) => {
    for (const name of names) {
      // Bazel counts attempts (1 = no retry); the others count retries.
      const minimum = name === '--flaky_test_attempts' ? 2 : 1;
      if (word.value.startsWith(`${name}=`)) {
        if (Number(word.value.slice(name.length + 1)) >= minimum) found.push({ start: word.start, end: word.end });
      } else if (word.value === name) {
        const next = args[index + 1];
        if (next && /^\d+$/.test(next.value)) {
          if (Number(next.value) >= minimum) found.push({ start: word.start, end: next.end });
        } else if (name === '--rerun-fails') {
          found.push({ start: word.start, end: word.end }); // gotestsum's flag works without a count (default 2)
        }
      }
    }
  });
  return found;
}
