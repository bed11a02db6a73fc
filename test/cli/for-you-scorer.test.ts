/**
 * The offline for-you scorer (src/offline/for-you-scorer.ts) against the Worker's
 * `precomputeForYou` over the same lists: equal to the last bit on the real data sets' shoppers,
 * scored in runs through a small list store (lists dropped and read again, numbers growing), and
 * on hand-made ties, bought items and position decay.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { realSet } from '../../src/bench/rebuild-data.ts';
import type { ShopEvent } from '../../src/model/events.ts';
import type { NeighbourList } from '../../src/model/neighbour-list.ts';
import { forYouSources, precomputeForYou } from '../../src/model/precompute-for-you.ts';
import { defaultScoring } from '../../src/model/recommend.ts';
import type { Scoring } from '../../src/model/selection/model-choice.ts';
import { createSimilarItemsBuilder } from '../../src/model/similar-items/similar-items.ts';
import { type UserProfile, createUserProfilesBuilder } from '../../src/model/user-profile.ts';
import { openEngine } from '../../src/offline/engine.ts';
import { createForYouScorer } from '../../src/offline/for-you-scorer.ts';
import { NeighbourListCache } from '../../src/offline/neighbour-cache.ts';
import { sharedDataHere } from '../support/shared-data.ts';

const HOUR = 3_600_000;

/** Scores `profiles` in runs needing at most `capacity` lists, both ways, over the same store; returns both. */
function scoreBoth(
  profiles: Array<[string, UserProfile]>,
  table: ReadonlyMap<string, NeighbourList>,
  now: number,
  capacity: number,
  limit?: number,
  scoring?: Scoring,
) {
  const names = [...new Set([...table.keys(), ...[...table.values()].flatMap((list) => list.map(([id]) => id))])].sort();
  const number = new Map(names.map((name, n) => [name, n]));
  const lists = new NeighbourListCache(capacity, names);
  const score = createForYouScorer(lists, limit, scoring);
  const offline: Array<[string, unknown]> = [];
  const worker: Array<[string, unknown]> = [];
  let from = 0;
  while (from < profiles.length) {
    const sources = new Set<string>();
    let to = from;
    for (; to < profiles.length; to++) {
      const own = forYouSources(profiles[to]![1], scoring?.maxHistory).filter((item) => !sources.has(item));
      if (to > from && sources.size + own.length > capacity) break;
      for (const item of own) sources.add(item);
    }
    for (const n of lists.prepare(sources)) {
      const list = table.get(names[n]!);
      if (list) lists.add(n, { ids: Int32Array.from(list.map(([id]) => number.get(id)!)), weights: Float64Array.from(list.map(([, weight]) => weight)) });
    }
    for (const [user, profile] of profiles.slice(from, to)) {
      offline.push([user, score(profile, now)]);
      worker.push([user, precomputeForYou(profile, lists.lookup, now, limit, scoring)]);
    }
    from = to;
  }
  return { offline, worker, parsed: lists.parsed };
}

describe('the offline for-you scorer equals precomputeForYou', () => {
  it.skipIf(!sharedDataHere).each(['taobao', 'retail', 'movielens'])(
    'on every shopper of %s, scored in runs through a small list store',
    (name) => {
      const now = Date.UTC(2026, 11, 1);
      const events = realSet(name, now).events.map((e) => ({ type: e.type, user: e.user, item: e.item, ts: e.ts, value: e.value ?? null }) as ShopEvent);
      const profiles = createUserProfilesBuilder();
      const similar = createSimilarItemsBuilder({ k: 50 });
      for (let at = 0; at < events.length; at += 1000) {
        profiles.add(events.slice(at, at + 1000));
        similar.add(events.slice(at, at + 1000));
      }
      const table = new Map(similar.finish(now).rows());
      const built = [...profiles.finish(now)];
      const { offline, worker, parsed } = scoreBoth(built, table, now, 200);
      expect(offline).toStrictEqual(worker);
      expect(offline.length).toBeGreaterThan(100);
      expect(offline.filter(([, forYou]) => (forYou as unknown[]).length > 0).length).toBeGreaterThan(offline.length / 2);
      // The store was too small to hold every list: some were dropped and parsed again.
      expect(parsed).toBeGreaterThan(table.size > 200 ? 200 : 0);
      // Another limit and position decay take the same path.
      const other = scoreBoth(built, table, now, 1000, 7, { ...defaultScoring, maxHistory: 3, positionHalfLife: 2 });
      expect(other.offline).toStrictEqual(other.worker);
    },
    120_000,
  );

  it('on equal contributions, equal scores cut at the limit, bought items and a source without a list', () => {
    const now = Date.UTC(2026, 11, 1);
    const profiles = createUserProfilesBuilder();
    profiles.add([
      { type: 'view', user: 'u', item: 'a', ts: now - HOUR },
      { type: 'view', user: 'u', item: 'b', ts: now - HOUR },
      { type: 'purchase', user: 'u', item: 'x1', ts: now - 2 * HOUR },
      { type: 'view', user: 'u', item: 'lonely', ts: now - 3 * HOUR },
    ] as ShopEvent[]);
    const table = new Map<string, NeighbourList>([
      [
        'a',
        [
          ['t', 0.5],
          ['x1', 0.9],
          ['c1', 0.25],
          ['c2', 0.25],
          ['c3', 0.25],
        ],
      ],
      [
        'b',
        [
          ['t', 0.5],
          ['c3', 0.25],
          ['c2', 0.25],
          ['a', 0.1],
        ],
      ],
      ['x1', [['c4', 0.25]]],
    ]);
    const built = [...profiles.finish(now)];
    const { offline, worker } = scoreBoth(built, table, now, 10, 3);
    expect(offline).toStrictEqual(worker);
    const forYou = offline[0]![1] as Array<[string, number, number]>;
    // Newest first: 'b' (viewed with 'a', recorded after it), 'a', then the bought 'x1', whose list gives 'c4' the lead.
    // 't' is as much because of 'b' as of 'a': the first source wins. 'c2' and 'c3' tie: 'c3', met first (in 'b'), stays. 'x1' was bought.
    expect(forYou.map(([item]) => item)).toEqual(['c4', 't', 'c3']);
    expect(forYou[1]![2]).toBe(built[0]![1].recent.findIndex(([item]) => item === 'b'));
    expect(forYou[0]![2]).toBe(built[0]![1].recent.findIndex(([item]) => item === 'x1'));
  });

  it('writes the weights as the Worker’s JSON does, and reads them as numbers equal to that text to the bit', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fy-weights-'));
    const engine = await openEngine({ memoryLimit: '256MB', threads: 2, tempDirectory: path.join(dir, 'spill') });
    try {
      await engine.runFile('00-macros.sql', {});
      // Scores over 20 orders of magnitude, as 03-neighbours-part.sql writes them: text in the list, number in the array.
      const rows = await engine.all<{ text: string; number: number }>(
        `SELECT json_number(round4(x)) AS text, round4(x) AS number
         FROM (SELECT exp(random() * 46 - 23) AS x FROM range(200000) UNION ALL SELECT unnest([0.0000621, 1.234e-7, 1, 1234, 0.5, 0]))`,
      );
      expect(rows).toHaveLength(200_006);
      expect(rows.filter((r) => JSON.parse(r.text) !== r.number).slice(0, 5)).toEqual([]);
      // The text is the Worker's: JSON.stringify of the same number (0.0000621, not 6.21e-05; 1, not 1.0).
      expect(rows.filter((r) => JSON.stringify(r.number) !== r.text).slice(0, 5)).toEqual([]);
    } finally {
      engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
