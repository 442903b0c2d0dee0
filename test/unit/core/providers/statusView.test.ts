import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyDayUsage } from '../../../../src/core/providers/cost';
import type { HealthState } from '../../../../src/core/providers/health';
import type { ProviderStatus, RouterState } from '../../../../src/core/providers/routerState';
import type { Route } from '../../../../src/core/providers/routing';
import { renderStatus } from '../../../../src/core/providers/statusView';
import { renderUsageReport } from '../../../../src/core/providers/usageReport';

const now = Date.parse('2026-11-10T12:03:03Z');
const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);

function provider(id: string, label: string, patch: Partial<ProviderStatus> = {}): ProviderStatus {
  return {
    id,
    label,
    health: { kind: 'healthy' },
    local: false,
    paid: true,
    supportsFim: true,
    fitForCompletions: true,
    chatModel: 'm',
    completionModel: 'm',
    inFlight: 0,
    queued: 0,
    requests: 0,
    rateLimited: 0,
    failed: 0,
    today: emptyDayUsage(),
    ...patch,
  };
}

const route = (id: string, isFallback = false): Route => ({ kind: 'route', id, isFallback });

function state(patch: Partial<RouterState> = {}, ds: Partial<ProviderStatus> = {}): RouterState {
  return {
    now,
    routing: 'automatic',
    pinned: 'deepseek',
    primary: { chat: 'deepseek', completion: 'deepseek' },
    route: { chat: route('deepseek'), completion: route('deepseek') },
    providers: [
      provider('deepseek', 'DeepSeek', ds),
      provider('openrouter', 'OpenRouter', { fitForCompletions: false }),
    ],
    spend: { kind: 'off', spentUsd: 0 },
    ...patch,
  };
}

const on = { kind: 'on' } as const;

describe('status bar rendering (DESIGN.md table)', () => {
  test('idle, healthy: pulse + provider, limit and p50 in the first tooltip line', () => {
    const v = renderStatus(state({}, { limit: 6, p50Ms: 420 }), on, { time });
    assert.equal(v.text, '$(pulse) DeepSeek');
    assert.equal(v.background, undefined);
    assert.match(v.tooltip.split('\n')[0], /DeepSeek healthy · limit 6 · p50 420 ms/);
    assert.equal(v.ticking, false);
  });

  test('busy: in flight and queued', () => {
    const v = renderStatus(state({}, { inFlight: 2, queued: 3 }), on, { time });
    assert.equal(v.text, '$(sync~spin) DeepSeek 2↑ 3 queued');
    assert.equal(renderStatus(state({}, { inFlight: 1 }), on, { time }).text, '$(sync~spin) DeepSeek 1↑');
    assert.match(v.tooltip.split('\n')[0], /2 in flight, 3 queued/);
  });

  test('rate-limited and waiting: countdown, warning, the cooldown end in the tooltip', () => {
    const h: HealthState = { kind: 'rateLimited', untilMs: now + 3200 };
    const v = renderStatus(state({}, { health: h }), on, { time });
    assert.equal(v.text, '$(watch) DeepSeek 429 · 4s');
    assert.equal(v.background, 'warning');
    assert.match(v.tooltip, /cooling down until 12:03:06/);
    assert.equal(v.ticking, true);
    const later = renderStatus({ ...state({}, { health: h }), now: now + 2500 }, on, { time });
    assert.equal(later.text, '$(watch) DeepSeek 429 · 1s');
  });

  test('failed over: DeepSeek → OpenRouter, warning, what serves what', () => {
    const s = state(
      { route: { chat: route('openrouter', true), completion: { kind: 'none', reason: 'rateLimited' } } },
      { health: { kind: 'down', reason: '429 storm', nextProbeMs: now + 5000 } },
    );
    const v = renderStatus(s, on, { time });
    assert.equal(v.text, '$(arrow-swap) DeepSeek → OpenRouter');
    assert.equal(v.background, 'warning');
    assert.match(v.tooltip.split('\n')[0], /DeepSeek rate-limited \(429 storm\).*; OpenRouter serves chat\./);
    assert.match(v.ariaLabel, /DeepSeek → OpenRouter/);
  });

  test('needs the user: key, balance (error background, the fixing command)', () => {
    const key = renderStatus(
      state(
        {
          route: {
            chat: { kind: 'none', reason: 'unusable' },
            completion: { kind: 'none', reason: 'unusable' },
          },
        },
        { health: { kind: 'needsKey' } },
      ),
      on,
      { time },
    );
    assert.equal(key.text, '$(key) DeepSeek: set key');
    assert.equal(key.background, 'error');
    assert.match(key.tooltip, /Pacer: Set API Key/);
    const bal = renderStatus(state({}, { health: { kind: 'noBalance' } }), on, { time });
    assert.equal(bal.text, '$(credit-card) DeepSeek: no balance');
    assert.equal(bal.background, 'error');
  });

  test('no balance or no key stays red while a fallback serves, and says what serves (#15)', () => {
    const failedOver = { route: { chat: route('openrouter', true), completion: route('deepseek') } };
    const bal = renderStatus(
      state(failedOver, {
        health: { kind: 'noBalance' },
        billingUrl: 'https://platform.deepseek.com/top_up',
      }),
      on,
      { time },
    );
    assert.equal(bal.text, '$(credit-card) DeepSeek: no balance');
    assert.equal(bal.background, 'error');
    assert.match(bal.tooltip, /top up at https:\/\/platform\.deepseek\.com\/top_up/);
    assert.match(bal.tooltip, /Meanwhile OpenRouter serves chat/);
    const key = renderStatus(state(failedOver, { health: { kind: 'needsKey' } }), on, { time });
    assert.equal(key.text, '$(key) DeepSeek: set key');
    assert.equal(key.background, 'error');
  });

  test('a 429 storm with no fallback: rate-limited words, warning, countdown to the next check', () => {
    const v = renderStatus(
      state({}, { health: { kind: 'down', reason: '429 storm', nextProbeMs: now + 4200 } }),
      on,
      { time },
    );
    assert.equal(v.text, '$(watch) DeepSeek 429 · 5s');
    assert.equal(v.background, 'warning');
    assert.match(v.ariaLabel, /rate-limited \(429 storm\)/);
  });

  test('down with no fallback: error', () => {
    const v = renderStatus(
      state({}, { health: { kind: 'down', reason: 'not reachable', nextProbeMs: now + 9000 } }),
      on,
      { time },
    );
    assert.equal(v.text, '$(error) DeepSeek down');
    assert.equal(v.background, 'error');
    assert.match(v.tooltip.split('\n')[0], /next check in 9 s/);
  });

  test('degraded: warning', () => {
    const v = renderStatus(state({}, { health: { kind: 'degraded', reason: 'slow' } }), on, { time });
    assert.equal(v.text, '$(warning) DeepSeek slow');
    assert.equal(v.background, 'warning');
  });

  test('completions off / snoozed', () => {
    assert.equal(renderStatus(state(), { kind: 'off' }, { time }).text, '$(circle-slash) DeepSeek');
    assert.match(
      renderStatus(state(), { kind: 'off' }, { time }).tooltip,
      /command:pacer\.toggleCompletions/,
    );
    const snoozed = renderStatus(state(), { kind: 'snoozed', untilMs: now + 9.5 * 60_000 }, { time });
    assert.equal(snoozed.text, '$(clock) DeepSeek 10m');
    assert.equal(
      renderStatus(state(), { kind: 'snoozed', untilMs: now - 1 }, { time }).text,
      '$(pulse) DeepSeek',
    );
  });

  test('spend limit reached: paid primary paused', () => {
    const v = renderStatus(state({ spend: { kind: 'paused', spentUsd: 1.2, limitUsd: 1 } }), on, { time });
    assert.equal(v.text, '$(credit-card) DeepSeek: spend limit');
    assert.equal(v.background, 'error');
    assert.match(v.tooltip, /command:pacer\.liftSpendLimit/);
    const local = state({
      spend: { kind: 'paused', spentUsd: 1.2, limitUsd: 1 },
      route: { chat: route('ollama', true), completion: route('ollama', true) },
      providers: [
        provider('deepseek', 'DeepSeek'),
        provider('ollama', 'Ollama', { paid: false, local: true }),
      ],
    });
    const fv = renderStatus(local, on, { time });
    assert.equal(fv.text, '$(arrow-swap) DeepSeek → Ollama');
    assert.match(
      fv.tooltip.split('\n')[0],
      /paused by the daily spend limit; Ollama serves chat and completions/,
    );
  });

  test('tooltip: one row per provider with health, limit, requests, 429s, p50, tokens, cost; command links', () => {
    const s = state(
      { spend: { kind: 'warning', spentUsd: 0.85, limitUsd: 1 } },
      {
        limit: 4,
        requests: 120,
        rateLimited: 7,
        p50Ms: 431.6,
        today: { ...emptyDayUsage(), promptTokens: 12_000, completionTokens: 300, costUsd: 0.0123 },
      },
    );
    const v = renderStatus(s, on, { time });
    const row = v.tooltip.split('\n').find((l) => l.startsWith('| **DeepSeek**'))!;
    assert.ok(row, v.tooltip);
    for (const part of ['healthy', '| 4 |', '| 120 |', '| 7 |', '432 ms', '12k', '$0.01'])
      assert.ok(row.includes(part), `${part} in ${row}`);
    assert.ok(v.tooltip.includes('| **OpenRouter**'));
    assert.match(v.tooltip, /Spent today: \$0\.85 of \$1\.00 — over 80 %/);
    for (const cmd of ['pacer.switchProvider', 'pacer.setApiKey', 'pacer.showUsage', 'pacer.showLog']) {
      assert.ok(v.tooltip.includes(`command:${cmd}`), cmd);
    }
  });

  test('pinned routing is said in the tooltip', () => {
    const v = renderStatus(state({ routing: 'pinned', pinned: 'openrouter' }), on, { time });
    assert.match(v.tooltip, /pinned to OpenRouter/);
    const pinnedDs = renderStatus(state({ routing: 'pinned', pinned: 'deepseek' }), on, { time });
    assert.equal(pinnedDs.text, '$(pinned) DeepSeek');
  });

  test('no provider enabled', () => {
    const v = renderStatus(state({ providers: [], primary: {} }), on, { time });
    assert.equal(v.text, '$(circle-slash) Pacer');
  });
});

describe('usage report', () => {
  test('today per provider, totals, the limit, and the counters since start', () => {
    const s = state(
      { spend: { kind: 'paused', spentUsd: 1.5, limitUsd: 1 } },
      {
        requests: 9,
        rateLimited: 2,
        today: {
          ...emptyDayUsage(),
          requests: 3,
          promptTokens: 1000,
          cacheHitTokens: 600,
          cacheMissTokens: 400,
          completionTokens: 50,
          costUsd: 1.5,
        },
      },
    );
    const md = renderUsageReport(s, time);
    assert.match(md, /^# Pacer usage today/);
    assert.match(md, /\| DeepSeek \| healthy \| 3 \| 1000 \| 600 \| 400 \| 50 \| \$1\.50 \|/);
    assert.match(md, /\*\*Total\*\* .*\*\*\$1\.50\*\*/);
    assert.match(md, /limit reached: paid providers are paused/);
    assert.match(md, /\| DeepSeek \| 9 \| – \| 2 \|/);
  });
});

describe('Show Usage tells the truth about a provider that keeps failing (#15 item 10)', () => {
  test('attempts and failed attempts are shown, and no countdown is frozen into the page', () => {
    const report = renderUsageReport(
      state(
        {},
        {
          health: { kind: 'down', reason: 'not reachable', nextProbeMs: now + 1000 },
          requests: 1,
          attempts: 10,
          attemptsFailed: 10,
          failed: 0,
        },
      ),
      time,
    );
    assert.match(report, /\| DeepSeek \| 1 \| 10 \| 0 \| 10 \| 0 \|/);
    assert.match(report, /down \(not reachable\), next check at 12:03:04/);
    assert.doesNotMatch(report, /in \d+ s/);
  });
});
