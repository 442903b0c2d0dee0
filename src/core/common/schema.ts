// Tiny parser combinators for untrusted JSON (webview messages, files read back from disk). Each
// parser returns a fresh value holding only the fields it knows, or throws ProtocolError naming
// the first bad field. Dependency-free on purpose: the webview bundle imports it too.

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export type Parser<T> = (value: unknown, path: string) => T;
export interface Optional<T> {
  optional: Parser<T>;
}
type Field = Parser<unknown> | Optional<unknown>;
type Out<F> = F extends Optional<infer T> ? T : F extends Parser<infer T> ? T : never;
type RequiredKeys<S> = { [K in keyof S]: S[K] extends Optional<unknown> ? never : K }[keyof S];
type OptionalKeys<S> = { [K in keyof S]: S[K] extends Optional<unknown> ? K : never }[keyof S];
type ObjectOut<S> = { [K in RequiredKeys<S>]: Out<S[K]> } & { [K in OptionalKeys<S>]?: Out<S[K]> };

const fail = (path: string, what: string): never => {
  throw new ProtocolError(`${path || 'message'}: ${what}`);
};

export const str =
  (max: number, min = 0): Parser<string> =>
  (v, path) => {
    if (typeof v !== 'string') return fail(path, 'expected a string');
    if (v.length > max) return fail(path, `longer than ${max} characters`);
    if (v.length < min) return fail(path, `shorter than ${min} characters`);
    return v;
  };

/**
 * A string cut to `max` characters instead of refused: for labels a peer does not control (a
 * provider's model name may be a file path), where a long value must not cost the whole message.
 * The end is kept, since the end of a path names the file.
 */
export const clipped =
  (max: number): Parser<string> =>
  (v, path) => {
    if (typeof v !== 'string') return fail(path, 'expected a string');
    return clip(v, max);
  };

/** `text` within `max` characters: the end kept behind an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(text.length - (max - 1))}`;
}

export const int =
  (min: number, max: number): Parser<number> =>
  (v, path) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) return fail(path, 'expected an integer');
    if (v < min || v > max) return fail(path, `out of range ${min}..${max}`);
    return v;
  };

/** A finite number (NaN and the infinities are not JSON and would not survive the trip). */
export const num: Parser<number> = (v, path) =>
  typeof v === 'number' && Number.isFinite(v) ? v : fail(path, 'expected a finite number');

export const bool: Parser<boolean> = (v, path) =>
  typeof v === 'boolean' ? v : fail(path, 'expected a boolean');

export const oneOf =
  <const T extends string>(values: readonly T[]): Parser<T> =>
  (v, path) =>
    (values as readonly unknown[]).includes(v)
      ? (v as T)
      : fail(path, `expected one of ${values.join(', ')}`);

export const arr =
  <T>(item: Parser<T>, max: number): Parser<T[]> =>
  (v, path) => {
    if (!Array.isArray(v)) return fail(path, 'expected an array');
    if (v.length > max) return fail(path, `more than ${max} items`);
    return v.map((x, i) => item(x, `${path}[${i}]`));
  };

/**
 * An array whose invalid items are left out instead of failing the whole: for stored lists, where
 * one damaged entry must not cost the others. `onBad` hears about each item left out.
 */
export const each =
  <T>(item: Parser<T>, max: number, onBad?: (error: unknown, index: number) => void): Parser<T[]> =>
  (v, path) => {
    if (!Array.isArray(v)) return fail(path, 'expected an array');
    const out: T[] = [];
    for (let i = 0; i < v.length && out.length < max; i++) {
      try {
        out.push(item(v[i], `${path}[${i}]`));
      } catch (e) {
        onBad?.(e, i);
      }
    }
    return out;
  };

export const opt = <T>(p: Parser<T>): Optional<T> => ({ optional: p });

export const obj =
  <S extends Record<string, Field>>(shape: S): Parser<ObjectOut<S>> =>
  (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(path, 'expected an object');
    const input = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(shape)) {
      const value = Object.prototype.hasOwnProperty.call(input, key) ? input[key] : undefined;
      const sub = path ? `${path}.${key}` : key;
      if ('optional' in field) {
        if (value !== undefined) out[key] = field.optional(value, sub);
      } else {
        out[key] = field(value, sub);
      }
    }
    return out as ObjectOut<S>;
  };

/** Parses a union by its `type` field; the per-type parsers describe the remaining fields. */
export const byType =
  <T extends { type: string }>(parsers: {
    [K in T['type']]: Parser<Omit<Extract<T, { type: K }>, 'type'>>;
  }) =>
  (value: unknown): T => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return fail('', 'expected an object');
    }
    const type = (value as { type?: unknown }).type;
    if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(parsers, type)) {
      return fail('type', `unknown message type ${JSON.stringify(String(type).slice(0, 40))}`);
    }
    const parse = (parsers as Record<string, Parser<object>>)[type] as Parser<object>;
    return { type, ...parse(value, '') } as T;
  };
