// The `yaml` parse alone, as a whole process: reads the files of a folder whose index modulo `count` is `part`, and
// parses each with parseAllDocuments (what shipcheck's engine starts with), nothing else. Started once per core by
// bench/cli.mjs to show the most any checker built on `yaml` could reach on this machine.
// Usage: node bench/parseFloor.cjs <dir> [part] [count]
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
// The project's own `yaml` (bench/node_modules holds the peers' copies).
const { parseAllDocuments } = require(join(__dirname, '..', 'node_modules', 'yaml'));

const [dir, part = '0', count = '1'] = process.argv.slice(2);
const names = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name)).sort();
let documents = 0;
names.forEach((name, index) => {
  if (index % Number(count) === Number(part)) documents += parseAllDocuments(readFileSync(join(dir, name), 'utf8')).length;
});
process.stdout.write(`${documents}\n`);
