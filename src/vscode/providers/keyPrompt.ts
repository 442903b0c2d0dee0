// Asking for, storing and clearing provider API keys (`Pacer: Set API Key`, `Clear API Key`, and
// "asked for on first use"). The key goes from the input box straight into SecretStorage.
import * as vscode from 'vscode';
import type { ProviderInfo } from '../../core/providers/catalog';
import type { Router } from '../../core/providers/router';
import type { Logger } from '../log';
import type { KeyStore } from '../../core/providers/keyStore';
import { Commands } from '../../core/common/commands';
import { ProviderActions, providerMessages } from '../../core/common/messages/providers';
import { notify } from '../notifications';

/** Providers a key makes sense for: cloud ones (also when reached through a loopback URL) and custom ones that need one. */
export function keyedProviders(router: Router): ProviderInfo[] {
  return router.knownProviders().filter((p) => p.needsKey || p.paid);
}

export async function pickProvider(
  providers: readonly ProviderInfo[],
  keys: KeyStore,
  title: string,
): Promise<ProviderInfo | undefined> {
  if (providers.length === 0) return undefined;
  const items = providers.map((p) => ({
    label: p.label,
    description: keys.has(p.id) ? 'key stored' : 'no key',
    detail: p.baseUrl,
    provider: p,
  }));
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Provider' });
  return picked?.provider;
}

/** Asks for a key and stores it; true when one was stored. The key itself is never logged. */
export async function askForKey(info: ProviderInfo, keys: KeyStore, log: Logger): Promise<boolean> {
  const key = await vscode.window.showInputBox({
    title: providerMessages.keyInputTitle(info.label),
    prompt: providerMessages.keyInputPrompt(info.keyUrl),
    password: true,
    ignoreFocusOut: true,
    placeHolder: 'sk-…',
    validateInput: (value) => (value.trim() ? undefined : providerMessages.keyInputEmpty),
  });
  if (!key?.trim()) return false;
  await keys.set(info.id, key.trim());
  log.info(`API key for ${info.label} stored`);
  void notify('info', providerMessages.keySaved(info.label));
  return true;
}

export async function setApiKeyCommand(
  router: Router,
  keys: KeyStore,
  log: Logger,
  providerId?: unknown,
): Promise<void> {
  const all = router.knownProviders();
  const info =
    typeof providerId === 'string'
      ? all.find((p) => p.id === providerId)
      : await pickProvider(keyedProviders(router), keys, 'Pacer: Set API Key');
  if (info) await askForKey(info, keys, log);
}

export async function clearApiKeyCommand(
  router: Router,
  keys: KeyStore,
  log: Logger,
  providerId?: unknown,
): Promise<void> {
  const withKeys = router.knownProviders().filter((p) => keys.has(p.id));
  const info =
    typeof providerId === 'string'
      ? router.knownProviders().find((p) => p.id === providerId)
      : await pickProvider(withKeys, keys, 'Pacer: Clear API Key');
  if (!info) {
    if (withKeys.length === 0) void notify('info', providerMessages.noKeyStored);
    return;
  }
  await keys.clear(info.id);
  log.info(`API key for ${info.label} cleared`);
  void notify('info', providerMessages.keyRemoved(info.label));
}

/**
 * "Asked for on first use": the first time a request wants a provider without a (valid) key,
 * once per provider and session, a notification offers to set it (an input box popping up in
 * the middle of typing would steal the keystrokes).
 */
export function keyNeededNotifier(router: Router, keys: KeyStore, log: Logger): vscode.Disposable {
  const asked = new Set<string>();
  return router.onDidNeedKey(async (need) => {
    const tag = `${need.providerId}:${need.why}`;
    if (asked.has(tag)) return;
    asked.add(tag);
    const info = router.knownProviders().find((p) => p.id === need.providerId);
    if (!info) return;
    const message =
      need.why === 'missing'
        ? providerMessages.keyMissing(need.label)
        : providerMessages.keyRejected401(need.label);
    const choice = await notify(
      'warning',
      message,
      ProviderActions.setApiKey,
      ProviderActions.switchProvider,
    );
    try {
      if (choice === ProviderActions.setApiKey) await askForKey(info, keys, log);
      else if (choice === ProviderActions.switchProvider)
        await vscode.commands.executeCommand(Commands.switchProvider);
    } catch (e) {
      log.warn(`could not store the key for ${need.label}: ${e instanceof Error ? e.message : String(e)}`);
      void notify('error', providerMessages.keyNotStored);
    }
  });
}
