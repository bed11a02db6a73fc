import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import { ROOT } from '../cli/local-stack.ts';

/** A local D1 database for a benchmark run from Node. */
export interface LocalD1 {
  d1: D1Database;
  dispose(): Promise<void>;
}

/**
 * Miniflare's local D1 (the same SQLite the Worker uses under `wrangler dev`), in memory, with the
 * project's migrations applied, for benchmarks that call the Worker's modules directly.
 */
export async function migratedLocalD1(): Promise<LocalD1> {
  const mf = new Miniflare(convertV4MiniflareOptions({ modules: true, script: 'export default { fetch: () => new Response("") }', d1Databases: ['DB'] }));
  const d1 = (await mf.getD1Database('DB')) as unknown as D1Database;
  const dir = path.join(ROOT, 'migrations');
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort())
    for (const statement of readFileSync(path.join(dir, file), 'utf8').split('--> statement-breakpoint'))
      if (statement.trim()) await d1.prepare(statement).run();
  return { d1, dispose: () => mf.dispose() };
}
