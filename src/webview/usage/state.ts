// The dashboard's state: what the host last sent, and the user's range and provider, kept in the
// webview's state so a reload (the panel restored after a window reload) asks for the same view.
import type { DashboardView, UsageRange } from '../../core/common/usageProtocol';
import { USAGE_RANGES } from '../../core/common/usageProtocol';

export interface UsageState {
  range: UsageRange;
  provider: string;
  view?: DashboardView;
}

export function restoreState(saved: unknown): UsageState {
  const s = (saved ?? {}) as Partial<UsageState>;
  const range = USAGE_RANGES.includes(s.range as UsageRange) ? (s.range as UsageRange) : '7d';
  return { range, provider: typeof s.provider === 'string' ? s.provider : '' };
}
