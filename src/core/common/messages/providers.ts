// The sentences users read about providers, the gate and the router: each says what happened
// and, where the user can do something, what to do next. Pure strings; no Node, no vscode.

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export const providerMessages = {
  // The gate (one provider).
  rateLimitedLonger: (label: string, remainingMs: number) =>
    `${label} is rate-limited for another ${Math.ceil(remainingMs / 1000)} s, longer than this request may wait.`,
  noAnswerWithin: (label: string, deadlineMs: number) =>
    `${label} could not answer within ${seconds(deadlineMs)}.`,
  shutDown: (label: string) => `${label} was shut down.`,
  internalError: (message: string) => `Internal error: ${message}`,

  // The router (several providers).
  budget:
    "Today's spend limit is reached, so paid providers are paused. Run 'Pacer: Lift Today's Spend Limit' or raise pacer.budget.dailyLimitUsd.",
  notRunning: (label: string, host: string) =>
    `${label} is not running at ${host}: start it, or switch provider.`,
  noProviderWithin: (cls: 'chat' | 'completion', deadlineMs: number) =>
    `No provider answered the ${cls === 'chat' ? 'chat request' : 'completion'} within ${seconds(deadlineMs)}.`,
  notFit: (label: string) =>
    `${label} cannot serve inline completions (no FIM and no fast chat model). Pick another provider with 'Pacer: Switch Provider'.`,
  noProviderEnabled: "No provider is enabled. Check pacer.providers.enabled or run 'Pacer: Switch Provider'.",
  rateLimitedNoOther: (label: string, what: string) =>
    `${label} is rate-limited and no other provider can take ${what} right now.`,
  needsKey: (label: string) => `${label} needs an API key: run 'Pacer: Set API Key'.`,
  noBalance: (label: string, billingUrl: string | undefined) =>
    `${label} is out of balance: top up${billingUrl ? ` at ${billingUrl}` : ''}, or switch provider with 'Pacer: Switch Provider'.`,
  notAnswering: (label: string, what: string) =>
    `${label} is not answering and no other provider can take ${what}. Pacer keeps checking; or switch provider with 'Pacer: Switch Provider'.`,
  chatMoved: (label: string, reason: string) => `${label} ${reason}; moved to another provider.`,
  completionMoved: (label: string) => `${label} cannot answer now.`,
} as const;
