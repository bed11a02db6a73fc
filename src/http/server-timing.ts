/** How one request spent its time in the isolate. */
export interface RequestTiming {
  totalMs: number;
  /** Time waiting on stores (overlapping waits counted once). */
  ioMs: number;
  /** `totalMs - ioMs`. */
  cpuMs: number;
  /** CPU spent deciding an experiment arm (part of `cpuMs`). */
  assignMs?: number;
}

/**
 * The `Server-Timing` header value of a request: `cpu`, `store`, `total` (and `assign` when set),
 * in milliseconds. The benchmarks read `cpu` from it.
 *
 * @example
 * c.header('Server-Timing', serverTiming({ totalMs: 3, ioMs: 2.5, cpuMs: 0.5 })); // 'cpu;dur=0.500, store;dur=2.500, total;dur=3.000'
 */
export function serverTiming(t: RequestTiming): string {
  const parts = [`cpu;dur=${t.cpuMs.toFixed(3)}`, `store;dur=${t.ioMs.toFixed(3)}`, `total;dur=${t.totalMs.toFixed(3)}`];
  if (t.assignMs !== undefined) parts.push(`assign;dur=${t.assignMs.toFixed(3)}`);
  return parts.join(', ');
}
