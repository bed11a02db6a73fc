/**
 * `--d1 rest`: the offline job's D1 over Cloudflare's D1 REST API (src/offline/d1-rest.ts), against
 * a local HTTP STAND-IN of the API (test/cli/stand-ins.ts; the real api.cloudflare.com cannot be
 * reached from here) backed by a real D1 (miniflare's SQLite). Drizzle's calls go through it
 * (selects with fields through /raw, batches, returning), errors are bounded and carry no token, and
 * the actual job, started with the Container's command line and environment (`jobCommand`: `--d1 rest
 * --publish kv --catalog archive`, miniflare blocked in the child as a Container has none), records its
 * run and publishes its tables through the two stand-ins.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCatalogSnapshot } from '../../src/archive/catalog-snapshot.ts';
import { archivePending } from '../../src/archive/write-archive.ts';
import { openDatabase } from '../../src/db/client.ts';
import { leases } from '../../src/db/schema.ts';
import { syntheticEventPages } from '../../src/eval/synthetic-events.ts';
import { d1RestDatabase } from '../../src/offline/d1-rest.ts';
import { dirArchiveBucket } from '../../src/offline/dir-bucket.ts';
import { kvRestTableStore } from '../../src/offline/kv-rest-store.ts';
import { applyMigrations, type LocalBindings, openLocalBindings } from '../../src/offline/local-bindings.ts';
import { jobCommand } from '../../src/offline/runner.ts';
import { acquireLease } from '../../src/rebuild/lease.ts';
import { d1CatalogPages } from '../../src/rebuild/catalog-snapshot.ts';
import { readManifest } from '../../src/rebuild/publish.ts';
import { claimRun, getRun, listRuns, recordPartDone, recordRunStart, recordRunStatus } from '../../src/rebuild/runs.ts';
import { tableKey } from '../../src/tables/layout.ts';
import { ACCOUNT, DATABASE, NAMESPACE, TOKEN, d1RestStandIn, kvRestStandIn, listen } from './stand-ins.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const PORT = Number(process.env.D1_STAND_IN_PORT ?? 8870);

describe('D1 over the REST API (--d1 rest), against a local stand-in of the API', () => {
  let local: LocalBindings;
  let d1StandIn: ReturnType<typeof d1RestStandIn>;
  const kvStandIn = kvRestStandIn();
  let d1Url = '';
  let kvUrl = '';
  const scratch = mkdtempSync(path.join(tmpdir(), 'd1-rest-'));
  beforeAll(async () => {
    local = await openLocalBindings();
    await applyMigrations(local.d1, path.join(ROOT, 'migrations'));
    d1StandIn = d1RestStandIn(local.d1);
    d1Url = await listen(d1StandIn.server, PORT);
    kvUrl = await listen(kvStandIn.server, PORT + 1);
  });
  afterAll(async () => {
    await Promise.all([d1StandIn, kvStandIn].map((s) => new Promise<void>((resolve) => s.server.close(() => resolve()))));
    await local.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });
  const rest = (over: { apiToken?: string; databaseId?: string } = {}) =>
    d1RestDatabase({ accountId: ACCOUNT, databaseId: DATABASE, apiToken: TOKEN, baseUrl: d1Url, ...over });

  it("runs drizzle's queries: lease, run records, batches, returning, first and raw", async () => {
    const db = openDatabase(rest());
    const direct = openDatabase(local.d1);
    expect(await acquireLease(db, 'test-lease', 'a', 60_000, 1000)).toBe(true);
    expect(await acquireLease(db, 'test-lease', 'b', 60_000, 2000)).toBe(false);
    expect(await direct.select().from(leases).where(eq(leases.name, 'test-lease')).get()).toMatchObject({ holder: 'a', expiresAt: 61_000 });
    await recordRunStart(db, 'v-rest-1', 'offline', 'running', 5000);
    await recordRunStatus(db, 'v-rest-1', 'published', { engine: 'duckdb', note: 'a "quoted" ü' }, null, 7000);
    expect(await getRun(db, 'v-rest-1')).toEqual(await getRun(direct, 'v-rest-1'));
    expect(await getRun(db, 'v-rest-1')).toMatchObject({ status: 'published', durationMs: 2000, stats: { note: 'a "quoted" ü' } });
    expect((await listRuns(db)).map((r) => r.version)).toEqual((await listRuns(direct)).map((r) => r.version));
    const before = d1StandIn.requests.length;
    expect(await recordPartDone(db, 'v-rest-1', 0, {}, 8000)).toBe(1);
    expect(await recordPartDone(db, 'v-rest-1', 1, {}, 8000)).toBe(2);
    expect(d1StandIn.requests.slice(before).map((r) => r.statements)).toEqual([2, 2]);
    expect(await claimRun(db, 'v-rest-1', 'published', 'retired')).toBe(true);
    expect(await claimRun(db, 'v-rest-1', 'published', 'retired')).toBe(false);
    const client = rest();
    expect(await client.prepare('SELECT ?1 AS a, ?2 AS b, ?3 AS c').bind(5, 'x', true).first()).toEqual({ a: 5, b: 'x', c: 1 });
    expect(await client.prepare('SELECT ?1 AS a').bind(null).first('a')).toBeNull();
    expect(await client.prepare('SELECT 1 AS a, 2 AS b').raw({ columnNames: true })).toEqual([
      ['a', 'b'],
      [1, 2],
    ]);
    expect(await client.prepare('SELECT 1 WHERE 0').first()).toBeNull();
    expect(() => client.prepare('SELECT ?1').bind(undefined)).toThrow(/undefined/);
    expect(d1StandIn.requests.some((r) => r.path === '/raw')).toBe(true);
  });

  it('fails with bounded errors that carry no token', async () => {
    const wrongToken = rest({ apiToken: 'secret-token-that-must-not-leak' });
    const denied = await wrongToken
      .prepare('SELECT 1')
      .all()
      .catch((e: Error) => e);
    expect(String(denied)).toMatch(/403 10000 Authentication error/);
    expect(String(denied)).not.toContain('secret-token');
    await expect(rest({ databaseId: 'other' }).prepare('SELECT 1').all()).rejects.toThrow(/404 7404/);
    await expect(rest().prepare('SELECT * FROM no_such_table').all()).rejects.toThrow(/400 .*no such table/);
    d1StandIn.failNext(502, `<html>${'bad gateway '.repeat(2000)} Authorization: Bearer ${TOKEN}</html>`);
    const proxy = (await rest()
      .prepare('SELECT 1')
      .all()
      .catch((e: Error) => e)) as Error;
    expect(proxy.message).toMatch(/^D1 REST POST \/query: 502 <html>bad gateway/);
    expect(proxy.message.length).toBeLessThan(400);
    d1StandIn.failNext(502, `<html>Authorization: Bearer ${TOKEN}</html>`);
    const echoed = (await rest()
      .prepare('SELECT 1')
      .all()
      .catch((e: Error) => e)) as Error;
    expect(echoed.message).not.toContain(TOKEN);
    const unreachable = d1RestDatabase({ accountId: ACCOUNT, databaseId: DATABASE, apiToken: TOKEN, baseUrl: 'http://127.0.0.1:1/client/v4' });
    await expect(unreachable.prepare('SELECT 1').all()).rejects.toThrow(/^D1 REST POST \/query: /);
  });

  it('runs the offline job end to end: --d1 rest --publish kv, without the local stack', async () => {
    const now = Date.now();
    const generated = [...syntheticEventPages({ events: 4000, seed: 7, users: 300, items: 120 })].flat();
    const shift = now - 3600_000 - Math.max(...generated.map((e) => e.ts));
    const events = generated.map((e, n) => [`e-${n}`, e.type, e.user, e.item, e.ts + shift]);
    const items = Array.from({ length: 120 }, (_, i) => [`i${i}`, `Item ${i}`, JSON.stringify([`c${i % 5}`]), 10 + i, now]);
    await local.d1
      .prepare(
        "INSERT INTO items (id, title, categories, price, updated_at) SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'), json_extract(value, '$[4]') FROM json_each(?1)",
      )
      .bind(JSON.stringify(items))
      .run();
    await local.d1
      .prepare(
        "INSERT INTO events (id, type, user_id, item_id, ts, received_at) SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[4]') FROM json_each(?1)",
      )
      .bind(JSON.stringify(events))
      .run();
    // The archive as the Workflow leaves it: the events, and a catalog snapshot next to them.
    const archive = path.join(scratch, 'archive');
    const bucket = dirArchiveBucket(archive);
    await archivePending(openDatabase(local.d1), bucket, { pageSize: 5000, maxRows: Infinity });
    await writeCatalogSnapshot(bucket, d1CatalogPages(openDatabase(local.d1), 50), now - 1000, 50);

    // A Container has no miniflare: the child fails if the job so much as resolves it.
    const hooks = path.join(scratch, 'no-miniflare.mjs');
    writeFileSync(
      hooks,
      "export async function resolve(specifier, context, next) { if (specifier === 'miniflare') throw new Error('miniflare opened'); return next(specifier, context); }\n",
    );
    const register = path.join(scratch, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    // The command line and environment the Workflow's Container gets (jobCommand), with the archive here and the APIs' stand-ins.
    const command = jobCommand({
      ARCHIVE_R2_URL: archive,
      TABLE_STORE: 'kv',
      CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
      CLOUDFLARE_API_TOKEN: TOKEN,
      D1_DATABASE_ID: DATABASE,
      D1_API_BASE_URL: d1Url,
      KV_NAMESPACE_ID: NAMESPACE,
      KV_API_BASE_URL: kvUrl,
      REBUILD_MEMORY_LIMIT: '512MB',
      REBUILD_PROFILE_WORKERS: '2',
      DB: local.d1,
    });
    expect(command.entrypoint).toEqual(expect.arrayContaining(['--d1', 'rest', '--publish', 'kv', '--catalog', 'archive']));
    expect(Object.keys(command.env)).not.toContain('DB');
    const args = command.entrypoint.slice(1).map((arg, n, all) => (all[n - 1] === '--temp' ? path.join(scratch, 'spill') : arg));
    const child = spawn(process.execPath, ['--import', pathToFileURL(register).href, ...args], { cwd: ROOT, env: { PATH: process.env.PATH, ...command.env } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(output).not.toContain(TOKEN);
    expect(code, output.slice(-2000)).toBe(0);

    // The run, as GET /v1/admin/rebuilds lists it, in the D1 behind the stand-in.
    const db = openDatabase(local.d1);
    const [run] = await listRuns(db, 1);
    expect(run).toMatchObject({ trigger: 'offline', status: 'published', error: null });
    expect(run!.stats).toMatchObject({ engine: 'duckdb', events: 4000 });
    // The profiles were scored by two worker processes (REBUILD_PROFILE_WORKERS), under the same hooks.
    expect((run!.stats as { profileWorkerPeakRssMB?: number[] }).profileWorkerPeakRssMB).toHaveLength(2);
    expect(await db.select().from(leases).where(eq(leases.name, 'rebuild')).get()).toBeUndefined();
    expect(d1StandIn.requests.filter((r) => r.sql.includes('rebuild_runs')).length).toBeGreaterThanOrEqual(2);

    // The tables, in Workers KV behind its stand-in: the pointer flipped to the run's version.
    const store = kvRestTableStore({ accountId: ACCOUNT, namespaceId: NAMESPACE, apiToken: TOKEN, baseUrl: kvUrl });
    const manifest = (await readManifest(store))!;
    expect(manifest.version).toBe(run!.version);
    for (const table of ['nb', 'pf', 'ct'] as const) {
      expect(manifest.shards[table]).toBeGreaterThan(0);
      const keys = Array.from({ length: manifest.shards[table] }, (_, s) => tableKey(manifest.version, table, s));
      expect(keys.every((k) => kvStandIn.values.has(k))).toBe(true);
    }
    // The catalog, from the archive's snapshot: every item is in the published catalog.
    const catalog = Array.from({ length: manifest.shards.ct }, (_, s) => kvStandIn.values.get(tableKey(manifest.version, 'ct', s))!.value).join('');
    for (const id of ['i0', 'i57', 'i119']) expect(catalog).toContain(`\n${id}\t`);
  }, 180_000);
});
