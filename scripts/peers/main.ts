// npm run peers: scores shipcheck on the peers' own test fixtures (../shared/peers) per peer check, through the
// mapping tables in scripts/peers/mapping/. `--help` lists the options.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { peersRoot, readPeerCommits } from './collect';
import { ROOT } from './mapping';
import { PEERS, type PeerScore } from './peers';
import { readDisputes } from './disputes';
import { generated, section, summaryLine, targetSection, updatePage } from './report';
import type { LineScore } from './score';

const USAGE = `Usage: npm run peers -- [options]

Runs the built CLI (dist/cli.js --preset strict) over the peers' own test fixtures in ../shared/peers (or
$SHIPCHECK_PEERS): zizmor and gha-hazmat, actionlint, kube-linter, kube-score and Polaris, and prints per peer
check the shipcheck rules it maps to (scripts/peers/mapping/*.tsv), what the peer expects and what shipcheck finds.

  --write          also rewrite the generated part of docs/comparison.md
  --output <file>  the page --write rewrites (default docs/comparison.md)
  --list           also list each missed expectation and each extra finding of the line-scored peers, each missed
                   object of kube-linter, and each failing file missed and passing file flagged of kube-score and Polaris
  --peer <folder>  score only the peer kept in that folder (zizmor, actionlint, kube-linter, kube-score, polaris);
                   repeatable
`;

const OPTIONS = {
  write: { type: 'boolean' },
  output: { type: 'string' },
  list: { type: 'boolean' },
  peer: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

function listing(name: string, score: LineScore, expected: readonly { file: string; line: number; check: string }[]): string[] {
  const lines: string[] = [];
  expected.forEach((row, index) => {
    if (score.matches[index] === undefined && score.rows.find((r) => r.check === row.check)?.rules.length) lines.push(`  missed  ${name}  ${row.file}:${row.line}  ${row.check}`);
  });
  for (const { finding, check } of score.extras) lines.push(`  extra   ${name}  ${finding.file}:${finding.line}  ${finding.ruleId} (${check})  ${finding.message}`);
  return lines;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.write && values.peer) {
    console.error('peers: --write rewrites the whole page and needs every peer; leave out --peer');
    return 2;
  }
  const peers = peersRoot();
  if (!existsSync(peers)) {
    console.log(`peers: skipped, no peers folder at ${peers} (set SHIPCHECK_PEERS to point elsewhere)`);
    return 0;
  }
  const scores: PeerScore[] = [];
  const skipped: string[] = [];
  const say = (line: string): void => {
    console.log(line);
    skipped.push(line);
  };
  for (const peer of PEERS) {
    if (values.peer && !peer.folders.some((folder) => values.peer!.includes(folder))) continue;
    const score = await peer.score(peers, say);
    if (!score) continue;
    scores.push(score);
    console.log(`\n${section(score).join('\n')}\n`);
    if (values.list) {
      const lines =
        score.kind === 'zizmor'
          ? [...listing('regular', score.regular, score.regularExpected), ...listing('all', score.all, score.expected)]
          : score.kind === 'actionlint'
            ? listing('actionlint', score.score, score.expected)
            : score.kind === 'kube-linter'
              ? score.missed.map((e) => `  missed  ${e.file}  ${e.check}  ${[e.kind, e.name, e.container].filter(Boolean).join(' ')}`)
              : score.rows.filter((row) => row.rules.length > 0).flatMap((row) => [
                  ...row.missedFiles.map((file) => `  missed   ${file}  ${row.check}`),
                  ...row.flaggedFiles.map((file) => `  flagged  ${file}  ${row.check}`),
                ]);
      if (lines.length > 0) console.log(lines.join('\n') + '\n');
    }
  }
  for (const score of scores) console.log(summaryLine(score));
  const disputes = readDisputes();
  console.log(`\n${targetSection(scores, disputes).join('\n')}`);
  if (values.write) {
    const output = resolve(values.output ?? join(ROOT, 'docs', 'comparison.md'));
    const page = existsSync(output) ? readFileSync(output, 'utf8') : undefined;
    writeFileSync(output, updatePage(page, generated(scores, readPeerCommits(peers), skipped, disputes)));
    console.log(`${relative(process.cwd(), output) || output} rewritten`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const usage = error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
    console.error(`peers: ${error instanceof Error ? error.message : String(error)}`);
    if (usage) console.error(USAGE);
    process.exit(usage ? 2 : 1);
  },
);
