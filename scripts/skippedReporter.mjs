// A node --test reporter that writes what Node's own summary leaves out, as the last lines of `npm test`:
// - one line naming every test, suite or file that failed, when one did: Node counts a suite whose hook throws (an
//   `after` that cannot remove its folder) as 0 failed, yet exits with 1, so a red run would show nothing failing;
// - one line naming every skipped suite and test with its reason: Node counts a skipped `describe` as 0 skipped, so a
//   missing tool would otherwise go unnoticed.
export default async function* skippedReporter(source) {
  const skipped = [];
  const failed = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, skip, todo, details } = event.data;
    // A suite fails with its failing tests ('subtestsFailed'): those are named already.
    const own = details?.error?.failureType !== 'subtestsFailed';
    if (event.type === 'test:fail' && own && (todo === undefined || todo === false)) failed.push(failure(name, details?.error));
    if (skip === undefined || skip === false) continue;
    skipped.push(typeof skip === 'string' ? `${name} — ${skip}` : name);
  }
  if (failed.length) yield `# failed ${failed.length}: ${failed.join('; ')}\n`;
  yield `# skipped ${skipped.length}${skipped.length ? `: ${skipped.join('; ')}` : ''}\n`;
}

/** The failure's name with the first line of what failed (a hook's error, or the test's own). */
function failure(name, error) {
  const cause = error?.cause ?? error;
  const message = String(cause?.message ?? cause ?? '').split('\n')[0].slice(0, 200);
  return message ? `${name} — ${message}` : name;
}
