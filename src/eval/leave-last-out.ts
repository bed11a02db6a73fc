import { eventItem, historyKey, type ShopEvent } from '../model/events.ts';

/** A train/test split: the events to build on, and each evaluated user's held-out item. */
export interface Split {
  train: ShopEvent[];
  /** User -> the held-out item. */
  heldOut: Map<string, string>;
  /** User -> that user's training events, oldest first. */
  histories: Map<string, ShopEvent[]>;
}

/**
 * Leave-last-out: per user, the item touched last (ties: later in input order) is
 * held out, with all of that user's events on it; users with fewer than 2 distinct
 * items are not evaluated but still train. Impressions are dropped.
 *
 * @example
 * leaveLastOut(events).heldOut.get('u1'); // u1's most recent item
 */
export function leaveLastOut(events: readonly ShopEvent[]): Split {
  const byUser = new Map<string, ShopEvent[]>();
  for (const event of events) {
    const user = historyKey(event);
    if (user === undefined || eventItem(event) === undefined) continue;
    let list = byUser.get(user);
    if (!list) byUser.set(user, (list = []));
    list.push(event);
  }
  const train: ShopEvent[] = [];
  const heldOut = new Map<string, string>();
  const histories = new Map<string, ShopEvent[]>();
  for (const [user, list] of byUser) {
    const latest = latestItem(list);
    const distinct = new Set(list.map((e) => e.item)).size;
    const kept = distinct >= 2 ? list.filter((e) => e.item !== latest) : list;
    if (distinct >= 2) heldOut.set(user, latest);
    histories.set(
      user,
      kept.slice().sort((a, b) => a.ts - b.ts),
    );
    for (const event of kept) train.push(event);
  }
  train.sort((a, b) => a.ts - b.ts);
  return { train, heldOut, histories };
}

/**
 * The validation split: leave-last-out applied to the training part of
 * leave-last-out, so parameters are tuned without looking at the test items.
 */
export function validationSplit(events: readonly ShopEvent[]): Split {
  return leaveLastOut(leaveLastOut(events).train);
}

function latestItem(list: readonly ShopEvent[]): string {
  let best = list[0]!;
  for (const event of list) if (event.ts >= best.ts) best = event;
  return best.item!;
}
