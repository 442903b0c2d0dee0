// dist/team.cjs: team mode's working part and its Redis client (ioredis), loaded on demand by
// src/vscode/team/teamMode.ts so the extension bundle does not carry them.
export { TeamModeImpl } from './teamModeImpl';
