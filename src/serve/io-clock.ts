import type { TableReads } from '../http/server-timing.ts';
import type { TableStore } from '../tables/table-store.ts';

/** Measures how long a request waited on I/O (overlapping waits counted once), so CPU = total - I/O. */
export interface IoClock {
  /** Counts the time `work` is in flight as I/O. */
  wait<T>(work: Promise<T>): Promise<T>;
  /** Milliseconds during which at least one wait was in flight. */
  ioMs(): number;
}

/** A new clock. */
export function ioClock(): IoClock {
  let inFlight = 0;
  let since = 0;
  let total = 0;
  return {
    wait(work) {
      if (inFlight++ === 0) since = performance.now();
      return work.finally(() => {
        if (--inFlight === 0) total += performance.now() - since;
      });
    },
    ioMs: () => total + (inFlight > 0 ? performance.now() - since : 0),
  };
}

/** A store whose calls count as I/O on the clock; its reads are added up in `tally` when given. */
export function timedStore(store: TableStore, clock: IoClock, tally?: TableReads): TableStore {
  return {
    kind: store.kind,
    getMany: async (keys) => {
      const values = await clock.wait(store.getMany(keys));
      if (tally) {
        tally.reads++;
        tally.keys += keys.length;
        for (const value of values) tally.chars += value?.length ?? 0;
      }
      return values;
    },
    putMany: (entries) => clock.wait(store.putMany(entries)),
    deleteMany: (keys) => clock.wait(store.deleteMany(keys)),
  };
}
