// dist/dashboard.cjs: the usage dashboard's panel and view builder, loaded on demand by
// src/vscode/usage/usageDashboard.ts so the extension bundle does not carry them.
export { DashboardPanel } from './dashboardPanel';
