import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HealthState } from '../../../../src/core/providers/health';
import type { RouteCandidate, RouteContext } from '../../../../src/core/providers/routing';
import { pickRoute, shouldMoveChat, usableFor } from '../../../../src/core/providers/routing';

const now = 100_000;
const healthy: HealthState = { kind: 'healthy' };
const cooling = (ms: number): HealthState => ({ kind: 'rateLimited', untilMs: now + ms });
const down: HealthState = { kind: 'down', reason: '429 storm', nextProbeMs: now + 5000 };

function cands(list: Array<Partial<RouteCandidate> & { id: string }>): Map<string, RouteCandidate> {
  return new Map(list.map((c) => [c.id, { health: healthy, fitForCompletions: true, paid: false, ...c }]));
}

const ctx = (patch: Partial<RouteContext> = {}): RouteContext => ({
  now,
  routing: 'automatic',
  pinned: 'deepseek',
  failoverAfterMs: 2000,
  budgetPaused: false,
  ...patch,
});

const order = ['deepseek', 'openrouter', 'ollama'];

describe('routing rules', () => {
  test('healthy primary serves both classes', () => {
    const c = cands([{ id: 'deepseek' }, { id: 'openrouter' }, { id: 'ollama' }]);
    assert.deepEqual(pickRoute('chat', order, c, ctx()), {
      kind: 'route',
      id: 'deepseek',
      isFallback: false,
    });
    assert.deepEqual(pickRoute('completion', order, c, ctx()), {
      kind: 'route',
      id: 'deepseek',
      isFallback: false,
    });
  });

  test('a completion moves on ANY cooldown; chat stays through a short one and moves on a long one', () => {
    const short = cands([{ id: 'deepseek', health: cooling(1500) }, { id: 'openrouter' }, { id: 'ollama' }]);
    assert.deepEqual(pickRoute('completion', order, short, ctx()), {
      kind: 'route',
      id: 'openrouter',
      isFallback: true,
    });
    assert.deepEqual(pickRoute('chat', order, short, ctx()), {
      kind: 'route',
      id: 'deepseek',
      isFallback: false,
    });
    const long = cands([{ id: 'deepseek', health: cooling(2500) }, { id: 'openrouter' }, { id: 'ollama' }]);
    assert.deepEqual(pickRoute('chat', order, long, ctx()), {
      kind: 'route',
      id: 'openrouter',
      isFallback: true,
    });
  });

  test('the threshold is the chat.failoverAfterMs setting', () => {
    const c = cands([{ id: 'deepseek', health: cooling(1500) }, { id: 'openrouter' }]);
    assert.equal(
      (pickRoute('chat', order, c, ctx({ failoverAfterMs: 1000 })) as { id: string }).id,
      'openrouter',
    );
    assert.equal(shouldMoveChat(now + 2001, now, 2000), true);
    assert.equal(shouldMoveChat(now + 2000, now, 2000), false);
    assert.equal(shouldMoveChat(undefined, now, 2000), false);
  });

  test('an open circuit (down), a missing key or no balance moves both classes', () => {
    for (const h of [down, { kind: 'needsKey' } as HealthState, { kind: 'noBalance' } as HealthState]) {
      const c = cands([{ id: 'deepseek', health: h }, { id: 'openrouter' }]);
      assert.equal((pickRoute('chat', order, c, ctx()) as { id: string }).id, 'openrouter', h.kind);
      assert.equal((pickRoute('completion', order, c, ctx()) as { id: string }).id, 'openrouter', h.kind);
    }
  });

  test('degraded still serves', () => {
    const c = cands([{ id: 'deepseek', health: { kind: 'degraded', reason: 'slow' } }, { id: 'openrouter' }]);
    assert.equal((pickRoute('completion', order, c, ctx()) as { id: string }).id, 'deepseek');
    assert.equal(usableFor('chat', { kind: 'degraded', reason: 'failing' }, now, 2000), true);
  });

  test('completions only go to providers fit for them', () => {
    const c = cands([
      { id: 'deepseek', health: down },
      { id: 'openrouter', fitForCompletions: false },
      { id: 'ollama' },
    ]);
    assert.deepEqual(pickRoute('completion', order, c, ctx()), {
      kind: 'route',
      id: 'ollama',
      isFallback: true,
    });
    const none = cands([
      { id: 'deepseek', health: cooling(500) },
      { id: 'openrouter', fitForCompletions: false },
    ]);
    assert.deepEqual(pickRoute('completion', ['deepseek', 'openrouter'], none, ctx()), {
      kind: 'none',
      reason: 'rateLimited',
      primaryId: 'deepseek',
    });
  });

  test('excluded (already tried) providers are skipped', () => {
    const c = cands([{ id: 'deepseek' }, { id: 'openrouter' }, { id: 'ollama' }]);
    const r = pickRoute('chat', order, c, ctx(), new Set(['deepseek', 'openrouter']));
    assert.deepEqual(r, { kind: 'route', id: 'ollama', isFallback: true });
  });

  test('chat is never dropped for lack of a free provider: it waits on the shortest cooldown', () => {
    const c = cands([
      { id: 'deepseek', health: cooling(9000) },
      { id: 'openrouter', health: cooling(4000) },
      { id: 'ollama', health: down },
    ]);
    assert.deepEqual(pickRoute('chat', order, c, ctx()), {
      kind: 'route',
      id: 'openrouter',
      isFallback: true,
    });
    const allDown = cands([
      { id: 'deepseek', health: down },
      { id: 'openrouter', health: { kind: 'needsKey' } },
    ]);
    assert.deepEqual(pickRoute('chat', order, allDown, ctx()), {
      kind: 'route',
      id: 'deepseek',
      isFallback: false,
    });
    // With nowhere else to go an open circuit does not silence completions until the next probe.
    assert.deepEqual(pickRoute('completion', order, allDown, ctx()), {
      kind: 'route',
      id: 'deepseek',
      isFallback: false,
    });
    const downAndCooling = cands([
      { id: 'deepseek', health: down },
      { id: 'openrouter', health: cooling(3000) },
    ]);
    assert.equal(pickRoute('completion', order, downAndCooling, ctx()).kind, 'none');
  });

  test('a fallback Pacer shows as down is never chosen, even when the primary needs the user', () => {
    // #15: DeepSeek answered 401/402, Ollama was not running: chat went to Ollama anyway.
    for (const primary of [{ kind: 'needsKey' }, { kind: 'noBalance' }] as HealthState[]) {
      const c = cands([
        { id: 'deepseek', health: primary },
        { id: 'ollama', health: { kind: 'down', reason: 'not reachable', nextProbeMs: now + 5000 } },
      ]);
      assert.equal(pickRoute('chat', order, c, ctx()).kind, 'none');
      assert.equal(pickRoute('completion', order, c, ctx()).kind, 'none');
    }
    // A 429 storm on the primary, tried already: a completion does not go to a down LM Studio.
    const storm = cands([
      { id: 'deepseek', health: down },
      { id: 'ollama', health: { kind: 'down', reason: 'not reachable', nextProbeMs: now + 5000 } },
    ]);
    assert.equal(pickRoute('completion', order, storm, ctx(), new Set(['deepseek'])).kind, 'none');
    assert.equal(pickRoute('chat', order, storm, ctx(), new Set(['deepseek'])).kind, 'none');
  });

  test('nothing usable at all: none with a reason', () => {
    const keys = cands([{ id: 'deepseek', health: { kind: 'needsKey' } }]);
    assert.deepEqual(pickRoute('chat', ['deepseek'], keys, ctx()), {
      kind: 'none',
      reason: 'unusable',
      primaryId: 'deepseek',
    });
    assert.deepEqual(pickRoute('chat', [], keys, ctx()), {
      kind: 'none',
      reason: 'noProvider',
      primaryId: undefined,
    });
  });

  test('spend limit pauses paid providers only', () => {
    const c = cands([{ id: 'deepseek', paid: true }, { id: 'openrouter', paid: true }, { id: 'ollama' }]);
    assert.deepEqual(pickRoute('chat', order, c, ctx({ budgetPaused: true })), {
      kind: 'route',
      id: 'ollama',
      isFallback: true,
    });
    const paidOnly = cands([{ id: 'deepseek', paid: true }]);
    assert.deepEqual(pickRoute('chat', ['deepseek'], paidOnly, ctx({ budgetPaused: true })), {
      kind: 'none',
      reason: 'budget',
      primaryId: 'deepseek',
    });
  });

  test('pinned: never switched, whatever its health; completions fail fast instead of waiting', () => {
    const c = cands([{ id: 'deepseek', health: cooling(60_000) }, { id: 'openrouter' }]);
    const pinned = ctx({ routing: 'pinned', pinned: 'deepseek' });
    assert.deepEqual(pickRoute('chat', order, c, pinned), {
      kind: 'route',
      id: 'deepseek',
      isFallback: false,
    });
    assert.deepEqual(pickRoute('completion', order, c, pinned), {
      kind: 'none',
      reason: 'rateLimited',
      primaryId: 'deepseek',
    });
    const downPinned = cands([{ id: 'deepseek', health: down }, { id: 'openrouter' }]);
    assert.deepEqual(pickRoute('chat', order, downPinned, pinned), {
      kind: 'route',
      id: 'deepseek',
      isFallback: false,
    });
    const toOr = ctx({ routing: 'pinned', pinned: 'openrouter' });
    const unfit = cands([{ id: 'deepseek' }, { id: 'openrouter', fitForCompletions: false }]);
    assert.deepEqual(pickRoute('chat', order, unfit, toOr), {
      kind: 'route',
      id: 'openrouter',
      isFallback: false,
    });
    assert.deepEqual(pickRoute('completion', order, unfit, toOr), {
      kind: 'none',
      reason: 'notFit',
      primaryId: 'openrouter',
    });
    assert.deepEqual(pickRoute('chat', order, unfit, toOr, new Set(['openrouter'])), {
      kind: 'none',
      reason: 'noProvider',
      primaryId: 'openrouter',
    });
  });
});
