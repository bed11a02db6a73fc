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

/** A store whose calls count as I/O on the clock. */
export function timedStore(store: TableStore, clock: IoClock): TableStore {
  return {
    kind: store.kind,
    getMany: (keys) => clock.wait(store.getMany(keys)),
    putMany: (entries) => clock.wait(store.putMany(entries)),
    deleteMany: (keys) => clock.wait(store.deleteMany(keys)),
  };
}
