// What a request cost, from its usage and the provider's prices (USD per 1M tokens).
import type { Usage } from './modelService';
import type { ModelPricing } from './providerEndpoint';

export function isPeakHour(pricing: ModelPricing, nowMs: number): boolean {
  const hour = new Date(nowMs).getUTCHours();
  return (pricing.peakHoursUtc ?? []).some(([start, end]) => hour >= start && hour < end);
}

export function estimateCostUsd(usage: Usage, pricing: ModelPricing | undefined, nowMs: number): number {
  if (!pricing) return 0;
  const multiplier = isPeakHour(pricing, nowMs) ? (pricing.peakMultiplier ?? 1) : 1;
  const perMillion =
    usage.cacheHitTokens * pricing.cacheHit +
    usage.cacheMissTokens * pricing.cacheMiss +
    usage.completionTokens * pricing.output;
  return (perMillion / 1_000_000) * multiplier;
}
