// Workflows of many jobs, built from the fixtures' own text, and random edits of them: inside a job, between
// jobs, in the header, and ones that change the file's shape (new jobs, dedents, anchors, tags, flow collections).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, ROOT } from './fixtures';

/** Every workflow fixture (bad ones too: they carry the most findings) and the ok workflows, as texts. */
export function workflowTexts(): string[] {
  const dir = join(FIXTURES, 'gha');
  const files = readdirSync(dir)
    .sort()
    .flatMap((rule) => readdirSync(join(dir, rule)).sort().filter((name) => !name.includes('.fixed.') && !name.startsWith('action.')).map((name) => join(dir, rule, name)));
  return [join(ROOT, 'test/ok/.github/workflows/ci.yml'), join(ROOT, 'test/ok/.github/workflows/release.yml'), ...files].map((path) => readFileSync(path, 'utf8'));
}

/** The lines after a workflow's `jobs:` line (its jobs, comments and all), or undefined. */
function jobLines(text: string): string | undefined {
  const at = text.search(/^jobs:[ \t]*\r?\n/m);
  if (at < 0) return undefined;
  const body = text.slice(text.indexOf('\n', at) + 1);
  // Keys after `jobs:` at the top level would end the jobs: keep only the jobs' part.
  const next = body.search(/^[^\s#]/m);
  return next < 0 ? body : body.slice(0, next);
}

/** A workflow of one fixture's header and the jobs of several others, each round's job ids made distinct. */
export function manyJobWorkflow(texts: readonly string[], next: () => number, parts: number): string {
  const head = texts[Math.floor(next() * texts.length)]!;
  let text = head.trimEnd() + '\n';
  if (!/^jobs:/m.test(text)) text += 'jobs:\n';
  for (let round = 1; round <= parts; round++) {
    const body = jobLines(texts[Math.floor(next() * texts.length)]!);
    if (body === undefined) continue;
    text += '\n' + body.replace(/^( {2})([A-Za-z_][\w-]*):/gm, `$1$2-${round}:`).trimEnd() + '\n';
  }
  return text;
}

/** A small deterministic generator (mulberry32), so a failure names a seed that reproduces it. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Typing, plus pieces that change a workflow's shape or meaning: new jobs and keys at every indentation, comments
// at every column, block scalars, flow collections, anchors, aliases, tags, document markers, tabs, needs, secrets.
const SNIPPETS = [
  'a', 'Z', '7', ' ', ':', '-', '#', '"', "'", '[', ']', '{', '}', '|', '>', '&', '*', '!', '\t', '\n', '\r\n', '\n  ', '\n    ', '\n      ',
  '\n# note\n', '\n  # note\n', '\n    # note\n', '\n\n', '\n---\n', '\n...\n', '\n%YAML 1.1\n',
  '\n  extra:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm install\n',
  '\n    needs: [build-1, test-2]\n', '\n    if: github.event_name == \'push\'\n', '\n    environment: production\n',
  '\n      - run: |\n          npm install\n          echo ${{ github.event.issue.title }}\n', '\n      - uses: actions/checkout@v4\n',
  '\n    permissions: write-all\n', '\n    timeout-minutes: 10\n', '\nenv:\n  AWS_SECRET_ACCESS_KEY: abc\n', '\non: pull_request_target\n',
  '\n      -', '\n      -\n', '\n    steps:', '\n    steps:\n', '\n  empty:', '\n  empty:\n',
  ' &base', ' *base', ' !!str', ' !custom', '<<: *base', ' { a: 1,\n b: 2 }', ' [x,\ny]', '"multi\n  line"', 'password: hunter2hunter2',
];

/**
 * One random edit: a few characters deleted (a quarter of the time), a whole line moved elsewhere (up to
 * `moveBelow`), or one of `snippets` inserted at a random offset.
 */
export function randomEdit(text: string, next: () => number, snippets: readonly string[], moveBelow: number): string {
  const at = Math.floor(next() * (text.length + 1));
  const choice = next();
  if (choice < 0.25 && text.length > 0) return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(next() * 12)));
  if (choice < moveBelow) {
    const lines = text.split('\n');
    const [line] = lines.splice(Math.floor(next() * lines.length), 1);
    lines.splice(Math.floor(next() * lines.length), 0, line ?? '');
    return lines.join('\n');
  }
  const snippet = snippets[Math.floor(next() * snippets.length)]!;
  return text.slice(0, at) + snippet + text.slice(at);
}

/** One random edit of a workflow: most typing happens inside a job, a few characters or a line at a time. */
export function editText(text: string, next: () => number): string {
  return randomEdit(text, next, SNIPPETS, 0.32);
}
