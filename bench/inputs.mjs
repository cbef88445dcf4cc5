// Deterministic benchmark inputs built from the project's own fixtures (never from the corpus):
// workflows of ~200 and ~3 000 lines, multi-document Kubernetes files of ~9 000 and ~28 000 lines, and a Helm chart
// template of ~1 000 lines (the test chart `test/fixtures/helm/api`'s deployment, document after document).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const YAML = require('yaml');

export const ROOT = join(import.meta.dirname, '..');

function fixtureFiles(group, name) {
  const dir = join(ROOT, 'test', 'fixtures', group);
  return readdirSync(dir).sort().map((rule) => join(dir, rule, name));
}

function readable(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Jobs of the ok workflows and every gha fixture's good.yaml, each as a plain object. */
function sourceJobs() {
  const paths = [join(ROOT, 'test/ok/.github/workflows/ci.yml'), join(ROOT, 'test/ok/.github/workflows/release.yml'), ...fixtureFiles('gha', 'good.yaml')];
  const sets = [];
  for (const path of paths) {
    const text = readable(path);
    if (text === undefined) continue;
    for (const doc of YAML.parseAllDocuments(text)) {
      const jobs = doc.errors.length === 0 ? doc.toJS()?.jobs : undefined;
      if (jobs && typeof jobs === 'object') sets.push(jobs);
    }
  }
  return sets;
}

/** A workflow of at least `lines` lines: ci.yml's header, then rounds of fixture jobs renamed `<id>-<round>-<fixture>`. */
export function workflowOf(lines) {
  const ci = readFileSync(join(ROOT, 'test/ok/.github/workflows/ci.yml'), 'utf8');
  let text = ci.slice(0, ci.indexOf('\njobs:') + 1) + 'jobs:\n';
  const sets = sourceJobs();
  for (let round = 1; text.split('\n').length < lines; round++) {
    for (const [index, jobs] of sets.entries()) {
      if (text.split('\n').length >= lines) break;
      const ids = new Set(Object.keys(jobs));
      // Ids unique across the whole file (fixtures share names such as `build`), as GitHub requires.
      const rename = (id) => (ids.has(id) ? `${id}-${round}-${index + 1}` : id);
      const renamed = {};
      for (const [id, job] of Object.entries(jobs)) {
        const copy = { ...job };
        if (typeof copy.needs === 'string') copy.needs = rename(copy.needs);
        else if (Array.isArray(copy.needs)) copy.needs = copy.needs.map(rename);
        renamed[rename(id)] = copy;
      }
      text += YAML.stringify(renamed, { indent: 2, lineWidth: 0 }).replace(/^(?=.)/gm, '  ');
    }
  }
  return text;
}

/** A multi-document Kubernetes file of at least `lines` lines: the ok manifests and every k8s good.yaml, round after round. */
export function kubernetesOf(lines) {
  const paths = [join(ROOT, 'test/ok/k8s/app.yaml'), join(ROOT, 'test/ok/k8s/rollout.yaml'), ...fixtureFiles('k8s', 'good.yaml')];
  const documents = [];
  for (const path of paths) {
    const text = readable(path);
    if (text === undefined) continue;
    for (const doc of YAML.parseAllDocuments(text)) if (doc.errors.length === 0 && doc.contents) documents.push(doc.toString({ lineWidth: 0 }).trimEnd());
  }
  const parts = [];
  let count = 0;
  for (let i = 0; count < lines; i++) {
    const doc = documents[i % documents.length];
    parts.push(doc);
    count += doc.split('\n').length + 1;
  }
  return parts.join('\n---\n') + '\n';
}

const CHART = join(ROOT, 'test', 'fixtures', 'helm', 'api');

/**
 * A chart template of at least `lines` lines: the fixture chart's deployment (helpers, `if` / `else`, `toYaml` of
 * values, defaults from its values.yaml) as one document after another; and the chart's other files, by path.
 */
export function chartTemplateOf(lines) {
  const template = readFileSync(join(CHART, 'templates', 'deployment.yaml'), 'utf8').replace(/ # expect: .*$/gm, '').trimEnd();
  const parts = [];
  for (let count = 0; count < lines; count += template.split('\n').length + 1) parts.push(template);
  const files = {};
  for (const name of ['Chart.yaml', 'values.yaml', 'templates/_helpers.tpl']) files[`chart/${name}`] = readFileSync(join(CHART, name), 'utf8');
  return { text: parts.join('\n---\n') + '\n', files };
}

export function benchInputs() {
  const chart = chartTemplateOf(1000);
  return [
    { name: 'workflow, 200 lines', path: '.github/workflows/small.yml', kind: 'workflow', text: workflowOf(200) },
    { name: 'workflow, 3 000 lines', path: '.github/workflows/large.yml', kind: 'workflow', text: workflowOf(3000) },
    { name: 'Kubernetes, 9 000 lines', path: 'k8s/medium.yaml', kind: 'k8s', text: kubernetesOf(9000) },
    { name: 'Kubernetes, 28 000 lines', path: 'k8s/large.yaml', kind: 'k8s', text: kubernetesOf(28000) },
    // Every edit changes the findings: an image tag in the middle toggled between a version and `latest`.
    { name: 'Kubernetes, 28 000 lines, image tag toggled', path: 'k8s/toggled.yaml', kind: 'k8s', text: kubernetesOf(28000), toggle: true },
    // A chart's template with its values.yaml and helpers written beside it (the defaults are read from the workspace).
    { name: 'Helm template, 1 000 lines', path: 'chart/templates/large.yaml', kind: 'helm', text: chart.text, files: chart.files },
  ];
}

/** The image tag nearest the middle of the text (`image: repo:tag`): where it starts, and the tag. */
export function imageTagSpot(text) {
  const all = [...text.matchAll(/^[ \t-]*image: [^\s:]+:([\w.-]+)$/gm)].map((match) => ({ offset: match.index + match[0].length - match[1].length, tag: match[1] }));
  const spot = all.find((candidate) => candidate.offset >= text.length / 2 && candidate.tag !== 'latest');
  if (!spot) throw new Error('no versioned image to toggle');
  return spot;
}

/**
 * Where the typing happens: the end of a plain `name:` value near the start, the middle and the end of the file.
 * Returns offsets (into the original text) at which characters are appended.
 */
export function typingSpots(text) {
  const spots = [];
  const pattern = /^[ \t-]*name: [A-Za-z][\w.-]*$/gm;
  const all = [...text.matchAll(pattern)].map((match) => match.index + match[0].length);
  if (all.length === 0) throw new Error('no name: line to type into');
  for (const fraction of [0, 0.5, 1]) spots.push(all[Math.min(all.length - 1, Math.floor(fraction * (all.length - 1)))]);
  return spots;
}
