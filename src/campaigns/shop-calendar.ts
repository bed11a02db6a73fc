const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f;
}

/** Whether the runtime knows a time zone name. */
export function validTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The shop's calendar day of an instant, `YYYY-MM-DD` in its time zone (caps "per day" count on
 * it, as Braze counts on the shopper's day).
 *
 * @example
 * shopDay(Date.UTC(2026, 0, 1, 23, 30), 'Europe/Berlin'); // '2026-01-02'
 */
export function shopDay(ts: number, timeZone: string): string {
  const parts = formatter(timeZone).formatToParts(ts);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * The ISO week (`YYYY-Www`, weeks start on Monday) of the shop's calendar day of an instant.
 *
 * @example
 * shopWeek(Date.UTC(2026, 0, 1), 'UTC'); // '2026-W01'
 */
export function shopWeek(ts: number, timeZone: string): string {
  const [y, m, d] = shopDay(ts, timeZone).split('-').map(Number) as [number, number, number];
  const thursday = new Date(Date.UTC(y, m - 1, d));
  thursday.setUTCDate(d - ((thursday.getUTCDay() + 6) % 7) + 3);
  const isoYear = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(isoYear, 0, 1)) / 604_800_000);
  return `${isoYear}-W${String(week).padStart(2, '0')}`;
}
