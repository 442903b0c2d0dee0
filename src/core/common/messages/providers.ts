// The sentences users read about providers, the gate and the router: each says what happened
// and, where the user can do something, what to do next. Pure strings; no Node, no vscode.

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
const noDot = (text: string) => text.replace(/\.$/, '');

export const providerMessages = {
  // One attempt (the client's errors; `detail` is the provider's own words in brackets, or '').
  cancelled: 'The request was cancelled.',
  noAnswerInTime: (label: string) => `${label} did not answer in time.`,
  unreachable: (label: string, why: string) =>
    `Could not reach ${label}: ${noDot(why)}. Check the network or the provider's base URL.`,
  midStreamError: (label: string, detail: string) =>
    `${label} reported an error in the middle of the answer${detail}.`,
  keyRejected: (label: string) =>
    `${label} rejected the API key. Run 'Pacer: Set API Key' to enter a valid one.`,
  forbidden: (label: string) =>
    `${label} refused the request (HTTP 403: permission, region or moderation). Check your account or switch provider.`,
  /** `where`: ' at <billing URL>' or ''. */
  balanceUsedUp: (label: string, where: string) =>
    `${label} says the account has no balance left: top up${where}, or switch provider with 'Pacer: Switch Provider'.`,
  rateLimiting: (label: string) => `${label} is rate-limiting requests (HTTP 429); Pacer waits and retries.`,
  proxyAuth: (label: string) =>
    `The proxy between Pacer and ${label} asks for credentials (HTTP 407): set VS Code's http.proxyAuthorization, or check http.proxy.`,
  timedOut408: (label: string) => `${label} timed out (HTTP 408).`,
  serverError: (label: string, status: number, detail: string) =>
    `${label} had a server error (HTTP ${status})${detail}; Pacer retries after a short wait.`,
  refused: (label: string, status: number, detail: string) =>
    `${label} refused the request (HTTP ${status})${detail}. Check the model name and settings.`,
  unreadable: (label: string) =>
    `${label} sent an answer Pacer could not read (invalid JSON). If it keeps happening, a proxy or a server that is not the API may be in the way: check the base URL.`,
  connectionBroke: (label: string, why: string) => `The connection to ${label} broke: ${noDot(why)}.`,
  unexpected: (label: string, what: string) =>
    `Unexpected answer from ${label}: ${noDot(what)}. If it keeps happening, check the base URL and the proxy settings.`,

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

  // Notifications in the editor.
  spendWarning: (spent: string, limit: string) =>
    `Pacer: ${spent} spent today, over 80 % of your ${limit} limit.`,
  spendPaused: (limit: string) =>
    `Pacer: today's spend limit (${limit}) is reached. Paid providers are paused; local ones still serve.`,
  liftLimitAction: "Lift Today's Limit",
  spendLifted: "Pacer: today's spend limit is lifted; paid providers serve again until midnight.",
  cacheCleared: 'Pacer: cached answers cleared.',
  localServerReceivesCode: (label: string, baseUrl: string, providerId: string) =>
    `Pacer: ${label} on this machine (${baseUrl}) now receives your code as a provider. To stop that, remove "${providerId}" from pacer.providers.enabled.`,
  keyInputTitle: (label: string) => `Pacer: API key for ${label}`,
  keyInputPrompt: (keyUrl: string | undefined) =>
    `Stored in VS Code's secret storage, never in settings.${keyUrl ? ` Get one at ${keyUrl}.` : ''}`,
  keyInputEmpty: 'Enter the key, or press Escape to cancel.',
  keySaved: (label: string) => `Pacer: key for ${label} saved in VS Code's secret storage.`,
  keyRemoved: (label: string) => `Pacer: key for ${label} removed.`,
  noKeyStored: 'Pacer: no API key is stored.',
  keyMissing: (label: string) => `Pacer: ${label} needs an API key.`,
  keyRejected401: (label: string) => `Pacer: ${label} rejected the API key (401). Enter a valid one.`,
  keyNotStored: "Pacer: could not store the key in VS Code's SecretStorage (is the OS keyring available?).",
  noBillingPage: 'Pacer: none of your providers has a billing page Pacer knows.',
  /** `host`: the billing page's host, when known. */
  balanceUsedUpNotice: (label: string, host: string | undefined) =>
    `Pacer: ${label} says the account balance is used up (HTTP 402). Top up${host ? ` at ${host}` : ''}, or switch provider. Pacer notices the top-up by itself.`,
  pinnedNotAnswering: (label: string, baseUrl: string, reason: string) =>
    `Pacer: pinned to ${label}, which is not answering at ${baseUrl} (${reason}). Start it, or switch provider.`,
  cannotSnooze: 'Pacer: completions cannot be snoozed right now.',
} as const;

/** The buttons of the provider notifications (a button's text is what the code compares). */
export const ProviderActions = {
  switchProvider: 'Switch Provider',
  setApiKey: 'Set API Key',
  topUp: 'Top Up',
} as const;
