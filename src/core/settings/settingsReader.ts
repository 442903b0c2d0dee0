// Reads Pacer's settings from VS Code's layers (default, user, workspace, folder) by one rule per
// setting, so a cloned repository's `.vscode/settings.json` cannot raise cost or lower privacy:
//
// - cost and privacy settings (models, token and time limits, cache, gate, budget, providers,
//   prices: everything `application`-scoped in package.json) come from the user's settings only;
// - `completion.enabled`, `completion.contextFromOpenEditors` and `completion.languages` may be
//   turned off by a workspace, never on (user AND workspace AND folder);
// - `completion.exclude` adds up (a workspace's extra patterns only protect more).
//
// Every value is checked against package.json's schema (settingSchema.ts); whatever is ignored or
// clamped becomes a SettingIssue the editor shows once. A renamed setting's old name is read when
// only it is set (renamedSettings.ts). Pure: the layers are passed in.
import { SettingIssueText } from '../common/messages/settings';
import { renamedTo } from './renamedSettings';
import type { JsonSchema } from './settingSchema';
import { checkValue } from './settingSchema';

export interface SettingLayers {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** One value Pacer did not use as written, in words that name the setting. */
export interface SettingIssue {
  /** Full setting id, e.g. `pacer.completion.maxTokens`. */
  key: string;
  message: string;
}

export type WorkspaceRule = 'onlyOff' | 'languagesOnlyOff' | 'union';

/** The settings a workspace may touch, and how. Every other setting is read from user settings only. */
export const WORKSPACE_RULES: Readonly<Record<string, WorkspaceRule>> = {
  'pacer.completion.enabled': 'onlyOff',
  'pacer.completion.contextFromOpenEditors': 'onlyOff',
  'pacer.completion.languages': 'languagesOnlyOff',
  'pacer.completion.exclude': 'union',
};

export class SettingsReader {
  readonly issues: SettingIssue[] = [];
  private readonly values = new Map<string, unknown>();

  constructor(
    private readonly schema: Readonly<Record<string, JsonSchema>>,
    private readonly inspect: (key: string) => SettingLayers | undefined,
    private readonly prefix = 'pacer.',
  ) {}

  /** The value of `key` (without the `pacer.` prefix) to use; `fallback` only when package.json has no default. */
  value<T>(key: string, fallback: T): T {
    // A key read twice (a lower bound reads its upper one) is checked, and its issues named, once.
    if (this.values.has(key)) return this.values.get(key) as T;
    const value = this.uncached(key, fallback);
    this.values.set(key, value);
    return value;
  }

  private uncached<T>(key: string, fallback: T): T {
    const layers = this.layers(key);
    const rename = renamedTo(key);
    if (rename && !isSet(layers)) {
      // The old name, checked and clamped by its own declaration, then converted.
      const oldLayers = this.layers(rename.from);
      if (isSet(oldLayers))
        return ((this.checked(rename.from, oldLayers, fallback) as number) * rename.factor) as T;
    }
    return this.checked(key, layers, fallback);
  }

  private layers(key: string): SettingLayers | undefined {
    try {
      return this.inspect(key);
    } catch {
      return undefined;
    }
  }

  private checked<T>(key: string, layers: SettingLayers | undefined, fallback: T): T {
    const id = this.prefix + key;
    const schema = this.schema[id];
    if (!schema) return ((layers?.globalValue ?? layers?.defaultValue ?? fallback) as T) ?? fallback;
    const byDefault = this.defaultOf(schema, fallback);
    switch (WORKSPACE_RULES[id]) {
      case 'onlyOff':
        return this.onlyOff(id, schema, layers, byDefault) as T;
      case 'languagesOnlyOff':
        return this.languagesOnlyOff(id, schema, layers, byDefault as Record<string, boolean>) as T;
      case 'union':
        return this.union(id, schema, layers, byDefault) as T;
      default:
        return this.userOnly(id, schema, layers, byDefault) as T;
    }
  }

  /** Adds an issue found outside the schema (an order of bounds, a custom provider's URL). */
  note(key: string, message: string): void {
    this.issues.push({ key: this.prefix + key, message });
  }

  private defaultOf<T>(schema: JsonSchema, fallback: T): unknown {
    if (schema.default === undefined) return fallback;
    const r = checkValue(schema, schema.default);
    return r.ok ? r.value : fallback;
  }

  /** The user's value checked against the schema, the default when absent or unusable. */
  private fromUser(
    id: string,
    schema: JsonSchema,
    layers: SettingLayers | undefined,
    byDefault: unknown,
  ): unknown {
    const raw = layers?.globalValue;
    if (raw === undefined) return byDefault;
    const r = checkValue(schema, raw);
    if (!r.ok) {
      this.issues.push({ key: id, message: SettingIssueText.usingDefault(r.why, show(byDefault)) });
      return byDefault;
    }
    for (const note of r.notes) this.issues.push({ key: id, message: `${note}.` });
    return r.value;
  }

  /** A workspace or folder value checked against the schema; undefined when absent or unusable. */
  private fromWorkspace(id: string, schema: JsonSchema, raw: unknown): unknown {
    if (raw === undefined) return undefined;
    const r = checkValue(schema, raw);
    if (!r.ok) {
      this.issues.push({ key: id, message: SettingIssueText.workspaceValueIgnored(r.why) });
      return undefined;
    }
    return r.value;
  }

  private userOnly(
    id: string,
    schema: JsonSchema,
    layers: SettingLayers | undefined,
    byDefault: unknown,
  ): unknown {
    if (layers?.workspaceValue !== undefined || layers?.workspaceFolderValue !== undefined)
      this.issues.push({ key: id, message: SettingIssueText.userOnly });
    return this.fromUser(id, schema, layers, byDefault);
  }

  private onlyOff(
    id: string,
    schema: JsonSchema,
    layers: SettingLayers | undefined,
    byDefault: unknown,
  ): boolean {
    const user = this.fromUser(id, schema, layers, byDefault) === true;
    let on = user;
    for (const raw of [layers?.workspaceValue, layers?.workspaceFolderValue]) {
      const v = this.fromWorkspace(id, schema, raw);
      if (v === false) on = false;
      else if (v === true && !user)
        this.issues.push({
          key: id,
          message: SettingIssueText.cannotTurnOn,
        });
    }
    return on;
  }

  private languagesOnlyOff(
    id: string,
    schema: JsonSchema,
    layers: SettingLayers | undefined,
    byDefault: Record<string, boolean>,
  ): Record<string, boolean> {
    const user = this.fromUser(id, schema, layers, byDefault) as Record<string, boolean>;
    const workspace = [layers?.workspaceValue, layers?.workspaceFolderValue]
      .map((raw) => this.fromWorkspace(id, schema, raw) as Record<string, boolean> | undefined)
      .filter((m): m is Record<string, boolean> => m !== undefined);
    const on = (map: Record<string, boolean>, lang: string) => map[lang] ?? map['*'] ?? true;
    // A language is on only when no layer turns it off; '*' stands for every language not named.
    const out: Record<string, boolean> = {};
    const names = new Set(['*', ...Object.keys(user), ...workspace.flatMap((m) => Object.keys(m))]);
    for (const lang of names) {
      const userOn = on(user, lang);
      out[lang] = userOn && workspace.every((m) => on(m, lang));
      if (!userOn && workspace.some((m) => m[lang] === true))
        this.issues.push({
          key: id,
          message: SettingIssueText.cannotTurnOnLanguage(lang),
        });
    }
    return out;
  }

  private union(
    id: string,
    schema: JsonSchema,
    layers: SettingLayers | undefined,
    byDefault: unknown,
  ): unknown[] {
    const lists = [
      this.fromUser(id, schema, layers, byDefault),
      this.fromWorkspace(id, schema, layers?.workspaceValue),
      this.fromWorkspace(id, schema, layers?.workspaceFolderValue),
    ];
    return [...new Set(lists.flatMap((l) => (Array.isArray(l) ? (l as unknown[]) : [])))];
  }
}

/** A value in any layer a user or workspace writes (not the default). */
export function isSet(layers: SettingLayers | undefined): boolean {
  return (
    layers?.globalValue !== undefined ||
    layers?.workspaceValue !== undefined ||
    layers?.workspaceFolderValue !== undefined
  );
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
