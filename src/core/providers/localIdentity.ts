// Which local server answers on a loopback port. Ollama, LM Studio and llama.cpp have well-known
// ports, but any dev server may listen there (8080 above all): before a built-in local provider
// receives code, a GET that only that server answers in its own JSON shape must confirm it.
//
// | server    | request                | identifying answer                                         |
// |-----------|------------------------|------------------------------------------------------------|
// | Ollama    | GET /api/version       | `{"version": "<string>"}`                                  |
// | LM Studio | GET /api/v0/models     | `{"object":"list","data":[…]}`, entries with `type`+`state`|
// | llama.cpp | GET /props             | `{"default_generation_settings": {…}, …}`                  |
//
// The paths are taken relative to the server root (the base URL without its `/v1`), so a base
// URL override keeps working. Answers are capped at 64 KB and 3 s: a probe, not a download.
import { isObject } from './apiShapes';

export type LocalServerKind = 'ollama' | 'lmstudio' | 'llamacpp';

/** `confirmed`: it is that server; `unreachable`: nothing answers; `other`: something else does. */
export type IdentityResult = 'confirmed' | 'unreachable' | 'other';

const MAX_BYTES = 64 * 1024;
const TIMEOUT_MS = 3000;

const CHECKS: Record<LocalServerKind, { path: string; is(body: unknown): boolean }> = {
  ollama: {
    path: '/api/version',
    is: (b) => isObject(b) && typeof b.version === 'string' && b.version.length > 0,
  },
  lmstudio: {
    path: '/api/v0/models',
    is: (b) =>
      isObject(b) &&
      b.object === 'list' &&
      Array.isArray(b.data) &&
      b.data.every(
        (m) =>
          isObject(m) &&
          typeof m.id === 'string' &&
          typeof m.type === 'string' &&
          typeof m.state === 'string',
      ),
  },
  llamacpp: {
    path: '/props',
    is: (b) => isObject(b) && isObject(b.default_generation_settings),
  },
};

/** The server root of an OpenAI-style base URL: `http://127.0.0.1:11434/v1` → `http://127.0.0.1:11434`. */
export function serverRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/v1$/i, '');
}

export async function identifyLocalServer(
  kind: LocalServerKind,
  baseUrl: string,
  fetchImpl: typeof fetch = fetch,
  signal?: AbortSignal,
): Promise<IdentityResult> {
  const check = CHECKS[kind];
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetchImpl(serverRoot(baseUrl) + check.path, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch {
    return 'unreachable';
  }
  try {
    if (!response.ok) return 'other';
    const text = await readCapped(response, MAX_BYTES);
    if (text === undefined) return 'other';
    return check.is(JSON.parse(text)) ? 'confirmed' : 'other';
  } catch {
    return 'other';
  } finally {
    await response.body?.cancel().catch(() => undefined);
  }
}

async function readCapped(response: Response, max: number): Promise<string | undefined> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) return undefined;
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}
