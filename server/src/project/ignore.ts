import picomatch from 'picomatch';

/**
 * Matches paths (relative to the globs' base directory, `/`-separated) against `ignore` globs the way
 * .gitignore users expect: a glob without a slash matches a name at any depth, and a glob that matches a
 * directory ignores everything under it (`examples`, `examples/` and `examples/**` all work).
 */
export function ignoreMatcher(globs: readonly string[]): (relativePath: string) => boolean {
  const matchers = globs.map((glob) => picomatch(normalize(glob), { dot: true, basename: !normalize(glob).includes('/') }));
  if (matchers.length === 0) return () => false;
  return (relativePath) => {
    if (relativePath === '' || relativePath === '..' || relativePath.startsWith('../')) return false;
    const parts = relativePath.split('/');
    for (let length = 1; length <= parts.length; length++) {
      const prefix = parts.slice(0, length).join('/');
      if (matchers.some((matches) => matches(prefix))) return true;
    }
    return false;
  };
}

function normalize(glob: string): string {
  let result = glob.trim().replace(/\\/g, '/');
  while (result.startsWith('./')) result = result.slice(2);
  if (result.startsWith('/')) result = result.slice(1);
  while (result.endsWith('/')) result = result.slice(0, -1);
  return result;
}
