// What the usage dashboard says outside its webview.
export const usageMessages = {
  clearHistoryQuestion:
    "Clear Pacer's usage history? The charts of every window start empty. Today's spend (for the daily limit) is kept.",
  clearHistoryAction: 'Clear History',
  exportCsvTitle: 'Export usage table as CSV',
} as const;
