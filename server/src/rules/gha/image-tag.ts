import { scriptCommands, stepCommands } from '../../engine/languages/commandLine';
import { parseImage } from '../../engine/model/image';
import { jobMatrix, matrixValues } from '../../engine/model/matrix';
import { runsCommands } from '../../engine/model/stepShell';
import type { Span, TextEdit } from '../../engine/core/finding';
import { MemoSlot, type Memo } from '../../engine/incremental/memo';
import { jobSource, jobTextMayMatch, type Job, type Step, type Workflow } from '../../engine/model/workflow';
import { isReleaseOrTagEvent, runsOnlyForReleases, workflowTriggers, type Triggers } from '../../engine/model/triggers';
import { defineRule } from '../../engine/core/rule';
import type { ShellWord } from '../../engine/languages/shell';
import { addStepInputs, usesNode } from '../../engine/edits/workflowEdit';
import { isMap, isScalar, mapFields, scalarToString, spanOf, type Node, type Scalar, type YamlDoc, type YamlFile } from '../../engine/yaml/yamlFile';

// docker/metadata-action's tags when `tags:` is not given.
const METADATA_DEFAULT_TAGS = ['type=schedule', 'type=ref,event=branch', 'type=ref,event=tag', 'type=ref,event=pr'];
// A tag entry that names the commit: `type=sha`, or a raw value built from the SHA.
const SHA_ENTRY = /^\s*type=sha\b|github\.sha|head[._]sha|\{\{\s*sha\s*\}\}|\bGITHUB_SHA\b/;
// Entries that only produce tags for git tags/releases: immutable when the workflow builds nothing else.
const RELEASE_ENTRY = /^\s*type=(semver|pep440|match)\b|^\s*type=ref\b.*\bevent=tag\b/;

export default defineRule({
  id: 'gha/image-tag',
  presets: { recommended: 'off', strict: 'warning' },
  dora: ['time-to-restore', 'change-failure-rate'],
  capabilities: ['version-control', 'continuous-integration'],
  // Adding a tag makes the pipeline push one more tag: not behaviour-neutral.
  fixable: 'suggestion',
  messages: {
    containerLatest: (where: string, image: string) =>
      `${where} image '${image}' floats with 'latest': the next upstream release changes what this job runs on, and a build that passed yesterday fails today with nothing changed here. Pin a version tag (or a digest).`,
    matrixLatest: (where: string, image: string, key: string) =>
      `${where} image '${image}' (a value of 'matrix.${key}') floats with 'latest': the next upstream release changes what this job runs on, and a build that passed yesterday fails today with nothing changed here. Pin a version tag (or a digest).`,
    pushLatest: (image: string) =>
      `'${image}' is the only tag this workflow pushes for that image: each push overwrites the last, so no deployment can name (or roll back to) a specific build. Also push a tag with the commit SHA.`,
    setImageLatest: (image: string) =>
      `'kubectl set image' to '${image}' deploys whatever 'latest' points to when each node pulls, and 'kubectl rollout undo' brings back the same moving tag. Deploy the commit-SHA tag instead.`,
    metadataNoSha: (builds: string, tags: string) =>
      `docker/metadata-action tags ${builds} here only with names the next build takes over (${tags}), so none of those images keeps a name you can deploy or roll back to. Add 'type=sha' to 'tags:'.`,
  },
  docs: {
    summary: 'Build, push and run images by immutable tags: a commit SHA or a version, not only `latest`.',
    rationale:
      'A moving tag like `latest` is rewritten by every build, so it never says which code it holds. Pushing only that tag leaves a deployment nothing precise to point at, and `kubectl rollout undo` re-applies the same tag, which now holds the broken build. For `container:` and `services:` images the risk runs the other way: the job silently switches to whatever upstream released last night. Tagging each build with its commit SHA (docker/metadata-action\'s `type=sha`) gives it a permanent, auditable name. What docker/metadata-action tags, by default or as `tags:` says: a branch build gets the branch name (`type=ref,event=branch`), a pull request `pr-<number>`, a scheduled run `nightly`; version tags (`type=semver`, `type=pep440`, `type=match`, `type=ref,event=tag`) are made only when a git tag is pushed, and with the default `flavor: latest=auto` only they add `latest`, so `latest` too moves only on tag pushes (`flavor: latest=true`, or a `type=raw,value=latest` entry, puts it on every build). The finding names the moving tags the other builds get.',
    symptom: 'A rollback "succeeds" but the bug stays; or CI breaks one morning with no change in the repository because `postgres` or `node` moved to a new major version.',
    fix: 'Add a SHA tag (`type=sha,prefix=sha-` in docker/metadata-action, `:${{ github.sha }}` in `docker build -t`) and deploy that tag; pin `container:` and `services:` images to a version (an image set from the matrix, `image: ${{ matrix.image }}`, is judged by each value the matrix gives it, and the finding points at that value). The quick-fix adds `type=sha,prefix=sha-` to metadata-action\'s `tags:`. Digests, SHA tags and version tags are not flagged, nor semver tags in workflows that only build releases (every event a release or a tag push), nor a metadata-action step whose entries give the workflow\'s other builds no tag at all, nor one read only for its labels.',
    bad: `on:
  push:
    branches: [main]
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/metadata-action@v5
        id: meta
        with:
          images: ghcr.io/acme/web
          tags: |
            type=ref,event=branch
            type=raw,value=latest
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: \${{ steps.meta.outputs.tags }}
`,
    good: `on:
  push:
    branches: [main]
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/metadata-action@v5
        id: meta
        with:
          images: ghcr.io/acme/web
          tags: |
            type=ref,event=branch
            type=sha,prefix=sha-
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: \${{ steps.meta.outputs.tags }}
`,
  },
  scope: 'job',
  visit: {
    job(job, ctx) {
      if (job.synthetic) return;
      const container = job.fields.get('container')?.value;
      const containerImage = isMap(container) ? mapFields(ctx.doc, container).get('image')?.value : container;
      const report = ctx.report.bind(ctx);
      checkRunImage(containerImage, `Job container`, report, job, ctx.doc);
      const services = job.fields.get('services')?.value;
      if (!isMap(services)) return;
      for (const [name, service] of mapFields(ctx.doc, services)) {
        if (isMap(service.value)) checkRunImage(mapFields(ctx.doc, service.value).get('image')?.value, `Service '${name}'`, report, job, ctx.doc);
      }
    },
    step(step, ctx) {
      if (step.job.synthetic) return;
      const script = shellScript(step);
      if (script !== undefined) {
        const images = ctx.memo(SCRIPT_IMAGES, script, scriptImages);
        const latestOnly = images.pushed.length + images.tagged.length > 0 ? ctx.acrossJobs(latestOnlyRepositories) : NONE;
        const pushes = [...images.pushed, ...images.tagged.filter((ref) => latestOnly[ref.repository] === 'all-tags')];
        for (const ref of pushes) {
          if (latestOnly[ref.repository] === undefined) continue;
          ctx.report({ span: step.run!.text?.sourceSpan(ref.word.start, ref.word.end) ?? step.run!.span, message: 'pushLatest', args: [ref.word.value] });
        }
      }
      const action = step.action?.id;
      if (action === 'docker/metadata-action' || action === 'crazy-max/ghaction-docker-meta') {
        const finding = metadataFinding(ctx.file, ctx.doc, step);
        if (finding) ctx.report({ span: finding.span, message: 'metadataNoSha', args: finding.args, ...(finding.fix ? { fix: finding.fix } : {}) });
        return;
      }
      const run = step.run;
      if (!run || !/\bset\s+image\b/.test(run.value)) return;
      for (const command of stepCommands(step)) {
        if (command.program !== 'kubectl' && command.program !== 'oc') continue;
        const at = command.args.findIndex((word, index) => word.value === 'set' && command.args[index + 1]?.value === 'image');
        if (at < 0) continue;
        for (const word of command.args.slice(at + 2)) {
          const equals = word.value.indexOf('=');
          if (word.value.startsWith('-') || equals < 0) continue;
          const image = word.value.slice(equals + 1);
          if (!floats(image)) continue;
          ctx.report({ span: run.text?.sourceSpan(word.start, word.end) ?? run.span, message: 'setImageLatest', args: [image] });
        }
      }
    },
  },
});

// The repositories every job together pushes only as `latest` (worked out from what each job's scripts push,
// cached by the job's text); each step reports its own pushes to them.
/**
 * The repositories every job together pushes only as `latest` (worked out from what each job's scripts push, cached by
 * the job's text); each step reports its own pushes to them.
 */
function latestOnlyRepositories(workflow: Workflow, _doc: YamlDoc, memo: Memo): LatestOnly {
  if (workflow.kind !== 'workflow') return NONE;
  const images = workflow.jobs.map((job) => jobImages(job, memo));
  const analyse = () => latestOnly(images.map((found, index) => found?.images ?? imagesOf(workflow.jobs[index]!, memo)));
  // The same analysis (the same object) while every job pushes the same: the engine then reuses the steps' findings.
  return images.every((found) => found !== undefined) ? memo.get(LATEST_ONLY, images.map((found) => found!.key).join('\u0000'), analyse) : analyse();
}

type Reporter = (report: { span: Span; message: 'containerLatest'; args: [string, string] } | { span: Span; message: 'matrixLatest'; args: [string, string, string] }) => void;

// `${{ matrix.image }}` as the whole image: the image is each of the matrix's values for that key.
const MATRIX_REFERENCE = /^\$\{\{\s*matrix\.([A-Za-z_][\w-]*)\s*\}\}$/;

function checkRunImage(node: Node | undefined, where: string, report: Reporter, job: Job, doc: YamlDoc): void {
  const image = scalarToString(node);
  if (!node || image === undefined) return;
  const reference = MATRIX_REFERENCE.exec(image.trim());
  if (reference) {
    // Each value written in the matrix is reported where it is written; an expression among them leaves all unjudged.
    const matrix = jobMatrix(job, doc);
    const values = matrix && matrixValues(matrix, doc, reference[1]!);
    for (const value of values ?? []) {
      const text = isScalar(value) && typeof value.value === 'string' ? value.value : undefined;
      if (text !== undefined && floats(text.replace(/^docker:\/\//, ''))) report({ span: spanOf(value), message: 'matrixLatest', args: [where, text, reference[1]!] });
    }
    return;
  }
  if (!floats(image.replace(/^docker:\/\//, ''))) return;
  report({ span: spanOf(node), message: 'containerLatest', args: [where, image] });
}

/** `:latest` or no tag at all, for an image written out in full (expressions and variables are not judged). */
function floats(image: string): boolean {
  if (image === '' || /[${}<>]/.test(image)) return false;
  const ref = parseImage(image);
  return ref.digest === undefined && (ref.tag === undefined || ref.tag === 'latest');
}

/** An image a script pushes or tags, with the word naming it (offsets into the script). */
interface ScriptRef {
  repository: string;
  tag: string | undefined;
  word: ShellWord;
}

/** What one script's `docker` commands push and tag, and the repositories it pushes with `--all-tags`. */
interface ScriptImages {
  pushed: ScriptRef[];
  tagged: ScriptRef[];
  allTags: string[];
}

// Every keystroke reads what every job pushes, but few scripts change: read each script's docker commands once.
const SCRIPT_IMAGES = new MemoSlot<ScriptImages>('imageTag.scriptImages');

/** A step's script when it may run `docker` in a shell. */
function shellScript(step: Step): string | undefined {
  const script = step.run?.value;
  return script !== undefined && /\bdocker\b/.test(script) && runsCommands(step.shell) ? script : undefined;
}

/** What a job's scripts push and tag (repository, and whether the tag is `latest` or none), and push with `--all-tags`. */
interface JobImages {
  pushed: { repository: string; latest: boolean }[];
  tagged: { repository: string; latest: boolean }[];
  allTags: string[];
}

/** Latest-only repositories: `pushes` when only direct pushes count, `all-tags` when a `--all-tags` push also pushes every tag made for it. */
type LatestOnly = Readonly<Record<string, 'pushes' | 'all-tags'>>;

const NONE: LatestOnly = Object.freeze(Object.create(null) as Record<string, 'pushes' | 'all-tags'>);
const LATEST_ONLY = new MemoSlot<LatestOnly>('imageTag.latestOnly', { limit: 8 });
const JOB_IMAGES = new MemoSlot<{ images: JobImages; key: string }>('imageTag.jobImages', { plain: true });

function jobImages(job: Job, memo: Memo): { images: JobImages; key: string } | undefined {
  const source = jobSource(job);
  if (!source) return undefined;
  // Steps without `shell:` read the workflow's `defaults:`, which lies outside the job's text.
  return memo.get(JOB_IMAGES, source.text, () => {
    const images = imagesOf(job, memo);
    return { images, key: JSON.stringify(images) };
  }, job.workflow.defaultShell ?? '');
}

function imagesOf(job: Job, memo: Memo): JobImages {
  const found: JobImages = { pushed: [], tagged: [], allTags: [] };
  if (!jobTextMayMatch(job, (source) => source.includes('docker'))) return found;
  const latest = (ref: ScriptRef) => ({ repository: ref.repository, latest: ref.tag === 'latest' || ref.tag === undefined });
  for (const step of job.steps) {
    const script = shellScript(step);
    if (script === undefined) continue;
    const images = memo.get(SCRIPT_IMAGES, script, scriptImages);
    for (const ref of images.pushed) found.pushed.push(latest(ref));
    for (const ref of images.tagged) found.tagged.push(latest(ref));
    for (const tag of images.allTags) found.allTags.push(tag);
  }
  return found;
}

// The repositories the workflow pushes from `run:` scripts only as `latest` (or with no tag).
function latestOnly(jobs: JobImages[]): LatestOnly {
  const allTags = new Set(jobs.flatMap((job) => job.allTags));
  const latest = new Map<string, boolean>();
  const push = (ref: { repository: string; latest: boolean }) => latest.set(ref.repository, (latest.get(ref.repository) ?? true) && ref.latest);
  for (const job of jobs) {
    job.pushed.forEach(push);
    // `docker push --all-tags repo` pushes every tag built or tagged for it.
    job.tagged.filter((ref) => allTags.has(ref.repository)).forEach(push);
  }
  const found: Record<string, 'pushes' | 'all-tags'> = Object.create(null) as Record<string, 'pushes' | 'all-tags'>;
  for (const [repository, only] of latest) if (only) found[repository] = allTags.has(repository) ? 'all-tags' : 'pushes';
  return found;
}

function scriptImages(script: string): ScriptImages {
  const images: ScriptImages = { pushed: [], tagged: [], allTags: [] };
  for (const command of scriptCommands(script)) {
    if (command.program !== 'docker') continue;
    let args = command.args;
    if (args[0]?.value === 'image' || args[0]?.value === 'buildx') args = args.slice(1);
    const sub = args[0]?.value;
    if (sub === 'push') {
      const all = args.some((word) => word.value === '-a' || word.value === '--all-tags');
      const target = args.slice(1).find((word) => !word.value.startsWith('-'));
      if (!target) continue;
      const ref = refOf(target.value, target);
      if (all) images.allTags.push(ref.repository);
      else images.pushed.push(ref);
    } else if (sub === 'build' || sub === 'b') {
      const refs = tagWords(args).map((word) => refOf(word.value, word));
      for (const ref of refs) images.tagged.push(ref);
      if (args.some((word) => word.value === '--push' || /^--output=.*type=registry|push=true/.test(word.value))) for (const ref of refs) images.pushed.push(ref);
    } else if (sub === 'tag') {
      const target = args.slice(1).filter((word) => !word.value.startsWith('-'))[1];
      if (target) images.tagged.push(refOf(target.value, target));
    }
  }
  return images;
}

function refOf(image: string, word: ShellWord): ScriptRef {
  const ref = parseImage(image);
  // Variables, expressions and digests are not `latest`: count them as a specific tag.
  const specific = /[$`{]/.test(image) || ref.digest !== undefined;
  return { repository: ref.repository, tag: specific ? (ref.tag ?? 'specific') : ref.tag, word };
}

function tagWords(args: ShellWord[]): ShellWord[] {
  const words: ShellWord[] = [];
  args.forEach((word, index) => {
    if ((word.value === '-t' || word.value === '--tag') && args[index + 1]) words.push(args[index + 1]!);
    else if (word.value.startsWith('--tag=') || word.value.startsWith('-t=')) words.push({ ...word, value: word.value.slice(word.value.indexOf('=') + 1) });
  });
  return words;
}

interface MetadataFinding {
  span: Span;
  /** Which builds get only moving tags, and those tags. */
  args: [string, string];
  fix?: { title: string; edits: TextEdit[] };
}

function metadataFinding(file: YamlFile, doc: YamlDoc, step: Step): MetadataFinding | undefined {
  if (!tagsAreUsed(file, step)) return undefined;
  const field = step.inputs.get('tags');
  const triggers = workflowTriggers(step.job.workflow, doc);
  const releasesOnly = runsOnlyForReleases(triggers);
  const builds = releasesOnly ? 'each release' : 'builds other than tag pushes';
  if (!field) {
    const uses = usesNode(step);
    if (!uses || METADATA_DEFAULT_TAGS.some((entry) => isImmutable(entry, releasesOnly))) return undefined;
    const moving = movingTags(METADATA_DEFAULT_TAGS, flavorLatest(step), triggers, releasesOnly);
    if (moving.length === 0) return undefined;
    // Spell out the defaults so adding the SHA tag keeps every tag the action made before.
    const block = ['|', ...METADATA_DEFAULT_TAGS.map((entry) => `  ${entry}`), '  type=sha,prefix=sha-'].join('\n');
    const edit = addStepInputs(file, step, [['tags', block]]);
    return { span: spanOf(uses), args: [builds, moving.join(', ')], ...(edit ? { fix: { title: "Add a 'type=sha,prefix=sha-' tag", edits: [edit] } } : {}) };
  }
  const tags = scalarToString(field.value);
  if (tags === undefined || !field.value || (tags.includes('${{') && !/github\.sha|head[._]sha/.test(tags))) return undefined;
  const entries = tags.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  if (entries.some((entry) => isImmutable(entry, releasesOnly))) return undefined;
  // Entries that tag nothing these builds make (version tags in a workflow that also builds branches) move nothing.
  const moving = movingTags(entries, flavorLatest(step), triggers, releasesOnly);
  if (moving.length === 0) return undefined;
  const edit = isScalar(field.value) ? appendLine(file, field.value, 'type=sha,prefix=sha-') : undefined;
  // A `|` block spans many lines: point at its key.
  const span = isScalar(field.value) && field.value.type === 'BLOCK_LITERAL' ? field.keySpan : spanOf(field.value);
  return { span, args: [builds, moving.join(', ')], ...(edit ? { fix: { title: "Add a 'type=sha,prefix=sha-' tag", edits: [edit] } } : {}) };
}

/** `flavor: latest=<auto|true|false>` (auto when not given, or when it cannot be read). */
function flavorLatest(step: Step): string {
  const flavor = scalarToString(step.inputs.get('flavor')?.value) ?? '';
  return /(?:^|[\s,])latest\s*=\s*(true|false)\b/m.exec(flavor)?.[1] ?? 'auto';
}

/** The attributes of one `tags:` entry (`type=ref,event=branch`); a field without `=` is the value of a raw tag. */
function entryAttributes(entry: string): Record<string, string> {
  const attributes: Record<string, string> = { type: 'raw' };
  for (const field of entry.split(',')) {
    const equals = field.indexOf('=');
    if (equals < 0) attributes.value = field.trim();
    else attributes[field.slice(0, equals).trim().toLowerCase()] = field.slice(equals + 1).trim();
  }
  return attributes;
}

/**
 * The tags that the builds in question (tag pushes when the workflow builds only releases, every other build
 * otherwise) get from these entries and each next build moves, as the message names them. What the action does
 * (its README, "Latest tag"): `type=ref,event=branch` tags the branch name, `event=pr` `pr-<number>`, `type=edge`
 * `edge`, `type=schedule` `nightly`; version entries (`type=semver`, `pep440`, `match`, `ref,event=tag`) tag only
 * git tags, and with `flavor: latest=auto` they alone add `latest`, on tag pushes; `latest=true` adds it to every build.
 */
function movingTags(entries: readonly string[], latest: string, triggers: Triggers, releasesOnly: boolean): string[] {
  const unknown = !triggers.complete || triggers.events.has('workflow_call');
  const runsOn = (event: string) => !releasesOnly && (unknown || triggers.events.has(event));
  // Builds of a branch ref: anything but pull requests, releases and tag pushes.
  const branchBuilds = !releasesOnly && (unknown || [...triggers.events].some(([name, filter]) => name !== 'pull_request' && !isReleaseOrTagEvent(name, filter)));
  const tags = new Set<string>();
  for (const entry of entries) {
    const attributes = entryAttributes(entry);
    if (attributes.enable === 'false') continue;
    const type = attributes.type;
    if (type === 'ref' && attributes.event === 'branch' && branchBuilds) tags.add('the branch name');
    else if (type === 'ref' && attributes.event === 'pr' && runsOn('pull_request')) tags.add(`'${attributes.prefix ?? 'pr-'}<number>'`);
    else if (type === 'edge' && branchBuilds) tags.add("'edge'");
    else if (type === 'schedule' && runsOn('schedule')) tags.add(`'${attributes.pattern ?? 'nightly'}'`);
    else if (type === 'raw' && attributes.value) tags.add(`'${attributes.value}'`);
  }
  if (latest === 'true' && tags.size > 0) tags.add("'latest'");
  return [...tags];
}

// A metadata step read only for its labels (push-by-digest builds tag elsewhere) names no image.
function tagsAreUsed(file: YamlFile, step: Step): boolean {
  const range = step.job.node.range;
  const jobText = range ? file.text.slice(range[0], range[1]) : file.text;
  if (/DOCKER_METADATA_OUTPUT_(TAGS|JSON)/.test(jobText)) return true;
  const id = scalarToString(step.fields.get('id')?.value);
  if (id === undefined) return false;
  // Plain string search: a regex built from the id breaks on ids too long to compile.
  const outputs = `steps.${id}.outputs.`;
  for (let at = jobText.indexOf(outputs); at >= 0; at = jobText.indexOf(outputs, at + 1)) {
    const after = at + outputs.length;
    if (/^(tags|json|bake-file)(?!\w)/.test(jobText.slice(after, after + 10))) return true;
  }
  return jobText.includes(`steps['${id}'].outputs`) || jobText.includes(`steps["${id}"].outputs`);
}

function isImmutable(entry: string, releasesOnly: boolean): boolean {
  return SHA_ENTRY.test(entry) || (releasesOnly && RELEASE_ENTRY.test(entry));
}

/** Adds a line at the end of a `|` block scalar, indented like its content. */
function appendLine(file: YamlFile, node: Scalar, line: string): TextEdit | undefined {
  if (node.type !== 'BLOCK_LITERAL' || !node.range) return undefined;
  const source = file.text.slice(node.range[0], node.range[1]);
  const trimmed = source.trimEnd();
  const lastBreak = trimmed.lastIndexOf('\n');
  if (lastBreak < 0) return undefined;
  const indent = /^[ \t]*/.exec(trimmed.slice(lastBreak + 1))![0];
  const end = node.range[0] + trimmed.length;
  return { start: end, end, newText: `${file.eol}${indent}${line}` };
}
