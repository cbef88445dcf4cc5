import type { Span, TextEdit } from '../../engine/core/finding';
import { defineRule, type RuleContext } from '../../engine/core/rule';
import { closest } from '../../engine/languages/suggest';
import { type ActionRef, isWellFormedUses, parseUses } from '../../engine/model/action';
import { labelKind } from '../../engine/model/hostedRunners';
import { runnerLabels } from '../../engine/model/runner';
import type { Job, Step, Workflow } from '../../engine/model/workflow';
import { metadataProblemsOf } from '../../engine/model/actionMetadataProblems';
import { BRANDING_COLORS, BRANDING_ICONS } from '../../knowledge/actionBranding';
import { listWords } from '../../knowledge/plainText';
import { ACTION_SCHEMA, WORKFLOW_SCHEMA } from '../../engine/schema/schemaData.generated';
import type { SchemaDefinitions } from '../../engine/schema/types';
import { fitsKey, type SchemaProblem, validate } from '../../engine/schema/validate';
import { anchorUse } from '../../engine/yaml/anchors';
import { isMap, isScalar, isSeq, mapFields, type Node, scalarToString, spanOf } from '../../engine/yaml/yamlFile';

const messages = {
  unknownKey: (key: string, parent: string, near: string) => `Unknown key '${key}'${parent}, so GitHub rejects the workflow${near ? `; did you mean '${near}'?` : ''}`,
  runWithUses: () => `A step either runs a script ('run') or an action ('uses'), not both`,
  withOnRun: () => `'with' passes inputs to an action, and a 'run' step has none; pass values to the script with 'env'`,
  callWithRunner: (key: string) => `A job that calls a reusable workflow ('uses') cannot have '${key}': the called workflow's jobs choose their runners and steps`,
  runnerWithCall: (key: string) => `'${key}' belongs to a job that calls a reusable workflow, and this job runs its own steps ('runs-on')`,
  stepNeedsRunOrUses: () => `A step needs 'run' (a script) or 'uses' (an action)`,
  jobNeedsRunner: () => `A job needs 'runs-on' (and 'steps'), or 'uses' to call a reusable workflow`,
  jobWithoutSteps: (job: string) => `Job '${job}' has no 'steps' and calls no reusable workflow ('uses'): GitHub rejects the workflow, the job has nothing to run`,
  missingKey: (key: string, parent: string) => `'${key}' is required${parent} and missing`,
  duplicateKey: (key: string) => `'${key}' is written twice in this mapping (GitHub compares keys ignoring case and rejects the workflow)`,
  wrongType: (parent: string, expected: string, found: string) => `${parent} expects ${expected}, not ${found}`,
  badValue: (value: string, parent: string, allowed: string, near: string) => `'${value}' is not a valid value${parent}${allowed}${near ? `; did you mean '${near}'?` : ''}`,
  expressionNotAllowed: (parent: string) => `GitHub evaluates no expressions${parent} and rejects the workflow: write the value itself`,
  badId: (kind: string, id: string) => `${kind} id '${id}' must start with a letter or '_' and hold only letters, digits, '-' and '_'`,
  duplicateStepId: (id: string) => `Step id '${id}' is already used by an earlier step of this job (ids compare ignoring case)`,
  badShell: (shell: string, near: string) => `'${shell}' is not a shell GitHub knows (bash, sh, pwsh, powershell, cmd, python) nor a command with '{0}' for the script${near ? `; did you mean '${near}'?` : ''}`,
  powershellOffWindows: (label: string) => `'powershell' (Windows PowerShell) exists only on Windows, and '${label}' is not: the step fails to start. Use 'pwsh' (PowerShell 7)`,
  badEnvName: (name: string) => `'${name}' cannot be an environment variable name: names hold no '=' and no spaces`,
  noImage: (container: string) => `${container} names no 'image': GitHub has nothing to start and fails the job`,
  badUses: (uses: string, expected: string) => `'${uses}' is not a reference GitHub can resolve: expected ${expected}`,
  brokenLocalAction: (uses: string, path: string, problem: string) => `'${uses}' cannot run as written: ${path} ${problem}`,
  noDescription: (subject: string) => `${subject} has no 'description': GitHub's metadata syntax lists it as required (the runner runs the action without one)`,
  badBranding: (prefix: string, kind: string, value: string, near: string) =>
    `${prefix}'${value}' is not ${kind === 'icon' ? 'an icon' : 'a color'} GitHub's metadata syntax lists for 'branding.${kind}' (the Marketplace badge takes only those; the runner ignores 'branding')${near ? `; did you mean '${near}'?` : ''}`,
  halfCredentials: (has: string, missing: string) => `'credentials' sets '${has}' but not '${missing}': the runner logs in to the registry only with both, so it pulls the image without logging in`,
  noRunnerLabels: () => `'runs-on' names no runner label and no group: no runner can take the job, so it never runs`,
  unusedAnchor: (name: string) => `Anchor '&${name}' is never used: no alias '*${name}' refers to it. Remove it, or check the alias that was meant to`,
  undefinedAlias: (name: string) => `Alias '*${name}' names no anchor: YAML needs '&${name}' earlier in the file, so GitHub cannot read the workflow`,
  recursiveAlias: (name: string) => `Alias '*${name}' is inside the value its anchor '&${name}' marks, so that value would contain itself: GitHub cannot read the workflow`,
  emptyWorkflow: () => `This workflow file is empty: GitHub reads every file in .github/workflows as a workflow, and rejects one without 'on' and 'jobs'. Write them, or delete the file`,
  emptyVector: (name: string) => `Matrix vector '${name}' has no values, and GitHub rejects a workflow with an empty vector: give it values, or remove it`,
  noVector: () => `This matrix has no vector with values and no 'include' entry, so it makes no job: GitHub rejects the workflow`,
  emptyIncludeExclude: (key: string) => `'${key}: []' ${key === 'include' ? 'adds and changes no combination' : 'removes no combination'}: it can be removed`,
  emptyNeeds: () => `'needs: []' waits for no job: the job starts at once, as it would without 'needs'`,
  maxParallelNoLimit: (value: string) => `'max-parallel: ${value}' sets no limit: GitHub's workflow parser reads a value below 1 as if the key were left out ('strategy.max-parallel' is then the number of matrix jobs)`,
  maxParallelFraction: (value: string, whole: string) => `'max-parallel' counts whole jobs: GitHub's workflow parser drops the fraction of ${value}, so at most ${whole} run at once`,
  stepTimeoutNoLimit: (value: string) => `A step 'timeout-minutes' of ${value} sets no time limit: the runner drops the fraction and sets a step's timeout only when it is 1 or more, so this step runs until the job's own timeout`,
  mergeKey: () => `GitHub does not support YAML merge keys ('<<') and rejects the workflow: write the keys out, or alias the whole mapping`,
};

type Ctx = RuleContext<typeof messages>;

const SHELLS = ['bash', 'sh', 'pwsh', 'powershell', 'cmd', 'python'];
const ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const EXPRESSION = '${{';

export default defineRule({
  id: 'gha/syntax',
  presets: { recommended: 'off', strict: 'error' },
  dora: ['change-failure-rate', 'lead-time'],
  capabilities: ['continuous-integration'],
  fixable: 'suggestion',
  messages,
  docs: {
    summary: 'Keys, values and references GitHub rejects when it reads the workflow (checked against GitHub\'s own workflow schema).',
    rationale:
      'A workflow GitHub cannot read never starts: a misspelled key (`shel:`, `runs_on:`), a value of the wrong kind, a step with both `run` and `uses`, a job without `runs-on`, a job with `runs-on` and no `steps`, a duplicate step id or a `uses:` without `@ref` fails the whole file, and the push that carried it shows a red "invalid workflow" instead of a run. The keys and value kinds come from the schema GitHub ships in `@actions/workflow-parser`, generated into shipcheck at build time; expressions are accepted wherever GitHub evaluates them. YAML anchors and aliases are read as GitHub reads them: an alias with no anchor before it, an alias inside the value its own anchor marks, and a merge key (`<<`, which GitHub does not support) are errors; an anchor no alias uses is a warning (the workflow runs, but an alias probably names the wrong anchor). A container or service whose `credentials` has only one of `username` and `password` is a warning: the runner then skips the registry login. A `runs-on` with no label and no group (`runs-on: []`) is reported too: GitHub takes it, and no runner ever picks the job up. A step using a local JavaScript or Docker action whose action.yml `runs` lacks `main` (or `image`) is an error, and one whose `runs` gives a key of the other kind (`env` in a JavaScript action) a warning: said once, at the step, since such an action.yml is not checked as a file of its own. A matrix vector with no values (`os: []`) and a matrix that makes no job (no vector, no `include` entry) are errors, as GitHub\'s workflow parser rejects them. Notes (info) say where a value is accepted but does not do what it seems to, as the parser and the runner read it: `needs: []` (no job waited for), an empty matrix `include` or `exclude` (no combination added or removed), a negative or fractional `max-parallel` (cast to a whole number, and one below 1 means no limit; `max-parallel: 0`, written on purpose for "no limit", is left alone), and a step `timeout-minutes` below 1 (the runner drops the fraction and sets no step timeout then). GitHub reads every `.yml` and `.yaml` file directly in `.github/workflows/` as a workflow, so such a file that is empty (or only comments), or lacks `on:` or `jobs:`, is reported too. In `strict`, what GitHub\'s metadata syntax asks of an action and the runner does not need is an info note, in a composite action\'s action.yml and once per problem at a step using a local JavaScript or Docker action: no `description` (the syntax lists it as required), and a `branding.icon` or `branding.color` outside the lists of https://docs.github.com/en/actions/reference/workflows-and-actions/metadata-syntax#branding (the Marketplace badge takes only those; the runner ignores `branding`). Whether `runs.main` exists is not checked: it is often built by an earlier step. Event names and filters under `on:` are `gha/events`\'s to report.',
    symptom: 'The workflow fails before any job starts ("Invalid workflow file … Unexpected value"), or (in a branch nobody merges yet) silently never runs.',
    fix: 'Correct the key or value; a single close misspelling comes with a quick fix.',
    bad: `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make test
        shel: bash
`,
    good: `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make test
        shell: bash
`,
  },
  scope: 'job',
  visit: {
    workflow(workflow, ctx) {
      if (workflow.kind === 'composite-action') return checkAction(workflow, ctx);
      if (workflow.empty) return void ctx.report({ span: firstLine(workflow.text), message: 'emptyWorkflow', args: [] });
      checkAnchors(ctx);
      const root = workflow.node;
      const problems = validate(WORKFLOW_SCHEMA, ctx.doc, root, 'workflow-root-strict', rootSpan(workflow), { stop: (definition) => definition === 'job' || definition === 'on-strict' });
      report(problems, ctx, WORKFLOW_SCHEMA);
      checkEnvNames(workflow.fields.get('env')?.value, ctx);
      checkShell(defaultShellNode(workflow.fields.get('defaults')?.value, ctx), ctx);
      const jobs = workflow.fields.get('jobs');
      if (jobs && isMap(jobs.value)) {
        for (const pair of jobs.value.items) {
          const id = scalarToString(pair.key);
          if (id === undefined || !isScalar(pair.key)) continue;
          if (!ID.test(id) && !id.includes(EXPRESSION)) ctx.report({ span: spanOf(pair.key), message: 'badId', args: ['Job', id] });
          const value = ctx.doc.resolve(pair.value);
          // Jobs that are mappings are checked by the job hook; anything else is reported here.
          if (!isMap(value)) report(validate(WORKFLOW_SCHEMA, ctx.doc, value, 'job', spanOf(pair.key), { parent: id }), ctx, WORKFLOW_SCHEMA);
        }
      }
    },
    job(job, ctx) {
      if (job.synthetic) return;
      report(validate(WORKFLOW_SCHEMA, ctx.doc, job.node, 'job', job.idSpan, { parent: job.id }), ctx, WORKFLOW_SCHEMA);
      checkSteps(job, ctx);
      checkStepsPresent(job, ctx);
      checkImages(job, ctx);
      checkRunsOnEmpty(job, ctx);
      checkStrategy(job, ctx);
      checkEmptyNeeds(job, ctx);
      checkEnvNames(job.fields.get('env')?.value, ctx);
      checkShell(defaultShellNode(job.fields.get('defaults')?.value, ctx), ctx, job);
      const call = job.fields.get('uses');
      const uses = scalarToString(call?.value);
      if (call?.value && uses !== undefined && !uses.includes(EXPRESSION)) checkJobUses(uses, spanOf(call.value), ctx);
    },
  },
});

function firstLine(text: string): Span {
  const end = text.search(/\r?\n/);
  return { start: 0, end: end < 0 ? text.length : end };
}

function rootSpan(workflow: Workflow): Span {
  const first = workflow.node.items[0]?.key;
  return first && isScalar(first) ? spanOf(first) : spanOf(workflow.node);
}

/** Anchors, aliases and merge keys as GitHub reads them (it takes anchors and aliases, not merge keys). */
function checkAnchors(ctx: Ctx): void {
  const use = anchorUse(ctx.doc, ctx.file.text);
  for (const { name, at } of use.undefined) ctx.report({ span: at, message: 'undefinedAlias', args: [name] });
  for (const { name, at } of use.recursive) ctx.report({ span: at, message: 'recursiveAlias', args: [name] });
  for (const at of use.merges) ctx.report({ span: at, message: 'mergeKey', args: [] });
  // An unused anchor does not stop the workflow: it is a leftover, or an alias that names another anchor.
  for (const { name, at } of use.unused) ctx.report({ span: at, message: 'unusedAnchor', args: [name], severity: 'warning' });
}

function checkAction(action: Workflow, ctx: Ctx): void {
  report(validate(ACTION_SCHEMA, ctx.doc, action.node, 'action-root', rootSpan(action)), ctx, ACTION_SCHEMA);
  checkMetadata(action, ctx);
  const job = action.jobs[0];
  if (job) checkSteps(job, ctx);
}

/**
 * What a composite action's metadata gets wrong by GitHub's metadata syntax although the runner runs it: no
 * 'description', a 'branding' icon or color outside GitHub's lists. Strict only, at info: nothing breaks.
 */
function checkMetadata(action: Workflow, ctx: Ctx): void {
  if (ctx.preset === 'recommended') return;
  for (const problem of metadataProblemsOf(ctx.doc, action.fields)) {
    if (problem.kind === 'description') {
      ctx.report({ span: rootSpan(action), message: 'noDescription', args: ['This action'], severity: 'info' });
      continue;
    }
    const near = closest(problem.value, [...(problem.kind === 'icon' ? BRANDING_ICONS : BRANDING_COLORS)]);
    const span = spanOf(problem.node);
    ctx.report({ span, message: 'badBranding', args: ['', problem.kind, problem.value, near ?? ''], severity: 'info', ...(near ? { fix: { title: `Change to '${near}'`, edits: [replace(span, near)] } } : {}) });
  }
}

function checkSteps(job: Job, ctx: Ctx): void {
  const ids = new Set<string>();
  for (const step of job.steps) {
    const idField = step.fields.get('id');
    const id = scalarToString(idField?.value);
    if (idField?.value && id !== undefined && !id.includes(EXPRESSION)) {
      if (!ID.test(id)) ctx.report({ span: spanOf(idField.value), message: 'badId', args: ['Step', id] });
      else if (ids.has(id.toLowerCase())) ctx.report({ span: spanOf(idField.value), message: 'duplicateStepId', args: [id] });
      ids.add(id.toLowerCase());
    }
    // A step with an 'if:' may be one that never runs here (`if: runner.os == 'Windows'` copied into a Linux job): its runner is not judged.
    checkShell(step.fields.get('shell')?.value, ctx, step.fields.has('if') ? undefined : job);
    checkEnvNames(step.fields.get('env')?.value, ctx);
    checkStepUses(step, ctx);
    checkStepTimeout(step, ctx);
  }
}

/** A number written as such (not an expression, not a string): what GitHub's parser casts to a whole number. */
function numberOf(node: Node | undefined): number | undefined {
  return isScalar(node) && typeof node.value === 'number' && Number.isFinite(node.value) ? node.value : undefined;
}

/** A literal empty sequence (`[]`), not one an expression fills in. */
function isEmptySeq(node: Node | undefined): boolean {
  return isSeq(node) && node.items.length === 0;
}

/**
 * The runner casts a step's `timeout-minutes` to a whole number and sets the step's timeout only when that is above 0
 * (actions/runner, StepsRunner): 0, a negative number or a fraction below 1 leaves the step to the job's timeout.
 */
function checkStepTimeout(step: Step, ctx: Ctx): void {
  const field = step.fields.get('timeout-minutes');
  const minutes = numberOf(field?.value);
  if (field?.value && minutes !== undefined && Math.trunc(minutes) <= 0) ctx.report({ span: spanOf(field.value), message: 'stepTimeoutNoLimit', args: [String(minutes)], severity: 'info' });
}

/** `needs: []`: GitHub's parser reads it as no needs (@actions/workflow-parser, converter/job.ts). */
function checkEmptyNeeds(job: Job, ctx: Ctx): void {
  const needs = job.fields.get('needs')?.value;
  if (needs && isEmptySeq(needs)) ctx.report({ span: spanOf(needs), message: 'emptyNeeds', args: [], severity: 'info' });
}

/**
 * `strategy:` as GitHub's workflow parser reads it (actions/runner, WorkflowTemplateConverter.ConvertToStrategy): an
 * empty matrix vector and a matrix with neither a vector nor an 'include' entry are errors; 'max-parallel' is cast to a
 * whole number, and one below 1 stands for no limit. An empty 'include' or 'exclude' does nothing.
 */
function checkStrategy(job: Job, ctx: Ctx): void {
  const strategy = job.fields.get('strategy')?.value;
  if (!isMap(strategy)) return;
  const fields = mapFields(ctx.doc, strategy);
  const maxParallel = fields.get('max-parallel')?.value;
  const limit = numberOf(maxParallel);
  if (maxParallel && limit !== undefined) {
    // 0 is left alone: written on purpose for "no limit" (nodejs/undici's CI does so in five jobs).
    if (limit !== 0 && Math.trunc(limit) <= 0) ctx.report({ span: spanOf(maxParallel), message: 'maxParallelNoLimit', args: [String(limit)], severity: 'info' });
    else if (!Number.isInteger(limit)) ctx.report({ span: spanOf(maxParallel), message: 'maxParallelFraction', args: [String(limit), String(Math.trunc(limit))], severity: 'info' });
  }
  const matrixField = fields.get('matrix');
  const matrix = matrixField?.value;
  if (!matrixField || !isMap(matrix)) return;
  // Anything computed (a key or a value with an expression) may fill the matrix in: then only literal empty vectors are judged.
  let computed = false;
  let makesJobs = false;
  const emptyFilters: [string, Node][] = [];
  for (const pair of matrix.items) {
    const key = scalarToString(pair.key);
    const value = ctx.doc.resolve(pair.value);
    if (key === undefined || key.includes(EXPRESSION) || !isSeq(value)) computed = true;
    else if (key === 'include' || key === 'exclude') {
      if (value.items.length === 0) emptyFilters.push([key, value]);
      else if (key === 'include') makesJobs = true;
    } else if (value.items.length === 0) {
      ctx.report({ span: spanOf(value), message: 'emptyVector', args: [key] });
      computed = true; // said once: at the empty vector, not again for the matrix
    } else makesJobs = true;
  }
  if (!computed && !makesJobs) return void ctx.report({ span: matrixField.keySpan, message: 'noVector', args: [] });
  for (const [key, value] of emptyFilters) ctx.report({ span: spanOf(value), message: 'emptyIncludeExclude', args: [key], severity: 'info' });
}

/**
 * A job that runs on a runner ('runs-on', 'container', 'environment', … : keys only such a job has) with no 'steps' key:
 * the schema leaves 'steps' optional, GitHub does not ("No steps defined in `steps` and no workflow called in `uses`").
 * A job with neither kind's keys is the schema's 'ambiguous' finding, which names 'steps' already.
 */
function checkStepsPresent(job: Job, ctx: Ctx): void {
  if (job.fields.has('steps') || job.fields.has('uses')) return;
  const runnerKeys = WORKFLOW_SCHEMA['job-factory']?.mapping?.properties ?? {};
  const callKeys = WORKFLOW_SCHEMA['workflow-job']?.mapping?.properties ?? {};
  if ([...job.fields.keys()].some((key) => key in runnerKeys && !(key in callKeys))) ctx.report({ span: job.idSpan, message: 'jobWithoutSteps', args: [job.id] });
}

/** `runs-on: []`, or `labels: []` with no `group`: GitHub's parser takes it, and no runner can ever pick the job up. */
function checkRunsOnEmpty(job: Job, ctx: Ctx): void {
  const runsOn = job.fields.get('runs-on');
  if (!runsOn) return;
  const value = runsOn.value;
  if (isSeq(value) && value.items.length === 0) return void ctx.report({ span: spanOf(value), message: 'noRunnerLabels', args: [] });
  if (!isMap(value)) return;
  const fields = mapFields(ctx.doc, value);
  const labels = fields.get('labels');
  if (labels && isSeq(labels.value) && labels.value.items.length === 0 && !fields.has('group')) ctx.report({ span: spanOf(labels.value), message: 'noRunnerLabels', args: [] });
}

// The schema leaves 'image' optional; GitHub's parser does not ("Container image cannot be empty").
function checkImages(job: Job, ctx: Ctx): void {
  const container = job.fields.get('container');
  // An empty service image is the schema's to report (a non-empty string); a container's is not.
  if (isScalar(container?.value) && scalarToString(container.value) === '') ctx.report({ span: spanOf(container.value), message: 'noImage', args: [`The job's 'container'`] });
  // 'container:' with nothing after it is neither an image name nor a mapping: GitHub's parser rejects it.
  else if (container && (container.value === undefined || (isScalar(container.value) && container.value.value === null))) ctx.report({ span: container.keySpan, message: 'noImage', args: [`The job's 'container'`] });
  if (container) checkImageKey(container.value, container.keySpan, `The job's 'container'`, ctx);
  const services = job.fields.get('services')?.value;
  if (!isMap(services)) return;
  for (const [name, service] of mapFields(ctx.doc, services)) checkImageKey(service.value, service.keySpan, `Service '${name}'`, ctx);
}

function checkImageKey(value: Node | undefined, keySpan: Span, container: string, ctx: Ctx): void {
  if (!isMap(value)) return;
  const fields = mapFields(ctx.doc, value);
  if (!fields.has('image')) ctx.report({ span: keySpan, message: 'noImage', args: [container] });
  const credentials = fields.get('credentials');
  if (!credentials || !isMap(credentials.value)) return;
  const given = mapFields(ctx.doc, credentials.value);
  const [has, missing] = given.has('username') ? ['username', 'password'] : ['password', 'username'];
  // The runner logs in to the registry only when both are set; with one, it pulls without logging in.
  if (given.has(has) && !given.has(missing)) ctx.report({ span: credentials.keySpan, message: 'halfCredentials', args: [has, missing], severity: 'warning' });
}

/** A `shell:` value, or a `defaults: run: shell:` (job: the job whose runner it runs on, when that is sure). */
function checkShell(node: Node | undefined, ctx: Ctx, job?: Job): void {
  const shell = scalarToString(node);
  if (!node || shell === undefined || shell.includes(EXPRESSION) || shell.includes('{0}')) return;
  if (!SHELLS.includes(shell)) {
    const near = closest(shell, SHELLS);
    ctx.report({ span: spanOf(node), message: 'badShell', args: [shell, near ?? ''], ...(near ? { fix: { title: `Change to '${near}'`, edits: [replace(spanOf(node), near)] } } : {}) });
  } else if (shell === 'powershell' && job && !job.synthetic) {
    // Windows PowerShell exists only on Windows; GitHub's Linux and macOS images have 'pwsh'.
    const labels = runnerLabels(job);
    const hosted = labels.length === 1 && /^(ubuntu|macos)-/.test(labels[0]!) && labelKind(labels[0]!).kind === 'hosted';
    if (hosted) ctx.report({ span: spanOf(node), message: 'powershellOffWindows', args: [labels[0]!], fix: { title: `Change to 'pwsh'`, edits: [replace(spanOf(node), 'pwsh')] } });
  }
}

/** `env:` names the runner cannot set: with '=' or white space. */
function checkEnvNames(env: Node | undefined, ctx: Ctx): void {
  if (!isMap(env)) return;
  for (const pair of env.items) {
    const name = scalarToString(pair.key);
    if (isScalar(pair.key) && name !== undefined && !name.includes(EXPRESSION) && /[=\s]/.test(name)) ctx.report({ span: spanOf(pair.key), message: 'badEnvName', args: [name] });
  }
}

function checkStepUses(step: Step, ctx: Ctx): void {
  const field = step.fields.get('uses');
  if (!field?.value || step.uses === undefined || step.uses.includes(EXPRESSION)) return;
  const action = parseUses(step.uses, 'step');
  if (!action) return;
  if (action.local) return checkLocalAction(action, spanOf(field.value), ctx);
  if (!isWellFormedUses(action)) {
    const expected = action.kind === 'docker' ? `'docker://image[:tag]'` : `'owner/repo@ref' or 'owner/repo/path@ref' (or './path' or '$/path' for an action in this repository)`;
    ctx.report({ span: spanOf(field.value), message: 'badUses', args: [step.uses, expected] });
  }
}

/**
 * A local JavaScript or Docker action whose action.yml 'runs' the runner cannot use: said once, at the step, since its
 * action.yml is not a file shipcheck checks on its own (a composite action's is). Its runtime is gha/action-runtime's.
 */
function checkLocalAction(action: ActionRef, span: Span, ctx: Ctx): void {
  const read = ctx.index.localAction(action);
  if (read.state !== 'found') return;
  // Strict only, at info, one finding each: what the metadata syntax asks and the runner does not need.
  if (ctx.preset !== 'recommended') {
    for (const problem of read.value?.metadataProblems ?? []) {
      if (problem.kind === 'description') ctx.report({ span, message: 'noDescription', args: [`'${action.uses}': ${read.path}`], severity: 'info' });
      else ctx.report({ span, message: 'badBranding', args: [`'${action.uses}': in ${read.path}, `, problem.kind, problem.value, ''], severity: 'info' });
    }
  }
  const problem = read.value?.runsProblem;
  if (!problem) return;
  const kind = problem.using === 'docker' ? 'a Docker action' : 'a JavaScript action';
  const missing = problem.missing.map((key) => `'runs.${key}'`);
  const foreign = problem.foreign.map((key) => `'runs.${key}'`);
  const parts = [
    ...(missing.length > 0 ? [`has no ${listWords(missing)}, which ${kind} needs`] : []),
    ...(foreign.length > 0 ? [`gives ${listWords(foreign)}, which ${kind} ('${problem.using}') does not take`] : []),
  ];
  // The runner stops on a missing 'main' or 'image' ("Entry javascript file is not provided").
  // A key of the other kind alone is a warning: whether the runner refuses it or ignores it, it does not do what it says.
  ctx.report({ span, message: 'brokenLocalAction', args: [action.uses, read.path, `${parts.join(', and ')}${missing.length > 0 ? ': the step fails' : ''}`], ...(missing.length > 0 ? {} : { severity: 'warning' as const }) });
}

function checkJobUses(uses: string, span: Span, ctx: Ctx): void {
  const call = parseUses(uses, 'job');
  if (!call) return;
  if (call.local) {
    if (!/^(\.|\$)\/\.github\/workflows\/[^/]+\.ya?ml$/.test(call.name) || call.ref !== undefined) ctx.report({ span, message: 'badUses', args: [uses, `'./.github/workflows/<file>.yml' or '$/.github/workflows/<file>.yml' without '@ref'`] });
    return;
  }
  if (!isWellFormedUses(call)) ctx.report({ span, message: 'badUses', args: [uses, `'owner/repo/.github/workflows/<file>.yml@ref'`] });
}

function defaultShellNode(defaults: Node | undefined, ctx: Ctx): Node | undefined {
  const run = isMap(defaults) ? mapFields(ctx.doc, defaults).get('run')?.value : undefined;
  return isMap(run) ? mapFields(ctx.doc, run).get('shell')?.value : undefined;
}

function replace(span: Span, newText: string): TextEdit {
  return { start: span.start, end: span.end, newText };
}

function where(parent: string): string {
  return parent ? ` in '${parent}'` : '';
}

const STEP_MAPPINGS = new Set(['run-step', 'regular-step', 'uses-step', 'parallel-step']);
const JOB_MAPPINGS = new Set(['job-factory', 'workflow-job']);

function report(problems: SchemaProblem[], ctx: Ctx, schema: SchemaDefinitions): void {
  for (const problem of problems) {
    switch (problem.kind) {
      case 'unknown-key': {
        const { key, mapping, keys } = problem;
        if ((mapping === 'run-step' && key === 'uses' && keys.has('run')) || (mapping === 'regular-step' && key === 'run' && keys.has('uses'))) ctx.report({ span: problem.at, message: 'runWithUses', args: [] });
        else if (mapping === 'run-step' && key === 'with' && keys.has('run')) ctx.report({ span: problem.at, message: 'withOnRun', args: [] });
        else if (mapping === 'workflow-job' && key in (schema['job-factory']?.mapping?.properties ?? {})) ctx.report({ span: problem.at, message: 'callWithRunner', args: [key] });
        else if (mapping === 'job-factory' && key in (schema['workflow-job']?.mapping?.properties ?? {})) ctx.report({ span: problem.at, message: 'runnerWithCall', args: [key] });
        else {
          const near = closest(key, problem.known);
          // Renaming to a key the mapping already has would write it twice, and renaming a value that key does not take
          // (`groups: [a, b]` to `group`) trades one error for another: then only say what was probably meant.
          const fixable = near !== undefined && !keys.has(near) && fitsKey(schema, ctx.doc, problem, near);
          const label = STEP_MAPPINGS.has(mapping) ? ' in a step' : JOB_MAPPINGS.has(mapping) ? ` in job '${problem.parent}'` : where(problem.parent);
          ctx.report({ span: problem.at, message: 'unknownKey', args: [key, label, near ?? ''], ...(fixable ? { fix: { title: `Change to '${near}'`, edits: [replace(problem.at, near)] } } : {}) });
        }
        break;
      }
      case 'ambiguous':
        if (problem.definition === 'steps-item' || problem.definition === 'composite-step') ctx.report({ span: problem.at, message: 'stepNeedsRunOrUses', args: [] });
        else if (problem.definition === 'job') ctx.report({ span: problem.at, message: 'jobNeedsRunner', args: [] });
        else ctx.report({ span: problem.at, message: 'missingKey', args: [problem.choices.join("' or '"), where(problem.parent)] });
        break;
      case 'missing-key':
        ctx.report({ span: problem.at, message: 'missingKey', args: [problem.key, problem.mapping === 'job-factory' || problem.mapping === 'workflow-job' ? ` in job '${problem.parent}'` : where(problem.parent)] });
        break;
      case 'duplicate-key':
        ctx.report({ span: problem.at, message: 'duplicateKey', args: [problem.key] });
        break;
      case 'type':
        ctx.report({ span: problem.at, message: 'wrongType', args: [problem.parent ? `'${problem.parent}'` : 'This value', problem.expected, problem.found] });
        break;
      case 'value': {
        const near = problem.allowed.length > 0 ? closest(problem.value, problem.allowed) : undefined;
        const allowed = problem.allowed.length > 0 ? ` (one of ${problem.allowed.map((v) => `'${v}'`).join(', ')})` : `: expected ${problem.expected}`;
        ctx.report({ span: problem.at, message: 'badValue', args: [problem.value, where(problem.parent), allowed, near ?? ''], ...(near ? { fix: { title: `Change to '${near}'`, edits: [replace(problem.at, near)] } } : {}) });
        break;
      }
      case 'expression':
        ctx.report({ span: problem.at, message: 'expressionNotAllowed', args: [where(problem.parent)] });
        break;
    }
  }
}
