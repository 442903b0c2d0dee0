// API keys live in VS Code's SecretStorage only (encrypted by the OS keychain), one entry per
// provider; never in settings, logs or the webview. A small cache answers "is a key stored?"
// synchronously for the router and the status bar.
import type * as vscode from 'vscode';

const PREFIX = 'pacer.apiKey.';

export function secretName(providerId: string): string {
  return `${PREFIX}${providerId}`;
}

export class ApiKeys implements vscode.Disposable {
  private readonly present = new Map<string, boolean>();
  private readonly listeners = new Set<(providerId: string) => void>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    // Another window (or this one) changed a key: keep the cache and the router in step.
    this.subscription = secrets.onDidChange(async (e) => {
      if (!e.key.startsWith(PREFIX)) return;
      const id = e.key.slice(PREFIX.length);
      // A keyring that cannot be read counts as "no key": the user is then asked for one.
      this.present.set(id, !!(await this.secrets.get(e.key).then(undefined, () => undefined)));
      for (const l of this.listeners) l(id);
    });
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

  async set(providerId: string, key: string): Promise<void> {
    await this.secrets.store(secretName(providerId), key);
    this.present.set(providerId, true);
  }

  async clear(providerId: string): Promise<void> {
    await this.secrets.delete(secretName(providerId));
    this.present.set(providerId, false);
  }

  onDidChange(listener: (providerId: string) => void): vscode.Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  dispose(): void {
    this.subscription.dispose();
    this.listeners.clear();
  }
}
