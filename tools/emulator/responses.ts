// Builds DeepSeek/OpenAI-shaped answers and writes them paced: time to first token, then tokens at
// a steady rate, as SSE chunks or one JSON body. Also the keep-alive writer DeepSeek uses when busy.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { chatAnswer, estimateTokens, fixtureOracle, reasoningText, splitTokens } from './content';
import type { ChatRequest, FimRequest } from './requests';

export interface Piece {
  channel: 'reasoning' | 'content';
  text: string;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_cache_hit_tokens: number;
  prompt_cache_miss_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

export interface Answer {
  id: string;
  created: number;
  kind: 'chat' | 'fim';
  model: string;
  pieces: Piece[];
  finishReason: 'stop' | 'length';
  usage: Usage;
}

export interface ContentOptions {
  answerTokens: number;
  chatScript?: { match: string; answer: string }[];
  /** Where FIM answers come from; the fixture-file oracle unless a mode plugs in another. */
  fimAnswer?: (prompt: string, suffix: string) => string;
}

export interface Pace {
  ttftMs: number;
  tokensPerSecond: number;
}

/** Faults that corrupt an answer part-way: they fire after `afterChunks` data chunks. */
export interface StreamFault {
  kind: 'resetMidStream' | 'malformed';
  afterChunks: number;
}

const FINGERPRINT = 'fp_emulator';

function cutAtStop(text: string, stops: string[]): { text: string; stopped: boolean } {
  let cut = -1;
  for (const s of stops) {
    const i = s === '' ? -1 : text.indexOf(s);
    if (i >= 0 && (cut < 0 || i < cut)) cut = i;
  }
  return cut < 0 ? { text, stopped: false } : { text: text.slice(0, cut), stopped: true };
}

export function buildAnswer(
  req: ChatRequest | FimRequest,
  opts: ContentOptions,
  cacheHitTokens: number,
): Answer {
  let reasoning = '';
  let content: string;
  if (req.kind === 'chat') {
    const scripted = opts.chatScript?.find((s) => req.lastUser.includes(s.match));
    content = scripted ? scripted.answer : chatAnswer(req.lastUser, opts.answerTokens);
    if (req.thinking) reasoning = reasoningText(req.lastUser, Math.max(8, Math.round(opts.answerTokens / 3)));
  } else {
    content = opts.fimAnswer
      ? opts.fimAnswer(req.prompt, req.suffix)
      : fixtureOracle.answer(req.prompt, req.suffix);
  }
  content = cutAtStop(content, req.stop).text;
  let pieces: Piece[] = [
    ...splitTokens(reasoning).map((text): Piece => ({ channel: 'reasoning', text })),
    ...splitTokens(content).map((text): Piece => ({ channel: 'content', text })),
  ];
  let finishReason: Answer['finishReason'] = 'stop';
  if (req.maxTokens !== undefined && pieces.length > req.maxTokens) {
    pieces = pieces.slice(0, req.maxTokens);
    finishReason = 'length';
  }
  const promptTokens = Math.max(1, estimateTokens(req.cacheText));
  const hit = Math.min(cacheHitTokens, promptTokens);
  const reasoningTokens = pieces.filter((p) => p.channel === 'reasoning').length;
  const usage: Usage = {
    prompt_tokens: promptTokens,
    completion_tokens: pieces.length,
    total_tokens: promptTokens + pieces.length,
    prompt_cache_hit_tokens: hit,
    prompt_cache_miss_tokens: promptTokens - hit,
    prompt_tokens_details: { cached_tokens: hit },
    ...(req.kind === 'chat' ? { completion_tokens_details: { reasoning_tokens: reasoningTokens } } : {}),
  };
  return {
    id: req.kind === 'chat' ? `chatcmpl-${randomUUID()}` : `cmpl-${randomUUID()}`,
    created: Math.floor(Date.now() / 1000),
    kind: req.kind,
    model: req.model,
    pieces,
    finishReason,
    usage,
  };
}

/** Resolves true after `ms`, or false as soon as `signal` aborts; never leaves a timer behind. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Writes `line` every `intervalMs` until `durationMs()` has passed since the start (Infinity: until
 * aborted). The duration is re-read each time, so lowering busyMs releases requests already held.
 * False if aborted.
 */
export async function keepAlive(
  res: ServerResponse,
  signal: AbortSignal,
  durationMs: () => number,
  intervalMs: number,
  line: string,
): Promise<boolean> {
  const interval = Math.max(1, intervalMs);
  const start = Date.now();
  for (;;) {
    const left = start + durationMs() - Date.now();
    if (left <= 0) return true;
    const step = Math.min(interval, left);
    if (!(await sleep(step, signal))) return false;
    if (step === interval && !res.destroyed) res.write(line);
  }
}

export function sseHeaders(requestId: string): Record<string, string> {
  return {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-request-id': requestId,
  };
}

export function jsonHeaders(requestId: string): Record<string, string> {
  return { 'content-type': 'application/json', 'x-request-id': requestId };
}

function chunkOf(
  answer: Answer,
  piece: Piece | undefined,
  first: boolean,
  final: boolean,
): Record<string, unknown> {
  const base = {
    id: answer.id,
    created: answer.created,
    model: answer.model,
    system_fingerprint: FINGERPRINT,
  };
  const finish = final ? answer.finishReason : null;
  if (answer.kind === 'fim') {
    return {
      ...base,
      object: 'text_completion',
      choices: [{ text: piece?.text ?? '', index: 0, logprobs: null, finish_reason: finish }],
    };
  }
  const delta: Record<string, unknown> = first ? { role: 'assistant' } : {};
  if (piece?.channel === 'reasoning') Object.assign(delta, { content: null, reasoning_content: piece.text });
  else Object.assign(delta, { content: piece?.text ?? '' });
  return {
    ...base,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
}

/**
 * Streams the answer as SSE. Headers may already be out (busy mode sent keep-alives first).
 * Returns when the stream ended, the client went away, or a fault destroyed the socket.
 */
export async function streamAnswer(
  res: ServerResponse,
  signal: AbortSignal,
  answer: Answer,
  includeUsage: boolean,
  pace: Pace,
  fault?: StreamFault,
): Promise<void> {
  if (!res.headersSent) {
    res.writeHead(200, sseHeaders(answer.id));
    res.flushHeaders();
  }
  let written = 0;
  // Returns false when the fault destroyed the connection.
  const write = (chunk: Record<string, unknown>): boolean => {
    if (fault && written === fault.afterChunks && !fireFault(res, fault)) return false;
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    written++;
    return true;
  };
  if (!(await sleep(pace.ttftMs, signal))) return;
  const perToken =
    pace.tokensPerSecond > 0 && Number.isFinite(pace.tokensPerSecond) ? 1000 / pace.tokensPerSecond : 0;
  const t0 = Date.now();
  const n = answer.pieces.length;
  let sent = 0;
  while (sent < n) {
    const due = perToken === 0 ? n : Math.min(n, 1 + Math.floor((Date.now() - t0) / perToken));
    for (; sent < due; sent++) {
      if (signal.aborted || !write(chunkOf(answer, answer.pieces[sent], sent === 0, false))) return;
    }
    if (sent >= n) break;
    if (!(await sleep(Math.max(1, sent * perToken - (Date.now() - t0)), signal))) return;
  }
  const final = chunkOf(answer, undefined, n === 0, true);
  if (includeUsage) final.usage = answer.usage;
  if (!write(final)) return;
  res.end('data: [DONE]\n\n');
}

/** Fires a mid-stream fault; false if the connection is gone. */
function fireFault(res: ServerResponse, fault: StreamFault): boolean {
  if (fault.kind === 'resetMidStream') {
    // The response corks the socket until the next tick: destroy after the chunks went out.
    setImmediate(() => res.socket?.destroy());
    return false;
  }
  res.write('data: {not json\n\n');
  return true;
}

/** Sends the whole answer as one JSON body after the time it would have taken to generate. */
export async function jsonAnswer(
  res: ServerResponse,
  signal: AbortSignal,
  answer: Answer,
  pace: Pace,
  fault?: StreamFault,
): Promise<void> {
  const genMs = pace.tokensPerSecond > 0 ? (answer.pieces.length * 1000) / pace.tokensPerSecond : 0;
  if (!(await sleep(pace.ttftMs + genMs, signal))) return;
  const text = (ch: Piece['channel']) =>
    answer.pieces
      .filter((p) => p.channel === ch)
      .map((p) => p.text)
      .join('');
  const common = {
    id: answer.id,
    created: answer.created,
    model: answer.model,
    system_fingerprint: FINGERPRINT,
    usage: answer.usage,
  };
  const body =
    answer.kind === 'fim'
      ? {
          ...common,
          object: 'text_completion',
          choices: [{ text: text('content'), index: 0, logprobs: null, finish_reason: answer.finishReason }],
        }
      : {
          ...common,
          object: 'chat.completion',
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: text('content'),
                ...(answer.pieces.some((p) => p.channel === 'reasoning')
                  ? { reasoning_content: text('reasoning') }
                  : {}),
              },
              logprobs: null,
              finish_reason: answer.finishReason,
            },
          ],
        };
  sendJsonBody(res, 200, body, jsonHeaders(answer.id), fault);
}

/** Writes a JSON body; headers may already be out (busy keep-alives). Applies body faults. */
export function sendJsonBody(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
  fault?: StreamFault,
): void {
  const json = JSON.stringify(body);
  if (!res.headersSent)
    res.writeHead(
      status,
      fault ? headers : { ...headers, 'content-length': String(Buffer.byteLength(json)) },
    );
  if (fault?.kind === 'resetMidStream') {
    res.write(json.slice(0, Math.floor(json.length / 2)));
    // Let the half body reach the client before the connection dies.
    setImmediate(() => res.socket?.destroy());
    return;
  }
  res.end(fault?.kind === 'malformed' ? '{not json' : json);
}
