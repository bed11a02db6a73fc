import { eventCsvLine } from '../events-csv.ts';

/**
 * DIGINETICA item views (`session_id;user_id;item_id;timeframe;eventdate`, header)
 * to `view` events; the session is the user (`s<session>`), the time is the event
 * date plus `timeframe` ms.
 *
 * @example
 * fromDiginetica('session_id;user_id;item_id;timeframe;eventdate\n1;NA;81766;526309;2016-05-09');
 * // ['s1,81766,view,,1462752526309']
 */
export function fromDiginetica(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/).slice(1)) {
    const [session, , item, timeframe, date] = line.split(';');
    if (!session || !item || !timeframe || !date) continue;
    const ts = Date.parse(`${date}T00:00:00Z`) + Number(timeframe);
    if (!Number.isFinite(ts)) continue;
    out.push(eventCsvLine(`s${session}`, item, 'view', null, ts));
  }
  return out;
}
