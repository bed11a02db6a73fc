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

/**
 * A numeric benchmark setting from the environment (`BENCH_ROUNDS=5 npm run bench:serve`), or
 * its default. A value that is not a number in range prints one line naming the variable and
 * exits 2, instead of a run that measures nothing.
 *
 * @example
 * const ROUNDS = benchNumber('BENCH_ROUNDS', 3); // 3 unless BENCH_ROUNDS is set
 */
export function benchNumber(name: string, fallback: number, { min = 1, integer = true } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    console.error(`error: ${name} must be ${integer ? 'an integer' : 'a number'} >= ${min} (got "${raw}")`);
    process.exit(2);
  }
  return value;
}

const benchStarted = performance.now();

/** Prints a progress line on stderr with the seconds since the benchmark started, so long runs show where they are. */
export function step(what: string): void {
  console.error(`[${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(4)} s] ${what}`);
}
