import type { EventType } from '../../model/events.ts';
import { eventCsvLine } from '../events-csv.ts';

/** Taobao behaviours as shop events: a favourite counts as a click (there is no wish-list type). */
const BEHAVIOURS: Record<string, EventType> = { pv: 'view', fav: 'click', cart: 'add_to_cart', buy: 'purchase' };

/**
 * Taobao UserBehavior (`user,item,category,behavior,timestamp`, no header, seconds)
 * to evaluation CSV lines; unknown behaviours are skipped.
 *
 * @example
 * fromTaobao('1,2268318,2520377,pv,1511544070\n'); // ['1,2268318,view,,1511544070000']
 */
export function fromTaobao(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const [user, item, , behaviour = '', ts] = line.split(',');
    const type = BEHAVIOURS[behaviour];
    if (!user || !item || !type || !ts) continue;
    out.push(eventCsvLine(user, item, type, null, Number(ts) * 1000));
  }
  return out;
}
