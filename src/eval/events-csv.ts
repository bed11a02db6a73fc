import type { EventType, ShopEvent } from '../model/events.ts';

/** The header every evaluation CSV starts with. */
export const EVENTS_CSV_HEADER = 'user,item,type,value,timestamp';

const TYPES = new Set<string>(['view', 'click', 'add_to_cart', 'remove_from_cart', 'purchase', 'rating', 'impression']);

/** Timestamps below this are taken as seconds (1e11 ms is 1973; 1e11 s is year 5138). */
const SECONDS_BELOW = 1e11;

/**
 * Parses an evaluation CSV (`user,item,type,value,timestamp`, header required) into
 * events; timestamps in seconds are detected from the largest value and converted to ms.
 *
 * @example
 * parseEventsCsv('user,item,type,value,timestamp\nu1,i1,view,,1700000000\n');
 * // [{ user: 'u1', item: 'i1', type: 'view', value: null, ts: 1700000000000 }]
 */
export function parseEventsCsv(text: string): ShopEvent[] {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trim() !== EVENTS_CSV_HEADER) {
    throw new Error(`events CSV: header must be "${EVENTS_CSV_HEADER}", got "${lines[0] ?? ''}"`);
  }
  const events: ShopEvent[] = [];
  let largest = 0;
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n]!;
    if (line === '') continue;
    const [user = '', item = '', type = '', value = '', timestamp = ''] = line.split(',');
    const ts = Number(timestamp);
    if (!TYPES.has(type) || !Number.isFinite(ts)) throw new Error(`events CSV line ${n + 1}: bad type or timestamp`);
    events.push({ user, item, type: type as EventType, value: value === '' ? null : Number(value), ts });
    if (ts > largest) largest = ts;
  }
  if (largest < SECONDS_BELOW) for (const event of events) event.ts *= 1000;
  return events;
}

/** One CSV line of an event (no quoting: ids must not contain commas). */
export function eventCsvLine(user: string, item: string, type: EventType, value: number | null, ts: number): string {
  return `${user},${item},${type},${value ?? ''},${ts}`;
}
