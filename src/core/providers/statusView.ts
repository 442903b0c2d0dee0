// Renders the status bar item (text, colour, tooltip, screen-reader label) from the router's
// state and the completion mode. Pure, so every row of DESIGN.md's status table is unit-tested.
import type { HealthState } from './health';
import type { ProviderStatus, RouterState } from './routerState';
import { Commands } from '../common/commands';

export type CompletionMode = { kind: 'on' } | { kind: 'off' } | { kind: 'snoozed'; untilMs: number };

export interface StatusView {
  text: string;
  background?: 'warning' | 'error';
  /** Markdown with theme icons and `command:` links. */
  tooltip: string;
  ariaLabel: string;
  /** Whether the text shows a countdown (the item re-renders every second meanwhile). */
  ticking: boolean;
}

/** Commands the tooltip links to (the MarkdownString must trust exactly these). */
export const TOOLTIP_COMMANDS = [
  Commands.switchProvider,
  Commands.setApiKey,
  Commands.showUsage,
  Commands.showLog,
  Commands.liftSpendLimit,
  Commands.toggleCompletions,
] as const;

export interface FormatOptions {
  /** Clock time to text; local `HH:MM:SS` by default. */
  time?: (ms: number) => string;
}

const defaultTime = (ms: number) => new Date(ms).toTimeString().slice(0, 8);

function secondsLeft(untilMs: number, now: number): number {
  return Math.max(1, Math.ceil((untilMs - now) / 1000));
}

/**
 * `absolute`: for a page that is rendered once and then read for a while (Show Usage), times
 * only, no "in N s" that would sit frozen on the page.
 */
export function healthWords(h: HealthState, now: number, time = defaultTime, absolute = false): string {
  if (absolute && h.kind === 'rateLimited') return `rate-limited, cooling down until ${time(h.untilMs)}`;
  if (absolute && h.kind === 'down') {
    const what = h.reason === '429 storm' ? 'rate-limited (429 storm)' : `down (${h.reason})`;
    return `${what}, next check at ${time(h.nextProbeMs)}`;
  }
  switch (h.kind) {
    case 'healthy':
      return 'healthy';
    case 'rateLimited':
      return `rate-limited, cooling down until ${time(h.untilMs)} (${secondsLeft(h.untilMs, now)} s)`;
    case 'degraded':
      return h.reason === 'slow' ? 'slow' : 'failing often';
    case 'down':
      // A storm of 429s is still a rate limit to the user; "down" is for errors and silence.
      return h.reason === '429 storm'
        ? `rate-limited (429 storm), next check in ${secondsLeft(h.nextProbeMs, now)} s`
        : `down (${h.reason}), next check in ${secondsLeft(h.nextProbeMs, now)} s`;
    case 'needsKey':
      return 'needs an API key';
    case 'noBalance':
      return 'out of balance';
  }
}

function healthIcon(h: HealthState): string {
  switch (h.kind) {
    case 'healthy':
      return '$(pass)';
    case 'rateLimited':
      return '$(watch)';
    case 'degraded':
      return '$(warning)';
    case 'down':
      return '$(error)';
    case 'needsKey':
      return '$(key)';
    case 'noBalance':
      return '$(credit-card)';
  }
}

function compact(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  if (n >= 1000) return `${(n / 1000).toFixed(1)}k`;
  return String(n);
}

export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

function servesWhat(state: RouterState, id: string): string {
  const chat = state.route.chat.kind === 'route' && state.route.chat.id === id;
  const completion = state.route.completion.kind === 'route' && state.route.completion.id === id;
  return chat && completion ? 'chat and completions' : chat ? 'chat' : completion ? 'completions' : '';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The provider whose name the item shows and whose health colours it. */
function primaryOf(state: RouterState): ProviderStatus | undefined {
  const id = state.primary.chat ?? state.primary.completion;
  return state.providers.find((p) => p.id === id) ?? state.providers[0];
}

function fallbackOf(state: RouterState, primary: ProviderStatus | undefined): ProviderStatus | undefined {
  for (const r of [state.route.chat, state.route.completion]) {
    if (r.kind === 'route' && r.isFallback && r.id !== primary?.id)
      return state.providers.find((p) => p.id === r.id);
  }
  return undefined;
}

/** A local fallback gets the user's code: say where, as long as it serves. */
function localNote(p: ProviderStatus): string {
  if (!p.local) return '';
  return ` Your code goes to the local server ${p.label}${p.baseUrl ? ` at ${p.baseUrl}` : ''}.`;
}

interface Headline {
  text: string;
  background?: 'warning' | 'error';
  summary: string;
  ticking: boolean;
}

function headline(state: RouterState, mode: CompletionMode, time: (ms: number) => string): Headline {
  const now = state.now;
  const primary = primaryOf(state);
  const name = primary?.label ?? 'Pacer';
  if (!primary) return { text: '$(circle-slash) Pacer', summary: 'No provider is enabled.', ticking: false };
  const h = primary.health;
  const paused = state.spend.kind === 'paused' && primary.paid;
  const fallback = fallbackOf(state, primary);

  // A key or a balance only the user can fix: red with what to do, even while a fallback serves
  // (amber "DeepSeek → X" would read as a passing rate limit that fixes itself).
  if (h.kind === 'needsKey' || h.kind === 'noBalance') {
    const meanwhile = fallback
      ? ` Meanwhile ${fallback.label} serves ${servesWhat(state, fallback.id) || 'requests'}.${localNote(fallback)}`
      : '';
    return h.kind === 'needsKey'
      ? {
          text: `$(key) ${name}: set key`,
          background: 'error',
          summary: `${name} needs an API key: run 'Pacer: Set API Key'.${meanwhile}`,
          ticking: false,
        }
      : {
          text: `$(credit-card) ${name}: no balance`,
          background: 'error',
          summary: `${name} is out of balance: top up${primary.billingUrl ? ` at ${primary.billingUrl}` : ''}, or switch provider.${meanwhile}`,
          ticking: false,
        };
  }
  if (fallback) {
    const why = paused ? 'paused by the daily spend limit' : healthWords(h, now, time);
    return {
      text: `$(arrow-swap) ${name} → ${fallback.label}`,
      background: 'warning',
      summary: `${name} ${why}; ${fallback.label} serves ${servesWhat(state, fallback.id) || 'requests'}.${localNote(fallback)}`,
      ticking: h.kind === 'rateLimited' || h.kind === 'down',
    };
  }
  if (paused && state.spend.kind === 'paused') {
    return {
      text: `$(credit-card) ${name}: spend limit`,
      background: 'error',
      summary: `Today's spend limit (${formatUsd(state.spend.limitUsd)}) is reached: paid providers are paused until you lift it.`,
      ticking: false,
    };
  }
  switch (h.kind) {
    case 'down':
      if (h.reason === '429 storm') {
        return {
          text: `$(watch) ${name} 429 · ${secondsLeft(h.nextProbeMs, now)}s`,
          background: 'warning',
          summary: `${name} is ${healthWords(h, now, time)}.`,
          ticking: true,
        };
      }
      return {
        text: `$(error) ${name} down`,
        background: 'error',
        summary: `${name} is down (${h.reason}); next check in ${secondsLeft(h.nextProbeMs, now)} s.`,
        ticking: true,
      };
    case 'rateLimited':
      return {
        text: `$(watch) ${name} 429 · ${secondsLeft(h.untilMs, now)}s`,
        background: 'warning',
        summary: `${name} is rate-limited: cooling down until ${time(h.untilMs)}.`,
        ticking: true,
      };
    case 'degraded':
      return {
        text: `$(warning) ${name} ${h.reason === 'slow' ? 'slow' : 'failing'}`,
        background: 'warning',
        summary: `${name} is ${h.reason === 'slow' ? 'slow' : 'failing often'}.`,
        ticking: false,
      };
    case 'healthy':
      break;
  }
  if (primary.inFlight > 0 || primary.queued > 0) {
    const parts = [
      primary.inFlight > 0 ? `${primary.inFlight}↑` : '',
      // Words, not ⧗: many UI fonts lack that glyph.
      primary.queued > 0 ? `${primary.queued} queued` : '',
    ].filter(Boolean);
    return {
      text: `$(sync~spin) ${name} ${parts.join(' ')}`,
      summary: `${name}: ${primary.inFlight} in flight, ${primary.queued} queued.`,
      ticking: false,
    };
  }
  const limit = primary.limit !== undefined ? ` · limit ${primary.limit}` : '';
  const p50 = primary.p50Ms !== undefined ? ` · p50 ${Math.round(primary.p50Ms)} ms` : '';
  if (mode.kind === 'off') {
    return {
      text: `$(circle-slash) ${name}`,
      summary: `${name} healthy${limit}${p50}. Completions are off.`,
      ticking: false,
    };
  }
  if (mode.kind === 'snoozed' && mode.untilMs > now) {
    const minutes = Math.max(1, Math.ceil((mode.untilMs - now) / 60_000));
    return {
      text: `$(clock) ${name} ${minutes}m`,
      summary: `${name} healthy${limit}${p50}. Completions snoozed until ${time(mode.untilMs)}.`,
      ticking: true,
    };
  }
  // A pin instead of the pulse: pinned routing never fails over, and users forget they pinned.
  const icon = state.routing === 'pinned' ? '$(pinned)' : '$(pulse)';
  return { text: `${icon} ${name}`, summary: `${name} healthy${limit}${p50}.`, ticking: false };
}

function providerRow(state: RouterState, p: ProviderStatus, time: (ms: number) => string): string {
  const role = [
    servesWhat(state, p.id),
    p.id === (state.primary.chat ?? state.primary.completion) ? 'primary' : '',
  ]
    .filter(Boolean)
    .join(', ');
  const tokens = p.today.promptTokens + p.today.completionTokens;
  const cost = p.paid || p.today.costUsd > 0 ? formatUsd(p.today.costUsd) : 'free';
  return `| ${cell(`**${p.label}**${role ? ` (${role})` : ''}`)} | ${healthIcon(p.health)} ${cell(healthWords(p.health, state.now, time))} | ${
    p.limit ?? '–'
  } | ${p.inFlight} / ${p.queued} | ${p.requests} | ${p.rateLimited} | ${p.p50Ms !== undefined ? `${Math.round(p.p50Ms)} ms` : '–'} | ${compact(tokens)} | ${cost} |`;
}

export function renderStatus(
  state: RouterState,
  mode: CompletionMode,
  options: FormatOptions = {},
): StatusView {
  const time = options.time ?? defaultTime;
  const head = headline(state, mode, time);
  const lines: string[] = [`**Pacer** · ${head.summary}`, ''];
  if (state.providers.length > 0) {
    lines.push(
      '| Provider | Health | Limit | In flight / queued | Requests | 429s | p50 | Tokens today | Cost today |',
    );
    lines.push('|---|---|---|---|---|---|---|---|---|');
    for (const p of state.providers) lines.push(providerRow(state, p, time));
    lines.push('');
  }
  const spend = state.spend;
  if (spend.kind === 'off') {
    lines.push(`Spent today: ${formatUsd(spend.spentUsd)} (no daily limit)`);
  } else {
    const tail =
      spend.kind === 'paused'
        ? ' — **paid providers paused** · [Lift the limit for today](command:pacer.liftSpendLimit)'
        : spend.kind === 'warning'
          ? ' — over 80 %'
          : spend.kind === 'lifted'
            ? ' — lifted for today'
            : '';
    lines.push(`Spent today: ${formatUsd(spend.spentUsd)} of ${formatUsd(spend.limitUsd)}${tail}`);
  }
  lines.push('');
  const pinned = state.providers.find((p) => p.id === state.pinned)?.label ?? state.pinned;
  lines.push(
    state.routing === 'pinned'
      ? `Routing: pinned to ${pinned} (never switched automatically)`
      : 'Routing: automatic failover',
  );
  if (mode.kind === 'off')
    lines.push('', 'Completions are off: [turn them on](command:pacer.toggleCompletions)');
  lines.push(
    '',
    '[$(arrow-swap) Switch provider](command:pacer.switchProvider) · [$(key) Set API key](command:pacer.setApiKey) · [$(graph) Usage](command:pacer.showUsage) · [$(output) Log](command:pacer.showLog)',
  );
  const plain = head.text.replace(/\$\([^)]*\)\s*/g, '').trim();
  return {
    text: head.text,
    background: head.background,
    tooltip: lines.join('\n'),
    ariaLabel: `Pacer: ${plain}. ${head.summary}`,
    ticking: head.ticking,
  };
}
