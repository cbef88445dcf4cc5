import type { TextEdit } from '../../engine/core/finding';
import { defineRule } from '../../engine/core/rule';
import { addStepInputs, usesNode } from '../../engine/edits/workflowEdit';
import { replaceScalar } from '../../engine/edits/yamlEdit';
import { stepCommands } from '../../engine/languages/commandLine';
import { pushesAfter } from '../../engine/model/gitPush';
import { readAsRunStep, type Step } from '../../engine/model/workflow';
import { isScalar, scalarToString, spanOf } from '../../engine/yaml/yamlFile';

// The workspace root as an upload or archive path.
const ROOT = /^(\.\/?|\*\*?(\/\*+)?|\.\/\*\*(\/\*+)?|\$\{\{\s*github\.workspace\s*\}\}\/?(\*\*)?|\$\{?GITHUB_WORKSPACE\}?\/?|"?\$GITHUB_WORKSPACE"?)$/;
export default defineRule({
  id: 'gha/checkout-credentials',
  presets: { recommended: 'off', strict: 'warning' },
  dora: ['change-failure-rate'],
  capabilities: ['shift-left-security'],
  // Later git commands that relied on the stored token (a push, a fetch of a private submodule) would fail.
  fixable: 'suggestion',
  messages: {
    uploaded: (checkout: string, upload: string) =>
      `${checkout} leaves the job's GITHUB_TOKEN in .git/config, and ${upload} uploads the checkout with its hidden files: anyone who can download the artifact gets the token while the run lasts (and the repository's full history). Add 'persist-credentials: false'.`,
    persisted: (checkout: string) =>
      `${checkout} leaves the job's GITHUB_TOKEN in .git/config for every later step, and this job never pushes with git. Add 'persist-credentials: false' so only the checkout itself uses the token.`,
  },
  docs: {
    summary: 'Check out with `persist-credentials: false` unless the job pushes with git.',
    rationale:
      '`actions/checkout` writes the job\'s GITHUB_TOKEN into `.git/config` so that later git commands can push. Every later step can read it there, including third-party actions and build scripts that never needed it, and so can anyone who gets the folder: an artifact uploaded from the workspace root with its hidden files (older `actions/upload-artifact`, `include-hidden-files: true`, or a `tar`/`zip` of `.`) ships `.git/config` with the token in it ("ArtiPACKED"). In a public repository artifacts are public, and a token with write scopes is valid until the job ends, often long enough to push a commit or a tag.',
    symptom: 'An artifact of a public run contains `.git/config` with an `extraheader` holding a live token.',
    fix:
      'Add `persist-credentials: false` to `actions/checkout` (the quick-fix does) and, when a later step really pushes, give that step its credentials itself (`git push https://x-access-token:${GH_TOKEN}@github.com/…` or an action that takes a token). Upload only the folders you need, not the workspace root. In `recommended` the rule reports a checkout only when the job later uploads the checkout root with its hidden files (directly, or in a `tar`/`zip` archive of it); `strict` also notes (info) every checkout in a job that never pushes with git (`git push`, an action or release tool that pushes), except in composite actions, which cannot see the later steps of the job that runs them. A checkout whose `persist-credentials:` is an expression, or `true` in a job that uploads nothing, is a choice the rule leaves alone.',
    bad: `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make dist
      - uses: actions/upload-artifact@v3
        with:
          name: workspace
          path: .
`,
    good: `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - run: make dist
      - uses: actions/upload-artifact@v4
        with:
          name: dist
          path: dist
`,
  },
  scope: 'job',
  visit: {
    step(step, ctx) {
      // A step that also has 'run', or that GitHub reads as a 'run' step ('shell:' before 'uses:'), is not a checkout
      // GitHub would run, and takes no 'with:' (gha/syntax reports it).
      if (step.action?.id !== 'actions/checkout' || step.run || readAsRunStep(step)) return;
      const persist = scalarToString(step.inputs.get('persist-credentials')?.value)?.trim();
      if (persist === 'false' || persist?.includes('${{') || (persist === undefined && step.inputs.size === 0 && step.fields.has('with') && !isMapWith(step))) return;
      const uses = usesNode(step);
      if (!uses || pushesAfter(step)) return;
      const root = checkoutPath(step);
      const upload = root === undefined ? undefined : uploadOfRoot(step, root);
      const name = `'${step.uses!.trim()}'`;
      const edit = fixOf(ctx.file, step);
      const fix = edit ? { fix: { title: "Add 'persist-credentials: false'", edits: [edit] } } : {};
      if (upload) {
        ctx.report({ span: spanOf(uses), message: 'uploaded', args: [name, upload], ...fix });
        return;
      }
      // A composite action cannot see the steps of the job that runs it: a later step there may push with the token.
      if (ctx.preset === 'recommended' || persist !== undefined || step.job.workflow.kind === 'composite-action') return;
      ctx.report({ span: spanOf(uses), message: 'persisted', args: [name], severity: 'info', ...fix });
    },
  },
});

/** Whether `with:` is a mapping we could read (a `with: ${{ fromJSON(…) }}` hides every input). */
function isMapWith(step: Step): boolean {
  const value = step.fields.get('with')?.value;
  return value !== undefined && !isScalar(value);
}

function fixOf(file: Parameters<typeof addStepInputs>[0], step: Step): TextEdit | undefined {
  const written = step.inputs.get('persist-credentials')?.value;
  if (written) return isScalar(written) ? replaceScalar(written, 'false') : undefined;
  return addStepInputs(file, step, [['persist-credentials', 'false']]);
}

/** The folder the checkout writes, relative to the workspace ('' for the root); undefined when computed at run time. */
function checkoutPath(step: Step): string | undefined {
  const path = scalarToString(step.inputs.get('path')?.value)?.trim();
  if (path === undefined) return '';
  if (/[$`*?{}]/.test(path)) return undefined;
  return normalise(path);
}

function normalise(path: string): string {
  return path.split('/').filter((part) => part !== '' && part !== '.').join('/');
}

/** Whether an upload or archive path takes in the checkout's folder (and so its `.git`). */
function coversCheckout(path: string, root: string): boolean {
  const written = path.trim();
  if (ROOT.test(written)) return true;
  if (root === '') return false;
  const normal = normalise(written.replace(/\/\*\*(\/\*+)?$/, ''));
  return normal === root;
}

/** What uploads the checkout root with its hidden files after the checkout, for the message; undefined when nothing does. */
function uploadOfRoot(checkout: Step, root: string): string | undefined {
  const later = checkout.job.steps.slice(checkout.index + 1);
  const archives: string[] = [];
  for (const step of later) {
    if (step.action?.id === 'actions/upload-artifact') {
      const paths = (scalarToString(step.inputs.get('path')?.value) ?? '').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('!'));
      if (paths.some((path) => coversCheckout(path, root)) && includesHidden(step)) return `'${step.uses!.trim()}'`;
      const archive = archives.find((file) => paths.some((path) => path === file || path.startsWith(`${file}.`) || file.startsWith(`${path}`)));
      if (archive !== undefined) return `'${step.uses!.trim()}' (of ${archive}, an archive of the checkout)`;
      continue;
    }
    for (const command of stepCommands(step)) {
      const file = archiveOfRoot(command.program, command.args.map((word) => word.value), root);
      if (file !== undefined) archives.push(file);
    }
  }
  return undefined;
}

/** `tar -cf build.tar .` / `zip -r build.zip .`: the archive written, when it holds the checkout with `.git`. */
function archiveOfRoot(program: string, args: string[], root: string): string | undefined {
  if (args.some((arg) => /^--exclude(-vcs|=\.git|=\.git\/?\*?|=\*\*?\/\.git)/.test(arg)) || args.includes('-x')) return undefined;
  if (program === 'tar') {
    const create = args.some((arg) => /^-?[A-Za-z]+$/.test(arg) && arg.includes('c') && !arg.startsWith('--')) || args.includes('--create');
    if (!create) return undefined;
    const fileAt = args.findIndex((arg) => /^-?[A-Za-z]*f$/.test(arg) || arg === '--file');
    const file = fileAt >= 0 ? args[fileAt + 1] : args.find((arg) => arg.startsWith('--file='))?.slice(7);
    const operands = args.filter((arg, index) => !arg.startsWith('-') && index !== fileAt + 1 && index !== 0);
    return file !== undefined && operands.some((operand) => coversCheckout(operand, root)) ? normalise(file) : undefined;
  }
  if (program === 'zip') {
    const operands = args.filter((arg) => !arg.startsWith('-'));
    const [file, ...inputs] = operands;
    return file !== undefined && args.some((arg) => /^-[A-Za-z]*r/.test(arg)) && inputs.some((input) => coversCheckout(input, root)) ? normalise(file) : undefined;
  }
  return undefined;
}

/**
 * Whether an upload-artifact step keeps hidden files: v4.4 and later leave them out unless `include-hidden-files: true`
 * (a major tag such as `v4` moves to the newest release); v1 to v3 and v4.0 to v4.3 take them. A commit pin says nothing:
 * assumed recent.
 */
function includesHidden(step: Step): boolean {
  if (scalarToString(step.inputs.get('include-hidden-files')?.value)?.trim() === 'true') return true;
  const version = /^v?(\d+)(?:\.(\d+))?/.exec(step.action?.ref ?? '');
  if (!version || /^[0-9a-f]{40}$/.test(step.action?.ref ?? '')) return false;
  const major = Number(version[1]);
  const minor = version[2] === undefined ? undefined : Number(version[2]);
  return major < 4 || (major === 4 && minor !== undefined && minor < 4);
}

