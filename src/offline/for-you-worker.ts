/**
 * A for-you scoring thread of {@link ForYouPool}: holds its own {@link NeighbourListCache} and
 * scores each run of profiles it is sent with the Worker's `precomputeForYou`, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { precomputeForYou } from '../model/precompute-for-you.ts';
import type { UserProfile } from '../model/user-profile.ts';
import { NeighbourListCache } from './neighbour-cache.ts';

/** One run of profiles, with the lists the thread lacks for it. */
export interface ForYouRun {
  /** Every item whose list the run reads (the cache keeps these). */
  sources: string[];
  /** The lists the thread does not hold yet, `[item, packed list]`, in the order to add them. */
  lists: Array<[string, string]>;
  /** How many of `sources` the thread must hold once `lists` are added (a check that both sides agree). */
  held: number;
  profiles: UserProfile[];
}

/** What the thread answers to a run. */
export type ForYouScored = { forYou: Array<Array<[string, number, number]>>; parsed: number } | { error: string };

const { capacity, now } = workerData as { capacity: number; now: number };
const cache = new NeighbourListCache(capacity);
parentPort!.on('message', (run: ForYouRun) => {
  cache.prepare(new Set(run.sources));
  for (const [item, packed] of run.lists) cache.add(item, packed);
  const held = run.sources.filter((item) => cache.has(item)).length;
  if (held !== run.held) {
    parentPort!.postMessage({ error: `for-you thread holds ${held} of a run's lists, its pool expected ${run.held}` } satisfies ForYouScored);
    return;
  }
  parentPort!.postMessage({ forYou: run.profiles.map((profile) => precomputeForYou(profile, cache.lookup, now)), parsed: cache.parsed } satisfies ForYouScored);
});
