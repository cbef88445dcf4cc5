/**
 * The lockfiles setup-node keys its package caches on, which the adapters list in `ProjectFacts.lockfiles`: this
 * module says which names they list and how deep, so that a rule can tell a lockfile that is not there from one the
 * list could not show.
 */

/** How many folders below the repository root the adapters look (deep enough for a monorepo's packages/<name>/web). */
export const LOCKFILE_DEPTH = 4;

const LOCKFILE = /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml)$/;

/** Whether a path from the repository root names a lockfile the adapters list. */
export function isLockfile(path: string): boolean {
  return LOCKFILE.test(path);
}

/**
 * Whether the lockfile at `path` (from the repository root, no `./`) is in the repository, by the listed ones: undefined
 * when they cannot tell (nothing listed, a folder deeper than the adapters look, a name they do not list).
 */
export function lockfileExists(listed: readonly string[] | undefined, path: string): boolean | undefined {
  if (listed === undefined || !isLockfile(path) || path.split('/').length - 1 > LOCKFILE_DEPTH) return undefined;
  return listed.includes(path);
}

/**
 * Whether the folder `directory` (from the repository root, `''` for the root) holds a package-lock.json or an
 * npm-shrinkwrap.json, the lockfiles `npm ci` installs from, by the listed ones: undefined when they cannot tell.
 */
export function npmLockfileIn(listed: readonly string[] | undefined, directory: string): boolean | undefined {
  const answers = ['package-lock.json', 'npm-shrinkwrap.json'].map((name) => lockfileExists(listed, directory === '' ? name : `${directory}/${name}`));
  if (answers.includes(true)) return true;
  return answers.includes(undefined) ? undefined : false;
}
