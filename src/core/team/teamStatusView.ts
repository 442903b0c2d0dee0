// What the status bar adds in team mode: an icon after the text (the team queue in use, or a
// warning when this editor fell back to pacing alone), and the queue's numbers in the tooltip.
// Pure and free of ioredis: the main bundle renders it, dist/team.cjs fills the status.
import type { StatusView } from '../providers/statusView';
import type { TeamStatus } from './teamSlotSource';

export function withTeamStatus(view: StatusView, team: TeamStatus | undefined, now: number): StatusView {
  if (!team) return view;
  const fallback = team.mode !== 'team';
  const text = `${view.text} ${fallback ? '$(debug-disconnect)' : '$(organization)'}`;
  const headline = fallback
    ? team.mode === 'connecting'
      ? '$(sync~spin) Team queue: connecting to Redis; this editor paces alone meanwhile'
      : `$(debug-disconnect) Team queue unreachable${team.fallbackSince !== undefined ? ` for ${Math.max(0, Math.round((now - team.fallbackSince) / 1000))} s` : ''}: this editor paces alone until Redis answers`
    : `$(organization) Team queue: ${team.queueLength} waiting · shared limit ${Math.floor(team.cap)} · ${team.holders} in flight · ${team.editors} editor${team.editors === 1 ? '' : 's'} active${team.place !== undefined ? ` · this editor is #${team.place} in line` : ''}`;
  // The reason may hold file paths and error codes: no markdown in them.
  const reason = fallback && team.reason ? `  \n${team.reason.replace(/[\\`*_[\]<>]/g, '\\$&')}` : '';
  return {
    ...view,
    text,
    background: view.background ?? (team.mode === 'fallback' ? 'warning' : undefined),
    tooltip: `${view.tooltip}\n\n${headline}${reason}  \nqueue \`${team.queueId}\``,
    ariaLabel: `${view.ariaLabel}, ${fallback ? 'team queue unreachable, pacing alone' : `team queue, ${team.queueLength} waiting`}`,
  };
}
