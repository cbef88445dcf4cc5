import { defineRule } from '../../engine/core/rule';
import { usesNode } from '../../engine/edits/workflowEdit';
import { stepCommands } from '../../engine/languages/commandLine';
import { effectivePermissions } from '../../engine/model/permissions';
import { registryUpload, type TrustedRegistry } from '../../engine/model/publishing';
import type { Job, Step } from '../../engine/model/workflow';
import { isMap, scalarToString, spanOf, type Field, type Node } from '../../engine/yaml/yamlFile';

// A stored secret (not the run's own GITHUB_TOKEN, which no registry here accepts).
const SECRET = /\bsecrets\.(?!GITHUB_TOKEN\b)[A-Za-z_]|\bsecrets\[/;
// Variables the registries' clients read their token from.
const TOKEN_VARIABLE = /^(NPM_TOKEN|NODE_AUTH_TOKEN|NPM_AUTH_TOKEN|YARN_NPM_AUTH_TOKEN|BUN_AUTH_TOKEN|TWINE_PASSWORD|TWINE_API_KEY|TWINE_TOKEN|PYPI_(API_)?TOKEN|POETRY_PYPI_TOKEN_PYPI|POETRY_HTTP_BASIC_PYPI_PASSWORD|UV_PUBLISH_TOKEN|UV_PUBLISH_PASSWORD|FLIT_PASSWORD|HATCH_INDEX_AUTH|PDM_PUBLISH_PASSWORD|MATURIN_PYPI_TOKEN|MATURIN_PASSWORD|GEM_HOST_API_KEY|RUBYGEMS_API_KEY|CARGO_REGISTRY_TOKEN|NUGET_API_KEY|NUGET_AUTH_TOKEN)$/;
// Public registries' upload URLs, for the inputs of publishing actions.
const PUBLIC_URL = /^https:\/\/(upload\.pypi\.org|test\.pypi\.org|rubygems\.org|registry\.npmjs\.org)(\/|$)/;
// Actions that exchange the job's OIDC token for a short-lived registry token.
const OIDC_EXCHANGES = new Set(['rust-lang/crates-io-auth-action', 'nuget/login', 'rubygems/configure-rubygems-credentials']);

const SETUP: Record<TrustedRegistry, string> = {
  npm: "on npmjs.com, add this repository and workflow as the package's trusted publisher, give the job 'id-token: write', use npm 11.5.1 or later and drop the token",
  PyPI: "on pypi.org, add this repository and workflow as the project's trusted publisher, give the job 'id-token: write' and drop the password ('pypa/gh-action-pypi-publish' and 'uv publish' then use OIDC)",
  RubyGems: "on rubygems.org, add this repository and workflow as the gem's trusted publisher, give the job 'id-token: write' and use 'rubygems/release-gem' (or 'rubygems/configure-rubygems-credentials' without 'api-token')",
  'crates.io': "on crates.io, add this repository and workflow as the crate's trusted publisher, give the job 'id-token: write' and pass the token of 'rust-lang/crates-io-auth-action' to 'cargo publish'",
  NuGet: "on nuget.org, add a trusted publishing policy for this repository and workflow, give the job 'id-token: write' and push with the API key 'NuGet/login' returns",
};

export default defineRule({
  id: 'gha/trusted-publishing',
  // Recommended since its corpus sample (6 of 6) was all right.
  presets: { recommended: 'info', strict: 'warning' },
  dora: ['change-failure-rate'],
  capabilities: ['shift-left-security', 'deployment-automation'],
  fixable: false,
  messages: {
    token: (what: string, registry: string, setup: string) =>
      `${what} publishes to ${registry} with a stored token. Whoever reads that secret (a compromised step, a leaked log) can publish as you until someone revokes it. ${registry} offers trusted publishing: ${setup}.`,
    noOidc: (what: string, registry: string, setup: string) =>
      `${what} publishes to ${registry} from a job without 'id-token: write', so it can only use a stored token, which anyone who reads it can publish with until it is revoked. ${registry} offers trusted publishing: ${setup}.`,
  },
  docs: {
    summary: 'Publish to npm, PyPI, RubyGems, crates.io and NuGet with trusted publishing (OIDC), not a stored token.',
    rationale:
      'A registry token kept in the repository\'s secrets is valid until someone revokes it, and every step of the publishing job can read it: a compromised action or dev dependency, a build script, a log that echoes the environment. Whoever gets it can push a malicious version of your package from anywhere, long after the run, and the registry cannot tell it from yours. With trusted publishing the registry trusts this repository\'s workflow instead: the job asks GitHub for an OIDC token (`id-token: write`), the registry exchanges it for a credential that lasts minutes and only works for the packages that trust that workflow, and nothing is stored to leak.',
    symptom: 'A version of your package you did not release, published with a token that leaked from CI (several npm and PyPI supply-chain attacks started this way).',
    fix:
      'Register the repository and workflow (and environment, if you use one) as a trusted publisher on the registry, give the publishing job `permissions: id-token: write`, and delete the token from the workflow and the secrets: PyPI: `pypa/gh-action-pypi-publish` or `uv publish` without a password; npm: `npm publish` with npm 11.5.1 or later and no `NODE_AUTH_TOKEN`; RubyGems: `rubygems/release-gem`; crates.io: `rust-lang/crates-io-auth-action` and its token; NuGet: `NuGet/login` and the key it returns. Uploads to other registries (`--registry`, `repository-url:`, a `registry-url:` that is not npmjs.org, GitHub Packages) and dry runs are not flagged, nor a job with `id-token: write` that passes no stored token, nor `pypa/gh-action-pypi-publish` without a password (it has no token to use: it publishes through trusted publishing, or fails in a job without `id-token: write`).',
    bad: `on:
  release:
    types: [published]
jobs:
  pypi:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: \${{ secrets.PYPI_TOKEN }}
`,
    good: `on:
  release:
    types: [published]
jobs:
  pypi:
    runs-on: ubuntu-latest
    environment: pypi
    permissions:
      id-token: write
    steps:
      - uses: actions/download-artifact@v4
      - uses: pypa/gh-action-pypi-publish@release/v1
`,
  },
  scope: 'job',
  visit: {
    step(step, ctx) {
      if (step.uses !== undefined) {
        const upload = actionUpload(step);
        const uses = usesNode(step);
        if (!upload || !uses) return;
        const oidc = mintsIdToken(step.job, ctx.doc);
        if (oidc && !upload.token) return;
        const what = `'${step.uses.trim()}'`;
        ctx.report({ span: spanOf(uses), message: upload.token ? 'token' : 'noOidc', args: [what, upload.registry, SETUP[upload.registry]] });
        return;
      }
      const run = step.run;
      if (!run || !/publish|upload|push/.test(run.value)) return;
      for (const command of stepCommands(step)) {
        const upload = registryUpload(command);
        if (!upload || upload.otherRegistry !== undefined) continue;
        if (upload.registry === 'npm' && (npmElsewhere(step.job) || githubPackagesToken(step))) continue;
        const token = SECRET.test(run.value.slice(command.command.allWords[0]?.start ?? 0, command.command.allWords.at(-1)?.end ?? 0)) || storedTokenIn(step);
        if (!token && (mintsIdToken(step.job, ctx.doc) || exchangesOidc(step.job))) continue;
        // From the launcher on (`python -m twine upload`, `bundle exec gem push`), as written, each line continuation
        // (a backslash, PowerShell's backtick, cmd's caret) left out.
        const start = Math.min(command.command.words[0]?.start ?? upload.first.start, upload.first.start);
        const what = `'${run.value.slice(start, upload.last.end).split('\n').map((line) => line.trim().replace(/[\\`^]$/, '').trim()).join(' ')}'`;
        // A command over several lines (`cargo \` …) maps back by its first word.
        const span = run.text?.sourceSpan(start, upload.last.end) ?? run.text?.sourceSpan(start, command.command.words[0]?.end ?? upload.first.end) ?? run.span;
        ctx.report({ span, message: token ? 'token' : 'noOidc', args: [what, upload.registry, SETUP[upload.registry]] });
      }
    },
  },
});

function input(step: Step, name: string): string | undefined {
  const value = scalarToString(step.inputs.get(name)?.value);
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** What a publishing action uploads to, and whether it is handed a stored token. */
function actionUpload(step: Step): { registry: TrustedRegistry; token: boolean } | undefined {
  switch (step.action?.id) {
    case 'pypa/gh-action-pypi-publish': {
      const url = input(step, 'repository-url') ?? input(step, 'repository_url');
      if (url !== undefined && !PUBLIC_URL.test(url)) return undefined;
      // Without a password the action has no token to use: it publishes through trusted publishing or not at all.
      const password = input(step, 'password');
      return password === undefined ? undefined : { registry: 'PyPI', token: SECRET.test(password) };
    }
    case 'rubygems/release-gem':
      // Told not to set up trusted publishing, it pushes with the stored API key.
      return input(step, 'setup-trusted-publisher') === 'false' ? { registry: 'RubyGems', token: true } : undefined;
    case 'rubygems/configure-rubygems-credentials': {
      const server = input(step, 'gem-server');
      if (input(step, 'api-token') === undefined || (server !== undefined && !PUBLIC_URL.test(server))) return undefined;
      return { registry: 'RubyGems', token: true };
    }
    case 'js-devtools/npm-publish': {
      const registry = input(step, 'registry');
      if (registry !== undefined && !PUBLIC_URL.test(registry)) return undefined;
      const token = input(step, 'token');
      return { registry: 'npm', token: token !== undefined && SECRET.test(token) };
    }
    default:
      return undefined;
  }
}

/** A registry token from the secrets, in the step's, the job's or the workflow's `env:`. */
function storedTokenIn(step: Step): boolean {
  const inEnv = (fields: ReadonlyMap<string, Field>) => {
    const env = fields.get('env')?.value;
    return isMap(env) && env.items.some((pair) => TOKEN_VARIABLE.test(scalarToString(pair.key) ?? '') && SECRET.test(scalarToString(pair.value as Node) ?? ''));
  };
  return inEnv(step.fields) || inEnv(step.job.fields) || inEnv(step.job.workflow.fields);
}

/** npm given the run's own token, which only GitHub Packages accepts: the package goes there. */
function githubPackagesToken(step: Step): boolean {
  return [step.fields, step.job.fields, step.job.workflow.fields].some((fields) => {
    const env = fields.get('env')?.value;
    return isMap(env) && env.items.some((pair) => /^(NODE_AUTH_TOKEN|NPM_TOKEN)$/.test(scalarToString(pair.key) ?? '') && /\b(secrets\.GITHUB_TOKEN|github\.token)\b/.test(scalarToString(pair.value as Node) ?? ''));
  });
}

/** Whether setup-node points npm at another registry (GitHub Packages, a private one): `npm publish` then goes there. */
function npmElsewhere(job: Job): boolean {
  return job.steps.some((other) => {
    if (other.action?.id !== 'actions/setup-node') return false;
    const url = input(other, 'registry-url');
    return url !== undefined && !PUBLIC_URL.test(url);
  });
}

function exchangesOidc(job: Job): boolean {
  return job.steps.some((other) => OIDC_EXCHANGES.has(other.action?.id ?? '') && input(other, 'api-token') === undefined);
}

function mintsIdToken(job: Job, doc: Parameters<typeof effectivePermissions>[1]): boolean {
  return !job.synthetic && effectivePermissions(job, doc).level('id-token') === 'write';
}
