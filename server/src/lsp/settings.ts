import type { Connection } from 'vscode-languageserver';
import type { Severity } from '../engine/finding';
import type { RuleSetting } from '../engine/lint';

/** The `shipcheck.*` editor settings (contributed in package.json), validated. */
export interface EditorSettings {
  enable: boolean;
  /** Per-rule severities; they override `.shipcheck.yaml`. */
  rules: Record<string, RuleSetting>;
  run: 'onType' | 'onSave';
  /** KiB; larger files are not checked. */
  maxFileSize: number;
  /** `auto`: off while the Red Hat YAML extension (which reports them too) is active. */
  syntaxErrors: 'auto' | 'on' | 'off';
}

export const DEFAULT_SETTINGS: EditorSettings = { enable: true, rules: {}, run: 'onType', maxFileSize: 4096, syntaxErrors: 'auto' };

const LEVELS = new Set<RuleSetting>(['off', 'hint', 'info', 'warning', 'error'] satisfies (Severity | 'off')[]);

/** Reads what the client sent, keeping defaults for anything missing or malformed: settings never break checking. */
export function readSettings(raw: unknown): EditorSettings {
  const settings: EditorSettings = { ...DEFAULT_SETTINGS, rules: {} };
  if (typeof raw !== 'object' || raw === null) return settings;
  const value = raw as Record<string, unknown>;
  if (typeof value.enable === 'boolean') settings.enable = value.enable;
  if (value.run === 'onType' || value.run === 'onSave') settings.run = value.run;
  if (typeof value.maxFileSize === 'number' && value.maxFileSize > 0) settings.maxFileSize = value.maxFileSize;
  if (value.syntaxErrors === 'auto' || value.syntaxErrors === 'on' || value.syntaxErrors === 'off') settings.syntaxErrors = value.syntaxErrors;
  if (typeof value.rules === 'object' && value.rules !== null) {
    for (const [id, level] of Object.entries(value.rules as Record<string, unknown>)) {
      if (typeof level === 'string' && LEVELS.has(level as RuleSetting)) settings.rules[id] = level as RuleSetting;
    }
  }
  return settings;
}

/** Per-document settings pulled from the client (`workspace/configuration`), cached until they change. */
export class SettingsCache {
  private readonly cache = new Map<string, EditorSettings>();

  constructor(
    private readonly connection: Connection,
    private readonly canPull: () => boolean,
  ) {}

  /** The cached settings, or the defaults before the first answer. */
  get(uri: string): EditorSettings {
    return this.cache.get(uri) ?? DEFAULT_SETTINGS;
  }

  async refresh(uri: string): Promise<EditorSettings> {
    if (!this.canPull()) return this.get(uri);
    const cached = this.cache.get(uri);
    if (cached) return cached;
    const raw: unknown = await this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'shipcheck' });
    const settings = readSettings(raw);
    this.cache.set(uri, settings);
    return settings;
  }

  clear(): void {
    this.cache.clear();
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}
