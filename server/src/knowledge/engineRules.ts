import { ENGINE_RULES, type Severity } from '../engine/core/finding';

export type EngineRuleId = (typeof ENGINE_RULES)[keyof typeof ENGINE_RULES];

/** What the engine's own findings mean: the hover, SARIF's rule help and docs/rules/shipcheck/<id>.md. */
export interface EngineRuleDoc {
  id: EngineRuleId;
  severity: Severity;
  summary: string;
  rationale: string;
  symptom: string;
  fix: string;
  /** How to stop seeing it, where that is possible at all. */
  turningOff: string;
  /** A file that is reported, when one can be shown. */
  example?: string;
}

const DOCS: Record<EngineRuleId, Omit<EngineRuleDoc, 'id'>> = {
  [ENGINE_RULES.syntax]: {
    severity: 'error',
    summary: 'The file is not valid YAML, so shipcheck cannot check the part that does not parse.',
    rationale:
      'GitHub refuses a workflow file that does not parse and never runs it, and `kubectl apply` fails on a manifest it cannot read. The rules need the parsed structure, so a YAML document with a syntax error is skipped: until it parses, this is the only finding it gets (the other documents of a multi-document file are still checked).',
    symptom:
      'The workflow does not start and the Actions tab shows an invalid workflow file; for manifests, `kubectl apply` or the deploy job fails with a parse error, often long after the change was merged.',
    fix: 'Correct the syntax at the reported position. The message is the YAML parser\'s own; the usual causes are indentation that does not line up, a tab used for indentation, an unclosed quote or bracket, and a `key: value` whose value holds `: ` or starts with a character YAML reserves (`*`, `@`, a backquote) and needs quotes.',
    turningOff:
      'It goes away when the file parses. In the editor, the setting `shipcheck.syntaxErrors` decides whether shipcheck reports syntax errors at all: `auto` (the default) leaves them to the Red Hat YAML extension when that is installed, `off` never reports them. Helm and Go templates (`{{ }}` outside quotes) are not YAML until they are rendered: shipcheck skips them instead of reporting them.',
    example: 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps: [\n',
  },
  [ENGINE_RULES.internal]: {
    severity: 'warning',
    summary: 'A shipcheck rule failed on this file and was skipped; the other rules still checked it.',
    rationale:
      'This is a bug in shipcheck, not in your file. The engine runs each rule in isolation, so one rule that throws does not take the others down, but the checks of the failing rule are missing for this file: a problem it would have found can go unreported.',
    symptom: 'The message names the rule that failed and the error it raised. The language server also writes it once to its output channel.',
    fix: 'Please report it, with the message and the file (or the smallest part of it that still fails). Until a fixed version is out, turn the named rule off where it fails: in `.shipcheck.yaml` (`rules: { <rule id>: off }`), with `--rule <rule id>=off` on the command line, or in the editor\'s `shipcheck.rules` setting.',
    turningOff: 'Turn off the rule the message names, as above; the report itself stays on so that a silently skipped rule cannot go unnoticed.',
  },
  [ENGINE_RULES.tooLarge]: {
    severity: 'info',
    summary: 'The file is larger than the size limit, so it was not checked.',
    rationale:
      'Very large YAML files are almost always generated (rendered charts, vendored CRD bundles), and checking them on every keystroke would slow the editor down. shipcheck skips files over the limit (4096 KiB by default) and says so, rather than passing them over in silence.',
    symptom:
      'None of the file\'s problems are reported. On the command line a file named explicitly makes the run exit with 2; one found in a directory gives a warning (and exit code 2 unless `--skip-unreadable`).',
    fix: 'Check the sources the file is generated from instead, split it, or raise the limit: `maxFileSize` (KiB) in `.shipcheck.yaml`, `--max-file-size` on the command line, `shipcheck.maxFileSize` in the editor.',
    turningOff: 'On the command line, `--rule shipcheck/too-large=off` drops the finding (the file is still not checked), and `--skip-unreadable` stops such files found in a directory from failing the run.',
  },
  [ENGINE_RULES.unusedSuppression]: {
    severity: 'hint',
    summary: 'A suppression comment hides nothing: its rule reports nothing there, or the rule id is unknown.',
    rationale:
      'A `# shipcheck-disable-next-line` or `# shipcheck-disable` comment that no longer hides anything is left over from code that changed, or names a rule that does not exist (usually a typo). Either way it does not do what its reader thinks, and a stale one would silently hide the next real finding on that line.',
    symptom: 'The comment is marked as unused. Hovering a suppression comment shows what it hides right now.',
    fix: 'Remove the comment, or the rule id in it that hides nothing; correct a misspelled rule id (`shipcheck --list-rules` lists them). A rule that is turned off in the configuration is not reported as unknown.',
    turningOff: 'Removing the comment is the fix. It is a hint, the mildest level, which editors show faintly and which fails a command-line run only with `--fail-on hint`.',
    example: 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      # shipcheck-disable-next-line gha/npm-ci\n      - run: npm test\n',
  },
  [ENGINE_RULES.config]: {
    severity: 'error',
    summary: 'A `.shipcheck.yaml` holds something shipcheck cannot use: an unknown key, rule or option, or a value of the wrong type.',
    rationale:
      'A misspelled rule id or option would otherwise be ignored, and the rule would keep its default without anyone noticing. The editor and the command line read the file with the same loader, so what is reported here is what would stop a CI run.',
    symptom: 'In the editor, the problem is marked in `.shipcheck.yaml`. On the command line, shipcheck prints `file:line:column: message` for each problem and exits with 2 without checking anything.',
    fix: 'Correct the entry the message points at; it names the nearest known rule or option when there is one. The JSON schema in `schemas/shipcheck.schema.json` gives completion in editors with the Red Hat YAML extension.',
    turningOff: 'It goes away when the configuration is valid; a configuration shipcheck cannot read is never used in part.',
  },
};

export const ENGINE_RULE_DOCS: readonly EngineRuleDoc[] = Object.entries(DOCS).map(([id, doc]) => ({ id: id as EngineRuleId, ...doc }));

const BY_ID = new Map<string, EngineRuleDoc>(ENGINE_RULE_DOCS.map((doc) => [doc.id, doc]));

export function engineRuleDoc(ruleId: string): EngineRuleDoc | undefined {
  return BY_ID.get(ruleId);
}
