// What counts as the API's own JSON: the shapes Pacer accepts from a provider (an HTML page from
// a captive portal, or a wrong shape, is `malformed`, never an empty answer). Shared by the
// client, its guarded fetch and the local-server identity checks.
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A chat completion chunk: choices (a usage-only chunk may have none). */
export function isChunk(value: unknown): value is ChatCompletionChunk {
  if (!isObject(value)) return false;
  if (Array.isArray(value.choices)) return value.choices.every((c) => isObject(c));
  return value.choices === undefined && isObject(value.usage);
}

/** The ids of `{object: 'list', data: [{id}]}` (OpenRouter leaves `object` out), else undefined. */
export function modelIds(body: unknown): string[] | undefined {
  if (!isObject(body) || !Array.isArray(body.data)) return undefined;
  if (body.object !== undefined && body.object !== 'list') return undefined;
  const ids: string[] = [];
  for (const entry of body.data) {
    if (!isObject(entry) || typeof entry.id !== 'string') return undefined;
    ids.push(entry.id);
  }
  return ids;
}

/** What the SDK parses as JSON (anything else reaches us as a string). */
export function isJsonType(response: Response): boolean {
  const type = mediaType(response);
  return type.includes('application/json') || type.endsWith('+json');
}

/** The content type without parameters, lower-cased (`text/html; charset=utf-8` → `text/html`). */
export function mediaType(response: Response): string {
  return (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}
