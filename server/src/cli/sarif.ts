import { lineHashes } from './fingerprint';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { ENGINE_RULES, type Severity } from '../engine/core/finding';
import type { Rule } from '../engine/core/rule';
import { levelWhenOn, presetSeverity, type Preset } from '../engine/core/presets';
import { ENGINE_RULE_DOCS, type EngineRuleDoc } from '../knowledge/engineRules';
import { engineRuleDocMarkdown, ruleDocMarkdown } from '../knowledge/ruleDocs';
import type { FileReport, PlacedEdit, Range } from './check';
import type { InputError } from '../project/discover';
import { checkedOf, skippedOf, TEMPLATE_PRINTS } from './format';

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const SOURCE_ROOT = '%SRCROOT%';
/** The one partial fingerprint GitHub code scanning matches results by across runs. */
const LINE_HASH = 'primaryLocationLineHash';

/** The engine's own findings that a CLI run can report (configuration problems stop the run instead). */
const ENGINE_DESCRIBED = ENGINE_RULE_DOCS.filter((doc) => doc.id !== ENGINE_RULES.config);

export interface SarifContext {
  rules: readonly Rule[];
  /** The run's preset: each rule's default level is its level there (a rule off in it is described as not enabled). */
  preset: Preset;
  version: string;
  /** Artifact URIs are relative to this directory (the repository root in CI). */
  cwd: string;
  /** Where the rule pages and the tool are published (`sarifLinks`); without them SARIF names no page. */
  links: SarifLinks;
  errors: readonly InputError[];
  /** Indent the JSON (for a terminal). */
  pretty?: boolean;
}

/** SARIF 2.1.0 as GitHub code scanning reads it: every rule described once, results pointing at them by index. */
export function formatSarif(reports: readonly FileReport[], context: SarifContext): string {
  const { docsBaseUrl, informationUri } = context.links;
  const descriptors: Sarif.ReportingDescriptor[] = [
    ...context.rules.map((rule) => ruleDescriptor(rule, docsBaseUrl, context.preset)),
    ...ENGINE_DESCRIBED.map((doc) => engineDescriptor(doc, docsBaseUrl)),
  ];
  const ruleIndex = new Map(descriptors.map((descriptor, index) => [descriptor.id, index]));

  const results: Sarif.Result[] = checkedOf(reports).flatMap((report) => {
    const artifactLocation = artifact(report.path, context.cwd);
    const fingerprints = lineHashes(report.findings);
    return report.findings.map((finding, at) => {
      const result: Sarif.Result = {
        ruleId: finding.ruleId,
        level: level(finding.severity),
        message: { text: finding.message },
        locations: [{ physicalLocation: { artifactLocation, region: region(finding.range) } }],
        partialFingerprints: { [LINE_HASH]: fingerprints[at]! },
      };
      // A finding on a value of a chart's values.yaml is located there, the template that prints it related.
      if (finding.shownAt) {
        result.locations = [{ physicalLocation: { artifactLocation: artifact(finding.shownAt.path, context.cwd), region: region(finding.shownAt.range) } }];
        result.relatedLocations = [{ id: 1, message: { text: TEMPLATE_PRINTS }, physicalLocation: { artifactLocation, region: region(finding.range) } }];
      }
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
        tool: { driver: { name: 'shipcheck', version: context.version, semanticVersion: context.version, ...(informationUri ? { informationUri } : {}), rules: descriptors } },
        invocations: [{ executionSuccessful: context.errors.length === 0, ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}) }],
        originalUriBaseIds: { [SOURCE_ROOT]: { uri: directoryUri(context.cwd) } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, context.pretty ? 2 : undefined)}\n`;
}

function ruleDescriptor(rule: Rule, docsBaseUrl: string | undefined, preset: Preset): Sarif.ReportingDescriptor {
  const inPreset = presetSeverity(rule, preset);
  return {
    id: rule.id,
    name: descriptorName(rule.id),
    shortDescription: { text: rule.docs.summary },
    fullDescription: { text: rule.docs.rationale },
    ...helpUri(rule.id, docsBaseUrl),
    help: { text: `${rule.docs.rationale}\n\nFix: ${rule.docs.fix}`, markdown: ruleDocMarkdown(rule) },
    // Off in the run's preset: not enabled, at the level it has when on (strict's).
    defaultConfiguration: inPreset === 'off' ? { enabled: false, level: level(levelWhenOn(rule)) } : { level: level(inPreset) },
    properties: { tags: ['ci-cd', ...rule.dora.map((metric) => `dora:${metric}`)], fixable: rule.fixable === false ? 'no' : rule.fixable },
  };
}

function engineDescriptor(doc: EngineRuleDoc, docsBaseUrl: string | undefined): Sarif.ReportingDescriptor {
  return {
    id: doc.id,
    name: descriptorName(doc.id),
    shortDescription: { text: doc.summary },
    fullDescription: { text: doc.rationale },
    ...helpUri(doc.id, docsBaseUrl),
    help: { text: `${doc.rationale}\n\nFix: ${doc.fix}`, markdown: engineRuleDocMarkdown(doc) },
    defaultConfiguration: { level: level(doc.severity) },
  };
}

/** `gha/npm-ci` → `NpmCi`. */
function descriptorName(ruleId: string): string {
  return ruleId.replace(/^[^/]*\//, '').replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
}

function helpUri(ruleId: string, docsBaseUrl: string | undefined): { helpUri?: string } {
  return docsBaseUrl ? { helpUri: `${docsBaseUrl}${ruleId.split('/').map(encodeURIComponent).join('/')}.md` } : {};
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

export interface SarifLinks {
  /** Rule pages are `<docsBaseUrl><rule id>.md`: an https URL ending in `/`, or none known. */
  docsBaseUrl?: string;
  /** The tool's home page. */
  informationUri?: string;
  /** Why a configured URL was not used. */
  warning?: string;
}

/** package.json, where `homepage` and `repository` may say where the project lives (neither is required). */
export type PackageManifest = Readonly<Record<string, unknown>>;

/**
 * Where SARIF points code scanning for rule pages: `SHIPCHECK_DOCS_URL` when set (the GitHub Action points it at the
 * action's own repository and ref), else the docs/rules folder of the GitHub repository package.json declares. Never a
 * `file:` URL: a path on the machine that ran the check means nothing to whoever reads the results.
 */
export function sarifLinks(env: NodeJS.ProcessEnv, manifest: PackageManifest): SarifLinks {
  const homepage = httpsUrl(manifest.homepage);
  const repository = declaredRepository(manifest.repository, homepage);
  const configured = env.SHIPCHECK_DOCS_URL?.trim();
  const fromEnv = configured ? httpsUrl(configured) : undefined;
  // `HEAD` is the default branch: no tag is assumed to exist.
  const docsBaseUrl = fromEnv ?? (repository ? `${repository.url}/blob/HEAD/${repository.directory}docs/rules/` : undefined);
  const links: SarifLinks = {};
  if (docsBaseUrl) links.docsBaseUrl = docsBaseUrl.endsWith('/') ? docsBaseUrl : `${docsBaseUrl}/`;
  const informationUri = homepage ?? repository?.url ?? links.docsBaseUrl;
  if (informationUri) links.informationUri = informationUri;
  if (configured && !fromEnv) links.warning = `SHIPCHECK_DOCS_URL is not an https:// URL ('${configured}'); rule links ${docsBaseUrl ? 'point at the repository in package.json instead' : 'are left out'}`;
  return links;
}

function httpsUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return new URL(value).protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The GitHub repository package.json names, in any of the forms npm accepts (`owner/name`, `github:owner/name`,
 * `git+https://github.com/owner/name.git`, `git@github.com:owner/name.git`, `{ url, directory }`), or a `homepage`
 * on github.com: its web address, and the package's folder in it (`''` or ending in `/`). Other hosts are not guessed
 * at: their pages are laid out differently.
 */
function declaredRepository(repository: unknown, homepage: string | undefined): { url: string; directory: string } | undefined {
  const reference = typeof repository === 'string' ? repository : isRecord(repository) && typeof repository.url === 'string' ? repository.url : undefined;
  const name = (reference !== undefined ? githubName(reference) : undefined) ?? (homepage !== undefined ? githubName(homepage) : undefined);
  if (!name) return undefined;
  const directory = isRecord(repository) && typeof repository.directory === 'string' ? repository.directory.split('/').filter(Boolean) : [];
  return { url: `https://github.com/${name}`, directory: directory.map((segment) => `${encodeURIComponent(segment)}/`).join('') };
}

/** `owner/name`, as npm's shorthand writes it (`github:owner/name`, or bare) or as git's scp-like address does. */
const SHORTHAND = /^(?:github:)?([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/;
const SCP = /^git@github\.com:([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/i;

function githubName(reference: string): string | undefined {
  const short = SHORTHAND.exec(reference) ?? SCP.exec(reference);
  if (short) return `${short[1]}/${short[2]!.replace(/\.git$/, '')}`;
  let url: URL;
  try {
    url = new URL(reference.replace(/^git\+/, ''));
  } catch {
    return undefined;
  }
  if (url.hostname !== 'github.com' && url.hostname !== 'www.github.com') return undefined;
  const [owner, name] = url.pathname.split('/').filter(Boolean);
  return owner && name ? `${owner}/${name.replace(/\.git$/, '')}` : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
