import { CAMPAIGN_RID_PREFIX, parseRid } from '../experiments/rid-tag.ts';

/** One logged event as the roll-up reads it (columns of the `events` table). */
export interface LoggedEvent {
  seq: number;
  type: string;
  user: string;
  item: string | null;
  /** JSON array of item ids (impressions). */
  items: string | null;
  value: number | null;
  price: number | null;
  rid: string | null;
  /** JSON object from the client. */
  context: string | null;
  ts: number;
}

/** What a shopper was last shown (`shown`) or clicked (`clicked`) from recommendations, per item. */
export interface Touch {
  user: string;
  item: string;
  kind: 'shown' | 'clicked';
  ts: number;
  rid: string;
  surface: string;
}

/** A unit's place in an experiment, fixed at its first exposure. */
export interface Exposure {
  experimentId: string;
  arm: string;
  unit: string;
  firstExposure: number;
  exposureDay: string;
}

/** Attribution windows (settings `ATTRIBUTION_VIEW_MINUTES`, `ATTRIBUTION_CLICK_HOURS`). */
export interface AttributionWindows {
  /** A click (or, failing a click, a cart or purchase) within this long after an impression of the item counts as view-through. */
  viewMs: number;
  /** A cart or purchase within this long after a recommendation click on the item counts as click-through. */
  clickMs: number;
}

/** Defaults from the issue and Vertex AI / Algolia practice: 1 h view-through, 24 h click-through. */
export const DEFAULT_WINDOWS: AttributionWindows = { viewMs: 3_600_000, clickMs: 86_400_000 };

/** Counters of one report row (day x surface x experiment arm x user). */
export interface ReportCounters {
  impressions: number;
  clicks: number;
  inferredClicks: number;
  addToCarts: number;
  purchases: number;
  revenue: number;
  clickThroughPurchases: number;
  clickThroughRevenue: number;
  viewThroughPurchases: number;
  viewThroughRevenue: number;
}

/** A report row's key and counters. */
export interface ReportRow extends ReportCounters {
  day: string;
  surface: string;
  experimentId: string;
  arm: string;
  user: string;
}

/** Totals of a unit in an experiment (since first exposure, or on one day since it). */
export interface UnitCounters {
  impressions: number;
  clicks: number;
  conversions: number;
  revenue: number;
}

/** What the lookups of one page provide. */
export interface AttributionLookups {
  /** The newest touch of a user and item, of a kind (from D1, before this page). */
  touch(user: string, item: string, kind: Touch['kind']): Touch | undefined;
  /** The user's exposures to experiments (from D1, before this page). */
  exposures(user: string): readonly Exposure[];
  /** The name of an experiment's arm by index (undefined for an unknown experiment). */
  armName(experimentId: string, index: number): string | undefined;
  /** The catalog price of an item, for purchases that carry none. */
  price(item: string): number | undefined;
}

/** The UTC day of a timestamp, `YYYY-MM-DD`. */
export function utcDay(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

const DAY_MS = 86_400_000;
const key = (...parts: (string | number)[]) => parts.join('\u0000');
const zeroReport = (): ReportCounters => ({
  impressions: 0,
  clicks: 0,
  inferredClicks: 0,
  addToCarts: 0,
  purchases: 0,
  revenue: 0,
  clickThroughPurchases: 0,
  clickThroughRevenue: 0,
  viewThroughPurchases: 0,
  viewThroughRevenue: 0,
});

/**
 * Attributes a page of logged events (in log order) to recommendations and accumulates what
 * the roll-up writes. Pure: the page's D1 reads come in as {@link AttributionLookups}.
 *
 * - An event with a rid belongs to it (the rid names surface, experiment and arm).
 * - A click without one is inferred from an impression of the item to the same user within
 *   `viewMs` (view-through).
 * - A cart or purchase without one is inferred from a recommendation click on the item within
 *   `clickMs` (click-through), else from an impression within `viewMs` (view-through).
 * - Each event is attributed at most once, so no purchase counts twice. Revenue = price x
 *   quantity (`value`, default 1), the price from the event or else the catalog.
 * - Experiment units enter at their first exposure (an impression, possibly empty for a
 *   holdout arm, or a click, under the experiment's rid); every purchase of an exposed unit after
 *   its exposure counts for its arm, attributed or not, so a holdout arm's sales count too.
 */
export class PageAttribution {
  readonly reportRows = new Map<string, ReportRow>();
  readonly itemShows = new Map<string, { day: string; item: string; impressions: number }>();
  readonly days = new Map<string, { day: string; purchases: number; revenue: number }>();
  readonly touches = new Map<string, Touch>();
  readonly units = new Map<string, Exposure & UnitCounters>();
  readonly unitDays = new Map<string, { experimentId: string; unit: string; since: number; arm: string } & UnitCounters>();
  private readonly newExposures = new Map<string, Exposure[]>();
  private readonly lookups: AttributionLookups;
  private readonly windows: AttributionWindows;

  constructor(lookups: AttributionLookups, windows: AttributionWindows = DEFAULT_WINDOWS) {
    this.lookups = lookups;
    this.windows = windows;
  }

  /**
   * Attributes one event. Impressions and clicks of campaigns (their rid) belong to the
   * campaigns' roll-up; a purchase carrying a campaign's rid still counts in the day's totals.
   */
  add(event: LoggedEvent): void {
    if (event.rid?.startsWith(CAMPAIGN_RID_PREFIX)) {
      if (event.type === 'impression' || event.type === 'click') return;
      event = { ...event, rid: null };
    }
    if (event.type === 'impression') this.impression(event);
    else if (event.type === 'click' && event.item) this.click(event, event.item);
    else if ((event.type === 'purchase' || event.type === 'add_to_cart') && event.item) this.conversion(event, event.item);
  }

  private impression(event: LoggedEvent): void {
    if (!event.rid) return;
    const day = utcDay(event.ts);
    const origin = this.origin(event.rid, event.context);
    const items = parseItems(event.items);
    const row = this.row(day, origin, event.user);
    if (items.length > 0) row.impressions++;
    for (const item of items) {
      const shows = this.itemShows.get(key(day, item)) ?? { day, item, impressions: 0 };
      shows.impressions++;
      this.itemShows.set(key(day, item), shows);
      this.setTouch({ user: event.user, item, kind: 'shown', ts: event.ts, rid: event.rid, surface: origin.surface });
    }
    if (origin.experimentId)
      this.unitCount(this.expose(origin.experimentId, origin.arm, event.user, event.ts), event.ts, 'impressions', items.length > 0 ? 1 : 0);
  }

  private click(event: LoggedEvent, item: string): void {
    const shown = event.rid ? undefined : this.recentTouch(event.user, item, 'shown', event.ts, this.windows.viewMs);
    const rid = event.rid ?? shown?.rid;
    if (!rid) return;
    const inferred = shown !== undefined;
    const origin = shown ? this.touchOrigin(shown) : this.origin(rid, event.context);
    const row = this.row(utcDay(event.ts), origin, event.user);
    row.clicks++;
    if (inferred) row.inferredClicks++;
    this.setTouch({ user: event.user, item, kind: 'clicked', ts: event.ts, rid, surface: origin.surface });
    if (origin.experimentId) this.unitCount(this.expose(origin.experimentId, origin.arm, event.user, event.ts), event.ts, 'clicks', 1);
  }

  private conversion(event: LoggedEvent, item: string): void {
    const day = utcDay(event.ts);
    const purchase = event.type === 'purchase';
    const revenue = purchase ? (event.price ?? this.lookups.price(item) ?? 0) * (event.value ?? 1) : 0;
    if (purchase) {
      const total = this.days.get(day) ?? { day, purchases: 0, revenue: 0 };
      total.purchases++;
      total.revenue += revenue;
      this.days.set(day, total);
      for (const exposure of this.exposuresOf(event.user)) {
        if (exposure.firstExposure > event.ts) continue;
        this.unitCount(exposure, event.ts, 'conversions', 1);
        this.unitCount(exposure, event.ts, 'revenue', revenue);
      }
    }
    let origin: Origin;
    let via: 'rid' | 'click' | 'view';
    if (event.rid) {
      origin = this.origin(event.rid, event.context);
      via = 'rid';
    } else {
      const clicked = this.recentTouch(event.user, item, 'clicked', event.ts, this.windows.clickMs);
      const shown = clicked ? undefined : this.recentTouch(event.user, item, 'shown', event.ts, this.windows.viewMs);
      const touch = clicked ?? shown;
      if (!touch) return;
      origin = this.touchOrigin(touch);
      via = clicked ? 'click' : 'view';
    }
    const row = this.row(day, origin, event.user);
    if (!purchase) {
      row.addToCarts++;
      return;
    }
    row.purchases++;
    row.revenue += revenue;
    if (via === 'click') {
      row.clickThroughPurchases++;
      row.clickThroughRevenue += revenue;
    } else if (via === 'view') {
      row.viewThroughPurchases++;
      row.viewThroughRevenue += revenue;
    }
  }

  private origin(rid: string, context: string | null): Origin {
    const tag = parseRid(rid);
    const placement = placementOf(context);
    const surface = placement ? `${tag.surface}@${placement}` : tag.surface;
    const arm = tag.experiment !== undefined ? this.lookups.armName(tag.experiment, tag.armIndex ?? 0) : undefined;
    return arm === undefined ? { surface, experimentId: '', arm: '' } : { surface, experimentId: tag.experiment!, arm };
  }

  private touchOrigin(touch: Touch): Origin {
    return { ...this.origin(touch.rid, null), surface: touch.surface };
  }

  private row(day: string, origin: Origin, user: string): ReportRow {
    const k = key(day, origin.surface, origin.experimentId, origin.arm, user);
    let row = this.reportRows.get(k);
    if (!row) {
      row = { day, surface: origin.surface, experimentId: origin.experimentId, arm: origin.arm, user, ...zeroReport() };
      this.reportRows.set(k, row);
    }
    return row;
  }

  private recentTouch(user: string, item: string, kind: Touch['kind'], ts: number, windowMs: number): Touch | undefined {
    const touch = this.touches.get(key(user, item, kind)) ?? this.lookups.touch(user, item, kind);
    return touch && touch.ts <= ts && ts - touch.ts <= windowMs ? touch : undefined;
  }

  private setTouch(touch: Touch): void {
    const k = key(touch.user, touch.item, touch.kind);
    const known = this.touches.get(k) ?? this.lookups.touch(touch.user, touch.item, touch.kind);
    if (!known || known.ts <= touch.ts) this.touches.set(k, touch);
  }

  private exposuresOf(user: string): Exposure[] {
    return [...this.lookups.exposures(user), ...(this.newExposures.get(user) ?? [])];
  }

  private expose(experimentId: string, arm: string, unit: string, ts: number): Exposure {
    const known = this.exposuresOf(unit).find((e) => e.experimentId === experimentId);
    if (known) return known;
    const exposure: Exposure = { experimentId, arm, unit, firstExposure: ts, exposureDay: utcDay(ts) };
    this.newExposures.set(unit, [...(this.newExposures.get(unit) ?? []), exposure]);
    return exposure;
  }

  private unitCount(exposure: Exposure, ts: number, counter: keyof UnitCounters, amount: number): void {
    const k = key(exposure.experimentId, exposure.unit);
    const totals = this.units.get(k) ?? { ...exposure, impressions: 0, clicks: 0, conversions: 0, revenue: 0 };
    totals[counter] += amount;
    this.units.set(k, totals);
    const since = Math.max(0, Math.floor((Date.parse(utcDay(ts)) - Date.parse(exposure.exposureDay)) / DAY_MS));
    const dk = key(exposure.experimentId, exposure.unit, since);
    const daily = this.unitDays.get(dk) ?? {
      experimentId: exposure.experimentId,
      unit: exposure.unit,
      since,
      arm: exposure.arm,
      impressions: 0,
      clicks: 0,
      conversions: 0,
      revenue: 0,
    };
    daily[counter] += amount;
    this.unitDays.set(dk, daily);
  }
}

type Origin = { surface: string; experimentId: string; arm: string };

function parseItems(items: string | null): string[] {
  if (!items) return [];
  try {
    const parsed = JSON.parse(items) as unknown;
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/** The widget placement a client named in the event's context (`placement`), if any. */
function placementOf(context: string | null): string | undefined {
  if (!context || !context.includes('"placement"')) return undefined;
  try {
    const placement = (JSON.parse(context) as { placement?: unknown }).placement;
    return typeof placement === 'string' && /^[\w-]{1,40}$/.test(placement) ? placement : undefined;
  } catch {
    return undefined;
  }
}
