// Answers that are not DeepSeek's API at all, as the network in between sends them: a captive
// portal's 200 HTML page, bodies far larger than any real answer, one endless SSE line, and a 307
// to another origin. Bodies are written piece by piece with backpressure, so a 50 MB answer
// costs the emulator no memory and stops as soon as the client goes away.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { MODELS } from './requests';
import { jsonHeaders, sseHeaders } from './responses';

export type HostileKind = 'html' | 'oversizedBody' | 'oversizedError' | 'oversizedLine' | 'redirect';

export const HOSTILE_KINDS: readonly HostileKind[] = [
  'html',
  'oversizedBody',
  'oversizedError',
  'oversizedLine',
  'redirect',
];

export function isHostile(kind: string): kind is HostileKind {
  return (HOSTILE_KINDS as readonly string[]).includes(kind);
}

/** Default size of an oversized body or line: far past every limit a client should keep. */
export const DEFAULT_OVERSIZE_BYTES = 50 * 1024 * 1024;

export interface HostileRequest {
  route: 'models' | 'chat' | 'fim';
  stream: boolean;
  /** The request's path and query as sent (`/v1/models`), for the redirect's Location. */
  url: string;
  /** This emulator's own origin, e.g. `http://127.0.0.1:8787`. */
  origin: string;
}

export interface HostileOptions {
  /** Payload bytes of an oversized body, error body or SSE line. */
  bytes?: number;
  /** Origin the redirect points to; default the other loopback name for this port. */
  redirectTo?: string;
}

export const PORTAL_TITLE = 'Sign in to Guest Wi-Fi';

const PORTAL_PAGE =
  '<!DOCTYPE html>\n<html><head><meta charset="utf-8">' +
  `<title>${PORTAL_TITLE}</title></head>\n` +
  '<body><h1>Welcome</h1><p>Accept the terms of use to continue.</p>' +
  '<form method="post" action="/login"><button>Accept</button></form></body></html>\n';

/** Sends the hostile answer; resolves when it is written or the client went away. Returns the status. */
export async function sendHostile(
  res: ServerResponse,
  kind: HostileKind,
  req: HostileRequest,
  options: HostileOptions = {},
): Promise<number> {
  const bytes = options.bytes ?? DEFAULT_OVERSIZE_BYTES;
  switch (kind) {
    case 'html':
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': String(Buffer.byteLength(PORTAL_PAGE)),
      });
      res.end(PORTAL_PAGE);
      return 200;
    case 'redirect': {
      const location = new URL(req.url, options.redirectTo ?? otherLoopbackOrigin(req.origin)).href;
      res.writeHead(307, { location, 'content-length': '0' });
      res.end();
      return 307;
    }
    case 'oversizedError': {
      const [head, tail] = [
        '{"error":{"message":"Server Error: ',
        '","type":"api_error","param":null,"code":"server_error"}}',
      ];
      res.writeHead(500, { 'content-type': 'application/json' });
      await writePadded(res, head, bytes, tail);
      return 500;
    }
    case 'oversizedLine':
      if (req.stream && req.route !== 'models') {
        await sendLongLine(res, req.route, bytes);
        return 200;
      }
      return sendBigJson(res, req.route, bytes);
    case 'oversizedBody':
      return sendBigJson(res, req.route, bytes);
  }
}

/** A valid answer of the right shape whose text (or model list) is `bytes` long. */
async function sendBigJson(
  res: ServerResponse,
  route: HostileRequest['route'],
  bytes: number,
): Promise<number> {
  const id = randomUUID();
  res.writeHead(200, jsonHeaders(id));
  if (route === 'models') {
    const real = MODELS.map((m) => JSON.stringify({ id: m, object: 'model', owned_by: 'deepseek' }));
    const unit = '{"id":"padding-model","object":"model","owned_by":"deepseek"},';
    await writeRepeated(
      res,
      '{"object":"list","data":[',
      unit,
      Math.ceil(bytes / unit.length),
      `${real.join(',')}]}`,
    );
  } else if (route === 'fim') {
    await writePadded(
      res,
      `{"id":"cmpl-${id}","object":"text_completion","created":0,"model":"deepseek-flash","choices":[{"text":"`,
      bytes,
      '","index":0,"logprobs":null,"finish_reason":"stop"}]}',
    );
  } else {
    await writePadded(
      res,
      `{"id":"chatcmpl-${id}","object":"chat.completion","created":0,"model":"deepseek-flash","choices":[{"index":0,"message":{"role":"assistant","content":"`,
      bytes,
      '"},"logprobs":null,"finish_reason":"stop"}]}',
    );
  }
  return 200;
}

/** One SSE `data:` line of `bytes` (a valid chunk once it ends), then a normal ending. */
async function sendLongLine(res: ServerResponse, route: 'chat' | 'fim', bytes: number): Promise<void> {
  const id = randomUUID();
  res.writeHead(200, sseHeaders(id));
  const [head, tail, last] =
    route === 'fim'
      ? [
          `data: {"id":"cmpl-${id}","object":"text_completion","created":0,"model":"deepseek-flash","choices":[{"text":"`,
          '","index":0,"logprobs":null,"finish_reason":null}]}\n\n',
          '{"choices":[{"text":"","index":0,"logprobs":null,"finish_reason":"stop"}]}',
        ]
      : [
          `data: {"id":"chatcmpl-${id}","object":"chat.completion.chunk","created":0,"model":"deepseek-flash","choices":[{"index":0,"delta":{"content":"`,
          '"},"logprobs":null,"finish_reason":null}]}\n\n',
          '{"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}',
        ];
  await writePadded(res, head, bytes, `${tail}data: ${last}\n\ndata: [DONE]\n\n`, false);
  if (!res.destroyed && !res.writableEnded) res.end();
}

const PAD_CHUNK = 64 * 1024;

function writePadded(
  res: ServerResponse,
  head: string,
  bytes: number,
  tail: string,
  end = true,
): Promise<void> {
  const chunk = 'x'.repeat(PAD_CHUNK);
  const full = Math.floor(bytes / PAD_CHUNK);
  return writeRepeated(res, head, chunk, full, 'x'.repeat(bytes - full * PAD_CHUNK) + tail, end);
}

/** head, `unit` × times (grouped into ~64 KB writes, waiting for drain), tail. */
async function writeRepeated(
  res: ServerResponse,
  head: string,
  unit: string,
  times: number,
  tail: string,
  end = true,
): Promise<void> {
  const perWrite = Math.max(1, Math.floor(PAD_CHUNK / unit.length));
  const group = unit.repeat(perWrite);
  if (!(await write(res, head))) return;
  for (let left = times; left > 0; left -= perWrite) {
    if (!(await write(res, left >= perWrite ? group : unit.repeat(left)))) return;
  }
  if (!(await write(res, tail))) return;
  if (end) res.end();
}

/** Writes and waits for drain when the socket is full; false once the client has gone. */
function write(res: ServerResponse, text: string): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false);
  if (res.write(text)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/** `http://127.0.0.1:P` ↔ `http://localhost:P`: another origin that still reaches this emulator. */
export function otherLoopbackOrigin(origin: string): string {
  const u = new URL(origin);
  u.hostname = u.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  return u.origin;
}
