/** One logged event as the activity roll-up reads it. */
export interface ActivityEvent {
  seq: number;
  ts: number;
  type: string;
  user: string;
  item: string | null;
  value: number | null;
}

/** Figures of one UTC day and event type. */
export interface DayTypeFigures {
  day: string;
  type: string;
  events: number;
  quantity: number;
  revenue: number;
}

/** What a page of events adds to the daily figures. */
export interface ActivityDelta {
  figures: DayTypeFigures[];
  /** Distinct (day, shopper) pairs seen. */
  shoppers: { day: string; user: string }[];
}

/** UTC day (YYYY-MM-DD) of a time in ms. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Sums a page of events into daily figures per type and the shoppers active each day.
 * Revenue counts purchases only, as quantity (`value`, default 1) times the item's price.
 */
export function aggregateActivity(events: readonly ActivityEvent[], priceOf: (item: string) => number | undefined): ActivityDelta {
  const figures = new Map<string, DayTypeFigures>();
  const shoppers = new Map<string, { day: string; user: string }>();
  for (const event of events) {
    const day = utcDay(event.ts);
    const key = `${day}\t${event.type}`;
    let row = figures.get(key);
    if (!row) figures.set(key, (row = { day, type: event.type, events: 0, quantity: 0, revenue: 0 }));
    const quantity = event.value ?? 1;
    row.events++;
    row.quantity += quantity;
    if (event.type === 'purchase' && event.item) row.revenue += quantity * (priceOf(event.item) ?? 0);
    if (event.type !== 'impression') shoppers.set(`${day}\t${event.user}`, { day, user: event.user });
  }
  return { figures: [...figures.values()], shoppers: [...shoppers.values()] };
}
