// The team queue's two Redis connections, seen from the slot source: which waiting tickets were
// granted (over pub/sub), and whether the command connection is up. ioredis reports a failed
// handshake (an untrusted certificate, a refused password) only as an 'error' event; the command
// or the close that follows just says the connection is closed, so the last error is kept.
import type Redis from 'ioredis';
import type { TeamClient } from './teamRedis';

export interface TeamConnectionEvents {
  /** Tickets the scripts just handed slots to. */
  granted(tickets: readonly string[]): void;
  /** The command connection is ready (again). */
  ready(): void;
  /** It closed (`causeOf` tells why, when the handshake said). */
  closed(): void;
}

export class TeamConnection {
  private lastError: unknown;

  constructor(
    private readonly client: TeamClient,
    private readonly subscriber: Redis,
    channel: string,
    events: TeamConnectionEvents,
  ) {
    subscriber.on('message', (from: string, message: string) => {
      if (from === channel) events.granted(message.split(' '));
    });
    client.on('error', (error: unknown) => {
      this.lastError = error;
    });
    client.on('ready', () => {
      this.lastError = undefined;
      events.ready();
    });
    client.on('close', () => events.closed());
    void subscriber.subscribe(channel).catch(() => undefined);
  }

  /** The cause to show for a failure: the handshake's error when there was one. */
  causeOf(error: unknown): unknown {
    return this.lastError ?? error;
  }

  get isReady(): boolean {
    return this.client.status === 'ready';
  }

  /** Opens the connection, or, when it was handed over already open (tests, the bench), resolves. */
  open(): Promise<unknown> {
    return this.client.status === 'wait' ? this.client.connect() : Promise.resolve();
  }

  disconnect(): void {
    this.client.disconnect();
    this.subscriber.disconnect();
  }
}
