// Streamed tokens arrive up to a thousand a second; the panel redraws sixty times a second. The
// batcher gathers tokens for one frame and cuts them into `delta` messages numbered from 0, each
// under the protocol's size limit. No I/O: frames go to `emit`, time comes from the clock.
import { LIMITS, type HostMessage } from '../common/chatProtocol';
import type { Clock, TimerHandle } from '../common/clock';
import type { IDisposable } from '../common/lifecycle';

export type DeltaFrame = Extract<HostMessage, { type: 'delta' }>;

/** Past this much pending text a frame goes out at once, timer or not. */
const FLUSH_CHARS = 32_000;

/** Cuts pending text into frames from `seq` on; pieces stay under the protocol's delta limit. */
export function toFrames(messageId: string, seq: number, content: string, reasoning: string): DeltaFrame[] {
  const piece = LIMITS.delta / 2;
  const frames: DeltaFrame[] = [];
  while (content || reasoning) {
    const frame: DeltaFrame = { type: 'delta', messageId, seq: seq++ };
    if (content) frame.content = content.slice(0, piece);
    if (reasoning) frame.reasoning = reasoning.slice(0, piece);
    content = content.slice(piece);
    reasoning = reasoning.slice(piece);
    frames.push(frame);
  }
  return frames;
}

export class DeltaBatcher implements IDisposable {
  private content = '';
  private reasoning = '';
  private nextSeq = 0;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly messageId: string,
    private readonly clock: Clock,
    /** Milliseconds tokens are gathered; 0 sends each at once. */
    private readonly coalesceMs: number,
    private readonly emit: (frame: DeltaFrame) => void,
  ) {}

  /** The number the next frame will carry. */
  get seq(): number {
    return this.nextSeq;
  }

  add(content: string, reasoning: string): void {
    this.content += content;
    this.reasoning += reasoning;
    if (this.coalesceMs <= 0 || this.content.length + this.reasoning.length > FLUSH_CHARS) this.flush();
    else this.timer ??= this.clock.setTimeout(() => this.flush(), this.coalesceMs);
  }

  flush(): void {
    this.cancel();
    const frames = toFrames(this.messageId, this.nextSeq, this.content, this.reasoning);
    this.nextSeq += frames.length;
    this.content = '';
    this.reasoning = '';
    for (const frame of frames) this.emit(frame);
  }

  /** Forgets the pending text (the whole answer went out another way, or was replaced). */
  drop(): void {
    this.cancel();
    this.content = '';
    this.reasoning = '';
  }

  dispose(): void {
    this.cancel();
  }

  private cancel(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
