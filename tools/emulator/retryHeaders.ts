// Raw retry hints on the emulator's 429s, for testing how a client paces itself when a server (or
// a proxy in front of it) sends odd ones: `Retry-After: 0`, an HTTP date in the past (clock skew),
// a reset epoch that has already passed. Values go out as given, except two placeholders that are
// filled in at the moment of each response, so "one second ago" stays one second ago:
//   {date±S}   an HTTP date (IMF-fixdate) S seconds from now, e.g. "{date-1}"
//   {epoch±S}  Unix epoch seconds S seconds from now, e.g. "{epoch-5}"

const PLACEHOLDER = /\{(date|epoch)([+-]\d+(?:\.\d+)?)?\}/g;

/** The headers to send with one 429 at wall-clock time `nowMs`. */
export function renderRetryHeaders(template: Record<string, string>, nowMs: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(template)) {
    out[name.toLowerCase()] = value.replace(PLACEHOLDER, (_, kind: string, offset: string | undefined) => {
      const at = nowMs + Number(offset ?? 0) * 1000;
      return kind === 'date' ? new Date(at).toUTCString() : String(Math.floor(at / 1000));
    });
  }
  return out;
}

/** Why a `retryHeaders` option value is unusable, or undefined when it is fine. */
export function checkRetryHeaders(value: unknown): string | undefined {
  const ok =
    !!value &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.entries(value).every(([k, v]) => /^[!#-'*+.^-`|~\w-]+$/.test(k) && typeof v === 'string');
  return ok ? undefined : 'retryHeaders must be { "header-name": "value" } with string values';
}
