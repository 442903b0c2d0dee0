// Shared helpers for tests that talk to the DeepSeek emulator through the real openai SDK.
import OpenAI from 'openai';
import { startEmulator } from '../../tools/emulator/server';
import type { Emulator, EmulatorOptions } from '../../tools/emulator/server';

/** An emulator with small timings so a test file runs in a few seconds. */
export function startFastEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ ttftMs: 20, tokensPerSecond: 5000, keepAliveIntervalMs: 50, ...options });
}

/** Chat client; `maxRetries: 0` so every error reaches the test as the SDK raised it. */
export function chatClient(emu: Emulator, apiKey = 'sk-test'): OpenAI {
  return new OpenAI({ baseURL: emu.url, apiKey, maxRetries: 0, logLevel: 'off' });
}

/** FIM client: DeepSeek serves FIM under /beta. */
export function fimClient(emu: Emulator, apiKey = 'sk-test'): OpenAI {
  return new OpenAI({ baseURL: emu.url + '/beta', apiKey, maxRetries: 0, logLevel: 'off' });
}

/** A non-thinking chat request body for the given prompt. */
export function chatBody(prompt: string, extra: Record<string, unknown> = {}) {
  return {
    model: 'deepseek-flash',
    messages: [{ role: 'user' as const, content: prompt }],
    thinking: { type: 'disabled' },
    ...extra,
  };
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** When each piece of the body arrived, ms after the request was sent. */
  pieces: { atMs: number; text: string }[];
}

/** POSTs JSON with plain fetch so the test sees what the SDK hides (keep-alive lines, raw bytes). */
export async function rawPost(url: string, body: unknown, signal?: AbortSignal): Promise<RawResponse> {
  const t0 = Date.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
    body: JSON.stringify(body),
    signal,
  });
  const pieces: RawResponse['pieces'] = [];
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    pieces.push({ atMs: Date.now() - t0, text: decoder.decode(chunk, { stream: true }) });
  }
  return { status: res.status, headers: res.headers, text: pieces.map((p) => p.text).join(''), pieces };
}
