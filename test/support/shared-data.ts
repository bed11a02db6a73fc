/**
 * The shared public data sets (`../shared/data` beside the project, never copied into it). The
 * tests that read them skip without them, as the Redis tests do without redis-server: this file
 * is also the Node project's global setup, which says so once per run, or with CI set fails the run.
 */
import { existsSync } from 'node:fs';
import { DATA } from '../../src/bench/rebuild-data.ts';
import { inCi } from './ci.ts';

/** Whether the shared data sets are here (tests on them use `it.skipIf(!sharedDataHere)`). */
export const sharedDataHere = existsSync(DATA);

/** Vitest global setup: warns once that the real-data tests skip, or in CI fails the run. */
export default function setup(): void {
  if (sharedDataHere) return;
  const message = `${DATA} is missing (the shared data sets beside the project)`;
  if (inCi) throw new Error(`${message}\nCI is set, so the tests on real data sets may not be skipped.`);
  console.warn(`\n${'!'.repeat(78)}\n!! ${message}\n!! The tests on real data sets (test/cli) will be SKIPPED. They run in CI.\n${'!'.repeat(78)}\n`);
}
