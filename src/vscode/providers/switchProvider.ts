// `Pacer: Switch Provider` (also a click on the status item): Automatic, each provider with its
// health and models, then the actions users reach for when a provider misbehaves. Choosing a
// provider pins it (written to the user's settings, never the workspace's).
import * as vscode from 'vscode';
import type { Router } from '../../core/providers/router';
import type { ProviderStatus } from '../../core/providers/routerState';
import { healthWords } from '../../core/providers/statusView';
import type { Logger } from '../log';
import type { KeyStore } from '../../core/providers/keyStore';
import { askForKey } from './keyPrompt';
import { Commands } from '../../core/common/commands';
import { ProviderActions, providerMessages } from '../../core/common/messages/providers';
import { notify, notifyWithCommand } from '../notifications';

type Action = 'automatic' | 'setKey' | 'usage' | 'log' | 'snooze' | 'leaveTeam';

interface Item extends vscode.QuickPickItem {
  action?: Action;
  provider?: ProviderStatus;
}

const HEALTH_ICON: Record<ProviderStatus['health']['kind'], string> = {
  healthy: '$(pass)',
  rateLimited: '$(watch)',
  degraded: '$(warning)',
  down: '$(error)',
  needsKey: '$(key)',
  noBalance: '$(credit-card)',
};

const CHOOSE_MODEL: vscode.QuickInputButton = {
  iconPath: new vscode.ThemeIcon('list-selection'),
  tooltip: 'Choose the chat model',
};
const SET_KEY: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('key'), tooltip: 'Set API key' };

async function updateUserSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('pacer').update(key, value, vscode.ConfigurationTarget.Global);
}

export async function pinProvider(
  router: Router,
  keys: KeyStore,
  log: Logger,
  providerId: string,
): Promise<boolean> {
  const info = router.knownProviders().find((p) => p.id === providerId);
  if (!info) return false;
  if (info.needsKey && !keys.has(info.id) && !(await askForKey(info, keys, log))) return false;
  const enabled = vscode.workspace.getConfiguration('pacer').inspect<string[]>('providers.enabled');
  const list = enabled?.globalValue ?? enabled?.defaultValue ?? [];
  if (!list.includes(info.id)) await updateUserSetting('providers.enabled', [...list, info.id]);
  const health = router.state().providers.find((p) => p.id === info.id)?.health;
  await updateUserSetting('providers.pinned', info.id);
  await updateUserSetting('providers.routing', 'pinned');
  // A manual switch means "use it now": forget its past failures and cooldown.
  router.resetHealth(info.id);
  log.info(`pinned to ${info.label}`);
  if (health?.kind === 'down') {
    // Pinned means no failover: say now that it is not answering, not after a chat waits on it.
    notifyWithCommand(
      'warning',
      providerMessages.pinnedNotAnswering(info.label, info.baseUrl, health.reason),
      ProviderActions.switchProvider,
      Commands.switchProvider,
    );
  }
  return true;
}

async function chooseModel(provider: ProviderStatus): Promise<void> {
  const models = provider.models ?? [];
  const current = provider.chatModel;
  const picked = await vscode.window.showQuickPick(
    [
      {
        label: 'Default',
        description: 'the provider default (or pacer.chat.model for DeepSeek)',
        model: undefined as string | undefined,
      },
      ...models.map((m) => ({
        label: m,
        description: m === current ? 'current' : undefined,
        model: m as string | undefined,
      })),
    ],
    {
      title: `Pacer: chat model for ${provider.label}`,
      placeHolder: models.length ? 'Model' : 'The provider did not list its models',
    },
  );
  if (!picked) return;
  const inspected = vscode.workspace
    .getConfiguration('pacer')
    .inspect<Record<string, { chat?: string; completion?: string }>>('providers.models');
  const all = { ...(inspected?.globalValue ?? {}) };
  const entry = { ...(all[provider.id] ?? {}) };
  if (picked.model) entry.chat = picked.model;
  else delete entry.chat;
  all[provider.id] = entry;
  await updateUserSetting('providers.models', all);
}

export async function switchProviderCommand(router: Router, keys: KeyStore, log: Logger): Promise<void> {
  const state = router.state();
  const pinned = state.routing === 'pinned' ? state.pinned : undefined;
  const items: Item[] = [
    {
      label: `${pinned ? '$(circle-large-outline)' : '$(pass-filled)'} Automatic (recommended)`,
      description: 'fail over by health, fail back when the first choice answers',
      action: 'automatic',
    },
    { label: 'Providers', kind: vscode.QuickPickItemKind.Separator },
  ];
  for (const p of state.providers) {
    const models = p.models?.length
      ? `models: ${p.models.slice(0, 6).join(', ')}${p.models.length > 6 ? ', …' : ''}`
      : `model: ${p.chatModel}`;
    const buttons: vscode.QuickInputButton[] = [CHOOSE_MODEL];
    if (p.paid && !keys.has(p.id)) buttons.push(SET_KEY);
    items.push({
      label: `${HEALTH_ICON[p.health.kind]} ${p.label}`,
      description: `${healthWords(p.health, state.now)}${p.id === pinned ? ' · pinned' : ''}`,
      detail: `${models}${p.supportsFim ? ' · FIM' : ''}`,
      provider: p,
      buttons,
    });
  }
  items.push(
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(key) Set API key…', action: 'setKey' },
    { label: '$(graph) Show usage', action: 'usage' },
    { label: '$(output) Show log', action: 'log' },
    { label: '$(clock) Snooze completions', action: 'snooze' },
  );
  if (vscode.workspace.getConfiguration('pacer.team').get<boolean>('enabled'))
    items.push({ label: '$(organization) Leave team queue', action: 'leaveTeam' });

  const qp = vscode.window.createQuickPick<Item>();
  qp.title = 'Pacer: provider';
  qp.placeholder = pinned
    ? `Pinned to ${state.providers.find((p) => p.id === pinned)?.label ?? pinned}`
    : 'Automatic failover';
  qp.items = items;
  qp.matchOnDescription = true;
  const chosen = await new Promise<{ item?: Item; button?: vscode.QuickInputButton }>((resolve) => {
    qp.onDidAccept(() => resolve({ item: qp.selectedItems[0] }));
    qp.onDidTriggerItemButton((e) => resolve({ item: e.item, button: e.button }));
    qp.onDidHide(() => resolve({}));
    qp.show();
  });
  qp.dispose();
  const { item, button } = chosen;
  if (!item) return;
  if (item.provider) {
    if (button === CHOOSE_MODEL) return chooseModel(item.provider);
    const info = router.knownProviders().find((p) => p.id === item.provider!.id);
    if (button === SET_KEY && info) {
      await askForKey(info, keys, log);
      return;
    }
    await pinProvider(router, keys, log, item.provider.id);
    return;
  }
  switch (item.action) {
    case 'automatic':
      await updateUserSetting('providers.routing', 'automatic');
      log.info('routing: automatic');
      return;
    case 'setKey':
      await vscode.commands.executeCommand(Commands.setApiKey);
      return;
    case 'usage':
      await vscode.commands.executeCommand(Commands.showUsage);
      return;
    case 'leaveTeam':
      await vscode.commands.executeCommand(Commands.leaveTeamQueue);
      return;
    case 'log':
      await vscode.commands.executeCommand(Commands.showLog);
      return;
    case 'snooze':
      await vscode.commands
        .executeCommand(Commands.snoozeCompletions)
        .then(undefined, () => notify('info', providerMessages.cannotSnooze));
      return;
  }
}
