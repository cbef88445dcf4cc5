// A node --test reporter that writes one line naming every skipped suite and test with its reason: Node's
// own summary counts a skipped `describe` as 0 skipped, so a missing tool would otherwise go unnoticed.
export default async function* skippedReporter(source) {
  const skipped = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, skip } = event.data;
    if (skip === undefined || skip === false) continue;
    skipped.push(typeof skip === 'string' ? `${name} — ${skip}` : name);
  }
  yield `# skipped ${skipped.length}${skipped.length ? `: ${skipped.join('; ')}` : ''}\n`;
}
