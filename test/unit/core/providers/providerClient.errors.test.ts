// Every error the SDK or the stream can raise becomes a PacerError with the right kind and a
// message that says what to do; endpoints get their FIM URL right; watchdogs fire on a fake clock.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { PacerError } from '../../../../src/core/common/errors';
import type { PacerErrorKind } from '../../../../src/core/common/errors';
import { isRetryable } from '../../../../src/core/gate/classPolicy';
import { mapUsage } from '../../../../src/core/providers/providerClient';
import {
  createDeepSeekEndpoint,
  deriveFimBaseUrl,
  pricingFor,
} from '../../../../src/core/providers/providerEndpoint';
import { StreamWatchdog } from '../../../../src/core/providers/streamWatchdog';
import { toPacerError } from '../../../../src/core/providers/toPacerError';
import { FakeClock } from '../../../helpers/fakeClock';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const ctx = {
  providerId: 'deepseek',
  label: 'DeepSeek',
  billingUrl: 'https://platform.deepseek.com/top_up',
  nowMs: NOW,
};

function http(status: number, message = 'x', headers: Record<string, string> = {}): PacerError {
  return toPacerError(
    APIError.generate(status, { error: { message } }, undefined, new Headers(headers)),
    ctx,
  );
}

describe('toPacerError: every error class', () => {
  const statuses: Array<[number, PacerErrorKind]> = [
    [400, 'badRequest'],
    [401, 'needsKey'],
    [402, 'noBalance'],
    [403, 'badRequest'],
    [404, 'badRequest'],
    [408, 'timeout'],
    [422, 'badRequest'],
    [429, 'rateLimited'],
    [500, 'server'],
    [502, 'server'],
    [503, 'server'],
  ];
  for (const [status, kind] of statuses) {
    test(`HTTP ${status} -> ${kind}`, () => {
      const e = http(status);
      assert.equal(e.kind, kind);
      assert.equal(e.status, status);
      assert.equal(e.providerId, 'deepseek');
    });
  }

  test('401 says which command fixes it, and never echoes the (masked) key', () => {
    const e = http(401, 'Authentication Fails, Your api key: ****abcd is invalid');
    assert.match(e.message, /DeepSeek rejected the API key\. Run 'Pacer: Set API Key'/);
    assert.doesNotMatch(e.message, /abcd/);
  });

  test('403 is not a key problem (region, moderation, key limits), and never echoes the body', () => {
    const e = http(403, 'Country, region, or territory not supported; user@example.com');
    assert.equal(e.kind, 'badRequest');
    assert.match(
      e.message,
      /^DeepSeek refused the request \(HTTP 403: permission, region or moderation\)\. Check your account or switch provider\.$/,
    );
    assert.doesNotMatch(e.message, /Set API Key|Country|example\.com/);
    assert.equal(isRetryable(e.kind), false);
  });

  test('407 names the proxy setting that fixes it', () => {
    const e = http(407, '<html>Proxy login</html>');
    assert.equal(e.kind, 'badRequest');
    assert.match(
      e.message,
      /proxy .* asks for credentials \(HTTP 407\): set VS Code's http\.proxyAuthorization/,
    );
  });

  test('402 says where to top up', () => {
    assert.match(
      http(402, 'Insufficient Balance').message,
      /top up at https:\/\/platform\.deepseek\.com\/top_up/,
    );
  });

  test('429 carries the retry hint and the reported account concurrency', () => {
    const e = http(
      429,
      'Too many requests. Please pace your requests reasonably. Your current concurrency: 2000.',
      { 'retry-after': '4' },
    );
    assert.equal(e.retryAfterMs, 4000);
    assert.equal(e.reportedConcurrency, 2000);
  });

  test('SDK connection, timeout and abort errors', () => {
    assert.equal(toPacerError(new APIConnectionError({ message: 'Connection error.' }), ctx).kind, 'network');
    assert.equal(toPacerError(new APIConnectionTimeoutError(), ctx).kind, 'timeout');
    assert.equal(toPacerError(new APIUserAbortError(), ctx).kind, 'cancelled');
  });

  test('an error event in the middle of a stream (APIError without status) is a retryable server error', () => {
    const e = toPacerError(new APIError(undefined, { message: 'overloaded' }, undefined, undefined), ctx);
    assert.equal(e.kind, 'server');
    assert.ok(isRetryable(e.kind));
  });

  test('bad JSON in a stream is malformed; a reset socket is network', () => {
    assert.equal(toPacerError(new SyntaxError('Unexpected token'), ctx).kind, 'malformed');
    assert.match(toPacerError(new SyntaxError('Unexpected token'), ctx).message, /check the base URL/);
    const terminated = Object.assign(new TypeError('terminated'), {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    });
    assert.equal(toPacerError(terminated, ctx).kind, 'network');
  });

  test('a PacerError passes through unchanged', () => {
    const e = new PacerError({ kind: 'deadline', message: 'late' });
    assert.equal(toPacerError(e, ctx), e);
  });
});

describe('provider endpoint', () => {
  test('the FIM base URL gets /beta exactly once', () => {
    assert.equal(deriveFimBaseUrl('https://api.deepseek.com'), 'https://api.deepseek.com/beta');
    assert.equal(deriveFimBaseUrl('https://api.deepseek.com/'), 'https://api.deepseek.com/beta');
    assert.equal(deriveFimBaseUrl('https://api.deepseek.com/beta'), 'https://api.deepseek.com/beta');
    assert.equal(deriveFimBaseUrl('https://api.deepseek.com/beta/'), 'https://api.deepseek.com/beta');
    assert.equal(deriveFimBaseUrl('https://api.deepseek.com/v1'), 'https://api.deepseek.com/beta');
  });

  test('a DeepSeek endpoint whose base URL was pasted with /beta still chats on the plain base', () => {
    const e = createDeepSeekEndpoint({ baseUrl: 'http://127.0.0.1:9/beta', getApiKey: async () => 'k' });
    assert.equal(e.baseUrl, 'http://127.0.0.1:9');
    assert.equal(e.fimBaseUrl, 'http://127.0.0.1:9/beta');
    assert.equal(pricingFor(e, 'deepseek-v4-pro')?.output, 1.98);
    assert.equal(pricingFor(e, 'some-new-model')?.output, 0.6);
  });

  test("usage maps DeepSeek's cache fields, and OpenAI's cached_tokens", () => {
    assert.deepEqual(
      mapUsage({
        prompt_tokens: 10,
        completion_tokens: 3,
        prompt_cache_hit_tokens: 6,
        prompt_cache_miss_tokens: 4,
      }),
      {
        promptTokens: 10,
        completionTokens: 3,
        cacheHitTokens: 6,
        cacheMissTokens: 4,
      },
    );
    assert.deepEqual(
      mapUsage({ prompt_tokens: 10, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 8 } }),
      {
        promptTokens: 10,
        completionTokens: 3,
        cacheHitTokens: 8,
        cacheMissTokens: 2,
      },
    );
    assert.equal(mapUsage(undefined), undefined);
  });
});

describe('stream watchdog (fake clock)', () => {
  test('fires "stalled" when the first token does not come in time', async () => {
    const clock = new FakeClock();
    const w = new StreamWatchdog(
      clock,
      { firstTokenMs: 1000, idleMs: 300 },
      undefined,
      'deepseek',
      'DeepSeek',
    );
    await clock.advance(999);
    assert.equal(w.signal.aborted, false);
    await clock.advance(1);
    assert.equal(w.signal.aborted, true);
    assert.equal(w.fired?.kind, 'stalled');
    assert.match(w.fired?.message ?? '', /no answer within 1 s/);
  });

  test('each token re-arms the idle timer; silence after tokens fires too', async () => {
    const clock = new FakeClock();
    const w = new StreamWatchdog(
      clock,
      { firstTokenMs: 1000, idleMs: 300 },
      undefined,
      'deepseek',
      'DeepSeek',
    );
    for (let i = 0; i < 10; i++) {
      await clock.advance(250);
      w.progress();
    }
    assert.equal(w.signal.aborted, false, '2.5 s of steady tokens');
    await clock.advance(300);
    assert.equal(w.fired?.kind, 'stalled');
    assert.match(w.fired?.message ?? '', /stopped sending/);
  });

  test("the caller's abort passes through with its reason; dispose leaves no timer", async () => {
    const clock = new FakeClock();
    const caller = new AbortController();
    const w = new StreamWatchdog(
      clock,
      { firstTokenMs: 1000, totalMs: 5000 },
      caller.signal,
      'deepseek',
      'DeepSeek',
    );
    caller.abort('because');
    assert.equal(w.signal.reason, 'because');
    assert.equal(w.fired, undefined);
    assert.equal(clock.pendingTimers, 0);
    const w2 = new StreamWatchdog(clock, { totalMs: 5000 }, undefined, 'deepseek', 'DeepSeek');
    await clock.advance(5000);
    assert.equal(w2.fired?.kind, 'timeout');
  });
});
