// API keys live in VS Code's SecretStorage only (encrypted by the OS keychain), one entry per
// provider; never in settings, logs or the webview. The KeyStore the router follows: a small cache
// answers "is a key stored?" synchronously, and storing or clearing a key is one call.
//
// Every request needs its key, and `secrets.get` is a round trip through the workbench (the
// renderer and the keychain on the desktop, the browser under code-server) that waits behind
// whatever the window is busy with: while the user types it took 10 ms at the median and 0.4-1.7 s
// at p90-p99 in the typingEditor bench, and half of the requests of a 350 ms debounce were
// cancelled while their key was still being read. So a key is read once and kept in this process
// (where the SDK client keeps it anyway) until SecretStorage says it changed.
import type * as vscode from 'vscode';
import { Emitter } from '../../core/common/event';
import { Disposable } from '../../core/common/lifecycle';
import type { KeyStore } from '../../core/providers/keyStore';

const PREFIX = 'pacer.apiKey.';

export function secretName(providerId: string): string {
  return `${PREFIX}${providerId}`;
}

export class ApiKeys extends Disposable implements KeyStore {
  private readonly present = new Map<string, boolean>();
  /** The last read (or write) of each provider's key; replaced whenever the key changes. */
  private readonly keys = new Map<string, Promise<string | undefined>>();
  private readonly changed = this._register(new Emitter<string>());

  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {
    super();
    // Another window (or this one) changed a key: keep the cache and the router in step.
    this._register(
      secrets.onDidChange(async (e) => {
        if (!e.key.startsWith(PREFIX)) return;
        const id = e.key.slice(PREFIX.length);
        // A keyring that cannot be read counts as "no key": the user is then asked for one.
        const key = this.read(id).then(undefined, () => undefined);
        this.present.set(id, !!(await key));
        this.changed.fire(id);
      }),
    );
  }

  /** Fills the cache for these providers (at activation). */
  async load(providerIds: readonly string[]): Promise<void> {
    await Promise.all(
      providerIds.map(async (id) => {
        this.present.set(id, !!(await this.read(id)));
      }),
    );
  }

  has(providerId: string): boolean | undefined {
    return this.present.get(providerId);
  }

  async get(providerId: string): Promise<string | undefined> {
    const key = await (this.keys.get(providerId) ?? this.read(providerId));
    this.present.set(providerId, !!key);
    return key;
  }

  /** Stores the key and tells the router at once (SecretStorage's own event comes later). */
  async set(providerId: string, key: string): Promise<void> {
    await this.secrets.store(secretName(providerId), key);
    this.keys.set(providerId, Promise.resolve(key || undefined));
    this.present.set(providerId, !!key);
    this.changed.fire(providerId);
  }

  async clear(providerId: string): Promise<void> {
    await this.secrets.delete(secretName(providerId));
    this.keys.set(providerId, Promise.resolve(undefined));
    this.present.set(providerId, false);
    this.changed.fire(providerId);
  }

  /** Reads the stored key and keeps the read; a failed read is not kept, so the next one retries. */
  private read(providerId: string): Promise<string | undefined> {
    // SecretStorage answers with a Thenable: a Promise is kept, so callers can catch.
    const key = Promise.resolve(this.secrets.get(secretName(providerId))).then((k) => k || undefined);
    this.keys.set(providerId, key);
    key.catch(() => {
      if (this.keys.get(providerId) === key) this.keys.delete(providerId);
    });
    return key;
  }
}
