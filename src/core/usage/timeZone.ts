// Where an instant falls in the user's time zone: the local hour it starts, its local day, hour of
// day and weekday. The usage history buckets by local hours (a zone 30 minutes off UTC gets its own
// hour borders) and days (the same local day the spend limit uses). Injected, so tests can place
// instants in any zone without changing the process's TZ. Browser-safe.

export interface TimeZone {
  /** The start (epoch ms) of the local hour `ms` falls in. */
  hourStart(ms: number): number;
  /** The local day, YYYY-MM-DD. */
  dayKey(ms: number): string;
  /** 0..23 */
  hourOfDay(ms: number): number;
  /** 0 = Monday .. 6 = Sunday */
  weekday(ms: number): number;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The process's own zone (what `Date` uses): the editor's. */
export const localZone: TimeZone = {
  hourStart(ms) {
    const d = new Date(ms);
    d.setMinutes(0, 0, 0);
    return d.getTime();
  },
  dayKey(ms) {
    const d = new Date(ms);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  },
  hourOfDay: (ms) => new Date(ms).getHours(),
  weekday: (ms) => (new Date(ms).getDay() + 6) % 7,
};

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** A named IANA zone through Intl (tests, and a user whose editor runs in another zone). */
export function intlZone(timeZone: string): TimeZone {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    weekday: 'short',
  });
  const parts = (ms: number) => {
    const p: Record<string, string> = {};
    for (const { type, value } of format.formatToParts(new Date(ms))) p[type] = value;
    return p;
  };
  return {
    hourStart(ms) {
      const p = parts(ms);
      const into = Number(p.minute) * 60_000 + Number(p.second) * 1000 + (((ms % 1000) + 1000) % 1000);
      return ms - into;
    },
    dayKey(ms) {
      const p = parts(ms);
      return `${p.year}-${p.month}-${p.day}`;
    },
    hourOfDay: (ms) => Number(parts(ms).hour),
    weekday: (ms) => WEEKDAYS.indexOf(parts(ms).weekday ?? 'Mon'),
  };
}
