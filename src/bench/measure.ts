/** Small measurement tools shared by the benchmarks. */

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Runs `clients` loops of `task` concurrently for `seconds` and returns completed tasks per
 * second. Bounded in time: every loop stops at the deadline.
 */
export async function throughput(clients: number, seconds: number, task: (client: number) => Promise<void>): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < deadline) {
        await task(client);
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

/** Formats a number with a fixed number of decimals. */
export function fmt(n: number, decimals = 1): string {
  return n.toFixed(decimals);
}
