// A real HTTP server that behaves like DeepSeek's API: models list, chat and FIM (streaming or
// not), thinking, prefix-cache usage, the account-wide concurrency 429, busy keep-alives and
// switchable faults. Used by unit tests, the benchmark, the editor tests and `npm start`.
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import * as errors from './errors';
import type { HttpError } from './errors';
import { HOSTILE_KINDS, isHostile, sendHostile } from './hostile';
import type { HostileKind } from './hostile';
import type { PoseAs } from './identity';
import { answerIdentity } from './identity';
import { PrefixCache } from './prefixCache';
import { checkRetryHeaders, renderRetryHeaders } from './retryHeaders';
import { MODELS, parseChat, parseFim, parseJson } from './requests';
import type { ChatRequest, FimRequest, Parsed } from './requests';
import {
  buildAnswer,
  jsonAnswer,
  jsonHeaders,
  keepAlive,
  sendJsonBody,
  sseHeaders,
  streamAnswer,
} from './responses';
import type { StreamFault } from './responses';
import { StatsRecorder } from './stats';
import type { RequestRecord, SentSearch } from './stats';

export interface EmulatorOptions {
  host?: string; // default 127.0.0.1
  port?: number; // default 0 (ephemeral)
  concurrencyCap?: number; // account-wide cap on requests in flight; default Infinity (none)
  retryAfterSeconds?: number; // when set, 429s carry `Retry-After: N`; default none (like DeepSeek)
  retryHeaders?: Record<string, string>; // raw extra headers on every 429 ({date-1}, {epoch-5} filled in; see retryHeaders.ts)
  ttftMs?: number; // time to first token, default 150
  tokensPerSecond?: number; // default 200
  answerTokens?: number; // default length of generated answers (chat), default 60
  busyMs?: number; // "busy" mode: hold each request this long sending keep-alives before answering; default 0
  keepAliveIntervalMs?: number; // default 1000 (busy mode and stall fault)
  requireKey?: string; // when set, any other `Authorization: Bearer` gets 401
  chatScript?: { match: string; answer: string }[]; // if the last user message contains `match`, answer is `answer`
  fimAnswer?: (prompt: string, suffix: string) => string; // FIM answers from another source (e.g. tools/emulator/typingOracle.ts); in-process only
  poseAs?: PoseAs; // answer a local server's identity route too (tools/emulator/identity.ts)
}

export type FaultKind =
  | 'none'
  | 'unauthorized'
  | 'noBalance'
  | 'badRequest'
  | 'unprocessable'
  | 'serverError'
  | 'overloaded'
  | 'rateLimited'
  | 'refuse'
  | 'reset'
  | 'resetMidStream'
  | 'stall'
  | 'malformed'
  | HostileKind;

export interface Fault {
  kind: FaultKind;
  count?: number;
  paths?: string[];
  afterChunks?: number;
  forMs?: number;
  /** Payload size of `oversizedBody` / `oversizedError` / `oversizedLine` (default 50 MB). */
  bytes?: number;
  /** Origin a `redirect` points to (default: the other loopback name, same port). */
  redirectTo?: string;
}

export interface EmulatorStats {
  requestsByPath: Record<string, number>;
  requests: number;
  sent429: number;
  inFlight: number;
  maxInFlight: number;
  completed: number;
  faultsInjected: number;
  lastRequests: {
    path: string;
    model?: string;
    stream: boolean;
    status: number;
    at: number;
    prompt?: string;
  }[];
}

export interface Emulator {
  readonly port: number;
  readonly url: string;
  setOptions(patch: Partial<EmulatorOptions>): void;
  setFault(fault: Fault): void;
  stats(): EmulatorStats;
  /** How many requests (since the last reset) contain `needle` anywhere in their raw body. */
  sent(needle: string): SentSearch;
  resetStats(): void;
  close(): Promise<void>;
}

export const FAULT_KINDS: readonly FaultKind[] = [
  'none',
  'unauthorized',
  'noBalance',
  'badRequest',
  'unprocessable',
  'serverError',
  'overloaded',
  'rateLimited',
  'refuse',
  'reset',
  'resetMidStream',
  'stall',
  'malformed',
  ...HOSTILE_KINDS,
];

type Settings = Required<
  Omit<
    EmulatorOptions,
    'retryAfterSeconds' | 'retryHeaders' | 'requireKey' | 'chatScript' | 'fimAnswer' | 'poseAs'
  >
> &
  Pick<
    EmulatorOptions,
    'retryAfterSeconds' | 'retryHeaders' | 'requireKey' | 'chatScript' | 'fimAnswer' | 'poseAs'
  >;

const DEFAULTS: Settings = {
  host: '127.0.0.1',
  port: 0,
  concurrencyCap: Infinity,
  ttftMs: 150,
  tokensPerSecond: 200,
  answerTokens: 60,
  busyMs: 0,
  keepAliveIntervalMs: 1000,
};

type Route = 'models' | 'chat' | 'fim';

const ROUTES: Record<string, { method: string; route: Route }> = {
  '/models': { method: 'GET', route: 'models' },
  '/beta/models': { method: 'GET', route: 'models' },
  '/chat/completions': { method: 'POST', route: 'chat' },
  '/beta/chat/completions': { method: 'POST', route: 'chat' },
  '/beta/completions': { method: 'POST', route: 'fim' },
};

// Faults answered at once with an error body.
const ERROR_FAULTS: Partial<Record<FaultKind, (key: string | undefined) => HttpError>> = {
  unauthorized: (key) => errors.unauthorized(key),
  noBalance: () => errors.insufficientBalance(),
  badRequest: () => errors.badRequest(),
  unprocessable: () => errors.unprocessable(),
  serverError: () => errors.serverError(),
  overloaded: () => errors.overloaded(),
};

const MAX_BODY_BYTES = 32 * 1024 * 1024;

interface ActiveFault extends Fault {
  remaining?: number;
}

class DeepSeekEmulator implements Emulator {
  private settings: Settings;
  private fault: ActiveFault | undefined;
  private faultTimer: ReturnType<typeof setTimeout> | undefined;
  private refusing = false;
  private closed = false;
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly requests = new Set<AbortController>();
  private readonly recorder = new StatsRecorder();
  private readonly cache = new PrefixCache();
  private boundPort = 0;

  constructor(options: EmulatorOptions) {
    this.settings = merged(DEFAULTS, options);
    this.server = http.createServer((req, res) => this.onRequest(req, res));
    // Long keep-alive streams are the point of busy mode and stalls: no server-side timeouts.
    this.server.requestTimeout = 0;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // Re-listening after a 'refuse' fault can fail (port taken); say so instead of crashing.
    this.server.on('error', (e) => {
      if (!this.closed) console.error(`[emulator] listener error: ${e.message}`);
    });
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `http://${this.settings.host}:${this.boundPort}`;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.server.once('error', onError);
      this.server.listen(this.settings.port, this.settings.host, () => {
        this.server.off('error', onError);
        this.boundPort = (this.server.address() as { port: number }).port;
        resolve();
      });
    });
  }

  setOptions(patch: Partial<EmulatorOptions>): void {
    this.settings = merged(this.settings, patch);
  }

  options(): Settings {
    return { ...this.settings };
  }

  setFault(fault: Fault): void {
    if (this.closed) return;
    clearTimeout(this.faultTimer);
    this.faultTimer = undefined;
    if (this.refusing && fault.kind !== 'refuse') this.resumeListening();
    if (fault.kind === 'none') {
      this.fault = undefined;
      return;
    }
    const active: ActiveFault = { ...fault, remaining: fault.count };
    this.fault = active;
    if (fault.kind === 'refuse') {
      this.recorder.faultInjected();
      this.stopListening();
    }
    if (fault.forMs !== undefined && fault.forMs > 0) {
      this.faultTimer = setTimeout(() => {
        if (this.fault === active) this.setFault({ kind: 'none' });
      }, fault.forMs);
    }
  }

  stats(): EmulatorStats {
    return this.recorder.snapshot();
  }

  sent(needle: string): SentSearch {
    return this.recorder.bodies.search(needle);
  }

  resetStats(): void {
    this.recorder.reset();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.faultTimer);
    for (const ac of this.requests) ac.abort();
    const closing = this.server.listening
      ? new Promise<void>((resolve) => this.server.close(() => resolve()))
      : Promise.resolve();
    for (const socket of this.sockets) socket.destroy();
    // Destroyed sockets close within a tick; the timer only guards against a platform oddity.
    let guard: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([closing, new Promise<void>((resolve) => (guard = setTimeout(resolve, 2000)))]);
    clearTimeout(guard);
  }

  private stopListening(): void {
    if (this.refusing) return;
    this.refusing = true;
    // close() stops accepting and closes idle keep-alive sockets, so clients must reconnect (and
    // are refused); requests arriving on still-busy sockets are reset in onRequest.
    this.server.close();
    this.server.closeIdleConnections();
  }

  private resumeListening(): void {
    this.refusing = false;
    if (!this.closed && !this.server.listening) this.server.listen(this.boundPort, this.settings.host);
  }

  // ---------------------------------------------------------------------------------------------

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname.startsWith('/_emulator/')) {
      this.control(req, res, url.pathname).catch((e: unknown) => safeSend(res, 500, { error: String(e) }));
      return;
    }
    if (answerIdentity(this.settings.poseAs, req, res, url.pathname)) return;
    let path = url.pathname.replace(/\/+$/, '') || '/';
    if (path.startsWith('/v1/')) path = path.slice(3);
    const rec = this.recorder.begin(path);
    // Before anything may answer (a 429, a fault) without reading the body: it was sent all the same.
    this.recorder.bodies.capture(req);
    if (this.refusing) {
      req.socket.destroy();
      return;
    }
    this.handleApi(req, res, path, rec).catch((e: unknown) => {
      console.error(`[emulator] ${path}: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) this.sendError(res, rec, errors.serverError());
      else res.destroy();
    });
  }

  private async handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    rec: RequestRecord,
  ): Promise<void> {
    if (path === '/user/balance' && req.method === 'GET') return this.answerBalance(req, res, rec);
    const entry = ROUTES[path];
    if (!entry || entry.method !== req.method) return this.sendError(res, rec, errors.notFound(path));

    const key = bearer(req);
    if (this.settings.requireKey !== undefined && key !== this.settings.requireKey) {
      return this.sendError(res, rec, errors.unauthorized(key));
    }

    const fault = this.takeFault(path);
    if (fault) {
      const make = ERROR_FAULTS[fault.kind];
      if (make) return this.sendError(res, rec, make(key));
      if (fault.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (isHostile(fault.kind)) return this.answerHostile(req, res, rec, entry.route, fault.kind, fault);
    }
    const inference = entry.route !== 'models';
    // The cap is checked the moment a request arrives and the 429 goes out at once, like DeepSeek.
    if (
      fault?.kind === 'rateLimited' ||
      (!fault && inference && this.recorder.inFlight >= this.settings.concurrencyCap)
    ) {
      this.recorder.rateLimited();
      const retry = this.settings.retryAfterSeconds;
      const headers = {
        ...(retry !== undefined ? { 'retry-after': String(retry) } : {}),
        ...renderRetryHeaders(this.settings.retryHeaders ?? {}, Date.now()),
      };
      return this.sendError(res, rec, errors.rateLimited(this.recorder.inFlight), headers);
    }

    const ac = new AbortController();
    this.requests.add(ac);
    let counted = inference;
    if (counted) this.recorder.enter();
    // In flight until the response is complete or the client went away, whichever comes first.
    const done = () => {
      if (counted) this.recorder.leave();
      counted = false;
    };
    res.on('finish', () => {
      done();
      if (res.statusCode === 200) this.recorder.completed();
    });
    res.on('close', () => {
      done();
      ac.abort();
      this.requests.delete(ac);
    });

    if (entry.route === 'models') {
      req.resume();
      return this.answerModels(res, rec, ac.signal, fault);
    }
    const raw = await readBody(req);
    if (raw === undefined) return this.sendError(res, rec, errors.badRequest('Request body too large.'));
    const json = parseJson(raw);
    if (!json.ok) return this.sendError(res, rec, json.error);
    const parsed: Parsed<ChatRequest | FimRequest> =
      entry.route === 'chat' ? parseChat(json.value) : parseFim(json.value);
    if (!parsed.ok) return this.sendError(res, rec, parsed.error);
    const request = parsed.value;
    this.recorder.describe(rec, request.model, request.stream, request.shownPrompt);

    if (fault?.kind === 'stall') return this.stall(res, rec, ac.signal, request.stream);
    const streamFault = toStreamFault(fault, request.stream);

    const s = this.settings;
    rec.status = 200;
    if (s.busyMs > 0) {
      // DeepSeek under load: headers at once, then keep-alives until inference starts.
      res.writeHead(200, request.stream ? sseHeaders(randomUUID()) : jsonHeaders(randomUUID()));
      res.flushHeaders();
      const line = request.stream ? ': keep-alive\n\n' : '\n';
      const held = () => this.settings.busyMs;
      if (!(await keepAlive(res, ac.signal, held, s.keepAliveIntervalMs, line))) return;
    }
    const hit = this.cache.lookupAndStore(request.model, request.cacheText);
    const answer = buildAnswer(
      request,
      { answerTokens: s.answerTokens, chatScript: s.chatScript, fimAnswer: s.fimAnswer },
      hit,
    );
    const pace = { ttftMs: s.ttftMs, tokensPerSecond: s.tokensPerSecond };
    if (request.stream) await streamAnswer(res, ac.signal, answer, request.includeUsage, pace, streamFault);
    else await jsonAnswer(res, ac.signal, answer, pace, streamFault);
  }

  private async answerModels(
    res: ServerResponse,
    rec: RequestRecord,
    signal: AbortSignal,
    fault: ActiveFault | undefined,
  ): Promise<void> {
    if (fault?.kind === 'stall') return this.stall(res, rec, signal, false);
    rec.status = 200;
    const body = {
      object: 'list',
      data: MODELS.map((id) => ({ id, object: 'model', owned_by: 'deepseek' })),
    };
    sendJsonBody(res, 200, body, jsonHeaders(randomUUID()), toStreamFault(fault, false));
  }

  /** Not the API: a portal's HTML, an oversized body or line, a redirect (see hostile.ts). */
  private async answerHostile(
    req: IncomingMessage,
    res: ServerResponse,
    rec: RequestRecord,
    route: Route,
    kind: HostileKind,
    fault: ActiveFault,
  ): Promise<void> {
    let stream = false;
    if (route === 'models') req.resume();
    else {
      const json = parseJson((await readBody(req)) ?? '');
      stream = json.ok && json.value.stream === true;
    }
    rec.stream = stream;
    rec.status = kind === 'redirect' ? 307 : kind === 'oversizedError' ? 500 : 200;
    const target = { route, stream, url: req.url ?? '/', origin: this.url };
    await sendHostile(res, kind, target, { bytes: fault.bytes, redirectTo: fault.redirectTo });
  }

  /** Headers, then keep-alives until the client gives up (or the emulator closes). */
  private async stall(
    res: ServerResponse,
    rec: RequestRecord,
    signal: AbortSignal,
    stream: boolean,
  ): Promise<void> {
    rec.status = 200;
    res.writeHead(200, stream ? sseHeaders(randomUUID()) : jsonHeaders(randomUUID()));
    res.flushHeaders();
    await keepAlive(
      res,
      signal,
      () => Infinity,
      this.settings.keepAliveIntervalMs,
      stream ? ': keep-alive\n\n' : '\n',
    );
  }

  /** The active fault if it applies to this path; counts it down and clears it when used up. */
  /**
   * DeepSeek's `GET /user/balance`: `is_available` is false while a `noBalance` fault is set (it
   * reads the fault without using one of its counts, as the account's state would).
   */
  private answerBalance(req: IncomingMessage, res: ServerResponse, rec: RequestRecord): void {
    req.resume();
    const key = bearer(req);
    if (this.settings.requireKey !== undefined && key !== this.settings.requireKey)
      return this.sendError(res, rec, errors.unauthorized(key));
    const available = this.fault?.kind !== 'noBalance';
    rec.status = 200;
    safeSend(res, 200, {
      is_available: available,
      balance_infos: [
        {
          currency: 'USD',
          total_balance: available ? '10.00' : '0.00',
          granted_balance: '0.00',
          topped_up_balance: available ? '10.00' : '0.00',
        },
      ],
    });
  }

  private takeFault(path: string): ActiveFault | undefined {
    const f = this.fault;
    if (!f || f.kind === 'refuse') return undefined;
    if (f.paths && f.paths.length > 0 && !f.paths.some((p) => normalizePath(p) === path)) return undefined;
    this.recorder.faultInjected();
    if (f.remaining !== undefined) {
      f.remaining--;
      if (f.remaining <= 0) this.setFault({ kind: 'none' });
    }
    return f;
  }

  private sendError(
    res: ServerResponse,
    rec: RequestRecord,
    error: HttpError,
    headers?: Record<string, string>,
  ): void {
    rec.status = error.status;
    safeSend(res, error.status, error.body, headers);
  }

  // ---------------------------------------------------------------------------------------------
  // Control endpoint: same port, JSON, no auth (it only ever listens on loopback in practice).

  private async control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method !== 'POST') req.resume();
    const raw = req.method === 'POST' ? await readBody(req) : '';
    const body = raw ? parseJson(raw) : undefined;
    if (body && !body.ok) return safeSend(res, 400, { error: 'body must be a JSON object' });
    const value = body?.ok ? body.value : {};
    const route = `${req.method} ${path}`;
    switch (route) {
      case 'GET /_emulator/stats':
        return safeSend(res, 200, this.stats());
      case 'GET /_emulator/sent': {
        const needle = new URL(req.url ?? '/', 'http://emulator').searchParams.get('contains') ?? '';
        if (needle === '') return safeSend(res, 400, { error: 'give the string to look for: ?contains=...' });
        return safeSend(res, 200, this.sent(needle));
      }
      case 'GET /_emulator/options':
        return safeSend(res, 200, serializable(this.options()));
      case 'POST /_emulator/options': {
        const patch = { ...value } as Record<string, unknown>;
        // JSON has no Infinity or undefined: null means "back to the default" (no cap, no key...).
        for (const k of Object.keys(patch)) if (patch[k] === null) patch[k] = undefined;
        const bad = checkOptions(patch);
        if (bad) return safeSend(res, 400, { error: bad });
        this.setOptions(patch as Partial<EmulatorOptions>);
        return safeSend(res, 200, serializable(this.options()));
      }
      case 'POST /_emulator/fault': {
        const fault = value as unknown as Fault;
        if (!FAULT_KINDS.includes(fault.kind))
          return safeSend(res, 400, { error: `kind must be one of ${FAULT_KINDS.join(', ')}` });
        if (fault.kind === 'refuse' && !(typeof fault.forMs === 'number' && fault.forMs > 0)) {
          return safeSend(res, 400, {
            error: "'refuse' over HTTP needs forMs: the port is closed, so it cannot be cleared over HTTP",
          });
        }
        // Answer first; 'refuse' closes the listener, so this socket must not be reused either.
        res.on('finish', () => this.setFault(fault));
        return safeSend(
          res,
          200,
          { ok: true, fault },
          fault.kind === 'refuse' ? { connection: 'close' } : undefined,
        );
      }
      case 'POST /_emulator/reset':
        // A fresh account: no fault, no counters, an empty prompt cache (options stay).
        this.setFault({ kind: 'none' });
        this.resetStats();
        this.cache.clear();
        return safeSend(res, 200, { ok: true });
      default:
        return safeSend(res, 404, { error: `unknown control route ${route}` });
    }
  }
}

/** Applies a patch; a key set to undefined (or null over HTTP) goes back to its default. */
function merged(base: Settings, patch: Partial<EmulatorOptions>): Settings {
  const next: Record<string, unknown> = { ...base };
  const defaults: Record<string, unknown> = { ...DEFAULTS };
  for (const [k, v] of Object.entries(patch)) next[k] = v ?? defaults[k];
  return next as Settings;
}

function normalizePath(p: string): string {
  const path = p.replace(/\/+$/, '') || '/';
  return path.startsWith('/v1/') ? path.slice(3) : path;
}

function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1]?.trim();
}

function toStreamFault(fault: ActiveFault | undefined, stream: boolean): StreamFault | undefined {
  if (fault?.kind !== 'resetMidStream' && fault?.kind !== 'malformed') return undefined;
  return { kind: fault.kind, afterChunks: fault.afterChunks ?? (stream ? 2 : 0) };
}

function safeSend(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): void {
  if (res.headersSent || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(json)),
    ...headers,
  });
  res.end(json);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    req.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function serializable(s: Settings): Record<string, unknown> {
  return { ...s, concurrencyCap: Number.isFinite(s.concurrencyCap) ? s.concurrencyCap : null };
}

const NUMERIC: readonly string[] = [
  'port',
  'concurrencyCap',
  'retryAfterSeconds',
  'ttftMs',
  'tokensPerSecond',
  'answerTokens',
  'busyMs',
  'keepAliveIntervalMs',
];

function checkOptions(patch: Record<string, unknown>): string | undefined {
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (NUMERIC.includes(k)) {
      if (typeof v !== 'number' || Number.isNaN(v) || v < 0) return `${k} must be a number >= 0`;
    } else if (k === 'host' || k === 'requireKey') {
      if (typeof v !== 'string') return `${k} must be a string`;
    } else if (k === 'retryHeaders') {
      const bad = checkRetryHeaders(v);
      if (bad) return bad;
    } else if (k === 'chatScript') {
      if (
        !Array.isArray(v) ||
        !v.every((e) => e && typeof e.match === 'string' && typeof e.answer === 'string')
      ) {
        return 'chatScript must be [{ match, answer }]';
      }
    } else {
      return `unknown option ${k}`;
    }
  }
  return undefined;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new DeepSeekEmulator(options);
  await emulator.listen();
  return emulator;
}
