import type { TextEdit } from '../../engine/core/finding';
import { defineRule } from '../../engine/core/rule';
import { replaceScalar } from '../../engine/edits/yamlEdit';
import { closeHostedLabel, labelKind, labelOs, type LabelKind } from '../../engine/model/hostedRunners';
import { entryFields, isExpression, jobMatrix, matrixValues, plainValue } from '../../engine/model/matrix';
import type { Job } from '../../engine/model/workflow';
import { isMap, isScalar, isSeq, mapFields, seqItems, spanOf, type Node, type Scalar, type YamlDoc } from '../../engine/yaml/yamlFile';

/**
 * One label a job asks for, with the node it is written in (in `runs-on`, or a matrix value `runs-on` reads: then
 * `matrix` is the key and the value, a label or a list of labels, that holds it).
 */
interface Label {
  node: Scalar;
  name: string;
  kind: LabelKind;
  matrix?: { key: string; value: Node };
}

// `${{ matrix.os }}` as a whole `runs-on` entry: the labels are the matrix's values for that key.
const MATRIX_REFERENCE = /^\$\{\{\s*matrix\.([A-Za-z_][\w-]*)\s*\}\}$/;

export default defineRule({
  id: 'gha/runner-label',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['lead-time'],
  capabilities: ['continuous-integration'],
  // Another image can have other tools and versions installed: a behaviour change, so only offered.
  fixable: 'suggestion',
  messages: {
    retired: (label: string, date: string, successor: string, source: string) =>
      `'${label}' names a GitHub-hosted image retired on ${date} (${source}): no runner carries it any more, so the job fails without running. Move to a current image such as '${successor}'.`,
    conflict: (label: string, other: string) =>
      `'${label}' and '${other}' in one 'runs-on' ask for a runner with both labels, but a GitHub-hosted runner carries only its own image's label: none matches and the job never starts. To run on each, use a matrix.`,
    osConflict: (label: string, os: string, other: string, otherOs: string) =>
      `'${label}' asks for a self-hosted ${os} runner and '${other}' names a GitHub-hosted ${otherOs} image: no runner is both, so the job never starts. To run on each, use a matrix.`,
    unknown: (label: string) =>
      `'${label}' is not a GitHub-hosted runner label, a larger runner's usual name or a known runner vendor's label: if no runner of yours carries it, the job waits for one and never starts. If your own runners carry it, list it under 'selfHostedRunnerLabels' in .shipcheck.yaml.`,
    typo: (label: string, meant: string) => `'${label}' is not a GitHub-hosted runner label: did you mean '${meant}'? As written, the job waits for a runner that never comes.`,
    empty: () => 'An empty runner label matches no runner: the job never starts.',
  },
  docs: {
    summary: 'Ask for runner labels that exist: no retired GitHub-hosted images, no labels no runner carries.',
    rationale:
      'A job runs only on a runner that carries every label in its `runs-on`. GitHub retires its hosted images on announced dates (`ubuntu-20.04` on 2025-04-15, `windows-2019` on 2025-06-30, `macos-13` on 2025-12-04, `macos-14` on 2026-11-02); from then on a job naming one is failed without running, often in a workflow nobody has touched for months (a release or a nightly build). A hosted runner also carries only its own image\'s label, so two hosted labels in one `runs-on` never match, nor does a hosted image beside a self-hosted runner\'s label for another OS (`[ubuntu-latest, windows]`, without `self-hosted`). A misspelt label (`ubuntu-lastest`) waits in the queue until it times out.',
    symptom:
      'The job fails at once with "The job was not started because the runner image … has been retired" (or "…is not supported"), or sits "Waiting for a runner to pick up this job" for a day and is cancelled.',
    fix: 'Replace a retired label with a current image (the suggestion offers the nearest one, pinned like yours: `ubuntu-20.04` → `ubuntu-24.04`, `windows-2019` → `windows-2022`, `macos-13` → `macos-15-intel`; a matrix value is renamed in the `include` and `exclude` entries that name it too, and not at all when the matrix already has the successor). Use a matrix to run on several images. In the `strict` preset the rule also notes (as info) labels that are neither GitHub-hosted, nor a larger runner\'s usual name (`ubuntu-24.04-16core`), nor a known vendor\'s (Depot, Blacksmith, BuildJet, Namespace, Ubicloud, WarpBuild, RunsOn, Cirrus …): list your own runners\' labels under `selfHostedRunnerLabels` in `.shipcheck.yaml`. Jobs that ask for `self-hosted` (or `linux`, `x64` … which only self-hosted runners carry), a runner `group:`, or a label from an expression the rule cannot read are left alone.',
    bad: `on: push
jobs:
  test:
    runs-on: ubuntu-20.04
    steps:
      - run: make test
`,
    good: `on: push
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - run: make test
  gpu:
    runs-on: [self-hosted, gpu]
    steps:
      - run: make bench
`,
  },
  scope: 'job',
  visit: {
    job(job, ctx) {
      if (job.synthetic || job.call !== undefined) return;
      let field = job.fields.get('runs-on');
      let runsOn = field?.value;
      if (isMap(runsOn)) {
        const fields = mapFields(ctx.doc, runsOn);
        // A runner group holds self-hosted or larger runners whose labels only its owner knows.
        if (fields.has('group')) return;
        field = fields.get('labels');
        runsOn = field?.value;
      }
      // `runs-on:` (or `labels:`) with nothing after it asks for an empty label too; the key is what there is to point at.
      if (field && isScalar(runsOn) && runsOn.value === null && !/\S/.test(String(runsOn.source ?? ''))) {
        ctx.report({ span: field.keySpan, message: 'empty', args: [] });
        return;
      }
      const entries = isSeq(runsOn) ? seqItems(ctx.doc, runsOn) : runsOn ? [runsOn] : [];
      const own = new Set((ctx.project.selfHostedRunnerLabels ?? []).map((label) => label.toLowerCase()));
      const literal: Label[] = [];
      const fromMatrix: Label[][] = [];
      for (const entry of entries) {
        if (!isScalar(entry) || (typeof entry.value !== 'string' && typeof entry.value !== 'number')) continue;
        const text = String(entry.value);
        const reference = MATRIX_REFERENCE.exec(text.trim());
        if (reference) {
          const sets = matrixLabelSets(job, ctx.doc, reference[1]!);
          if (sets === undefined) return;
          fromMatrix.push(...sets);
        } else if (isExpression(entry)) {
          // Other expressions decide the runner at run time (and may well add `self-hosted`).
          return;
        } else {
          literal.push(label(entry));
        }
      }
      // An empty label matches no runner, self-hosted or not.
      for (const item of literal) if (item.name.trim() === '') ctx.report({ span: spanOf(item.node), message: 'empty', args: [] });
      const sets = fromMatrix.length > 0 ? fromMatrix.map((set) => [...literal, ...set]) : [literal];
      const reported = new Set<Scalar>();
      for (const set of sets) {
        if (set.some((item) => own.has(item.name.toLowerCase()))) continue;
        // A self-hosted OS label beside a hosted image of another OS (`[ubuntu-latest, windows]`), without 'self-hosted'.
        if (!set.some((item) => item.name.trim().toLowerCase() === 'self-hosted')) {
          const image = set.find((item) => (item.kind.kind === 'hosted' || item.kind.kind === 'retired') && labelOs(item.name) !== undefined);
          const imageOs = image && labelOs(image.name);
          for (const item of set) {
            const os = item.kind.kind === 'self-hosted' ? labelOs(item.name) : undefined;
            if (!image || !os || os === imageOs || reported.has(item.node)) continue;
            reported.add(item.node);
            ctx.report({ span: spanOf(item.node), message: 'osConflict', args: [item.name, OS_NAMES[os], image.name, OS_NAMES[imageOs!]] });
          }
        }
        if (set.some((item) => item.kind.kind === 'self-hosted')) continue;
        let firstHosted: Label | undefined;
        for (const item of set) {
          if (reported.has(item.node)) continue;
          const { kind } = item;
          if (kind.kind === 'retired' || kind.kind === 'hosted') {
            if (firstHosted && firstHosted.name.toLowerCase() !== item.name.toLowerCase()) {
              reported.add(item.node);
              ctx.report({ span: spanOf(item.node), message: 'conflict', args: [item.name, firstHosted.name] });
              continue;
            }
            firstHosted ??= item;
          }
          if (kind.kind === 'retired') {
            reported.add(item.node);
            const edits = renameEdits(item, kind.image.successor, job, ctx.doc);
            ctx.report({
              span: spanOf(item.node),
              message: 'retired',
              args: [item.name, kind.image.retired, kind.image.successor, kind.image.source],
              ...(edits ? { fix: { title: `Use '${kind.image.successor}'`, edits } } : {}),
            });
          } else if (kind.kind === 'unknown' && ctx.preset !== 'recommended') {
            reported.add(item.node);
            const span = spanOf(item.node);
            if (item.name.trim() === '') continue;
            const meant = closeHostedLabel(item.name);
            const edits = meant === undefined ? undefined : renameEdits(item, meant, job, ctx.doc);
            if (meant === undefined) ctx.report({ span, message: 'unknown', args: [item.name], severity: 'info' });
            else ctx.report({ span, message: 'typo', args: [item.name, meant], severity: 'info', ...(edits ? { fix: { title: `Use '${meant}'`, edits } } : {}) });
          }
        }
      }
    },
  },
});

const OS_NAMES = { linux: 'Linux', windows: 'Windows', macos: 'macOS' } as const;

function label(node: Scalar): Label {
  const name = String(node.value);
  return { node, name, kind: labelKind(name) };
}

/**
 * The label sets `runs-on: ${{ matrix.<key> }}` stands for: one per value (a label, or a list of them); undefined when
 * the values are not all written out.
 */
function matrixLabelSets(job: Job, doc: YamlDoc, key: string): Label[][] | undefined {
  const matrix = jobMatrix(job, doc);
  const values = matrix && matrixValues(matrix, doc, key);
  if (!values) return undefined;
  const sets: Label[][] = [];
  for (const value of values) {
    const items: Node[] = isSeq(value) ? seqItems(doc, value) : [value];
    const set: Label[] = [];
    for (const item of items) {
      // A mapping (`os: { runner: … }`) is read through another key; leave such matrices alone.
      if (!isScalar(item) || (typeof item.value !== 'string' && typeof item.value !== 'number')) return undefined;
      set.push({ ...label(item), matrix: { key, value } });
    }
    sets.push(set);
  }
  return sets;
}

/**
 * The edits that rename a label to `name`. A matrix value is renamed where the matrix's `include` and `exclude` entries
 * name it too (they match combinations by value; left as they were, an excluded combination would run again); an
 * `include` entry's value that no row has is its own combination. Undefined when the renamed value would be one the key
 * already has, or will have once the other retired or misspelt labels are renamed (the row would list it twice, or an
 * `include` entry would join other combinations): GitHub compares values by their text, runners labels ignoring case.
 */
function renameEdits(label: Label, name: string, job: Job, doc: YamlDoc): TextEdit[] | undefined {
  const edit = replaceScalar(label.node, name);
  const origin = label.matrix;
  const matrix = origin && jobMatrix(job, doc);
  if (!edit || !origin || !matrix) return edit && [edit];
  const before = plainValue(doc, origin.value);
  const after = renamedValue(doc, origin.value, (node) => (node === label.node ? name : undefined));
  if (before === undefined || after === undefined) return undefined;
  const same = (value: Node): boolean => sameText(plainValue(doc, value), before, false);
  const clash = (value: unknown): boolean => sameText(value, after, true);
  // Values written as this one is are renamed with it (below) or by their own fix (another `include` combination).
  const others = (matrixValues(matrix, doc, origin.key) ?? []).filter((value) => !same(value));
  if (others.some((value) => clash(plainValue(doc, value)) || clash(renamedValue(doc, value, replacementOf)))) return undefined;
  const row = matrix.rows.find((candidate) => candidate.key.toLowerCase() === origin.key.toLowerCase());
  const inRow = Array.isArray(row?.values) ? row.values.filter(same) : [];
  // Written twice in the row, the value would be renamed once: leave the choice to whoever reads it.
  if (inRow.length > 1) return undefined;
  if (inRow.length === 0) return [edit];
  const values = [...inRow];
  for (const entries of [matrix.include, matrix.exclude]) {
    if (entries.kind !== 'list') continue;
    for (const item of entries.items) {
      const value = [...(entryFields(doc, item) ?? [])].find(([key]) => key.toLowerCase() === origin.key.toLowerCase())?.[1].value;
      if (value && same(value)) values.push(value);
    }
  }
  const position = isSeq(origin.value) ? seqItems(doc, origin.value).indexOf(label.node) : -1;
  const edits = [edit];
  const renamed = new Set<Node>([label.node]);
  for (const value of values) {
    const target = position < 0 ? value : isSeq(value) ? seqItems(doc, value)[position] : undefined;
    if (target && renamed.has(target)) continue;
    const targetEdit = isScalar(target) ? replaceScalar(target, name) : undefined;
    if (!targetEdit) return undefined;
    renamed.add(target!);
    edits.push(targetEdit);
  }
  return edits;
}

/** What the rule's fixes rename a label to: a retired image's successor, a misspelt label's nearest hosted one. */
function replacementOf(node: Scalar): string | undefined {
  if (typeof node.value !== 'string') return undefined;
  const kind = labelKind(node.value);
  return kind.kind === 'retired' ? kind.image.successor : kind.kind === 'unknown' ? closeHostedLabel(node.value) : undefined;
}

/** A matrix value (a label, or a list of them) as plain data with some labels renamed. */
function renamedValue(doc: YamlDoc, value: Node, rename: (node: Scalar) => string | undefined): unknown {
  if (isScalar(value)) return rename(value) ?? plainValue(doc, value);
  if (isSeq(value)) return seqItems(doc, value).map((item) => (isScalar(item) ? (rename(item) ?? plainValue(doc, item)) : plainValue(doc, item)));
  return plainValue(doc, value);
}

/** Whether two matrix values are the same: scalars by their text (and, for labels, ignoring case), lists item by item. */
function sameText(a: unknown, b: unknown, ignoreCase: boolean): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => sameText(item, b[index], ignoreCase));
  if ((a !== null && typeof a === 'object') || (b !== null && typeof b === 'object')) return JSON.stringify(a) === JSON.stringify(b);
  return ignoreCase ? String(a).toLowerCase() === String(b).toLowerCase() : String(a) === String(b);
}
