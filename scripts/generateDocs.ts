// Writes docs/rules/<id>.md and README's rule list from the rules' metadata (npm run docs).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ruleDocMarkdown, ruleDocPath } from '../server/src/knowledge/ruleDocs';
import { RULES } from '../server/src/rules';

const ROOT = resolve(__dirname, '..', '..');
const START = '<!-- rules:start -->';
const END = '<!-- rules:end -->';

/** README's rule table: one row a rule, linking its page. */
export function readmeRuleList(): string {
  const rows = RULES.map((rule) => {
    const fix = rule.fixable === 'safe' ? 'fix' : rule.fixable === 'suggestion' ? 'suggestion' : '';
    return `| [\`${rule.id}\`](${ruleDocPath(rule.id)}) | ${rule.severity} | ${fix} | ${rule.docs.summary} |`;
  });
  return [START, '| rule | default | quick-fix | what it checks |', '|---|---|---|---|', ...rows, END].join('\n');
}

export function replaceRuleList(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${START} … ${END} markers`);
  return readme.slice(0, start) + readmeRuleList() + readme.slice(end + END.length);
}

if (require.main === module) {
  for (const rule of RULES) {
    const path = join(ROOT, ruleDocPath(rule.id));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, ruleDocMarkdown(rule));
  }
  const readmePath = join(ROOT, 'README.md');
  writeFileSync(readmePath, replaceRuleList(readFileSync(readmePath, 'utf8')));
  console.log(`wrote ${RULES.length} rule pages and README's rule list`);
}
