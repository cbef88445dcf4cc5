import type { Rule, RuleDocs } from '../engine/core/rule';
import type { OptionDeclaration } from '../engine/core/ruleOptions';
import { levelWhenOn } from '../engine/core/presets';
import { DORA_CAPABILITIES, DORA_METRICS } from './dora';
import type { EngineRuleDoc } from './engineRules';

/** What a finding's hover explains: a rule's, or (with no DORA metrics) one of the engine's own findings. */
type HoverProse = Pick<Rule, 'id' | 'dora'> & { docs: Pick<RuleDocs, 'rationale' | 'symptom' | 'fix'> };

/** Where a rule's page lives, relative to the repository (and the packaged extension) root. */
export function ruleDocPath(ruleId: string): string {
  return `docs/rules/${ruleId}.md`;
}

function doraLines(rule: Pick<Rule, 'dora'>): string[] {
  return rule.dora.map((metric) => `- **${DORA_METRICS[metric].title}**: ${DORA_METRICS[metric].measures}.`);
}

/**
 * The hover for a finding: its message first (left out when the editor shows it already), then why it
 * matters, the symptom, the fix and the DORA metrics.
 */
export function findingHoverMarkdown(rule: HoverProse, message: string | undefined, docsHref: string | undefined): string {
  const { docs } = rule;
  const parts = [
    `**shipcheck · ${rule.id}**`,
    ...(message === undefined ? [] : [message]),
    `**Why it matters.** ${docs.rationale}`,
    `**What you will see.** ${docs.symptom}`,
    `**Fix.** ${docs.fix}`,
  ];
  const dora = doraLines(rule);
  if (dora.length > 0) parts.push(`**DORA metrics it protects**\n\n${dora.join('\n')}`);
  if (docsHref) parts.push(`[Rule page: ${rule.id}](${docsHref})`);
  return parts.join('\n\n');
}

/** Which presets turn the rule on, and how loud, in a line (`.shipcheck.yaml`'s `preset:` chooses). */
export function presetsLine(rule: Rule): string {
  const { recommended, strict } = rule.presets;
  if (recommended === 'off') return `Preset: \`strict\` and \`all\` only, at **${strict}** (off in \`recommended\`, the default: \`preset: strict\`, or a level for it under \`rules:\`, turns it on)`;
  if (recommended === strict) return `Presets: \`recommended\` (the default), \`strict\` and \`all\`, at **${strict}**`;
  return `Presets: \`recommended\` (the default) at **${recommended}**; \`strict\` and \`all\` at **${strict}**`;
}

/** The full page written to docs/rules/<id>.md. */
export function ruleDocMarkdown(rule: Rule): string {
  const { docs } = rule;
  const fixable = rule.fixable === 'safe' ? 'yes (safe: applied by `--fix`)' : rule.fixable === 'suggestion' ? 'suggestion (offered in the editor, changes behaviour; not applied by `--fix`)' : 'no';
  const dora = doraLines(rule);
  return [
    `# ${rule.id}`,
    '',
    `> ${docs.summary}`,
    '',
    `${presetsLine(rule)} · Quick-fix: ${fixable}`,
    '',
    '## Why it matters',
    '',
    docs.rationale,
    '',
    '## What you will see',
    '',
    docs.symptom,
    '',
    '## How to fix it',
    '',
    docs.fix,
    '',
    ...(dora.length > 0 ? ['## DORA metrics it protects', '', ...dora, ''] : []),
    ...(rule.capabilities.length > 0 ? ['## DORA capabilities it serves', '', ...rule.capabilities.map((id) => `- **${DORA_CAPABILITIES[id].title}**: ${DORA_CAPABILITIES[id].asks}.`), ''] : []),
    '## Flagged',
    '',
    '```yaml',
    docs.bad.trimEnd(),
    '```',
    '',
    '## Not flagged',
    '',
    '```yaml',
    docs.good.trimEnd(),
    '```',
    '',
    ...optionsSection(rule),
    '## Turning it off',
    '',
    `For one line: \`# shipcheck-disable-next-line ${rule.id} -- reason\`. For a whole file: \`# shipcheck-disable ${rule.id}\`.`,
    '',
    '<!-- Generated from the rule\'s metadata by `npm run docs`; edit the rule, not this page. -->',
    '',
  ].join('\n');
}

/** An engine finding's prose in the shape of a rule's, for the hover. */
export function engineHoverProse(doc: EngineRuleDoc): HoverProse {
  return { id: doc.id, dora: [], docs: { rationale: doc.rationale, symptom: doc.symptom, fix: doc.fix } };
}

/** The page written to docs/rules/shipcheck/<id>.md for a finding the engine reports itself (not a rule). */
export function engineRuleDocMarkdown(doc: EngineRuleDoc): string {
  return [
    `# ${doc.id}`,
    '',
    `> ${doc.summary}`,
    '',
    `Reported by shipcheck itself, not by a rule · Severity: **${doc.severity}** · Quick-fix: no`,
    '',
    '## Why it matters',
    '',
    doc.rationale,
    '',
    '## What you will see',
    '',
    doc.symptom,
    '',
    '## How to fix it',
    '',
    doc.fix,
    '',
    ...(doc.example ? ['## Reported', '', '```yaml', doc.example.trimEnd(), '```', ''] : []),
    '## Turning it off',
    '',
    doc.turningOff,
    '',
    '<!-- Generated from server/src/knowledge/engineRules.ts by `npm run docs`; edit that file, not this page. -->',
    '',
  ].join('\n');
}

/** The page's table of the rule's declared options, with the `.shipcheck.yaml` lines that set them. */
function optionsSection(rule: Rule): string[] {
  const options = Object.entries(rule.options ?? {});
  if (options.length === 0) return [];
  const rows = options.map(([name, option]) => `| \`${name}\` | ${option.type} | \`${String(option.default)}\` | ${allowedValues(option)} | ${option.description} |`);
  const example = options.map(([name, option]) => `    ${name}: ${String(option.default)}`);
  return [
    '## Options',
    '',
    '| option | type | default | allowed | description |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    'Set in `.shipcheck.yaml` (a misspelled, mistyped or out-of-range option is reported there):',
    '',
    '```yaml',
    'rules:',
    `  ${rule.id}:`,
    `    level: ${levelWhenOn(rule)}`,
    ...example,
    '```',
    '',
  ];
}

function allowedValues(option: OptionDeclaration): string {
  switch (option.type) {
    case 'integer':
    case 'number': {
      const { minimum, maximum } = option;
      if (minimum !== undefined && maximum !== undefined) return `${minimum} to ${maximum}`;
      if (minimum !== undefined) return `at least ${minimum}`;
      return maximum !== undefined ? `at most ${maximum}` : 'any';
    }
    case 'string':
      // A `|` would end the table cell, even inside code.
      return option.pattern ? `matches \`${option.pattern.source.replaceAll('|', '\\|')}\`` : 'any';
    case 'boolean':
      return 'true, false';
  }
}
