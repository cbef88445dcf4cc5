// Runs every compiled *.test.js under out/test with Node's test runner (helpers beside them are not tests),
// then prints one last line listing every skipped suite and test with its reason. Arguments that name existing
// files or folders (`npm test -- out/test/rules`) run only the tests there; every other argument goes to Node.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.js') ? [path] : [];
  });
}

const given = process.argv.slice(2);
const isSelection = (arg) => !arg.startsWith('-') && existsSync(arg);
const chosen = given.filter(isSelection).map((arg) => resolve(arg));
const args = given.filter((arg) => !isSelection(arg));
const within = (file) => chosen.some((path) => file === path || file.startsWith(path + sep));
const files = testFiles('out/test')
  .map((file) => resolve(file))
  .filter((file) => chosen.length === 0 || within(file))
  .sort();
if (files.length === 0) {
  console.error(chosen.length === 0 ? 'no test files under out/test: run `npm run build:test` first' : `no test files in ${given.filter(isSelection).join(', ')}`);
  process.exit(1);
}
// Naming a reporter replaces Node's default, so keep that default (spec on a terminal, TAP otherwise) first.
const reporters = args.some((arg) => arg.startsWith('--test-reporter')) ? [] : [`--test-reporter=${process.stdout.isTTY ? 'spec' : 'tap'}`, '--test-reporter-destination=stdout'];
const scratch = mkdtempSync(join(tmpdir(), 'shipcheck-tests-'));
const skippedLine = join(scratch, 'skipped.txt');
const { status } = spawnSync(
  process.execPath,
  ['--test', ...reporters, `--test-reporter=${fileURLToPath(new URL('skippedReporter.mjs', import.meta.url))}`, `--test-reporter-destination=${skippedLine}`, ...args, ...files],
  { stdio: 'inherit' },
);
try {
  process.stdout.write(readFileSync(skippedLine, 'utf8'));
} catch {
  console.log('# skipped: unknown (the test runner wrote no list)');
}
rmSync(scratch, { recursive: true, force: true });
process.exit(status ?? 1);
