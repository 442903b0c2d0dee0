// A second "window" in its own process: appends one usage record to the shared folder and exits.
// Usage: node --import tsx usageAppender.ts <dir> <provider> <costUsd>
import { UsageStore } from '../../src/core/usage/usageStore';

const [dir, provider, cost] = process.argv.slice(2);
const store = new UsageStore({ dir, windowId: `child-${process.pid}` });
store.append({
  provider: provider ?? 'deepseek',
  model: 'deepseek-flash',
  cls: 'chat',
  promptTokens: 1000,
  completionTokens: 500,
  cacheHitTokens: 0,
  cacheMissTokens: 1000,
  costUsd: Number(cost),
  estimated: false,
});
void store.flush().then(() => {
  store.dispose();
  process.stdout.write('appended\n');
});
