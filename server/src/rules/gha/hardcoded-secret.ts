import type { Span } from '../../engine/core/finding';
import type { Job } from '../../engine/model/workflow';
import { defineRule, type RuleContext } from '../../engine/core/rule';
import { scalarText } from '../../engine/yaml/scalarText';
import { isMap, isScalar, isSeq, type Node, type Scalar, scalarToString, spanOf, type YAMLMap } from '../../engine/yaml/yamlFile';

/** Token shapes that are credentials whatever the key is called. */
const SHAPES: { kind: string; pattern: RegExp }[] = [
  { kind: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { kind: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{50,})\b/g },
  { kind: 'a Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/g },
  { kind: 'a private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?=[\s\\n]*[A-Za-z0-9+/=]{40})/g },
];
// Text each shape starts with: one scan that rules them all out for almost every scalar (`matchAll` per shape is slow).
const SHAPE_START = /AKIA|ASIA|gh[pousr]_|github_pat_|xox[abprs]-|-----BEGIN /;
// Keys whose value is a credential: PASSWORD, DB_PASSWORD, API_KEY, github-token, client_secret …
const SECRET_NAME = /(?:^|[_-])(?:pass(?:word|wd)?|secret(?:[_-]?key)?|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|auth[_-]?key|client[_-]?secret)$/i;
// Parents whose keys name values handed to programs.
const VALUE_MAPS = new Set(['env', 'with', 'credentials', 'secrets']);
// Sibling values that show the credential is for a service started by the job itself.
const LOCAL = /localhost|127\.0\.0\.1|0\.0\.0\.0|\bexample\.com\b|\bminio\b/i;
// `<[^<>]*>`, not `<[^>]*>`: the same test (is a `<` followed by a `>`?) without rescanning to the end from every `<`.
const PLACEHOLDER = /example|dummy|change[_-]?me|placeholder|your[_-]|fake|sample|redacted|test|random|p[a@]ss?w[o0]rd|<[^<>]*>|xxx|\*\*\*|\.\.\.|^(secret|password|pass|token|none|null|foo|bar|admin|root|postgres|mysql|mongo|redis|guest|user|local|dev|ci)$/i;

const messages = {
  shape: (kind: string, masked: string) => `This looks like ${kind} ('${masked}') written into the workflow: everyone who can read the repository, its forks and its history has it. Revoke it and use a secret.`,
  named: (name: string, masked: string) => `'${name}' is set to a literal value ('${masked}'): anyone who can read the repository can use it. Move it to an encrypted secret: '\${{ secrets.${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')} }}'.`,
  throwaway: (name: string, where: string) =>
    `'${name}' is a literal ${where}. Fine for a throwaway test service; if anything outside this job accepts it, use a secret.`,
};

export default defineRule({
  id: 'gha/hardcoded-secret',
  presets: { recommended: 'off', strict: 'error' },
  dora: ['change-failure-rate'],
  capabilities: ['shift-left-security'],
  fixable: false,
  messages,
  docs: {
    summary: 'Keep credentials out of workflow files: reference encrypted secrets instead.',
    rationale:
      'A workflow file is source code: it is visible to everyone who can read the repository, copied into every fork and kept forever in git history, so a credential written there is leaked the moment it is pushed. GitHub\'s encrypted secrets are masked in logs, withheld from forks\' pull requests, and can be rotated without touching history. Token shapes that are almost never anything else (AWS key ids, GitHub and Slack tokens, private-key blocks) are errors; literal values of keys named like a password or token are warnings; literal credentials of throwaway test services (a `services:` container\'s own env, the same value handed to a step, or a value next to a local endpoint such as `localhost`) are only hints. A literal registry password (`credentials.password` of a job\'s `container` or of a service) is a warning whatever it looks like: GitHub logs in with it before the job starts, so it is a real credential or a login that fails.',
    symptom:
      'Unexpected API calls or cloud bills from a key you thought was private; GitHub secret scanning or the provider revokes the token and builds suddenly fail authentication.',
    fix: 'Revoke the credential (it is in history already), store the new one under Settings → Secrets and variables → Actions, and reference it: `${{ secrets.NAME }}`. Better still, use OIDC and no stored credential at all. Empty values, `${{ }}` references and obvious placeholders (`changeme`, `example`, `<token>`…) are not flagged.',
    bad: `on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: npm publish
        env:
          NPM_TOKEN: npm_4f9aQ2xL7kWc8RtZb1MnVy3Hs6Dp0GqJ
`,
    good: `on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: npm publish
        env:
          NPM_TOKEN: \${{ secrets.NPM_TOKEN }}
`,
  },
  scope: 'job',
  visit: {
    // Everything outside the jobs the `job` hook scans: top-level entries, and under `jobs:` what is no job of its own.
    workflow(workflow, ctx) {
      const scanned = new Set<Node>(workflow.jobs.filter(scansOwnNode).map((job) => job.node));
      walk(workflow.node, [], undefined, { ctx, serviceValues: once(() => serviceEnvValues(workflow.jobs)), skip: scanned });
    },
    // A job's own subtree, so that its findings depend on nothing outside the job.
    job(job, ctx) {
      if (!scansOwnNode(job)) return;
      walk(job.node, ['jobs', job.id], undefined, { ctx, serviceValues: once(() => serviceEnvValues([job])), skip: undefined });
    },
  },
});

/**
 * Whether the `job` hook scans this job's mapping. Not a composite action's steps (the workflow hook scans the whole
 * action), nor a job whose mapping is an alias of one written earlier (`build: *base`): it is scanned where it is written.
 */
function scansOwnNode(job: Job): boolean {
  return !job.synthetic && (job.node.range?.[0] ?? -1) > job.idSpan.start;
}

/** Literal env values of the jobs' `services:` containers. */
/** A value worked out when first asked for. */
function once<T>(compute: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= compute());
}

function serviceEnvValues(jobs: Job[]): Set<string> {
  const values = new Set<string>();
  for (const job of jobs) {
    const services = job.fields.get('services')?.value;
    if (!isMap(services)) continue;
    for (const service of services.items) {
      const env = isMap(service.value) ? service.value.get('env', true) : undefined;
      if (!isMap(env)) continue;
      for (const pair of env.items) {
        const literal = scalarToString(pair.value);
        if (literal) values.add(literal.trim());
      }
    }
  }
  return values;
}

interface Walk {
  ctx: RuleContext<typeof messages>;
  /** Literal env values of `services:` containers: the same password in a step's env is the test database's (read only for a literal that looks like a secret). */
  serviceValues: () => Set<string>;
  /** Mappings scanned elsewhere (by the `job` hook). */
  skip: Set<Node> | undefined;
}

/** `path` is the keys down to `node` (`[]` for a sequence item); it is pushed to and popped back, not copied. */
function walk(node: Node | null | undefined, path: string[], parent: YAMLMap | undefined, state: Walk): void {
  if (isMap(node)) {
    if (state.skip?.has(node)) return;
    for (const pair of node.items) {
      const key = scalarToString(pair.key);
      if (key === undefined) continue;
      path.push(key);
      walk(pair.value as Node | null, path, node, state);
      path.pop();
    }
  } else if (isSeq(node)) {
    path.push('[]');
    for (const item of node.items) walk(item as Node | null, path, undefined, state);
    path.pop();
  } else if (isScalar(node) && typeof node.value === 'string') {
    checkScalar(node, path, parent, state);
  }
}

function checkScalar(node: Scalar<unknown>, path: string[], siblings: YAMLMap | undefined, { ctx, serviceValues }: Walk): void {
  const value = node.value as string;
  let shaped = false;
  for (const { kind, pattern } of SHAPE_START.test(value) ? SHAPES : []) {
    for (const match of value.matchAll(pattern)) {
      const found = match[0];
      if (PLACEHOLDER.test(found) || /(.)\1{7,}/.test(found)) continue;
      const text = scalarText(ctx.file.text, node);
      const span: Span = text?.sourceSpan(match.index, match.index + found.length) ?? spanOf(node);
      ctx.report({ span, message: 'shape', args: [kind, kind === 'a private key' ? found : mask(found)] });
      shaped = true;
    }
  }
  if (shaped || path.length < 2) return;
  const name = path[path.length - 1]!;
  const parent = path[path.length - 2]!;
  if (!VALUE_MAPS.has(parent) || !SECRET_NAME.test(name)) return;
  const literal = value.trim();
  // A registry password is used to log in before the job starts: a literal one is a real credential (or a login that fails), never a placeholder.
  if (isRegistryPassword(path)) {
    if (literal && !literal.includes('${{')) ctx.report({ span: spanOf(node), message: 'named', args: [name, mask(literal)], severity: 'warning' });
    return;
  }
  if (literal.length < 6 || /\s/.test(literal) || literal.includes('$') || PLACEHOLDER.test(literal)) return;
  // jobs.<id>.services.<name>.env.<VAR>: a throwaway database's password.
  const serviceIndex = path.length - 4;
  if (parent === 'env' && serviceIndex >= 0 && path[serviceIndex] === 'services') {
    ctx.report({ span: spanOf(node), message: 'throwaway', args: [name, `of the '${path[serviceIndex + 1]}' service`], severity: 'hint' });
    return;
  }
  if (serviceValues().has(literal)) {
    ctx.report({ span: spanOf(node), message: 'throwaway', args: [name, "shared with a 'services:' container"], severity: 'hint' });
    return;
  }
  const local = siblings?.items.some((pair) => LOCAL.test(scalarToString(pair.value) ?? ''));
  if (local) {
    ctx.report({ span: spanOf(node), message: 'throwaway', args: [name, 'next to a local endpoint'], severity: 'hint' });
    return;
  }
  ctx.report({ span: spanOf(node), message: 'named', args: [name, mask(literal)], severity: 'warning' });
}

/** `jobs.<id>.container.credentials.password` or `jobs.<id>.services.<name>.credentials.password`. */
function isRegistryPassword(path: string[]): boolean {
  const n = path.length;
  return path[n - 1] === 'password' && path[n - 2] === 'credentials' && (path[n - 3] === 'container' || path[n - 4] === 'services') && path[0] === 'jobs';
}

/** Enough of a secret to recognise it, never enough to use it. */
function mask(secret: string): string {
  const shown = secret.length > 12 ? 4 : Math.min(2, secret.length);
  return `${secret.slice(0, shown)}${'*'.repeat(Math.min(8, secret.length - shown))}`;
}
