import { describe, expect, it } from 'vitest';
import { blendByInteractions, contentIndex, contentShare, shoppersOf, withContent } from '../../src/model/content/content-blend.ts';
import { itemVectors, type ContentItem } from '../../src/model/content/item-vectors.ts';
import type { ShopEvent } from '../../src/model/events.ts';
import { createHoldoutSample } from '../../src/model/selection/holdout-sample.ts';
import { SELECTION_FOLDS, selectModel } from '../../src/model/selection/select-model.ts';
import { createSimilarItemsBuilder, similarityRows } from '../../src/model/similar-items/similar-items.ts';
import { seededRandom } from '../../src/random.ts';

const MINUTE = 60_000;
const WORDS = ['lamp', 'chair', 'table', 'vase', 'rug', 'mirror', 'clock', 'shelf', 'sofa', 'desk', 'stool', 'bench', 'candle', 'frame', 'basket', 'pillow'];
const COLOURS = ['red', 'blue', 'green', 'amber', 'ivory', 'black', 'white', 'teal', 'olive', 'coral'];

/** 160 items in 16 product families (the title's noun); `related` decides whether titles follow the families shoppers browse. */
function catalog(related: boolean, seed: number): ContentItem[] {
  const random = seededRandom(seed);
  return Array.from({ length: 160 }, (_, i) => {
    const family = related ? i % 16 : Math.floor(random.next() * 16);
    return {
      id: `i${i}`,
      title: `${COLOURS[Math.floor(i / 16)]} ${WORDS[family]} ${['oak', 'pine', 'steel', 'glass'][Math.floor(random.next() * 4)]}`,
      categories: ['home'],
    };
  });
}

/** Each shopper browses 4 items of one family (i % 16): few shoppers per item, so co-occurrence is thin. */
function familyLog(shoppers: number, seed: number): ShopEvent[] {
  const random = seededRandom(seed);
  const events: ShopEvent[] = [];
  for (let u = 0; u < shoppers; u++) {
    const family = Math.floor(random.next() * 16);
    let ts = u * 100 * MINUTE;
    for (let n = 0; n < 4; n++) events.push({ user: `u${u}`, item: `i${family + 16 * Math.floor(random.next() * 10)}`, type: 'view', ts: (ts += MINUTE) });
  }
  return events;
}

function select(events: ShopEvent[], items: ContentItem[]) {
  const builder = createSimilarItemsBuilder({});
  const sampler = createHoldoutSample();
  builder.add(events);
  sampler.add(events);
  return selectModel(builder.finish().graph, sampler.finish(SELECTION_FOLDS), { content: contentIndex(itemVectors(items)) });
}

describe('content blend by interaction count', { timeout: 180_000 }, () => {
  it('leans on content for items with few shoppers and on behaviour for items with many', () => {
    expect(contentShare(0, 5)).toBe(1);
    expect(contentShare(5, 5)).toBe(0.5);
    expect(contentShare(995, 5)).toBeCloseTo(0.005);
    expect(contentShare(3, 0)).toBe(0);
    const behaviour: Array<[string, number]> = [['b', 4]];
    const content: Array<[string, number]> = [['c', 0.8]];
    expect(blendByInteractions(behaviour, content, 0, 5, 10)[0]![0]).toBe('c');
    expect(blendByInteractions(behaviour, content, 500, 5, 10)[0]![0]).toBe('b');
  });

  it('gives a rare item, and an item nobody touched yet, a similar list from content', () => {
    const items = catalog(true, 1);
    const events: ShopEvent[] = [
      // i0 (a red lamp) was seen once, next to an unrelated desk; i16 (an amber... lamp family) never.
      { user: 'solo', item: 'i0', type: 'view', ts: 1 },
      { user: 'solo', item: 'i9', type: 'view', ts: 2 },
      ...familyLog(200, 2).filter((e) => e.item !== 'i0' && e.item !== 'i16'),
    ];
    const builder = createSimilarItemsBuilder({});
    builder.add(events);
    const model = builder.finish();
    const rows = new Map(
      withContent(
        similarityRows(model.graph, { model: 'rp3beta', alpha: 0.8, beta: 0 }, 100),
        contentIndex(itemVectors(items)),
        5,
        shoppersOf(model.graph),
        100,
      ),
    );
    const lamp = (id: string) => Number(id.slice(1)) % 16 === 0;
    expect(
      rows
        .get('i0')!
        .slice(0, 5)
        .every(([id]) => lamp(id)),
    ).toBe(true);
    expect(
      rows
        .get('i16')!
        .slice(0, 5)
        .every(([id]) => lamp(id)),
    ).toBe(true);
  });

  it("reads a row's rarest features first and stops before the postings budget", () => {
    const vectors = itemVectors(catalog(true, 1));
    const lamp = (id: string) => Number(id.slice(1)) % 16 === 0;
    const exact = contentIndex(vectors).row('i0', 20)!;
    expect(exact.some(([id]) => !lamp(id))).toBe(true);
    // The family word (10 items) is rarer than the colour (16) and the material (about 40): with a budget of one posting only it is read.
    const bounded = contentIndex(vectors, 1).row('i0', 20)!;
    expect(bounded.map(([id]) => id).sort()).toEqual(['i16', 'i32', 'i48', 'i64', 'i80', 'i96', 'i112', 'i128', 'i144'].sort());
  });

  it('selection chooses a content weight when titles follow what shoppers browse together, and none when they do not', () => {
    const log = familyLog(300, 3);
    const helps = select(log, catalog(true, 4));
    expect(helps.winner.content).toBeGreaterThan(0);
    const without = helps.candidates.find((c) => !c.choice.content && c.name === helps.name.replace(/ \+content\d+$/, ''))!;
    expect(helps.candidates.find((c) => c.name === helps.name)!.ndcg10).toBeGreaterThan(without.ndcg10);
    const noise = select(log, catalog(false, 4));
    expect(noise.winner.content ?? 0).toBe(0);
  });
});
