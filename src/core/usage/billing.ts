// What one HTTP attempt is billed for. A provider bills a request once it was sent, whether or not
// anyone waited for the answer: a stopped chat, a stream dropped midway and restarted, a completion
// superseded after it went out. Where the provider sent no usage, the tokens are estimated from
// the characters sent and streamed (~4 a token) and the record says so.
import type { PacerError } from '../common/errors';
import type { ChatMessage, RequestClass, Usage } from '../providers/modelService';

export const CHARS_PER_TOKEN = 4;
/** Role and framing tokens OpenAI-style APIs add per message. */
const TOKENS_PER_MESSAGE = 4;

export interface BilledAttempt {
  providerId: string;
  model: string;
  cls: RequestClass;
  usage: Usage;
  /** The tokens are our estimate (no usage came back). */
  estimated: boolean;
  /** 'answered': a complete answer; 'stopped': ended after it was sent (aborted, failed midway). */
  outcome: 'answered' | 'stopped';
}

export function estimateTokens(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

export function chatPromptTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + TOKENS_PER_MESSAGE + estimateTokens(m.content?.length ?? 0), 0);
}

/**
 * Failures after which the provider has the request and may bill it: the caller stopped it (or a
 * deadline, a newer keystroke, the router moving it) once it was sent, or the stream stalled after
 * its headers. A refusal with a status (429, 401, 5xx) or a connection that never opened is free.
 */
function billedFailure(error: PacerError): boolean {
  if (error.status !== undefined) return false;
  return (
    error.kind === 'cancelled' ||
    error.kind === 'superseded' ||
    error.kind === 'deadline' ||
    error.kind === 'stalled'
  );
}

/** Counts one attempt: what was sent, what streamed, and what the provider said it used. */
export class AttemptMeter {
  private streamedChars = 0;

  constructor(
    private readonly providerId: string,
    private readonly cls: RequestClass,
    private readonly model: string,
    private readonly promptTokens: number,
  ) {}

  streamed(delta: string): void {
    this.streamedChars += delta.length;
  }

  answered(model: string, usage: Usage | undefined, outputChars: number): BilledAttempt {
    if (usage) return { ...this.base(model), usage, estimated: false, outcome: 'answered' };
    return { ...this.base(model), usage: this.estimate(outputChars), estimated: true, outcome: 'answered' };
  }

  /** The attempt failed: a record when the provider likely bills it, else undefined. */
  stopped(error: PacerError): BilledAttempt | undefined {
    if (this.streamedChars === 0 && !billedFailure(error)) return undefined;
    return {
      ...this.base(this.model),
      usage: this.estimate(this.streamedChars),
      estimated: true,
      outcome: 'stopped',
    };
  }

  private base(model: string) {
    return { providerId: this.providerId, cls: this.cls, model };
  }

  private estimate(outputChars: number): Usage {
    return {
      promptTokens: this.promptTokens,
      completionTokens: estimateTokens(outputChars),
      cacheHitTokens: 0,
      cacheMissTokens: this.promptTokens,
    };
  }
}
