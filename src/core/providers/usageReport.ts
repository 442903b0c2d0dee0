// `Pacer: Show Usage`: today's requests, tokens and estimated cost per provider, as markdown.
import type { RouterState } from './routerState';
import { formatUsd, healthWords } from './statusView';

export function renderUsageReport(
  state: RouterState,
  time: (ms: number) => string = (ms) => new Date(ms).toLocaleString(),
): string {
  const lines = [
    `# Pacer usage today`,
    '',
    `As of ${time(state.now)}, all windows together. Costs follow each provider's published prices (DeepSeek: peak hours and cache hits counted), or what the provider reported (OpenRouter).`,
    '',
  ];
  lines.push(
    '| Provider | Health | Answers | Prompt tokens | Cache hits | Cache misses | Output tokens | Cost |',
  );
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|');
  let total = 0;
  let estimated = 0;
  for (const p of state.providers) {
    const d = p.today;
    total += d.costUsd;
    estimated += d.estimatedUsd;
    const cost =
      p.paid || d.costUsd > 0 ? `${formatUsd(d.costUsd)}${d.estimatedUsd > 0 ? ' *' : ''}` : 'free';
    lines.push(
      `| ${p.label} | ${healthWords(p.health, state.now, time, true)} | ${d.requests} | ${d.promptTokens} | ${d.cacheHitTokens} | ${d.cacheMissTokens} | ${d.completionTokens} | ${cost} |`,
    );
  }
  lines.push(`| **Total** | | | | | | | **${formatUsd(total)}${estimated > 0 ? ' *' : ''}** |`, '');
  if (estimated > 0) {
    lines.push(
      `\\* Includes ${formatUsd(estimated)} of estimates: requests stopped or cut off before the provider reported its usage (tokens counted at ~4 characters each), or models without a known price (counted at a high default: set \`pacer.budget.prices\` in your user settings).`,
      '',
    );
  }
  const s = state.spend;
  if (s.kind === 'off') lines.push('No daily spend limit (set `pacer.budget.dailyLimitUsd` to add one).');
  else {
    const what = {
      ok: 'within the limit',
      warning: 'over 80 % of the limit',
      paused: 'limit reached: paid providers are paused until you run "Pacer: Lift Today\'s Spend Limit"',
      lifted: 'limit reached and lifted for today',
    }[s.kind];
    lines.push(`Daily limit ${formatUsd(s.limitUsd)}: ${formatUsd(s.spentUsd)} spent, ${what}.`);
  }
  lines.push('', 'Since the editor started (all days):', '');
  lines.push(
    // Requests are what features asked for; attempts what went over the wire (a request that
    // retries ten times against a server that is not running is 1 request, 10 failed attempts).
    '| Provider | Requests | HTTP attempts | 429s | Failed attempts | Failed requests | p50 latency | Learned limit |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const p of state.providers) {
    lines.push(
      `| ${p.label} | ${p.requests} | ${p.attempts ?? '–'} | ${p.rateLimited} | ${p.attemptsFailed ?? '–'} | ${p.failed} | ${p.p50Ms !== undefined ? `${Math.round(p.p50Ms)} ms` : '–'} | ${p.limit ?? '–'} |`,
    );
  }
  return lines.join('\n') + '\n';
}
