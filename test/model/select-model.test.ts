import { describe, expect, it } from 'vitest';
import type { ShopEvent } from '../../src/model/events.ts';
import { createHoldoutSample } from '../../src/model/selection/holdout-sample.ts';
import { pairedGap, popularByShoppers, SELECTION_FOLDS, selectionSteps, selectModel } from '../../src/model/selection/select-model.ts';
import { graphAsOf } from '../../src/model/selection/train-graph.ts';
import { runStepsYielding } from '../../src/model/steps.ts';
import { createSimilarItemsBuilder } from '../../src/model/similar-items/similar-items.ts';
import { seededRandom } from '../../src/random.ts';

const MINUTE = 60_000;

function prepare(events: ShopEvent[]) {
  const builder = createSimilarItemsBuilder({});
  const sampler = createHoldoutSample();
  for (let at = 0; at < events.length; at += 1000) {
    builder.add(events.slice(at, at + 1000));
    sampler.add(events.slice(at, at + 1000));
  }
  return [builder.finish().graph, sampler.finish(SELECTION_FOLDS)] as const;
}

function select(events: ShopEvent[]) {
  return selectModel(...prepare(events));
}

/** Each shopper sees `noise` random items between an item and its fixed partner: only a long history links them. */
function longRangeLog(shoppers: number, noise: number, seed: number): ShopEvent[] {
  const random = seededRandom(seed);
  const events: ShopEvent[] = [];
  for (let u = 0; u < shoppers; u++) {
    let ts = u * 1000 * MINUTE;
    for (let round = 0; round < 3; round++) {
      const x = Math.floor(random.next() * 60);
      events.push({ user: `u${u}`, item: `a${x}`, type: 'view', ts: (ts += MINUTE) });
      for (let n = 0; n < noise; n++) events.push({ user: `u${u}`, item: `n${Math.floor(random.next() * 3000)}`, type: 'view', ts: (ts += MINUTE) });
      events.push({ user: `u${u}`, item: `b${x}`, type: 'view', ts: (ts += MINUTE) });
    }
  }
  return events.sort((a, b) => a.ts - b.ts);
}

/** Every view an independent draw from one skewed (Zipf) distribution: popularity is the best possible predictor. */
function bestSellerLog(shoppers: number, seed: number): ShopEvent[] {
  const random = seededRandom(seed);
  const weights = Array.from({ length: 300 }, (_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const draw = () => {
    let x = random.next() * total;
    for (let i = 0; i < weights.length; i++) if ((x -= weights[i]!) < 0) return i;
    return weights.length - 1;
  };
  const events: ShopEvent[] = [];
  for (let u = 0; u < shoppers; u++) {
    let ts = u * 100 * MINUTE;
    for (let n = 0; n < 8; n++) events.push({ user: `u${u}`, item: `i${draw()}`, type: 'view', ts: (ts += MINUTE) });
  }
  return events.sort((a, b) => a.ts - b.ts);
}

/** The best sellers change halfway through: the next item follows what sells now, not what sold all along. */
function shiftingBestSellerLog(shoppers: number, seed: number): ShopEvent[] {
  const random = seededRandom(seed);
  const events: ShopEvent[] = [];
  const day = 24 * 60 * MINUTE;
  for (let u = 0; u < shoppers; u++) {
    const late = u % 3 !== 0;
    const start = Math.floor(random.next() * 60 + (late ? 60 : 0)) * day;
    const hot = (n: number) => `${late ? 'new' : 'old'}${Math.floor(Math.pow(random.next(), 3) * n)}`;
    const count = late ? 3 : 8;
    for (let n = 0; n < count; n++)
      events.push({
        user: `u${u}`,
        item: n === count - 1 || random.next() < 0.5 ? hot(40) : `r${Math.floor(random.next() * 2000)}`,
        type: 'purchase',
        ts: start + n * MINUTE,
      });
  }
  return events.sort((a, b) => a.ts - b.ts);
}

/** Each shopper views a_x, then its partner b_x (60%) or a random b: x and the random b are uniform, so popularity carries no signal. */
function uniformPairLog(shoppers: number, seed: number): ShopEvent[] {
  const random = seededRandom(seed);
  const events: ShopEvent[] = [];
  for (let u = 0; u < shoppers; u++) {
    let ts = u * 1000 * MINUTE;
    for (let round = 0; round < 3; round++) {
      const x = Math.floor(random.next() * 80);
      events.push({ user: `u${u}`, item: `a${x}`, type: 'view', ts: (ts += MINUTE) });
      if (random.next() < 0.5) events.push({ user: `u${u}`, item: `n${Math.floor(random.next() * 500)}`, type: 'view', ts: (ts += MINUTE) });
      events.push({ user: `u${u}`, item: random.next() < 0.6 ? `b${x}` : `b${Math.floor(random.next() * 80)}`, type: 'view', ts: (ts += MINUTE) });
    }
  }
  return events.sort((a, b) => a.ts - b.ts);
}

describe('paired gap', () => {
  it('is the mean difference in standard errors', () => {
    expect(pairedGap([1, 0, 1, 0], [1, 0, 1, 0])).toBe(0);
    expect(pairedGap([1, 1, 1], [0, 0, 0])).toBe(Infinity);
    expect(pairedGap([1, 0, 0, 0], [0, 0, 0, 0])).toBeCloseTo(1, 10);
    expect(pairedGap([0, 0, 1, 1], [1, 0, 0, 0])).toBeCloseTo(0.25 / Math.sqrt(2.75 / 3 / 4), 10);
  });
});

describe('model selection', { timeout: 180_000 }, () => {
  it('blends no popularity when popularity carries no signal, even where a blend scores a little higher on the held-out items', () => {
    let within = 0;
    for (const seed of [1, 2]) {
      const selection = selectModel(...prepare(uniformPairLog(300, seed)), { easeMaxItems: 0 });
      expect(selection.winner.popular).toBe(0);
      const winner = selection.candidates.find((c) => c.name === selection.name)!;
      if (selection.candidates.some((c) => c.choice.popular !== 0 && c.ndcg10 > winner.ndcg10)) within++;
    }
    expect(within).toBeGreaterThan(0);
  });

  it('blends recent popularity, not all-time popularity, when the best sellers changed', () => {
    const selection = select(shiftingBestSellerLog(400, 5));
    expect(selection.winner.popularHalfLifeMs).toBeGreaterThan(0);
    const winner = selection.candidates.find((c) => c.name === selection.name)!;
    const allTime = selection.candidates.filter((c) => c.choice.popular !== 0 && !c.choice.popularHalfLifeMs);
    for (const c of allTime) expect(winner.ndcg10).toBeGreaterThan(c.ndcg10);
  });

  it('picks the long history when the signal lies beyond the last 5 items', () => {
    const selection = select(longRangeLog(250, 7, 1));
    expect(selection.shoppers).toBeGreaterThan(400);
    expect(selection.winner.maxHistory).toBeGreaterThanOrEqual(10);
    expect(selection.winner.popular).not.toBe('only');
    const short = selection.candidates.filter((c) => c.choice.maxHistory <= 5 && c.choice.popular === 0);
    const winner = selection.candidates.find((c) => c.name === selection.name)!;
    for (const c of short) expect(winner.ndcg10).toBeGreaterThan(c.ndcg10 + 0.05);
  });

  it('picks popularity (alone or weighted at least as much as the personal scores) when only best sellers predict the next item', () => {
    const selection = select(bestSellerLog(250, 2));
    const { popular } = selection.winner;
    expect(popular === 'only' || popular >= 1).toBe(true);
    const winner = selection.candidates.find((c) => c.name === selection.name)!;
    expect(winner.ndcg10).toBeGreaterThan(selection.candidates[0]!.ndcg10 + 0.05);
  });

  it('keeps the default without enough shoppers, and selects the same model from the same log every time', () => {
    const tiny = select(bestSellerLog(5, 3));
    expect(tiny.skipped).toBeDefined();
    expect(tiny.winner.similarity.model).toBe('rp3beta');
    const log = longRangeLog(80, 7, 4);
    expect(select(log)).toEqual(select(log));
  });

  it('gives the event loop turns while it selects, and selects the same model as at once (EASE included)', async () => {
    const log = bestSellerLog(200, 6);
    const atOnce = select(log);
    expect(atOnce.candidates.some((c) => c.choice.similarity.model === 'ease')).toBe(true);
    let turns = 0;
    const other = setInterval(() => turns++, 0);
    try {
      const yielding = await runStepsYielding(selectionSteps(...prepare(log)));
      expect(yielding).toEqual(atOnce);
    } finally {
      clearInterval(other);
    }
    expect(turns).toBeGreaterThan(10);
  });
});

/** The best sellers drift: at day d the hot items are h[d/3] .. h[d/3 + 19] (skewed to the first); every shopper buys on a few random days. */
function driftingBestSellerLog(shoppers: number, seed: number): ShopEvent[] {
  const random = seededRandom(seed);
  const events: ShopEvent[] = [];
  for (let u = 0; u < shoppers; u++) {
    for (let n = 0; n < 6; n++) {
      const day = random.next() * 120;
      const item = random.next() < 0.6 ? `h${Math.floor(day / 3) + Math.floor(Math.pow(random.next(), 2) * 20)}` : `r${Math.floor(random.next() * 3000)}`;
      events.push({ user: `u${u}`, item, type: 'purchase', ts: Math.round(day * DAY) });
    }
  }
  return events.sort((a, b) => a.ts - b.ts);
}

const DAY = 24 * 60 * MINUTE;

describe('time-ordered split', { timeout: 180_000 }, () => {
  it('holds out the first new item after the cut the most shoppers straddle, with the history up to it', () => {
    const sampler = createHoldoutSample();
    sampler.add([
      { user: 'a', item: 'x', type: 'view', ts: 1 * DAY },
      { user: 'a', item: 'y', type: 'view', ts: 2 * DAY },
      { user: 'a', item: 'x', type: 'view', ts: 5 * DAY },
      { user: 'a', item: 'z', type: 'view', ts: 6 * DAY },
      { user: 'a', item: 'w', type: 'view', ts: 7 * DAY },
      { user: 'b', item: 'x', type: 'view', ts: 1 * DAY },
      { user: 'b', item: 'y', type: 'view', ts: 3 * DAY },
      { user: 'c', item: 'y', type: 'view', ts: 4 * DAY },
      { user: 'c', item: 'z', type: 'view', ts: 8 * DAY },
      { user: 'd', item: 'z', type: 'view', ts: 9 * DAY },
      { user: 'd', item: 'w', type: 'view', ts: 10 * DAY },
    ]);
    const samples = sampler.finish(1, true);
    expect(samples).toHaveLength(2);
    const timed = samples[1]!;
    // a (days 1-7) and b (1-3) straddle day 1, a and c (4-8) day 4: the later cut of the two
    expect(timed.cut).toBe(4 * DAY);
    expect(Object.fromEntries(timed.heldOut)).toEqual({ a: 'z', c: 'z' });
    expect(timed.histories.get('a')!.map((h) => h.item)).toEqual(['x', 'y']);
    expect(timed.histories.get('c')!.map((h) => h.item)).toEqual(['y']);
    expect(timed.removed.size).toBe(0);
    expect(samples[0]!.cut).toBeUndefined();
  });

  it('scores on the graph as of the cut: later interactions left out, ages counted from the cut', () => {
    const builder = createSimilarItemsBuilder({});
    builder.add([
      { user: 'a', item: 'x', type: 'view', ts: 1 * DAY },
      { user: 'a', item: 'y', type: 'view', ts: 4 * DAY },
      { user: 'b', item: 'x', type: 'view', ts: 2 * DAY },
      { user: 'b', item: 'z', type: 'view', ts: 6 * DAY },
    ]);
    const graph = builder.finish().graph;
    const then = graphAsOf(graph, 4 * DAY);
    expect(then.agedAt).toBe(4 * DAY);
    const edges = [...then.userItems].map((i, q) => [then.itemIds[i], then.userAges![q]]);
    expect(edges.sort()).toEqual([
      ['x', 48],
      ['x', 72],
      ['y', 0],
    ]);
    expect(popularByShoppers(then).map(([item]) => item)).toEqual(['x', 'y']);
  });

  it('picks the recent best sellers when they drift, from the time-ordered split alone, and the selection with it does too', () => {
    for (const seed of [1, 2]) {
      const [graph] = prepare(driftingBestSellerLog(300, seed));
      const sampler = createHoldoutSample();
      const events = driftingBestSellerLog(300, seed);
      sampler.add(events);
      const [timed] = sampler.finish(0, true);
      expect(timed!.heldOut.size).toBeGreaterThan(100);
      const alone = selectModel(graph, [timed!], { easeMaxItems: 0 });
      expect(alone.winner.popular).not.toBe(0);
      expect(alone.winner.popularHalfLifeMs).toBeGreaterThan(0);
      const winner = alone.candidates.find((c) => c.name === alone.name)!;
      for (const c of alone.candidates.filter((c) => c.choice.popular !== 0 && !c.choice.popularHalfLifeMs)) expect(winner.ndcg10).toBeGreaterThan(c.ndcg10);
      const sampler2 = createHoldoutSample();
      sampler2.add(events);
      expect(selectModel(graph, sampler2.finish(SELECTION_FOLDS, true), { easeMaxItems: 0 }).winner.popularHalfLifeMs).toBeGreaterThan(0);
    }
  });
});

/**
 * The best sellers are a0..a19 for 60 days, then c0..c19. Most shoppers buy once (a unique item,
 * then a best seller of the day), spread over the 120 days; a few buy on random days of the last 60.
 */
function seasonChangeLog(regulars: number, onceOnly: number, seed: number): ShopEvent[] {
  const random = seededRandom(seed);
  const hot = (day: number) => `${day < 60 ? 'a' : 'c'}${Math.floor(Math.pow(random.next(), 2) * 20)}`;
  const events: ShopEvent[] = [];
  for (let u = 0; u < regulars; u++)
    for (let n = 0; n < 6; n++) {
      const day = 60 + random.next() * 60;
      events.push({
        user: `s${u}`,
        item: random.next() < 0.6 ? hot(day) : `r${Math.floor(random.next() * 3000)}`,
        type: 'purchase',
        ts: Math.round(day * DAY),
      });
    }
  for (let u = 0; u < onceOnly; u++) {
    const day = random.next() * 120;
    const ts = Math.round(day * DAY);
    events.push({ user: `x${u}`, item: `q${u}`, type: 'purchase', ts }, { user: `x${u}`, item: hot(day), type: 'purchase', ts: ts + MINUTE });
  }
  return events.sort((a, b) => a.ts - b.ts);
}

describe('popular list recency', { timeout: 180_000 }, () => {
  it('is judged on the time-ordered targets alone: the folds, whose lists postdate their targets, would keep the all-time list', () => {
    for (const seed of [1, 2]) {
      const [graph, samples] = (() => {
        const events = seasonChangeLog(100, 600, seed);
        const builder = createSimilarItemsBuilder({});
        builder.add(events);
        const sampler = createHoldoutSample();
        sampler.add(events);
        return [builder.finish().graph, sampler.finish(SELECTION_FOLDS, true)] as const;
      })();
      expect(samples.at(-1)!.cut).toBeDefined();
      expect(samples.at(-1)!.heldOut.size).toBeGreaterThan(50);
      const folds = selectModel(graph, samples.slice(0, SELECTION_FOLDS), { easeMaxItems: 0 });
      expect(folds.winner.popular).not.toBe(0);
      expect(folds.winner.popularHalfLifeMs).toBeUndefined();
      const selection = selectModel(graph, samples, { easeMaxItems: 0 });
      expect(selection.winner.popular).not.toBe(0);
      expect(selection.winner.popularHalfLifeMs).toBeGreaterThan(0);
    }
  });
});

/**
 * Each shopper views 4 items of a cluster A, then 2 of a cluster B, and weeks later the item of B
 * that belongs with A (`c<B>:<A>`): the newest items tell the cluster, the older ones which item
 * of it, so the history must weigh its items by their order (2 items know nothing of A; 5 or 20
 * equal ones bring A's own items up).
 */
function clusterThenLinkLog(shoppers: number, seed: number): ShopEvent[] {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random.next() * n);
  const events: ShopEvent[] = [];
  for (let u = 0; u < shoppers; u++) {
    const a = pick(8);
    const b = (a + 1 + pick(7)) % 8;
    const target = `c${b}:${a}`;
    let ts = Math.round(random.next() * 60 * DAY);
    const seen = new Set<string>();
    const view = (item: string) => {
      seen.add(item);
      events.push({ user: `u${u}`, item, type: 'view', ts: (ts += MINUTE) });
    };
    while (seen.size < 4) {
      const item = `c${a}:${pick(20)}`;
      if (!seen.has(item)) view(item);
    }
    while (seen.size < 6) {
      const item = `c${b}:${pick(20)}`;
      if (!seen.has(item) && item !== target) view(item);
    }
    ts += 20 * DAY;
    view(target);
  }
  return events.sort((x, y) => x.ts - y.ts);
}

describe('position decay', { timeout: 180_000 }, () => {
  it('is taken when the time-ordered targets need the history weighed by order', () => {
    for (const seed of [1, 2]) {
      const events = clusterThenLinkLog(500, seed);
      const builder = createSimilarItemsBuilder({});
      builder.add(events);
      const sampler = createHoldoutSample();
      sampler.add(events);
      const samples = sampler.finish(SELECTION_FOLDS, true);
      expect(samples.at(-1)!.heldOut.size).toBeGreaterThan(100);
      const selection = selectModel(builder.finish().graph, samples, { easeMaxItems: 0 });
      expect(selection.winner.positionHalfLife).toBeGreaterThan(0);
      const byOrder = Math.max(...selection.candidates.filter((c) => c.choice.positionHalfLife && c.choice.popular === 0).map((c) => c.ndcg10));
      for (const c of selection.candidates.filter((c) => !c.choice.positionHalfLife && c.choice.popular === 0)) expect(byOrder).toBeGreaterThan(c.ndcg10);
    }
  });
});
