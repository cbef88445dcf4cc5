import type { Connection } from 'vscode-languageserver';
import type { Severity } from '../engine/core/finding';
import type { RuleSetting } from '../engine/core/lint';
import { PRESETS, type Preset } from '../engine/core/presets';

/** The `shipcheck.*` editor settings (contributed in package.json), validated. */
export interface EditorSettings {
  enable: boolean;
  /** `auto` (the default): the `preset:` of `.shipcheck.yaml`, else recommended; a preset the user chose wins over the file. */
  preset: Preset | 'auto';
  /** Per-rule severities; they override `.shipcheck.yaml`. */
  rules: Record<string, RuleSetting>;
  run: 'onType' | 'onSave';
  /** KiB; larger files are not checked. */
  maxFileSize: number;
  /** `auto`: off while the Red Hat YAML extension (which reports them too) is active. */
  syntaxErrors: 'auto' | 'on' | 'off';
  /** `shipcheck.inlayHints.enable`: effective defaults shown inline (a job's timeout, probe windows). */
  inlayHints: boolean;
  /** `shipcheck.codeLens.enable`: the release timeline above a canary's steps or a Flagger analysis. */
  codeLens: boolean;
}

export const DEFAULT_SETTINGS: EditorSettings = { enable: true, preset: 'auto', rules: {}, run: 'onType', maxFileSize: 4096, syntaxErrors: 'auto', inlayHints: true, codeLens: true };

const LEVELS = new Set<RuleSetting>(['off', 'hint', 'info', 'warning', 'error'] satisfies (Severity | 'off')[]);

/** Reads what the client sent, keeping defaults for anything missing or malformed: settings never break checking. */
export function readSettings(raw: unknown): EditorSettings {
  const settings: EditorSettings = { ...DEFAULT_SETTINGS, rules: {} };
  if (typeof raw !== 'object' || raw === null) return settings;
  const value = raw as Record<string, unknown>;
  if (typeof value.enable === 'boolean') settings.enable = value.enable;
  const preset = PRESETS.find((name) => name === value.preset);
  if (preset) settings.preset = preset;
  if (value.run === 'onType' || value.run === 'onSave') settings.run = value.run;
  if (typeof value.maxFileSize === 'number' && value.maxFileSize > 0) settings.maxFileSize = value.maxFileSize;
  if (value.syntaxErrors === 'auto' || value.syntaxErrors === 'on' || value.syntaxErrors === 'off') settings.syntaxErrors = value.syntaxErrors;
  const inlayHints = enableOf(value.inlayHints);
  if (inlayHints !== undefined) settings.inlayHints = inlayHints;
  const codeLens = enableOf(value.codeLens);
  if (codeLens !== undefined) settings.codeLens = codeLens;
  if (typeof value.rules === 'object' && value.rules !== null) {
    for (const [id, level] of Object.entries(value.rules as Record<string, unknown>)) {
      if (typeof level === 'string' && LEVELS.has(level as RuleSetting)) settings.rules[id] = level as RuleSetting;
    }
  }
  return settings;
}

/** `{ enable: boolean }`, as VS Code sends a `section.enable` setting. */
function enableOf(raw: unknown): boolean | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const enable = (raw as Record<string, unknown>).enable;
  return typeof enable === 'boolean' ? enable : undefined;
}

// Settings requests in flight at most. Documents that need settings meanwhile (a whole workspace opened at once) are
// asked about together in one request when one comes back: a request waiting for its answer costs ~1.5 KB, and the
// client answers none before it has sent every document it is opening.
const MAX_REQUESTS = 8;

/** Per-document settings pulled from the client (`workspace/configuration`), cached until they change. */
export class SettingsCache {
  private readonly cache = new Map<string, EditorSettings>();
  // Equal answers share one settings object (every document of a workspace usually has the same settings).
  private readonly answers = new Map<string, EditorSettings>();
  private requests = 0;
  // Bumped by `clear()`: an answer to a request sent before the settings changed is not cached (it may be the old one).
  private generation = 0;
  // The documents waiting for the next request, and what settles with their settings (in that order) when it is answered.
  private next: { scopes: string[]; answered: Promise<EditorSettings[]>; settle: (answer: Promise<EditorSettings[]>) => void } | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly canPull: () => boolean,
  ) {}

  /** The cached settings, or the defaults before the first answer. */
  get(uri: string): EditorSettings {
    return this.cache.get(uri) ?? DEFAULT_SETTINGS;
  }

  /**
   * The document's settings, asked of the client when not cached. When the settings change while the question is out
   * (VS Code for the web loads a workspace's settings after its first documents open), the answer may be the old one:
   * it is asked again, so a check scheduled for the change never runs with the settings from before it.
   */
  async refresh(uri: string): Promise<EditorSettings> {
    if (!this.canPull()) return this.get(uri);
    for (;;) {
      const cached = this.cache.get(uri);
      if (cached) return cached;
      const generation = this.generation;
      const settings = await this.askFor(uri);
      if (generation === this.generation) return settings;
    }
  }

  private async askFor(uri: string): Promise<EditorSettings> {
    if (this.requests < MAX_REQUESTS) return (await this.ask([uri]))[0]!;
    if (!this.next) {
      let settle!: (answer: Promise<EditorSettings[]>) => void;
      const answered = new Promise<EditorSettings[]>((resolve) => (settle = resolve));
      this.next = { scopes: [], answered, settle };
    }
    const index = this.next.scopes.push(uri) - 1;
    return (await this.next.answered)[index]!;
  }

  clear(): void {
    this.generation++;
    this.cache.clear();
    this.answers.clear();
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  private async ask(scopes: string[]): Promise<EditorSettings[]> {
    this.requests++;
    const generation = this.generation;
    try {
      const raw: unknown[] = await this.connection.workspace.getConfiguration(scopes.map((scopeUri) => ({ scopeUri, section: 'shipcheck' })));
      const settings = scopes.map((_, index) => this.settingsOf(raw[index]));
      if (generation === this.generation) scopes.forEach((scope, index) => this.cache.set(scope, settings[index]!));
      return settings;
    } finally {
      this.requests--;
      const next = this.next;
      this.next = undefined;
      next?.settle(this.ask(next.scopes));
    }
  }

  private settingsOf(raw: unknown): EditorSettings {
    const key = JSON.stringify(raw) ?? 'undefined';
    let settings = this.answers.get(key);
    if (!settings) this.answers.set(key, (settings = readSettings(raw)));
    return settings;
  }
}
