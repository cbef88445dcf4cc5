import { stepCommands } from '../languages/commandLine';
import { scalarToString } from '../yaml/yamlFile';
import type { Step } from './workflow';

function input(step: Step, name: string): string | undefined {
  const value = scalarToString(step.inputs.get(name)?.value);
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * What in this step asks GitHub for an OIDC token (the job then needs `id-token: write`), e.g.
 * `aws-actions/configure-aws-credentials with role-to-assume`; undefined when nothing does.
 */
export function idTokenUse(step: Step): string | undefined {
  const name = step.action?.id;
  switch (name) {
    case 'aws-actions/configure-aws-credentials':
      if (input(step, 'role-to-assume') && !input(step, 'aws-access-key-id') && !input(step, 'web-identity-token-file')) {
        return `${name} with role-to-assume`;
      }
      return undefined;
    case 'azure/login':
      if (input(step, 'client-id') && !input(step, 'creds') && input(step, 'auth-type')?.toUpperCase() !== 'IDENTITY') return `${name} with client-id`;
      return undefined;
    case 'google-github-actions/auth':
      if (input(step, 'workload_identity_provider') && !input(step, 'credentials_json')) return `${name} with workload_identity_provider`;
      return undefined;
    case 'actions/deploy-pages':
    case 'actions/attest':
    case 'actions/attest-build-provenance':
    case 'actions/attest-sbom':
    case 'rust-lang/crates-io-auth-action':
      return name;
    case 'pypa/gh-action-pypi-publish':
      // Without a password it uses trusted publishing, which is OIDC.
      return input(step, 'password') ? undefined : `${name} (trusted publishing)`;
    case 'hashicorp/vault-action':
      return input(step, 'method') === 'jwt' && !input(step, 'jwt') ? `${name} with method: jwt` : undefined;
    case 'codecov/codecov-action':
      return input(step, 'use_oidc') === 'true' ? `${name} with use_oidc` : undefined;
  }
  if (step.run && /--provenance\b/.test(step.run.value)) {
    for (const { program, args } of stepCommands(step)) {
      if (program === 'npm' && args[0]?.value === 'publish' && args.some((word) => word.value === '--provenance')) return "'npm publish --provenance'";
    }
  }
  return undefined;
}
