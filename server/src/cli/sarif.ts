import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { ENGINE_RULES, type Severity } from '../engine/core/finding';
import type { Rule } from '../engine/core/rule';
import { levelWhenOn, presetSeverity, type Preset } from '../engine/core/presets';
import { ruleDocMarkdown } from '../knowledge/ruleDocs';
import type { FileReport, PlacedEdit, Range } from './check';
import type { InputError } from '../project/discover';
import { checkedOf, skippedOf } from './format';

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const SOURCE_ROOT = '%SRCROOT%';

/** The findings the engine itself reports: described here so every result has a rule to point at. */
const ENGINE_DESCRIPTORS: readonly { id: string; severity: Severity; summary: string; help: string }[] = [
  { id: ENGINE_RULES.syntax, severity: 'error', summary: 'The file is not valid YAML.', help: 'Fix the syntax at the reported position; nothing else in the file is checked until it parses.' },
  { id: ENGINE_RULES.internal, severity: 'warning', summary: 'A shipcheck rule failed on this file.', help: 'A bug in shipcheck: the failing rule was skipped for this file. Please report it with the file.' },
  { id: ENGINE_RULES.tooLarge, severity: 'info', summary: 'The file is too large to check.', help: 'Files over the size limit are not checked; split the file or raise the limit.' },
];

export interface SarifContext {
  rules: readonly Rule[];
  /** The run's preset: each rule's default level is its level there (a rule off in it is described as not enabled). */
  preset: Preset;
  version: string;
  /** Artifact URIs are relative to this directory (the repository root in CI). */
  cwd: string;
  /** Rule pages are `<docsBaseUrl><rule id>.md`; an absolute URL ending in `/`. */
  docsBaseUrl: string;
  errors: readonly InputError[];
}

/** SARIF 2.1.0 as GitHub code scanning reads it: every rule described once, results pointing at them by index. */
export function formatSarif(reports: readonly FileReport[], context: SarifContext): string {
  const descriptors: Sarif.ReportingDescriptor[] = [
    ...context.rules.map((rule) => ruleDescriptor(rule, context.docsBaseUrl, context.preset)),
    ...ENGINE_DESCRIPTORS.map((engine) => ({
      id: engine.id,
      shortDescription: { text: engine.summary },
      fullDescription: { text: engine.help },
      help: { text: engine.help },
      defaultConfiguration: { level: level(engine.severity) },
    })),
  ];
  const ruleIndex = new Map(descriptors.map((descriptor, index) => [descriptor.id, index]));

  const results: Sarif.Result[] = checkedOf(reports).flatMap((report) => {
    const artifactLocation = artifact(report.path, context.cwd);
    return report.findings.map((finding) => {
      const result: Sarif.Result = {
        ruleId: finding.ruleId,
        level: level(finding.severity),
        message: { text: finding.message },
        locations: [{ physicalLocation: { artifactLocation, region: region(finding.range) } }],
      };
      const index = ruleIndex.get(finding.ruleId);
      if (index !== undefined) result.ruleIndex = index;
      if (finding.fix?.kind === 'safe' && finding.fixEdits) {
        result.fixes = [{ description: { text: finding.fix.title }, artifactChanges: [{ artifactLocation, replacements: finding.fixEdits.map(replacement) }] }];
      }
      return result;
    });
  });

  const notifications: Sarif.Notification[] = [
    ...context.errors.map((error) => notification(error.path, error.reason, 'error', context.cwd)),
    ...skippedOf(reports).map((report) => notification(report.path, `not checked: ${report.reason}`, 'note', context.cwd)),
  ];
  const log: Sarif.Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'shipcheck', version: context.version, semanticVersion: context.version, informationUri: context.docsBaseUrl, rules: descriptors } },
        invocations: [{ executionSuccessful: context.errors.length === 0, ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}) }],
        originalUriBaseIds: { [SOURCE_ROOT]: { uri: directoryUri(context.cwd) } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log)}\n`;
}

function ruleDescriptor(rule: Rule, docsBaseUrl: string, preset: Preset): Sarif.ReportingDescriptor {
  const inPreset = presetSeverity(rule, preset);
  return {
    id: rule.id,
    name: rule.id.replace(/^[^/]*\//, '').replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, letter: string) => letter.toUpperCase()),
    shortDescription: { text: rule.docs.summary },
    fullDescription: { text: rule.docs.rationale },
    helpUri: `${docsBaseUrl}${rule.id.split('/').map(encodeURIComponent).join('/')}.md`,
    help: { text: `${rule.docs.rationale}\n\nFix: ${rule.docs.fix}`, markdown: ruleDocMarkdown(rule) },
    // Off in the run's preset: not enabled, at the level it has when on (strict's).
    defaultConfiguration: inPreset === 'off' ? { enabled: false, level: level(levelWhenOn(rule)) } : { level: level(inPreset) },
    properties: { tags: ['ci-cd', ...rule.dora.map((metric) => `dora:${metric}`)], fixable: rule.fixable === false ? 'no' : rule.fixable },
  };
}

function level(severity: Severity): Sarif.Result.level {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

function region(range: Range): Sarif.Region {
  return { startLine: range.line, startColumn: range.column, endLine: range.endLine, endColumn: range.endColumn };
}

function replacement(edit: PlacedEdit): Sarif.Replacement {
  return { deletedRegion: region(edit.range), insertedContent: { text: edit.newText } };
}

function notification(filePath: string, text: string, kind: 'error' | 'note', cwd: string): Sarif.Notification {
  return { level: kind, message: { text }, locations: [{ physicalLocation: { artifactLocation: artifact(filePath, cwd) } }] };
}

/** A relative, `/`-separated, percent-encoded URI against %SRCROOT% (the working directory). */
export function artifact(filePath: string, cwd: string): Sarif.ArtifactLocation {
  const relative = path.isAbsolute(filePath) ? path.relative(cwd, filePath) : path.normalize(filePath);
  const uri = relative.split(path.sep).map((segment) => (segment === '..' || segment === '.' ? segment : encodeURIComponent(segment))).join('/');
  return { uri, uriBaseId: SOURCE_ROOT };
}

function directoryUri(directory: string): string {
  const href = pathToFileURL(directory).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/**
 * Where rule pages are: `SHIPCHECK_DOCS_URL` when set (the GitHub Action points it at the action's own
 * repository and ref), else the docs/rules folder of this installation as a file: URL.
 */
export function docsBaseUrl(env: NodeJS.ProcessEnv, from: string): string {
  const configured = env.SHIPCHECK_DOCS_URL;
  if (configured && /^[a-z][a-z0-9+.-]*:\/\//i.test(configured)) return configured.endsWith('/') ? configured : `${configured}/`;
  for (let directory = from; ; directory = path.dirname(directory)) {
    if (fs.existsSync(path.join(directory, 'package.json'))) return directoryUri(path.join(directory, 'docs', 'rules'));
    if (path.dirname(directory) === directory) return directoryUri(path.join(from, 'docs', 'rules'));
  }
}
