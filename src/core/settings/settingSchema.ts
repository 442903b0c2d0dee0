// Checks a setting's value against the JSON schema package.json declares for it (the subset
// Pacer uses: number/integer with minimum/maximum, boolean, string with enum, arrays of items,
// objects with properties/required/additionalProperties). VS Code only underlines a wrong value
// in settings.json and hands it to the extension anyway, so every value is checked here before
// use: a wrong type falls back, a number out of range is clamped, a bad entry of a list or map is
// dropped. Pure: package.json's schema is passed in.

export interface JsonSchema {
  type?: 'number' | 'integer' | 'boolean' | 'string' | 'array' | 'object';
  enum?: readonly unknown[];
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  properties?: Readonly<Record<string, JsonSchema>>;
  required?: readonly string[];
  additionalProperties?: JsonSchema | boolean;
  default?: unknown;
  scope?: string;
}

/** The value to use, and what was changed on the way (empty when the value was fine). */
export type Checked = { ok: true; value: unknown; notes: string[] } | { ok: false; why: string };

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Keys that would reach Object.prototype when copied into a plain object.
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function checkValue(schema: JsonSchema, value: unknown, where = ''): Checked {
  const at = where ? `${where}: ` : '';
  switch (schema.type) {
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value))
        return { ok: false, why: `${at}${describe(value)} is not a number` };
      const notes: string[] = [];
      let n = value;
      if (schema.type === 'integer' && !Number.isInteger(n)) {
        n = Math.round(n);
        notes.push(`${at}${value} rounded to ${n}`);
      }
      if (schema.minimum !== undefined && n < schema.minimum) {
        notes.push(`${at}${n} raised to the minimum ${schema.minimum}`);
        n = schema.minimum;
      }
      if (schema.maximum !== undefined && n > schema.maximum) {
        notes.push(`${at}${n} lowered to the maximum ${schema.maximum}`);
        n = schema.maximum;
      }
      return { ok: true, value: n, notes };
    }
    case 'boolean':
      return typeof value === 'boolean'
        ? { ok: true, value, notes: [] }
        : { ok: false, why: `${at}${describe(value)} is not true or false` };
    case 'string':
      if (typeof value !== 'string') return { ok: false, why: `${at}${describe(value)} is not a string` };
      if (schema.enum && !schema.enum.includes(value))
        return { ok: false, why: `${at}${describe(value)} is not one of ${schema.enum.join(', ')}` };
      return { ok: true, value, notes: [] };
    case 'array': {
      if (!Array.isArray(value)) return { ok: false, why: `${at}${describe(value)} is not a list` };
      if (!schema.items) return { ok: true, value: [...(value as unknown[])], notes: [] };
      const out: unknown[] = [];
      const notes: string[] = [];
      value.forEach((item: unknown, i) => {
        const r = checkValue(schema.items!, item, `${where}[${i}]`);
        if (r.ok) {
          out.push(r.value);
          notes.push(...r.notes);
        } else notes.push(`${r.why} (entry ignored)`);
      });
      return { ok: true, value: out, notes };
    }
    case 'object': {
      if (!isPlainObject(value)) return { ok: false, why: `${at}${describe(value)} is not an object` };
      for (const key of schema.required ?? []) {
        if (value[key] === undefined) return { ok: false, why: `${at}"${key}" is missing` };
      }
      const out: Record<string, unknown> = {};
      const notes: string[] = [];
      for (const [key, item] of Object.entries(value)) {
        const name = where ? `${where}.${key}` : key;
        if (UNSAFE_KEYS.has(key)) {
          notes.push(`${name} ignored`);
          continue;
        }
        const sub =
          schema.properties?.[key] ??
          (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
        if (!sub) {
          // Unknown keys of a fixed-shape object are kept: they do no harm and may be newer fields.
          out[key] = item;
          continue;
        }
        const r = checkValue(sub, item, name);
        if (r.ok) {
          out[key] = r.value;
          notes.push(...r.notes);
        } else if (schema.required?.includes(key)) {
          return { ok: false, why: r.why };
        } else notes.push(`${r.why} (ignored)`);
      }
      return { ok: true, value: out, notes };
    }
    default:
      return { ok: true, value, notes: [] };
  }
}
