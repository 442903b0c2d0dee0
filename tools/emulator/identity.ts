// Lets the emulator pose as a local server (Ollama, LM Studio, llama.cpp) by answering the one
// route Pacer's identity check asks (src/core/providers/localIdentity.ts), with that server's
// JSON shape. Without `poseAs` these routes are 404 like any unknown one: a "dev server" on the port.
import type { IncomingMessage, ServerResponse } from 'node:http';

export type PoseAs = 'ollama' | 'lmstudio' | 'llamacpp';

const ANSWERS: Record<PoseAs, { path: string; body: unknown }> = {
  ollama: { path: '/api/version', body: { version: '0.9.0' } },
  lmstudio: {
    path: '/api/v0/models',
    body: {
      object: 'list',
      data: [{ id: 'deepseek-flash', object: 'model', type: 'llm', publisher: 'emulator', state: 'loaded' }],
    },
  },
  llamacpp: {
    path: '/props',
    body: { default_generation_settings: { n_ctx: 8192 }, total_slots: 1, model_path: 'emulator.gguf' },
  },
};

/** Answers the identity route of `poseAs`; returns whether it did. */
export function answerIdentity(
  poseAs: PoseAs | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): boolean {
  const answer = poseAs ? ANSWERS[poseAs] : undefined;
  if (!answer || req.method !== 'GET' || pathname.replace(/\/+$/, '') !== answer.path) return false;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(answer.body));
  return true;
}
