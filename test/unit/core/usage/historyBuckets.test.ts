// Buckets by local hour and day in the user's zone (DST, half-hour zones), compaction of old hours
// into days that keep their hourly 429s, and the file encoding.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Bucket } from '../../../../src/core/usage/historyBuckets';
import { compactBuckets, emptyBucket, keyOf, mergeBuckets } from '../../../../src/core/usage/historyBuckets';
import { decodeHistory, encodeHistory } from '../../../../src/core/usage/historyCodec';
import { addValue, encodeHistogram } from '../../../../src/core/usage/logHistogram';
import { intlZone } from '../../../../src/core/usage/timeZone';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('usage history: hours and days in the user time zone', () => {
  test('a half-hour zone gets its own hour borders; the day changes at local midnight', () => {
    const kolkata = intlZone('Asia/Kolkata'); // UTC+5:30
    const at = Date.UTC(2026, 5, 1, 18, 29, 59); // 23:59:59 local
    assert.equal(kolkata.hourStart(at), Date.UTC(2026, 5, 1, 17, 30));
    assert.equal(kolkata.dayKey(at), '2026-06-01');
    assert.equal(kolkata.dayKey(at + 1000), '2026-06-02');
    assert.equal(kolkata.hourOfDay(at + 1000), 0);
    assert.equal(kolkata.weekday(at + 1000), 1); // 2026-06-02 is a Tuesday
  });

  test('across a DST change every local hour is its own bucket and the day stays right', () => {
    const ny = intlZone('America/New_York');
    // 2026-03-08 02:00 EST jumps to 03:00 EDT (07:00 UTC).
    const before = Date.UTC(2026, 2, 8, 6, 59);
    const after = Date.UTC(2026, 2, 8, 7, 1);
    assert.equal(ny.hourOfDay(before), 1);
    assert.equal(ny.hourOfDay(after), 3);
    assert.notEqual(ny.hourStart(before), ny.hourStart(after));
    assert.equal(ny.dayKey(before), '2026-03-08');
    assert.equal(ny.dayKey(Date.UTC(2026, 2, 8, 4, 59)), '2026-03-07');
  });

  test('hours older than a week become days keeping 24 hourly 429s; days older than 90 go', () => {
    const utc = intlZone('UTC');
    const now = Date.UTC(2026, 5, 30, 12);
    const buckets = new Map<string, Bucket>();
    const add = (at: number, r429: number, answered = 1) => {
      const b = emptyBucket('deepseek', 'chat', utc.hourStart(at));
      b.rateLimited = r429;
      b.answered = answered;
      addValue(b.latency, 100 + r429);
      mergeBuckets(buckets, [b]);
    };
    const old = Date.UTC(2026, 5, 10); // 20 days ago
    add(old + 14 * HOUR, 3);
    add(old + 15 * HOUR, 2);
    add(old + 15 * HOUR + 20 * 60_000, 1); // same hour: one bucket
    add(now - HOUR, 5); // recent: stays an hour
    add(now - 100 * DAY, 9); // gone
    const out = compactBuckets(buckets, { now, zone: utc, keepDays: 90, hourlyDays: 7 });
    const list = [...out.values()];
    assert.equal(list.length, 2);
    const day = list.find((b) => b.day === '2026-06-10')!;
    assert.equal(day.rateLimited, 6);
    assert.equal(day.answered, 3);
    assert.equal(day.hourly429![14], 3);
    assert.equal(day.hourly429![15], 3);
    assert.equal(
      day.hourly429!.reduce((a, b) => a + b),
      6,
    );
    const hour = list.find((b) => !b.day)!;
    assert.equal(hour.rateLimited, 5);
    // Compacting again changes nothing (idempotent over days).
    const again = compactBuckets(out, { now, zone: utc, keepDays: 90, hourlyDays: 7 });
    assert.deepEqual(again.get(keyOf(day))!.hourly429, day.hourly429);
  });

  test('the file encoding round-trips every field', () => {
    const b = emptyBucket('openrouter', 'completion', Date.UTC(2026, 0, 1, 3));
    b.answered = 4;
    b.rateLimited = 1;
    b.errors = { server: 2, network: 1 };
    b.fallback = 2;
    b.promptTokens = 1000;
    b.cacheHitTokens = 600;
    b.cacheMissTokens = 400;
    b.outputTokens = 50;
    b.costUsd = 0.001234;
    b.estimatedUsd = 0.0002;
    addValue(b.latency, 420);
    addValue(b.wait, 3);
    const d = emptyBucket('deepseek', 'probe', Date.UTC(2025, 11, 1), '2025-12-01');
    d.hourly429![5] = 7;
    const file = { buckets: new Map([b, d].map((x) => [keyOf(x), x])), corruptAside: 'x.gz' };
    const back = decodeHistory(encodeHistory(file));
    // Histograms compared by their bins (a recorded one keeps spare room to grow, a decoded one not).
    const plain = (f: typeof file) => ({
      ...f,
      buckets: [...f.buckets].map(([k, x]) => [
        k,
        { ...x, latency: encodeHistogram(x.latency), wait: encodeHistogram(x.wait) },
      ]),
    });
    assert.deepEqual(plain(back as typeof file), plain(file));
  });
});
