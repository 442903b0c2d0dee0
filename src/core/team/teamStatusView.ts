// What the status bar adds in team mode: an icon after the text (the team queue in use, or a
// warning when this editor fell back to pacing alone), and each queue's numbers in the tooltip
// (one queue per team provider, `pacer.team.providers`).
// Pure and free of ioredis: the main bundle renders it, dist/team.cjs fills the status.
import type { StatusView } from '../providers/statusView';
import type { TeamStatus } from './teamSlotSource';

export function withTeamStatus(view: StatusView, teams: readonly TeamStatus[], now: number): StatusView {
  if (teams.length === 0) return view;
  // The icon and the colour say the worst: one queue out of reach is a warning.
  const fallback = teams.some((t) => t.mode !== 'team');
  const text = `${view.text} ${fallback ? '$(debug-disconnect)' : '$(organization)'}`;
  const lines = teams.map((team) => {
    // Several queues: each line names its provider (the queue id starts with it).
    const who = teams.length > 1 ? `${team.queueId.split(':')[0]} ` : '';
    return queueLines(team, now, who);
  });
  return {
    ...view,
    text,
    background: view.background ?? (teams.some((t) => t.mode === 'fallback') ? 'warning' : undefined),
    tooltip: `${view.tooltip}\n\n${lines.join('\n\n')}`,
    ariaLabel: `${view.ariaLabel}, ${
      fallback
        ? 'team queue unreachable, pacing alone'
        : `team queue, ${teams.reduce((n, t) => n + t.queueLength, 0)} waiting`
    }`,
  };
}

function queueLines(team: TeamStatus, now: number, who: string): string {
  const fallback = team.mode !== 'team';
  const headline = fallback
    ? team.mode === 'connecting'
      ? `$(sync~spin) ${who}Team queue: connecting to Redis; this editor paces alone meanwhile`
      : `$(debug-disconnect) ${who}Team queue unreachable${team.fallbackSince !== undefined ? ` for ${Math.max(0, Math.round((now - team.fallbackSince) / 1000))} s` : ''}: this editor paces alone until Redis answers`
    : `$(organization) ${who}Team queue: ${team.queueLength} waiting · shared limit ${Math.floor(team.cap)} · ${team.holders} in flight · ${team.editors} editor${team.editors === 1 ? '' : 's'} active${team.place !== undefined ? ` · this editor is #${team.place} in line` : ''}`;
  // The reason may hold file paths and error codes: no markdown in them.
  const reason = fallback && team.reason ? `  \n${team.reason.replace(/[\\`*_[\]<>]/g, '\\$&')}` : '';
  return `${headline}${reason}  \nqueue \`${team.queueId}\``;
}
