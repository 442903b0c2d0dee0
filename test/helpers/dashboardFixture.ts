// The dashboard view tests' fixed world: UTC, a Wednesday afternoon, DeepSeek's label, and buckets
// placed at an instant of it.
import type { DashboardOptions } from '../../src/core/usage/dashboardView';
import type { Bucket } from '../../src/core/usage/historyBuckets';
import { emptyBucket } from '../../src/core/usage/historyBuckets';
import { intlZone } from '../../src/core/usage/timeZone';

export const HOUR = 3_600_000;
export const zone = intlZone('UTC');
export const now = Date.UTC(2026, 5, 10, 15, 20); // a Wednesday

export function bucket(provider: string, cls: Bucket['cls'], at: number, fill: Partial<Bucket>): Bucket {
  return Object.assign(emptyBucket(provider, cls, zone.hourStart(at)), fill);
}

export const dashboardOptions = (o: Partial<DashboardOptions> = {}): DashboardOptions => ({
  now,
  range: '24h',
  provider: '',
  zone,
  timeZoneName: 'UTC',
  dailyLimitUsd: 1,
  labels: new Map([['deepseek', 'DeepSeek']]),
  recording: true,
  ...o,
});
