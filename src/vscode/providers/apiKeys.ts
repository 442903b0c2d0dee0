// API keys live in VS Code's SecretStorage only (encrypted by the OS keychain), one entry per
// provider; never in settings, logs or the webview. The KeyStore the router follows: a small cache
// answers "is a key stored?" synchronously, and storing or clearing a key is one call.
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
        this.present.set(id, !!(await this.secrets.get(e.key).then(undefined, () => undefined)));
        this.changed.fire(id);
      }),
    );
  }

  /** Fills the cache for these providers (at activation). */
  async load(providerIds: readonly string[]): Promise<void> {
    await Promise.all(
      providerIds.map(async (id) => {
        this.present.set(id, !!(await this.secrets.get(secretName(id))));
      }),
    );
  }

  has(providerId: string): boolean | undefined {
    return this.present.get(providerId);
  }

  async get(providerId: string): Promise<string | undefined> {
    const key = await this.secrets.get(secretName(providerId));
    this.present.set(providerId, !!key);
    return key || undefined;
  }

  /** Stores the key and tells the router at once (SecretStorage's own event comes later). */
  async set(providerId: string, key: string): Promise<void> {
    await this.secrets.store(secretName(providerId), key);
    this.present.set(providerId, true);
    this.changed.fire(providerId);
  }

  async clear(providerId: string): Promise<void> {
    await this.secrets.delete(secretName(providerId));
    this.present.set(providerId, false);
    this.changed.fire(providerId);
  }
}
