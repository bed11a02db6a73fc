/**
 * The offline for-you scoring spread over worker threads: the profiles are independent, so runs
 * of them are scored on as many threads as the job has cores while the main thread reads the next
 * run's neighbour lists from DuckDB. Each thread keeps its own bounded list cache; the pool keeps a
 * record of what each holds (the same `prepare` on the same runs in the same order gives the same
 * lists), so it reads and sends only the lists a thread lacks, and the thread checks the count.
 */
import { Worker } from 'node:worker_threads';
import type { UserProfile } from '../model/user-profile.ts';
import type { ForYouRun, ForYouScored } from './for-you-worker.ts';
import { NeighbourListCache } from './neighbour-cache.ts';

type ForYou = Array<[string, number, number]>;

/** Runs sent to one thread and not yet answered, at most. */
const MAX_WAITING = 2;

interface Thread {
  worker: Worker;
  /** What the thread's cache holds, as the pool knows it. */
  held: NeighbourListCache;
  /** Answers awaited, oldest first (a thread answers its runs in order). */
  waiting: Array<{ resolve: (forYou: ForYou[]) => void; reject: (err: Error) => void; scored: Promise<ForYou[]> }>;
  parsed: number;
}

/** Settings of {@link ForYouPool}. */
export interface ForYouPoolSettings {
  threads: number;
  /** Neighbour lists one thread holds at most (a run needs at most this many). */
  listsPerThread: number;
  /** Each thread's old-space cap in MiB. */
  heapMB: number;
  /** The scoring's time (the rebuild's `now`). */
  now: number;
}

/** Worker threads that score for-you for runs of profiles (see the module's comment). */
export class ForYouPool {
  /** Neighbour lists one thread holds at most: a run must need no more. */
  readonly listsPerThread: number;
  readonly #threads: Thread[];
  #next = 0;
  #failed: Error | undefined;

  constructor(settings: ForYouPoolSettings) {
    this.listsPerThread = settings.listsPerThread;
    this.#threads = Array.from({ length: Math.max(1, settings.threads) }, () => {
      const worker = new Worker(new URL('./for-you-worker.ts', import.meta.url), {
        workerData: { capacity: settings.listsPerThread, now: settings.now },
        resourceLimits: { maxOldGenerationSizeMb: settings.heapMB },
      });
      const thread: Thread = { worker, held: new NeighbourListCache(settings.listsPerThread), waiting: [], parsed: 0 };
      worker.on('message', (answer: ForYouScored) => {
        const waiter = thread.waiting.shift()!;
        if ('error' in answer) waiter.reject(new Error(answer.error));
        else {
          thread.parsed = answer.parsed;
          waiter.resolve(answer.forYou);
        }
      });
      const fail = (err: Error) => {
        this.#failed ??= err;
        for (const waiter of thread.waiting.splice(0)) waiter.reject(err);
      };
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (code !== 0) fail(new Error(`a for-you thread exited with code ${code}`));
      });
      return thread;
    });
  }

  /** Lists the threads have parsed so far. */
  get parsed(): number {
    return this.#threads.reduce((sum, t) => sum + t.parsed, 0);
  }

  /**
   * Sends a run (its profiles read the lists of `sources`) to the thread with the fewest runs
   * waiting, after reading the lists it lacks with `read` (`[item, packed list]`, items without a
   * list left out). Resolves when the thread has scored it: the for-you lists in `profiles`' order.
   * Runs go out in call order: call it again only after its returned `sent` settles.
   */
  async send(
    sources: ReadonlySet<string>,
    profiles: readonly UserProfile[],
    read: (items: string[]) => Promise<Array<[string, string]>>,
  ): Promise<{ scored: Promise<ForYou[]> }> {
    if (this.#failed) throw this.#failed;
    let thread = this.#threads[this.#next]!;
    for (const t of this.#threads) if (t.waiting.length < thread.waiting.length) thread = t;
    this.#next = (this.#threads.indexOf(thread) + 1) % this.#threads.length;
    // At most two runs wait per thread: the lists and profiles in flight stay bounded.
    while (thread.waiting.length >= MAX_WAITING) await thread.waiting[0]!.scored.catch(() => undefined);
    const missing = thread.held.prepare(sources);
    const lists = missing.length ? await read(missing) : [];
    for (const [item] of lists) thread.held.reserve(item);
    let held = 0;
    for (const item of sources) if (thread.held.has(item)) held++;
    let settle: Pick<Thread['waiting'][number], 'resolve' | 'reject'> | undefined;
    const scored = new Promise<ForYou[]>((resolve, reject) => (settle = { resolve, reject }));
    thread.waiting.push({ ...settle!, scored });
    thread.worker.postMessage({ sources: [...sources], lists, held, profiles: [...profiles] } satisfies ForYouRun);
    return { scored };
  }

  /** Stops the threads. */
  async close(): Promise<void> {
    await Promise.all(this.#threads.map((t) => t.worker.terminate()));
  }
}
