/** How one request spent its time in the isolate. */
export interface RequestTiming {
  totalMs: number;
  /** Time waiting on stores (overlapping waits counted once). */
  ioMs: number;
  /** `totalMs - ioMs`. */
  cpuMs: number;
  /** CPU spent deciding an experiment arm (part of `cpuMs`). */
  assignMs?: number;
  /** Table store reads of the request (round trips, keys asked, characters returned). */
  tables?: TableReads;
  /** Milliseconds of named steps (parts of `cpuMs`), e.g. a search's decoding and ranking. */
  steps?: Record<string, number>;
  /** Named counts, e.g. the postings a search decoded. */
  counts?: Record<string, number>;
}

/** What a request read from the table store. */
export interface TableReads {
  reads: number;
  keys: number;
  /** Characters of the values returned (bytes for ASCII text, which the tables are but for titles). */
  chars: number;
}

/**
 * The `Server-Timing` header value of a request: `cpu`, `store`, `total` (and `assign` when set),
 * in milliseconds, and `tables` (reads, keys and characters read from the table store) when
 * set. The benchmarks read `cpu` and `tables` from it.
 *
 * @example
 * c.header('Server-Timing', serverTiming({ totalMs: 3, ioMs: 2.5, cpuMs: 0.5 })); // 'cpu;dur=0.500, store;dur=2.500, total;dur=3.000'
 */
export function serverTiming(t: RequestTiming): string {
  const parts = [`cpu;dur=${t.cpuMs.toFixed(3)}`, `store;dur=${t.ioMs.toFixed(3)}`, `total;dur=${t.totalMs.toFixed(3)}`];
  if (t.assignMs !== undefined) parts.push(`assign;dur=${t.assignMs.toFixed(3)}`);
  if (t.tables) parts.push(`tables;desc="reads=${t.tables.reads} keys=${t.tables.keys} chars=${t.tables.chars}"`);
  for (const [name, ms] of Object.entries(t.steps ?? {})) parts.push(`${name};dur=${ms.toFixed(3)}`);
  for (const [name, n] of Object.entries(t.counts ?? {})) parts.push(`${name};desc=${n}`);
  return parts.join(', ');
}
