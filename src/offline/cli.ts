/**
 * `npm run rebuild:offline -- --archive DIR|local|r2://bucket/prefix --publish local|kv|redis`
 *
 * The rebuild as SQL on DuckDB over the event archive (src/offline/README.md via
 * src/archive/README.md). `--archive local` reads the archive `npm start` keeps (the local R2 of
 * wrangler dev); a directory is an archive copied out of R2 (`rclone`, `aws s3 sync`); `r2://`
 * reads R2 directly through DuckDB's httpfs with R2_ACCESS_KEY_ID, R2_SECRET_ACCESS_KEY and
 * CLOUDFLARE_ACCOUNT_ID. The catalog and the run record are in D1: the local one (`--d1 local`, the
 * default: `--persist-to`, default .wrangler/state/v3), or the shop's through D1's REST API (`--d1 rest`:
 * CLOUDFLARE_ACCOUNT_ID, D1_DATABASE_ID, CLOUDFLARE_API_TOKEN; D1_API_BASE_URL to point it
 * elsewhere), as in a Container, where nothing local is opened; `--publish local` writes the local KV, `--publish kv` Workers KV
 * through the REST API's bulk write (CLOUDFLARE_ACCOUNT_ID, KV_NAMESPACE_ID, CLOUDFLARE_API_TOKEN;
 * KV_API_BASE_URL to point it elsewhere), `--publish redis` Upstash (UPSTASH_REDIS_REST_URL,
 * UPSTASH_REDIS_REST_TOKEN).
 *
 * Options: --memory-limit 2GB (DuckDB's memory_limit, or REBUILD_MEMORY_LIMIT; Node's heap cap is
 * derived from it: without --max-old-space-size the job runs again in a child with it), --threads N,
 * --temp DIR (where DuckDB spills, or REBUILD_TEMP_DIR), --catalog d1|archive (the catalog from
 * D1, the default, or from the archive's newest catalog snapshot, src/archive/catalog-snapshot.ts),
 * --window-days N, --k N (or REBUILD_WINDOW_DAYS, REBUILD_K, as the Workflow passes them; else the
 * wrangler.toml values' defaults), --profile-workers N (or REBUILD_PROFILE_WORKERS, default 1:
 * processes that build and score the profiles, a range of shards each; src/offline/profile-workers.ts). Prints the outcome and the process's peak resident memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { r2ArchiveBucket } from '../archive/bucket.ts';
import { openDatabase } from '../db/client.ts';
import { abandonRun } from '../rebuild/run-rebuild.ts';
import { rebuildConfig } from '../rebuild/settings.ts';
import { searchIndexTables } from '../search/index-tables.ts';
import { kvTableStore } from '../tables/kv-store.ts';
import { redisTableStore } from '../tables/redis-store.ts';
import { archiveGlobs, dirArchiveBucket } from './dir-bucket.ts';
import { openEngine, parseBytes } from './engine.ts';
import { heapCapMB, heapCapSet, withAllocatorEnv } from './memory-budget.ts';
import { d1RestDatabase } from './d1-rest.ts';
import { kvRestTableStore } from './kv-rest-store.ts';
import type { LocalBindings } from './local-bindings.ts';
import { rebuildOffline } from './rebuild-offline.ts';
import { abandonedError, superviseJob, tellParent } from './supervise.ts';
import { literal } from './sql-files.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: {
    archive: { type: 'string' },
    publish: { type: 'string', default: 'local' },
    d1: { type: 'string', default: 'local' },
    'persist-to': { type: 'string', default: path.join(ROOT, '.wrangler', 'state', 'v3') },
    'memory-limit': { type: 'string', default: process.env.REBUILD_MEMORY_LIMIT || '2GB' },
    threads: { type: 'string' },
    temp: { type: 'string', default: process.env.REBUILD_TEMP_DIR || undefined },
    catalog: { type: 'string', default: 'd1' },
    'window-days': { type: 'string', default: process.env.REBUILD_WINDOW_DAYS || undefined },
    k: { type: 'string', default: process.env.REBUILD_K || undefined },
    'profile-workers': { type: 'string', default: process.env.REBUILD_PROFILE_WORKERS || '1' },
    help: { type: 'boolean' },
  },
});

if (values.help) {
  console.log(
    'npm run rebuild:offline -- --archive DIR|local|r2://bucket/prefix --publish local|kv|redis [--d1 local|rest] [--persist-to DIR] [--memory-limit 2GB] [--threads N] [--temp DIR] [--catalog d1|archive] [--window-days N] [--k N] [--profile-workers N]\n(src/offline/README.md)',
  );
  process.exit(0);
}

// V8 reads its heap cap at start: without one, the job runs again in a child with the cap the
// memory limit gives (memory-budget.ts), so the limit bounds Node's heap too, and with the
// allocator settings (read by glibc and DuckDB's jemalloc at start as well). A child that dies
// before recording its run (at the heap cap, or killed) leaves it to this parent to close.
if (!heapCapSet(process.execArgv, process.env.NODE_OPTIONS)) {
  const heapFlag = `--max-old-space-size=${heapCapMB(parseBytes(values['memory-limit']!))}`;
  const exit = await superviseJob([...process.execArgv, heapFlag], process.argv.slice(1), withAllocatorEnv(process.env));
  if (exit.abandoned) {
    const error = abandonedError(exit);
    console.error(`rebuild:offline: run ${exit.abandoned}: ${error}`);
    const rest = d1RestSettings();
    const local = rest ? undefined : await (await import('./local-bindings.ts')).openLocalBindings(values['persist-to']);
    try {
      await abandonRun(openDatabase(rest ? d1RestDatabase(rest) : local!.d1), exit.abandoned, error);
    } finally {
      await local?.dispose();
    }
  }
  process.exit(exit.code ?? 1);
}
console.error(
  `rebuild:offline: DuckDB memory limit ${values['memory-limit']}, JS heap limit ${Math.round(getHeapStatistics().heap_size_limit / 2 ** 20)} MiB, DuckDB's jemalloc ${process.env.DUCKDB_JE_MALLOC_CONF || 'as built'}`,
);

if (!values.archive) fail('--archive DIR|local|r2://bucket/prefix is required');
if (!['local', 'kv', 'redis'].includes(values.publish!)) fail(`--publish must be local, kv or redis, not ${values.publish}`);
if (values.d1 !== 'local' && values.d1 !== 'rest') fail(`--d1 must be local or rest, not ${values.d1}`);
if (values.catalog !== 'd1' && values.catalog !== 'archive') fail(`--catalog must be d1 or archive, not ${values.catalog}`);
const profileWorkers = Number(values['profile-workers']);
if (!Number.isInteger(profileWorkers) || profileWorkers < 1) fail(`--profile-workers must be a whole number of at least 1, not ${values['profile-workers']}`);
const env = process.env;
const kvSettings =
  values.publish === 'kv'
    ? {
        accountId: env.CLOUDFLARE_ACCOUNT_ID || fail('--publish kv needs CLOUDFLARE_ACCOUNT_ID'),
        namespaceId: env.KV_NAMESPACE_ID || fail('--publish kv needs KV_NAMESPACE_ID (the TABLES namespace id of wrangler.toml)'),
        apiToken: env.CLOUDFLARE_API_TOKEN || fail('--publish kv needs CLOUDFLARE_API_TOKEN (Workers KV Storage Write)'),
        baseUrl: env.KV_API_BASE_URL || undefined,
      }
    : undefined;

const d1Settings = d1RestSettings();

// The local stack (miniflare) only when something local is asked for: a Container has none.
const local: LocalBindings | undefined =
  !d1Settings || values.publish === 'local' || values.archive === 'local'
    ? await (await import('./local-bindings.ts')).openLocalBindings(values['persist-to'])
    : undefined;
const scratch = mkdtempSync(path.join(tmpdir(), 'rebuild-offline-'));
try {
  const db = openDatabase(d1Settings ? d1RestDatabase(d1Settings) : local!.d1);
  let location = values.archive!;
  if (location === 'local') {
    location = path.join(scratch, 'archive');
    const from = r2ArchiveBucket(local!.r2);
    const to = dirArchiveBucket(location);
    for (const key of await from.list('')) await to.put(key, (await from.get(key))!);
  }
  const engine = await openEngine({
    memoryLimit: values['memory-limit'],
    threads: values.threads ? Number(values.threads) : undefined,
    tempDirectory: values.temp ?? path.join(scratch, 'spill'),
  });
  if (location.startsWith('r2://')) {
    await engine.connection.run('INSTALL httpfs; LOAD httpfs;');
    await engine.connection.run(
      `CREATE SECRET archive (TYPE r2, KEY_ID ${literal(env.R2_ACCESS_KEY_ID ?? '')}, SECRET ${literal(env.R2_SECRET_ACCESS_KEY ?? '')}, ACCOUNT_ID ${literal(env.CLOUDFLARE_ACCOUNT_ID ?? '')})`,
    );
  }
  const store = kvSettings
    ? kvRestTableStore(kvSettings)
    : values.publish === 'redis'
      ? redisTableStore({ url: env.UPSTASH_REDIS_REST_URL ?? fail('UPSTASH_REDIS_REST_URL is not set'), token: env.UPSTASH_REDIS_REST_TOKEN ?? '' })
      : kvTableStore(local!.kv);
  const config = rebuildConfig({ REBUILD_WINDOW_DAYS: values['window-days'], REBUILD_K: values.k });
  const outcome = await rebuildOffline({ db, store, config, extensions: [searchIndexTables] }, engine, archiveGlobs(location), {
    catalogFrom: values.catalog as 'd1' | 'archive',
    profileWorkers,
    onRunStart: (version) => tellParent({ run: version }),
    onPhase: (phase, ms, m) =>
      console.log(
        `${phase.padEnd(16)} ${(ms / 1000).toFixed(1).padStart(7)} s  RSS ${m.rssMB} MB (peak ${m.rssPeakMB}, process ${m.maxRssMB}), heap ${m.heapMB} MB (${m.heapTotalMB} committed), DuckDB ${m.duckdbMB} MB (peak ${m.duckdbPeakMB} of ${m.duckdbLimitMB})`,
      ),
  });
  tellParent({ recorded: outcome.version });
  engine.close();
  console.log(JSON.stringify(outcome, null, 2));
  console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  process.exitCode = outcome.status === 'published' ? 0 : 1;
} finally {
  await local?.dispose();
  rmSync(scratch, { recursive: true, force: true });
}

function fail(message: string): never {
  console.error(`rebuild:offline: ${message}`);
  process.exit(2);
  throw new Error(message);
}

/** D1's REST API settings with `--d1 rest` (from the environment), else undefined (the local D1). */
function d1RestSettings() {
  return values.d1 === 'rest'
    ? {
        accountId: process.env.CLOUDFLARE_ACCOUNT_ID || fail('--d1 rest needs CLOUDFLARE_ACCOUNT_ID'),
        databaseId: process.env.D1_DATABASE_ID || fail('--d1 rest needs D1_DATABASE_ID (the DB database_id of wrangler.toml)'),
        apiToken: process.env.CLOUDFLARE_API_TOKEN || fail('--d1 rest needs CLOUDFLARE_API_TOKEN (D1 Edit)'),
        baseUrl: process.env.D1_API_BASE_URL || undefined,
      }
    : undefined;
}
