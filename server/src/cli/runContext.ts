import * as fs from 'node:fs';
import * as path from 'node:path';
import { withConfiguredFacts, type ShipcheckConfig } from '../project/config';
import type { LintOptions } from '../engine/core/lint';
import type { ProjectFacts } from '../engine/core/rule';
import { ProjectIndex } from '../engine/core/projectIndex';
import { projectFacts } from '../project/facts';
import { RULES } from '../rules/index';
import { DEFAULT_PRESET, type Preset } from '../engine/core/presets';
import type { FixMode } from './args';
import type { CheckSettings } from './check';
import type { Target } from '../project/discover';
import { shellcheckFindingsSync, shellcheckLevel, shellcheckNotes } from '../project/shellcheck';
import { Shellcheck } from '../project/shellcheckBinary';
import type { YamlFile } from '../engine/yaml/yamlFile';

/**
 * Everything the files of one run are checked against, built once by the main thread and copied to each
 * worker (so it holds plain data only). Whatever is derived from the whole set of files belongs here.
 */
export interface RunContext {
  preset: Preset;
  ruleSettings: ShipcheckConfig['ruleSettings'];
  ruleOptions: ShipcheckConfig['ruleOptions'];
  /** In UTF-16 code units, as the engine compares it. */
  maxFileSize: number;
  fix: FixMode;
  dryRun: boolean;
  /** Project facts by the absolute directory of each file checked. */
  projectFacts: Map<string, ProjectFacts>;
  /**
   * The run's files, which each thread's project index is made of: a list crosses to the workers as it is, and the
   * index reads and parses a file only when a rule asks about it (most runs ask about none).
   */
  indexFiles: string[];
  /** Whether gha/shellcheck runs: it is on, not left out by `--no-shellcheck`, and the binary is on PATH. */
  shellcheck: boolean;
}

/** Where a user raises the size limit when checking from the command line (named in the too-large finding). */
const MAX_FILE_SIZE_SETTING = '--max-file-size or maxFileSize in .shipcheck.yaml';

export function buildRunContext(
  config: ShipcheckConfig,
  run: { fix: FixMode; dryRun: boolean; maxFileSizeKiB: number; shellcheck: boolean },
  targets: readonly Target[],
): RunContext {
  const factsByDirectory = new Map<string, ProjectFacts>();
  for (const target of targets) {
    const file = path.resolve(target.path);
    const directory = path.dirname(file);
    if (!factsByDirectory.has(directory)) factsByDirectory.set(directory, withConfiguredFacts(projectFacts(file), config));
  }
  return {
    preset: config.preset ?? DEFAULT_PRESET,
    ruleSettings: config.ruleSettings,
    ruleOptions: config.ruleOptions,
    maxFileSize: run.maxFileSizeKiB * 1024,
    fix: run.fix,
    dryRun: run.dryRun,
    projectFacts: factsByDirectory,
    indexFiles: targets.map((target) => target.path),
    shellcheck: run.shellcheck,
  };
}

/** How a thread checks files under a run's context: one `LintOptions` per directory, made on first use. */
export function checkSettings(context: RunContext): CheckSettings {
  const byDirectory = new Map<string, LintOptions>();
  const index = new ProjectIndex();
  for (const file of context.indexFiles) index.setFileSource(file, readText);
  const shellcheck = context.shellcheck ? Shellcheck.find() : undefined;
  const level = shellcheckLevel(context.preset, context.ruleSettings);
  const notes = shellcheckNotes(context.preset);
  return {
    fix: context.fix,
    dryRun: context.dryRun,
    ...(shellcheck && level ? { adapterFindings: (file: YamlFile) => shellcheckFindingsSync(file, shellcheck, level, notes) } : {}),
    lintOptions(filePath) {
      const directory = path.dirname(path.resolve(filePath));
      let options = byDirectory.get(directory);
      if (!options) {
        options = {
          rules: RULES,
          preset: context.preset,
          project: context.projectFacts.get(directory) ?? {},
          ruleSettings: context.ruleSettings,
          ruleOptions: context.ruleOptions,
          maxFileSize: context.maxFileSize,
          maxFileSizeSetting: MAX_FILE_SIZE_SETTING,
          index,
        };
        byDirectory.set(directory, options);
      }
      return options;
    },
  };
}

/** A file's text for the index; a file that cannot be read is not part of it. */
function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
