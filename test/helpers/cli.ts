import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';
import { RULES } from '../../server/src/rules/index';

// Compiled to out/test/cli/; the CLI is the bundle `npm test` builds into dist/.
export const CLI = path.resolve(__dirname, '../../../dist/cli.js');
export const REPO = path.resolve(__dirname, '../../..');

/** The rules the CLI tests are written against; others (added later) are turned off in each workspace. */
export const TESTED_RULES = ['gha/npm-ci', 'k8s/image-tag', 'k8s/probe-identical'];

/** A `.shipcheck.yaml` that turns on every rule of `only` (the strict preset) and off every other (and adds `extra` lines). */
export function onlyRules(only: readonly string[] = TESTED_RULES, extra = ''): string {
  const off = RULES.filter((rule) => !only.includes(rule.id)).map((rule) => `  ${rule.id}: off\n`);
  // Strict: the tested rules are on whatever the default preset says of them.
  return `preset: strict\nrules:\n${off.join('') || '  {}\n'}${extra}`.replace('rules:\n  {}\n', 'rules: {}\n');
}

const temporaryDirectories: string[] = [];
after(() => {
  for (const directory of temporaryDirectories) fs.rmSync(directory, { recursive: true, force: true });
});

/** A fresh directory holding the given files (paths relative to it), with a `.shipcheck.yaml` keeping the tested rules only unless one is given. */
export function workspace(files: Record<string, string | Buffer>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-cli-'));
  temporaryDirectories.push(root);
  const all: Record<string, string | Buffer> = { '.shipcheck.yaml': onlyRules(), ...files };
  for (const [name, content] of Object.entries(all)) {
    const file = path.join(root, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return root;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function shipcheck(cwd: string, ...args: string[]): Run {
  return shipcheckWith({ cwd }, ...args);
}

export function shipcheckWith(options: { cwd: string; input?: string | Buffer; env?: NodeJS.ProcessEnv }, ...args: string[]): Run {
  const env = options.env ?? withoutColour(process.env);
  // spawnSync stops a child at 1 MiB of output by default: SARIF over every fixture is more.
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: options.cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, input: options.input ?? '', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function withoutColour(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.FORCE_COLOR;
  delete copy.NO_COLOR;
  return copy;
}

export interface JsonFinding {
  file: string;
  ruleId: string;
  messageId: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fixable: string | null;
}

export interface JsonReport {
  findings: JsonFinding[];
  skipped: { file: string; reason: string }[];
  fixed: number;
  diffs?: { file: string; diff: string }[];
}

export function json(run: Run): JsonReport {
  return JSON.parse(run.stdout) as JsonReport;
}

export const WORKFLOW = `# CI for the app
name: ci
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm install   # install deps
      - run: npm test
`;

export const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:latest
`;

export const BRANCH_TAGGED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: side
spec:
  containers:
    - name: side
      image: ghcr.io/acme/side:main
`;
