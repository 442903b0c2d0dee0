// The one place that knows which API keys exist. The editor implements it over its secret storage
// (vscode/providers/apiKeys.ts); tests and the bench keep keys in memory. Setting or clearing a key
// is one call: the router listens to `onDidChange` and updates what it routes around.
import { Emitter } from '../common/event';
import type { IDisposable } from '../common/lifecycle';

export interface KeyStore {
  /** Whether a key is stored, as last read; undefined before the first read. */
  has(providerId: string): boolean | undefined;
  get(providerId: string): Promise<string | undefined>;
  set(providerId: string, key: string): Promise<void>;
  clear(providerId: string): Promise<void>;
  /** Reads which of these providers have a key (at activation, after a change of providers). */
  load(providerIds: readonly string[]): Promise<void>;
  /** A provider's key was stored or removed (here or in another window). */
  onDidChange(listener: (providerId: string) => void): IDisposable;
}

/** Keys in memory: tests, the bench, a CLI. */
export class MemoryKeyStore implements KeyStore {
  private readonly keys = new Map<string, string>();
  private readonly changed = new Emitter<string>();
  readonly onDidChange = this.changed.event;

  constructor(initial: Record<string, string> = {}) {
    for (const [id, key] of Object.entries(initial)) this.keys.set(id, key);
  }

  has(providerId: string): boolean {
    return this.keys.has(providerId);
  }

  get(providerId: string): Promise<string | undefined> {
    return Promise.resolve(this.keys.get(providerId));
  }

  /** Fires at once, so a test sees the router updated when the call returns. */
  set(providerId: string, key: string): Promise<void> {
    this.keys.set(providerId, key);
    this.changed.fire(providerId);
    return Promise.resolve();
  }

  clear(providerId: string): Promise<void> {
    this.keys.delete(providerId);
    this.changed.fire(providerId);
    return Promise.resolve();
  }

  load(): Promise<void> {
    return Promise.resolve();
  }

  /** Forgets every key without telling anyone (between tests). */
  reset(): void {
    this.keys.clear();
  }
}
