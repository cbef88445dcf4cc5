import { SEVERITY_RANK, type Severity } from './finding';

/**
 * Which rules are on and how loud, chosen once per run (`preset:` in `.shipcheck.yaml`, `--preset`,
 * `shipcheck.preset`):
 * - `recommended` (the default): the rules whose precision on real repositories is measured, at the severity
 *   that precision earns;
 * - `strict`: every rule, each at its strict severity (a rule's strict severity is never `off`);
 * - `all`: every rule at its strict severity, and whatever a rule reports only when asked for everything.
 * Configuration (`rules:`) still sets any rule's level, or turns it off, on top of the preset.
 */
export type Preset = 'recommended' | 'strict' | 'all';

export const PRESETS: readonly Preset[] = ['recommended', 'strict', 'all'];

/** What a project runs when its configuration names no preset: the CLI and the language server resolve it. */
export const DEFAULT_PRESET: Preset = 'recommended';

/**
 * What the engine runs when its caller names no preset: every rule it is given, at its strict level. The front ends
 * always name one (the configured preset, else `DEFAULT_PRESET`); a caller of the engine itself (tests, benchmarks)
 * gets every rule it passes.
 */
export const ENGINE_PRESET: Preset = 'all';

/** A rule's level in one preset: `off` leaves it out of that preset. */
export type PresetLevel = Severity | 'off';

/** What a rule declares: its level in `recommended` and in `strict` (`all` uses strict's). */
export interface RulePresets {
  recommended: PresetLevel;
  strict: PresetLevel;
}

/** The rule's level in the preset (`all`: its strict level). */
export function presetSeverity(rule: { presets: RulePresets }, preset: Preset): PresetLevel {
  return preset === 'all' ? rule.presets.strict : rule.presets[preset];
}

/** A rule's level whenever it is on: strict's (also what SARIF gives a rule its run's preset leaves out). */
export function levelWhenOn(rule: { presets: RulePresets }): Severity {
  // Every rule is on in strict (the registry test holds each to it); `hint` only satisfies the type.
  return rule.presets.strict === 'off' ? 'hint' : rule.presets.strict;
}

const BY_RANK: readonly Severity[] = ['hint', 'info', 'warning', 'error'];

/** The severity of one finding in a preset, as `RuleDefinition.presets` (engine/core/rule.ts) explains. */
export function findingSeverity(presets: RulePresets, level: Severity, reported: Severity | undefined): Severity {
  if (reported === undefined) return level;
  const rank = SEVERITY_RANK[level] + SEVERITY_RANK[reported] - SEVERITY_RANK[levelWhenOn({ presets })];
  return BY_RANK[Math.max(0, Math.min(BY_RANK.length - 1, rank))]!;
}
