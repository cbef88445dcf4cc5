// What each peer's own tests assert, read from their files into three shapes: a finding at a line (zizmor,
// gha-hazmat, actionlint), a finding on an object (kube-linter), a file that fails or passes a check (kube-score,
// Polaris). Pure functions of the files' text, so they are tested without the peers folder.

/** A finding the peer asserts at a line of a file (1-based). */
export interface LineExpectation {
  file: string;
  line: number;
  check: string;
  /** zizmor's personas that report it (`regular` is its default); absent for peers without personas. */
  personas?: readonly string[];
}

/** A finding the peer asserts on an object of a file, as far as its message tells (kind, name, container). */
export interface ObjectExpectation {
  file: string;
  check: string;
  kind?: string;
  name?: string;
  container?: string;
}

/** A file the peer's tests say fails a check (`fails`), or passes it. */
export interface FileExpectation {
  file: string;
  check: string;
  fails: boolean;
}

/** zizmor's `expected.tsv` (file, line, audit, level, personas, message), paths prefixed with `prefix`. */
export function parseZizmorExpected(text: string, source: string, prefix = ''): { rows: LineExpectation[]; errors: string[] } {
  const rows: LineExpectation[] = [];
  const errors: string[] = [];
  const lines = text.split('\n');
  if (!/^file\tline\taudit\tlevel\tpersonas\tmessage\r?$/.test(lines[0] ?? '')) errors.push(`${source}:1: the header is file, line, audit, level, personas, message`);
  for (const [index, raw] of lines.slice(1).entries()) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const [file = '', number = '', audit = '', , personas = ''] = line.split('\t');
    if (!/^\d+$/.test(number) || file === '' || audit === '') errors.push(`${source}:${index + 2}: not a row of file, line, audit, …`);
    else rows.push({ file: prefix + file, line: Number(number), check: audit, personas: personas.split(',').filter((persona) => persona !== '') });
  }
  return { rows, errors };
}

// `test.yaml:12:5: message [kind]`, or the same as a regular expression: `/test\.yaml:12:5: message .+ \[kind\]/`.
const GOLDEN_LINE = /^\/?[^:]+:(\d+):(\d+): .*?\\?\[([a-z0-9-]+)\\?\]\/?$/;

/** An actionlint golden file (`x.out`, for `file`): one error a line, `file:line:col: message [kind]`. */
export function parseActionlintGolden(text: string, file: string): { rows: LineExpectation[]; unread: string[] } {
  const rows: LineExpectation[] = [];
  const unread: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const match = GOLDEN_LINE.exec(line);
    if (match) rows.push({ file, line: Number(match[1]), check: match[3]! });
    else unread.push(line);
  }
  return { rows, unread };
}

interface KubeLinterRow {
  test: string;
  file: string | null;
  check: string | null;
  count: number | null;
  msgs: string[];
}

// `Deployment: …`, `Job bad-job: …`; a container as `container "app"` or `container app mounts`.
const OBJECT_PREFIX = /^([A-Z][A-Za-z]*)(?: ([a-z0-9][a-z0-9.-]*))?: /;
const CONTAINER = /\bcontainer (?:"([^"]+)"|([a-z0-9][a-z0-9.-]*)\b)/;

/**
 * kube-linter's `expected.json` (the bats tests: test, file, check, count, msgs): one expectation per finding counted,
 * with the object and container its message names; tests of templates and flags (no built-in check) are left out.
 * Paths are made relative to the kube-linter folder (`tests/checks/x.yml` → `checks/x.yml`).
 */
export function parseKubeLinterExpected(json: string): { rows: ObjectExpectation[]; leftOut: string[] } {
  const rows: ObjectExpectation[] = [];
  const leftOut: string[] = [];
  for (const entry of JSON.parse(json) as KubeLinterRow[]) {
    if (!entry.check || !entry.file) {
      leftOut.push(entry.test);
      continue;
    }
    const file = entry.file.replace(/^tests\//, '');
    const count = Math.max(entry.count ?? 0, entry.msgs.length);
    for (let index = 0; index < count; index++) {
      const message = entry.msgs[index];
      const row: ObjectExpectation = { file, check: entry.check };
      const object = message === undefined ? null : OBJECT_PREFIX.exec(message);
      if (object) {
        row.kind = object[1]!;
        if (object[2]) row.name = object[2];
        const container = CONTAINER.exec(message!.slice(object[0].length));
        if (container) row.container = container[1] ?? container[2]!;
      }
      rows.push(row);
    }
  }
  return { rows, leftOut };
}

interface KubeScoreRow {
  src: string;
  files: string[];
  check: string;
  grade: string;
}

/** kube-score's `expected.json` (src, files, check, grade): a file fails unless its grade is AllOK. Paths under `score/testdata/`. */
export function parseKubeScoreExpected(json: string, testdata: readonly string[] = []): FileExpectation[] {
  const seen = new Set<string>();
  const rows: FileExpectation[] = [];
  for (const entry of JSON.parse(json) as KubeScoreRow[]) {
    for (const name of entry.files.flatMap((name) => namesOf(name, testdata))) {
      const row = { file: `score/testdata/${name}`, check: entry.check, fails: entry.grade !== 'AllOK' };
      const key = `${row.file}\0${row.check}\0${row.fails}`;
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push(row);
    }
  }
  return rows;
}

/**
 * A name that starts with '-' is the tail of one built in a loop (`"cronjob-"+v+"-deadline-not-set.yaml"` over API
 * versions), which the extraction could not evaluate: it stands for every testdata file that ends with it.
 */
function namesOf(name: string, testdata: readonly string[]): string[] {
  return name.startsWith('-') ? testdata.filter((file) => !file.includes('/') && file.endsWith(name)) : [name];
}

/** Polaris's `test-checks/<check>/` files: `failure*.yaml` must fail the check, `success*.yaml` pass it; others (`mutated*`) are not tests of it. */
export function polarisExpectation(check: string, fileName: string): FileExpectation | undefined {
  if (!/\.ya?ml$/.test(fileName)) return undefined;
  const file = `test-checks/${check}/${fileName}`;
  if (fileName.startsWith('failure')) return { file, check, fails: true };
  if (fileName.startsWith('success')) return { file, check, fails: false };
  return undefined;
}
