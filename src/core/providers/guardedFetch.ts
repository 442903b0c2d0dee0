// The fetch the openai SDK gets for one provider. It keeps out of Pacer what the network between
// the editor and the provider may send instead of the API: a redirect to another origin (the SDK
// would re-POST the prompt there), a captive portal's or proxy login's HTML page answered with 200,
// and bodies of any size (the SDK reads a JSON answer, an error body or one SSE line whole; here a
// 50 MB answer fails after its first megabytes instead of filling memory).
//
// Failures reach the SDK as a 200 response whose body errors with the PacerError: the SDK passes
// a body's error through unchanged, whereas an error thrown from fetch would come back wrapped (or
// turned into a bare "timeout" when its message happens to contain the word), and the SDK reads an
// error status's body with the failure swallowed.
import { mediaType } from './apiShapes';
import { PacerError } from '../common/errors';

export interface BodyLimits {
  /** A non-streaming answer (chat, FIM). */
  jsonBytes: number;
  /** `GET /models`. */
  modelListBytes: number;
  /** The body of an HTTP error (4xx/5xx). */
  errorBytes: number;
  /** One line of an SSE stream (the whole answer is bounded by the chat panel's own cap). */
  sseLineBytes: number;
}

const KB = 1024;
const MB = 1024 * KB;

export const BODY_LIMITS: BodyLimits = {
  jsonBytes: 4 * MB,
  modelListBytes: 1 * MB,
  errorBytes: 64 * KB,
  sseLineBytes: 1 * MB,
};

/** Same-origin redirects followed before giving up (a loop would otherwise never end). */
const MAX_REDIRECTS = 3;
/** How much of an HTML page is read to name it (its <title>). */
const HTML_PEEK_BYTES = 16 * KB;

export interface GuardOptions {
  providerId: string;
  label: string;
  limits?: BodyLimits;
}

export function guardedFetch(inner: typeof fetch, options: GuardOptions): typeof fetch {
  const limits = options.limits ?? BODY_LIMITS;
  const fail = (message: string, status?: number) =>
    new PacerError({ kind: 'malformed', providerId: options.providerId, message, status });

  return (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const isRequest = typeof input !== 'string' && !(input instanceof URL);
    let url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    for (let hop = 0; ; hop++) {
      const response = await inner(hop === 0 ? input : url, { ...init, redirect: 'manual' });
      if (response.type === 'opaqueredirect') {
        return failed(fail(`${options.label}: ${shown(url)} answered with a redirect. ${REDIRECT_ADVICE}`));
      }
      if (!isRedirect(response.status)) return guardBody(response, url, options.label, limits, fail);
      void response.body?.cancel().catch(() => {});
      const location = response.headers.get('location');
      const target = location ? parseUrl(location, url) : undefined;
      const status = response.status;
      if (!target) {
        return failed(
          fail(`${options.label}: ${shown(url)} answered HTTP ${status} without a usable Location.`, status),
        );
      }
      if (target.origin !== new URL(url).origin) {
        return failed(
          fail(
            `${options.label}: ${shown(url)} redirected to ${shown(target.href)} (HTTP ${status}), another server. ` +
              `The redirect was not followed, since the prompt would be sent there. ${REDIRECT_ADVICE}`,
            status,
          ),
        );
      }
      // Same origin: the same server the user chose, so the same request goes there (method and
      // body kept, as 307/308 require; for an API a 301/302 means the same).
      if (hop >= MAX_REDIRECTS || isRequest || !replayable(init?.body)) {
        const why =
          hop >= MAX_REDIRECTS ? `more than ${MAX_REDIRECTS} times` : 'and the request cannot be re-sent';
        return failed(
          fail(
            `${options.label}: ${shown(url)} redirected to ${shown(target.href)} ${why}. Check the base URL.`,
            status,
          ),
        );
      }
      url = target.href;
    }
  }) as typeof fetch;
}

const REDIRECT_ADVICE =
  "If the new address is the provider's, make it the base URL; otherwise a proxy or captive portal may be in the way.";

async function guardBody(
  response: Response,
  url: string,
  label: string,
  limits: BodyLimits,
  fail: (message: string, status?: number) => PacerError,
): Promise<Response> {
  const status = response.status;
  if (status === 511) {
    void response.body?.cancel().catch(() => {});
    return failed(fail(`${label} answered HTTP 511: ${PORTAL_ADVICE(url)}`, status));
  }
  const type = mediaType(response);
  if (status < 400 && (type === 'text/html' || type === 'application/xhtml+xml')) {
    const title = pageTitle(await peek(response.body, HTML_PEEK_BYTES).catch(() => ''));
    const named = title ? ` ("${title}")` : '';
    return failed(
      fail(`${label} answered with an HTML page${named}, not the API: ${PORTAL_ADVICE(url)}`, status),
    );
  }
  if (!response.body) return response;
  const tooBig = (what: string, limit: number) => () =>
    fail(`${label} ${what} larger than ${size(limit)}; Pacer stopped reading it. ${NOT_THE_API}`, status);
  if (status >= 400) {
    // Read here, within the cap: the SDK would read an error body whole and hide a failure.
    const body = await readCapped(response.body, limits.errorBytes);
    if (body === undefined) {
      return failed(tooBig(`answered HTTP ${status} with an error body`, limits.errorBytes)());
    }
    return new Response(body, { status, statusText: response.statusText, headers: response.headers });
  }
  if (type === 'text/event-stream') {
    const tooLong = () =>
      fail(
        `${label} sent a stream line longer than ${size(limits.sseLineBytes)}; Pacer stopped reading it. ${NOT_THE_API}`,
        status,
      );
    return rebuilt(response, capLines(response.body, limits.sseLineBytes, tooLong));
  }
  const models = /\/models\/?$/.test(new URL(url).pathname);
  const [limit, what] = models
    ? [limits.modelListBytes, 'sent a model list']
    : [limits.jsonBytes, 'sent an answer'];
  if (Number(response.headers.get('content-length')) > limit) {
    void response.body.cancel().catch(() => {});
    return failed(tooBig(what, limit)());
  }
  return rebuilt(response, capTotal(response.body, limit, tooBig(what, limit)));
}

const NOT_THE_API = 'A proxy or a server that is not the API may be in the way: check the base URL.';

const PORTAL_ADVICE = (url: string) =>
  'a proxy or captive portal may be in the way. ' +
  `Sign in to the network (open ${new URL(url).origin} in a browser), or check the base URL and VS Code's http.proxy setting.`;

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function parseUrl(location: string, base: string): URL | undefined {
  try {
    return new URL(location, base);
  } catch {
    return undefined;
  }
}

/** A URL as shown to the user: no credentials, query or fragment (they may carry tokens). */
function shown(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(an invalid URL)';
  }
}

function replayable(body: unknown): boolean {
  return (
    body === undefined ||
    body === null ||
    typeof body === 'string' ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof URLSearchParams ||
    body instanceof Blob
  );
}

function size(bytes: number): string {
  return bytes >= MB ? `${Math.round(bytes / MB)} MB` : `${Math.round(bytes / KB)} KB`;
}

/** A response whose body fails with `error` as soon as the SDK reads it. */
function failed(error: PacerError): Response {
  const body = new ReadableStream<Uint8Array>({ pull: (controller) => controller.error(error) });
  return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
}

function rebuilt(response: Response, body: ReadableStream<Uint8Array>): Response {
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * `body` passed through chunk by chunk (pulled only as the reader asks, so nothing piles up);
 * the first chunk `check` refuses ends it with that error and cancels the source.
 */
function guarded(
  body: ReadableStream<Uint8Array>,
  check: (chunk: Uint8Array) => PacerError | undefined,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await reader.read();
        } catch (e) {
          controller.error(e);
          return;
        }
        if (next.done) return controller.close();
        const error = check(next.value);
        if (!error) return controller.enqueue(next.value);
        controller.error(error);
        void reader.cancel(error).catch(() => {});
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

function capTotal(body: ReadableStream<Uint8Array>, limit: number, tooBig: () => PacerError) {
  let total = 0;
  return guarded(body, (chunk) => ((total += chunk.length) > limit ? tooBig() : undefined));
}

function capLines(body: ReadableStream<Uint8Array>, limit: number, tooLong: () => PacerError) {
  let run = 0; // bytes since the last line break
  return guarded(body, (chunk) => {
    let start = 0;
    for (;;) {
      const lf = chunk.indexOf(10, start);
      const cr = chunk.indexOf(13, start);
      const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      if (end < 0) {
        run += chunk.length - start;
        return run > limit ? tooLong() : undefined;
      }
      if (run + end - start > limit) return tooLong();
      run = 0;
      start = end + 1;
    }
  });
}

/** The whole body as text, or undefined past `limit` bytes (reading stops there). */
async function readCapped(body: ReadableStream<Uint8Array>, limit: number): Promise<string | undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    total += value.length;
    if (total > limit) {
      void reader.cancel().catch(() => {});
      return undefined;
    }
    text += decoder.decode(value, { stream: true });
  }
}

/** Up to `limit` bytes of the body as text; the rest is never read. */
async function peek(body: ReadableStream<Uint8Array> | null, limit: number): Promise<string> {
  if (!body) return '';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let total = 0;
  try {
    while (total < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    void reader.cancel().catch(() => {});
  }
  return text;
}

/** The page's <title>, short and plain, to name it in the message. */
function pageTitle(html: string): string {
  const m = /<title[^>]*>([^<]{1,300})<\/title>/i.exec(html);
  if (!m) return '';
  const text = m[1]!
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/[\s"]+/g, ' ')
    .trim();
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
