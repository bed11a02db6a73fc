import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';

/** D1, KV and R2 of the local stack (miniflare's, the SQLite and files `wrangler dev` uses) opened from Node. */
export interface LocalBindings {
  d1: D1Database;
  kv: KVNamespace;
  r2: R2Bucket;
  dispose(): Promise<void>;
}

/** The ids in wrangler.toml (local state is keyed by them). */
const D1_ID = '00000000-0000-0000-0000-000000000000';
const KV_ID = '00000000000000000000000000000000';
const R2_NAME = 'edge-personalize-archive';

/**
 * Opens the local bindings: in memory (tests, benches), or persisted under `persistTo` (the
 * `.wrangler/state/v3` folder `wrangler dev --local` keeps them in).
 */
export async function openLocalBindings(persistTo?: string): Promise<LocalBindings> {
  const mf = new Miniflare({
    ...convertV4MiniflareOptions({
      modules: true,
      script: 'export default { fetch: () => new Response("") }',
      d1Databases: { DB: D1_ID },
      kvNamespaces: { TABLES: KV_ID },
      r2Buckets: { ARCHIVE: R2_NAME },
    }),
    ...(persistTo ? { resourcePersistencePath: persistTo } : {}),
  } as ConstructorParameters<typeof Miniflare>[0]);
  return {
    d1: (await mf.getD1Database('DB')) as unknown as D1Database,
    kv: (await mf.getKVNamespace('TABLES')) as unknown as KVNamespace,
    r2: (await mf.getR2Bucket('ARCHIVE')) as unknown as R2Bucket,
    dispose: () => mf.dispose(),
  };
}

/** Applies the project's D1 migrations (drizzle's statement breakpoints) to a database. */
export async function applyMigrations(d1: D1Database, dir: string): Promise<void> {
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort())
    for (const statement of readFileSync(path.join(dir, file), 'utf8').split('--> statement-breakpoint'))
      if (statement.trim()) await d1.prepare(statement).run();
}
