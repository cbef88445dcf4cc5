import type { Span } from '../../engine/core/finding';
import { defineRule } from '../../engine/core/rule';
import { usesNode } from '../../engine/edits/workflowEdit';
import { optionValue, stepCommands, type ResolvedCommand } from '../../engine/languages/commandLine';
import { triggers } from '../../engine/model/permissions';
import { guardedToSameRepository, INERT_PROGRAMS, runsNoCheckedOutCode } from '../../engine/model/untrustedCode';
import type { Step, Workflow } from '../../engine/model/workflow';
import { isMap, isSeq, scalarToString, spanOf, type Node } from '../../engine/yaml/yamlFile';

const DANGEROUS = new Set(['pull_request_target', 'workflow_run']);
// Contexts naming the triggering side's code: the pull request's head, or the head of the run that triggered this one.
const HEAD = /\b(github\.head_ref|github\.event\.pull_request\.head\.(sha|ref)|github\.event\.workflow_run\.head_(sha|branch|commit\.id)|github\.event\.workflow_run\.head_repository\.full_name)\b/;
const PULL_REF = /(^|[^\w])(refs\/)?pull\/[^/\s]+\/(head|merge)\b/;
const TRIGGERING_RUN = /\bgithub\.event\.workflow_run\.id\b/;
// Interpreters and `source`: their first operand is a script they run.
const INTERPRETERS = /^(bash|sh|zsh|dash|ksh|source|\.|python(\d(\.\d+)?)?|node|deno|ruby|perl|php|pwsh|powershell)$/;
// Actions whose only job in such workflows is to label or greet: zizmor's "safe" use of pull_request_target.
const TRIAGE_ACTIONS = new Set(['actions/labeler', 'actions/first-interaction']);

export default defineRule({
  id: 'gha/dangerous-trigger',
  presets: { recommended: 'off', strict: 'warning' },
  dora: ['change-failure-rate'],
  capabilities: ['shift-left-security'],
  fixable: false,
  messages: {
    fetchesHead: (event: string, what: string) =>
      `This '${event}' workflow runs with the base repository's secrets and a token that can write, and '${what}' fetches the code of the pull request (or run) that triggered it; a later step runs it, so a fork's author runs code with those privileges.`,
    runsArtifact: (what: string) =>
      `${what} runs files from an artifact of the run that triggered this 'workflow_run' workflow: whoever opened that pull request chose the artifact's contents, and this workflow has the base repository's secrets and a token that can write.`,
    unpacksArtifact: (what: string) =>
      `${what} puts an artifact of the triggering run over the checkout, and later steps run code from the workspace: whoever opened that pull request chose the artifact's contents (a Makefile, a package.json, a script) and runs it with this workflow's secrets and writable token.`,
    trigger: (event: string) =>
      `'${event}' runs with the base repository's secrets and a token that can write, for events anyone can cause (a pull request from a fork, a run of a workflow on it). Make sure no step runs code, reads files or uses text that the triggering side controls.`,
  },
  docs: {
    summary: 'In `pull_request_target` and `workflow_run` workflows, never run what the triggering pull request controls.',
    rationale:
      'These two events run the base branch\'s workflow with its secrets and a token that can write, even when a fork caused them, so that a workflow can comment on or label contributions. An attacker opens a pull request whose code, or whose build\'s artifacts, do something else, and the moment the privileged workflow runs that code (fetched with `gh pr checkout` or `git fetch origin pull/N/head`, checked out at `github.event.workflow_run.head_sha`, or downloaded as an artifact of the triggering run and executed or unpacked over the checkout) it runs with those privileges: the secrets can be read, the repository pushed to, releases poisoned. The attacker controls the pull request\'s files, its branch name and every artifact their run uploads.',
    symptom: 'Nothing visible until a pull request from a fork steals secrets or pushes to the repository from an ordinary-looking run.',
    fix:
      'Build and test contributions in `on: pull_request` (no secrets, read-only token). When a privileged follow-up is needed, have the `pull_request` run upload plain data (a number, a report) and let the `workflow_run` workflow read it as data only: `cat`, `jq` or `JSON.parse` into a comment, never `source`, `bash`, `unzip` over the checkout or a build. Jobs guarded to same-repository branches are not flagged, nor fetches of the head followed only by git and text commands. Checkouts of the pull request\'s head with `actions/checkout` in `pull_request_target` are `gha/pull-request-target-checkout`\'s. In `strict` the rule also notes (info) the trigger of every such workflow, which deserves a look whatever it does.',
    bad: `on:
  workflow_run:
    workflows: [CI]
    types: [completed]
jobs:
  report:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
        with:
          name: report
          path: report
          run-id: \${{ github.event.workflow_run.id }}
          github-token: \${{ github.token }}
      - run: bash report/post.sh
`,
    good: `# Run what the pull request controls where it has no secrets and a read-only token.
on: pull_request
jobs:
  report:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - run: bash scripts/report.sh > report.json
      - uses: actions/upload-artifact@v4
        with:
          name: report
          path: report.json
`,
  },
  scope: 'job',
  visit: {
    workflow(workflow, ctx) {
      if (ctx.preset === 'recommended' || workflow.kind !== 'workflow') return;
      if (workflow.jobs.length > 0 && workflow.jobs.every((job) => job.steps.length > 0 && job.steps.every((step) => TRIAGE_ACTIONS.has(step.action?.id ?? '')))) return;
      for (const [event, node] of eventNodes(workflow)) ctx.report({ span: spanOf(node), message: 'trigger', args: [event], severity: 'info' });
    },
    step(step, ctx) {
      if (step.job.synthetic) return;
      const events = triggers(ctx.doc, step.job.workflow).filter((event) => DANGEROUS.has(event));
      if (events.length === 0 || guardedToSameRepository(step)) return;
      const event = events.includes('workflow_run') ? 'workflow_run' : events[0]!;
      const fetch = headFetch(step, events);
      if (fetch && runsCodeAfter(step, fetch.commandIndex)) {
        ctx.report({ span: fetch.span, message: 'fetchesHead', args: [event, fetch.what] });
        return;
      }
      if (!events.includes('workflow_run')) return;
      const download = artifactDownload(step);
      if (download === undefined) return;
      const uses = usesNode(step);
      const label = step.uses !== undefined ? `'${step.uses.trim()}'` : `'gh run download'`;
      const later = step.job.steps.slice(step.index + 1);
      const checkedOut = checksOutRootBefore(step);
      let unpacked: string | undefined = download.dir === '' && checkedOut ? label : undefined;
      for (const other of later) {
        const run = other.run;
        if (!run) continue;
        for (const command of stepCommands(other)) {
          const first = command.command.words[0] ?? command.programWord;
          const last = command.command.words.at(-1) ?? command.programWord;
          const what = `'${run.value.slice(first.start, last.end)}'`;
          if (executesFrom(command, download.dir, !checkedOut, run.value)) {
            ctx.report({ span: run.text?.sourceSpan(first.start, last.end) ?? run.span, message: 'runsArtifact', args: [what] });
            return;
          }
          if (unpacked === undefined && checkedOut && unpacksIntoRoot(command)) unpacked = what;
        }
      }
      if (unpacked !== undefined && later.some((other) => !runsNoCheckedOutCode(other) && !other.run?.value.match(/^\s*(unzip|tar)\b[^\n]*$/))) {
        ctx.report({ span: uses ? spanOf(uses) : download.span, message: 'unpacksArtifact', args: [unpacked] });
      }
    },
  },
});

/** The event names under `on:` that are dangerous, with their nodes (the key in a map, the item in a list). */
function eventNodes(workflow: Workflow): [string, Node][] {
  const value = (workflow.fields.get('on') ?? workflow.fields.get('true'))?.value;
  const found: [string, Node][] = [];
  const take = (node: unknown) => {
    const name = scalarToString(node)?.toLowerCase();
    if (name && DANGEROUS.has(name)) found.push([name, node as Node]);
  };
  if (isMap(value)) for (const pair of value.items) take(pair.key);
  else if (isSeq(value)) for (const item of value.items) take(item);
  else take(value);
  return found;
}

/** Variables the step or its job sets from the head contexts (`HEAD_SHA: ${{ github.event.workflow_run.head_sha }}`). */
function headVariables(step: Step): Set<string> {
  const names = new Set<string>();
  for (const fields of [step.fields, step.job.fields]) {
    const env = fields.get('env')?.value;
    if (!isMap(env)) continue;
    for (const pair of env.items) if (HEAD.test(scalarToString(pair.value as Node) ?? '')) names.add(scalarToString(pair.key) ?? '');
  }
  return names;
}

function namesHead(word: string, variables: Set<string>): boolean {
  if (HEAD.test(word) || PULL_REF.test(word)) return true;
  return [...variables].some((name) => name !== '' && new RegExp(`\\$\\{?${name}\\b`).test(word));
}

/** Where the step fetches or checks out the triggering side's code by means other than a pull request checkout action. */
function headFetch(step: Step, events: string[]): { span: Span; what: string; commandIndex: number } | undefined {
  if (step.action?.id === 'actions/checkout') {
    // pull_request_target checkouts of the pull request's head are gha/pull-request-target-checkout's.
    if (!events.includes('workflow_run')) return undefined;
    for (const name of ['ref', 'repository']) {
      const field = step.inputs.get(name);
      const value = scalarToString(field?.value);
      if (field?.value && value !== undefined && /github\.event\.workflow_run\.head_(sha|branch|commit\.id|repository)/.test(value)) return { span: spanOf(field.value), what: `${name}: ${value.trim()}`, commandIndex: Infinity };
    }
    return undefined;
  }
  const run = step.run;
  if (!run || !/\b(pr|fetch|checkout|switch|reset|pull|worktree)\b/.test(run.value)) return undefined;
  const variables = headVariables(step);
  const commands = stepCommands(step);
  for (const [index, command] of commands.entries()) {
    const { program, args } = command;
    const sub = args.find((word) => !word.value.startsWith('-'))?.value;
    const fetches =
      (program === 'gh' && sub === 'pr' && args.some((word) => word.value === 'checkout')) ||
      (program === 'git' && (sub === 'fetch' || sub === 'checkout' || sub === 'switch' || sub === 'pull' || sub === 'reset' || sub === 'worktree') && args.some((word) => namesHead(word.value, variables)));
    if (!fetches) continue;
    const first = command.command.words[0] ?? command.programWord;
    const last = command.command.words.at(-1) ?? command.programWord;
    return { span: run.text?.sourceSpan(first.start, last.end) ?? run.span, what: run.value.slice(first.start, last.end), commandIndex: index };
  }
  return undefined;
}

/** Whether code runs after the fetch: a later command of the same step, or a later step, that is not git or text. */
function runsCodeAfter(step: Step, commandIndex: number): boolean {
  if (Number.isFinite(commandIndex) && stepCommands(step).slice(commandIndex + 1).some((command) => !INERT_PROGRAMS.has(command.program) && command.program !== 'gh')) return true;
  return step.job.steps.slice(step.index + 1).some((later) => !runsNoCheckedOutCode(later));
}

/** Where an artifact of the triggering run lands: the folder (relative, '' for the workspace root). */
function artifactDownload(step: Step): { dir: string; span: Span } | undefined {
  const id = step.action?.id;
  const input = (name: string) => scalarToString(step.inputs.get(name)?.value);
  if (id === 'actions/download-artifact' || id === 'dawidd6/action-download-artifact') {
    const runId = input(id === 'actions/download-artifact' ? 'run-id' : 'run_id') ?? '';
    if (!TRIGGERING_RUN.test(runId)) return undefined;
    const dir = directory(input('path'));
    return dir === undefined ? undefined : { dir, span: spanOf(usesNode(step)!) };
  }
  if (!step.run || !/\brun\s+download\b/.test(step.run.value)) return undefined;
  for (const command of stepCommands(step)) {
    if (command.program !== 'gh' || command.args[0]?.value !== 'run' || command.args[1]?.value !== 'download') continue;
    const dir = directory(optionValue(command.args, ['-D', '--dir'])?.value);
    return dir === undefined ? undefined : { dir, span: step.run.span };
  }
  return undefined;
}

function directory(path: string | undefined): string | undefined {
  if (path === undefined) return '';
  const trimmed = path.trim().replace(/^\$\{\{\s*github\.workspace\s*\}\}\/?/, '').replace(/^\$\{?GITHUB_WORKSPACE\}?\/?/, '');
  if (/[$`*?{}]/.test(trimmed) || trimmed.startsWith('/')) return undefined;
  return trimmed.split('/').filter((part) => part !== '' && part !== '.').join('/');
}

function inside(path: string, dir: string): boolean {
  const normal = path.replace(/^\.\//, '');
  return dir === '' ? false : normal === dir || normal.startsWith(`${dir}/`);
}

/**
 * A command that runs a file from the folder: the program itself or the script an interpreter or `source` runs. At the
 * workspace root only when nothing was checked out there, so that a relative script can only be the artifact's.
 */
function executesFrom(command: ResolvedCommand, dir: string, rootIsArtifact: boolean, text: string): boolean {
  const from = (path: string) => (dir === '' ? rootIsArtifact && !path.startsWith('/') && !path.startsWith('$') && !/^[\w-]+$/.test(path) : inside(path, dir));
  // `files=(dir/*.json)` is an assignment the parser sees as a word, not a program.
  // `files=(dir/*.json)` assigns an array: the shell parser sees its items as a command.
  const arrayAssignment = /=\(\s*$/.test(text.slice(Math.max(0, command.programWord.start - 40), command.programWord.start));
  if (from(command.programWord.value) && command.programWord.value.includes('/') && !arrayAssignment) return true;
  if (!INTERPRETERS.test(command.program)) return false;
  const script = command.args.find((word) => !word.value.startsWith('-'));
  return script !== undefined && from(script.value);
}

/** `unzip file` or `tar -x…` without a destination: the archive's files land in the workspace root. */
function unpacksIntoRoot({ program, args }: ResolvedCommand): boolean {
  const values = args.map((word) => word.value);
  if (program === 'unzip') return !values.includes('-d') && !values.some((value) => value === '-l' || value === '-t');
  if (program === 'tar') return values.some((value) => (/^-?[A-Za-z]+$/.test(value) && value.includes('x')) || value === '--extract') && !values.some((value) => value === '-C' || value.startsWith('--directory'));
  return false;
}

/** Whether an earlier step checks the repository out into the workspace root (what an artifact unpacked there overwrites). */
function checksOutRootBefore(step: Step): boolean {
  return step.job.steps.slice(0, step.index).some((earlier) => earlier.action?.id === 'actions/checkout' && scalarToString(earlier.inputs.get('path')?.value) === undefined);
}
