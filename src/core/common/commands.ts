// Every command id in one place. package.json declares the public ones (a unit test checks the
// two agree); the rest are internal (no palette entry). Ids never change: users bind keys to them.
export const Commands = {
  switchProvider: 'pacer.switchProvider',
  setApiKey: 'pacer.setApiKey',
  clearApiKey: 'pacer.clearApiKey',
  showLog: 'pacer.showLog',
  showUsage: 'pacer.showUsage',
  clearUsageHistory: 'pacer.clearUsageHistory',
  clearCache: 'pacer.clearCache',
  toggleCompletions: 'pacer.toggleCompletions',
  snoozeCompletions: 'pacer.snoozeCompletions',
  liftSpendLimit: 'pacer.liftSpendLimit',
  topUp: 'pacer.topUp',
  newChat: 'pacer.newChat',
  showChatHistory: 'pacer.showChatHistory',
  setTeamRedisPassword: 'pacer.setTeamRedisPassword',
  leaveTeamQueue: 'pacer.leaveTeamQueue',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];
