/**
 * The for-you scoring threads (src/offline/for-you-pool.ts): runs of profiles scored on two
 * threads with small list caches equal the Worker's own scoring over every list, each thread is
 * sent only the lists it lacks, and a thread that dies at its heap cap fails the run instead of leaving it waiting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { forYouSources, precomputeForYou } from '../../src/model/precompute-for-you.ts';
import type { UserProfile } from '../../src/model/user-profile.ts';
import { ForYouPool } from '../../src/offline/for-you-pool.ts';

const NOW = Date.UTC(2026, 11, 1);
const DAY = 86_400_000;
const ITEMS = 60;

/** Item i's neighbours: ten others, weights falling with the distance. */
const packedList = (i: number) =>
  JSON.stringify(Array.from({ length: 10 }, (_, d) => [`i${(i + d * 7 + 1) % ITEMS}`, Number((1 / (d + 1)).toFixed(4))]).flat());

function profile(n: number): UserProfile {
  const recent: UserProfile['recent'] = Array.from({ length: 3 + (n % 4) }, (_, r) => [
    `i${(n * 5 + r * 11) % ITEMS}`,
    NOW - (r + 1) * DAY,
    r % 2 ? 'view' : 'add_to_cart',
  ]);
  return {
    recent,
    purchased: n % 3 ? [] : [[`i${(n * 13) % ITEMS}`, NOW - 2 * DAY]],
    categories: [],
    lastSeen: NOW - DAY,
    lastPurchase: null,
    orders: 0,
    monetary: 0,
  };
}

let pool: ForYouPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('for-you on worker threads', () => {
  it('scores runs on two threads like the Worker does with every list, reading only what a thread lacks', async () => {
    pool = new ForYouPool({ threads: 2, listsPerThread: 12, heapMB: 64, now: NOW });
    const profiles = Array.from({ length: 80 }, (_, n) => profile(n));
    const read: string[][] = [];
    const readLists = async (items: string[]) => (
      read.push(items),
      items.filter((item) => item !== 'i7').map((item): [string, string] => [item, packedList(Number(item.slice(1)))])
    );
    const runs: Array<{ from: number; to: number; scored: Promise<Array<Array<[string, number, number]>>> }> = [];
    for (let from = 0; from < profiles.length;) {
      const sources = new Set<string>();
      let to = from;
      for (; to < profiles.length; to++) {
        const own = forYouSources(profiles[to]!).filter((item) => !sources.has(item));
        if (to > from && sources.size + own.length > pool.listsPerThread) break;
        for (const item of own) sources.add(item);
      }
      const { scored } = await pool.send(sources, profiles.slice(from, to), readLists);
      runs.push({ from, to, scored });
      from = to;
    }
    expect(runs.length).toBeGreaterThan(10);
    const all = (item: string) => (item === 'i7' ? undefined : (JSON.parse(packedList(Number(item.slice(1)))) as Array<string | number>));
    const lookup = (item: string) => {
      const flat = all(item);
      return flat && Array.from({ length: flat.length / 2 }, (_, k): [string, number] => [flat[2 * k] as string, flat[2 * k + 1] as number]);
    };
    for (const { from, to, scored } of runs) expect(await scored).toEqual(profiles.slice(from, to).map((p) => precomputeForYou(p, lookup, NOW)));
    expect((await runs[0]!.scored).some((list) => list.length > 0)).toBe(true);
    // Lists a thread kept were not read again: fewer reads than the runs' sources together.
    const needed = runs.reduce((sum, { from, to }) => sum + new Set(profiles.slice(from, to).flatMap((p) => forYouSources(p))).size, 0);
    expect(read.flat().length).toBeLessThan(needed);
    expect(pool.parsed).toBe(read.flat().filter((item) => item !== 'i7').length);
  });

  it('fails the runs, and the next send, when a thread dies at its heap cap', async () => {
    pool = new ForYouPool({ threads: 1, listsPerThread: 1_000_000, heapMB: 16, now: NOW });
    const huge = JSON.stringify(Array.from({ length: 20_000 }, (_, k) => [`n${k}`, 0.5]).flat());
    const items = Array.from({ length: 400 }, (_, k) => `big${k}`);
    const { scored } = await pool.send(new Set(items), [profile(1)], async (missing) => missing.map((item): [string, string] => [item, huge]));
    await expect(scored).rejects.toThrow(/out of memory|exited with code/i);
    await expect(pool.send(new Set(['i1']), [profile(2)], async () => [])).rejects.toThrow();
  }, 60_000);
});
