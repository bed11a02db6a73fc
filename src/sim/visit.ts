/**
 * One visit of a simulated shopper: browse a few items, see the "for you" strip, open a product
 * page and see its "similar items" strip, click and buy by taste. Returns the events the shop's
 * page would send (impressions of strips seen, clicks, views, purchases, all with the rid) and
 * records what happened per experiment arm, the ground truth the results are checked against.
 */
import type { EventInput } from '../collect/event-schema.ts';
import type { Random } from '../random.ts';
import { type SimCatalog, type SimShopper, type TasteModel, browse, taste } from './shoppers.ts';

/** A recommendation answer as the JSON endpoints give it. */
export interface Answer {
  items: { id: string; price: number | null }[];
  rid: string;
  experiment?: string;
  arm?: string;
}

/** The two widgets the simulated pages request. */
export interface ShopApi {
  forYou(user: string, recent: readonly string[]): Promise<Answer>;
  similar(item: string, user: string): Promise<Answer>;
}

/**
 * What one user did in one experiment, counted by the simulation itself, intention-to-treat:
 * from the first exposure on, whatever later answers carry (an arm a guardrail stopped is served
 * the default but its users stay in it).
 */
export interface UserTruth {
  arm: string;
  /** Strips with at least one item seen under the arm (an empty holdout answer is no impression). */
  impressions: number;
  clicks: number;
  /** Purchases after the first exposure, recommended or not (what a holdout compares). */
  purchases: number;
  revenue: number;
}

/** Ground truth per experiment, then per user. */
export type Truth = Map<string, Map<string, UserTruth>>;

/** Everything one visit needs. */
export interface VisitContext {
  api: ShopApi;
  catalog: SimCatalog;
  model: TasteModel;
  random: Random;
  truth: Truth;
  /** Clock for event timestamps (ms); each call returns a later time. */
  clock: () => number;
  idPrefix: string;
}

/** Runs one visit and returns its events. */
export async function visit(shopper: SimShopper, ctx: VisitContext): Promise<EventInput[]> {
  const { random, model, catalog } = ctx;
  const events: EventInput[] = [];
  const session = `${ctx.idPrefix}-${shopper.id}`;
  let n = 0;
  const emit = (event: Record<string, unknown>) => events.push({ id: `${session}-${++n}`, user: shopper.id, session, ts: ctx.clock(), ...event } as EventInput);
  const bought = (price: number) => {
    for (const users of ctx.truth.values()) {
      const entry = users.get(shopper.id);
      if (entry) {
        entry.purchases++;
        entry.revenue += price;
      }
    }
  };
  const viewed = browse(shopper, catalog, random, random.int(1, 3));
  for (const p of viewed) emit({ type: 'view', item: p.item.id });
  let page = viewed.at(-1)?.item.id;

  const seeStrip = (answer: Answer) => {
    const user = exposure(ctx.truth, answer, shopper.id);
    if (answer.items.length === 0 && !answer.experiment) return;
    emit({ type: 'impression', items: answer.items.map((i) => i.id), rid: answer.rid });
    if (user && answer.items.length > 0) user.impressions++;
    answer.items.forEach((shown, position) => {
      const product = catalog.products.get(shown.id);
      const t = taste(shopper, product, model);
      if (!random.chance(model.clickRate * t * model.positionDecay ** position)) return;
      emit({ type: 'click', item: shown.id, rid: answer.rid });
      emit({ type: 'view', item: shown.id });
      if (user) user.clicks++;
      page = shown.id;
      if (random.chance(model.buyAfterClick * t)) {
        const price = shown.price ?? product?.item.price ?? 0;
        emit({ type: 'add_to_cart', item: shown.id, value: 1, rid: answer.rid });
        emit({ type: 'purchase', item: shown.id, value: 1, price, rid: answer.rid });
        bought(price);
      }
    });
  };

  seeStrip(await ctx.api.forYou(shopper.id, viewed.map((p) => p.item.id).reverse()));
  if (page) seeStrip(await ctx.api.similar(page, shopper.id));
  if (random.chance(model.organicBuy)) {
    const liked = viewed.filter((p) => taste(shopper, p, model) >= model.secondTaste);
    if (liked.length) {
      const product = random.pick(liked);
      const price = product.item.price ?? 0;
      emit({ type: 'purchase', item: product.item.id, value: 1, price });
      bought(price);
    }
  }
  return events;
}

function exposure(truth: Truth, answer: Answer, user: string): UserTruth | undefined {
  if (!answer.experiment || !answer.arm) return undefined;
  let users = truth.get(answer.experiment);
  if (!users) truth.set(answer.experiment, (users = new Map()));
  let entry = users.get(user);
  if (!entry) users.set(user, (entry = { arm: answer.arm, impressions: 0, clicks: 0, purchases: 0, revenue: 0 }));
  return entry;
}
