/**
 * The offline job in its image (src/offline/Dockerfile), started as the Workflow starts it
 * (`jobCommand`, src/offline/runner.ts: `--d1 rest --catalog archive --publish redis`), against
 * real stores on this machine: the archive directory mounted read-only at /archive, a real
 * redis-server behind the Upstash REST proxy of src/dev, and the run record and lease in a real D1
 * (miniflare's SQLite) behind a local STAND-IN of D1's REST API (test/cli/stand-ins.ts; the real API
 * needs a Cloudflare account). The container shares the host's network. Then the same command on the
 * host against the same stores and archive, for the comparison. After each run: exit 0, the run
 * recorded as `GET /v1/admin/rebuilds` lists it (trigger `offline`, `published`, engine `duckdb`),
 * the lease released, `tables:current` flipped to that run's version, every shard of it in Redis.
 *
 * `node src/offline/container-smoke.ts --image edge-personalize-rebuild --archive DIR [--engine docker]`
 * (src/offline/container-smoke.sh builds the image first; SMOKE_PORT, SMOKE_MEMORY_LIMIT, SMOKE_SKIP_HOST, and
 * SMOKE_RUN_ARGS for the engine's run, e.g. `--cpus 1 --memory 6g` as Cloudflare's standard-2 instance).
 */
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { ACCOUNT, DATABASE, TOKEN, d1RestStandIn, listen } from '../../test/cli/stand-ins.ts';
import { openDatabase } from '../db/client.ts';
import { leases } from '../db/schema.ts';
import { startRedisServer } from '../dev/redis-server.ts';
import { startUpstashProxy } from '../dev/upstash-proxy.ts';
import { readManifest } from '../rebuild/publish.ts';
import { listRuns } from '../rebuild/runs.ts';
import { readWholeTable } from '../tables/read-version.ts';
import { redisTableStore } from '../tables/redis-store.ts';
import { applyMigrations, openLocalBindings } from './local-bindings.ts';
import { jobCommand } from './runner.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const DAY = 86_400_000;
const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'docker' },
    image: { type: 'string', default: 'edge-personalize-rebuild' },
    archive: { type: 'string' },
  },
});
if (!values.archive || !existsSync(path.join(values.archive, 'events')))
  throw new Error(`--archive must be an archive directory (events/, catalog/), not ${values.archive}`);
const archive = path.resolve(values.archive);
const port = Number(process.env.SMOKE_PORT ?? 8862);

/** A run's figures: wall time of the process (the container's start included), the job's own duration, its peak RSS. */
interface RunFigures {
  where: 'container' | 'host';
  wallSeconds: number;
  jobSeconds: number;
  peakRssMB: number;
  version: string;
  keys: number;
  load: string;
  tables: { neighbours: Map<string, string>; catalog: string; profiles: number };
}

const scratch = mkdtempSync(path.join(tmpdir(), 'container-smoke-'));
const redis = await startRedisServer();
const proxy = await startUpstashProxy({ redisPort: redis.port, token: randomUUID(), port });
const local = await openLocalBindings(path.join(scratch, 'state'));
const d1 = d1RestStandIn(local.d1);
try {
  await applyMigrations(local.d1, path.join(ROOT, 'migrations'));
  const d1Url = await listen(d1.server, port + 1);
  // The synthetic archives are dated in the past: a window reaching back to their oldest event.
  const input = path.join(archive, 'input.json');
  const oldest = existsSync(input) ? (JSON.parse(readFileSync(input, 'utf8')) as { oldest: number }).oldest : undefined;
  const command = jobCommand({
    ARCHIVE_R2_URL: '/archive',
    TABLE_STORE: 'redis',
    CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
    CLOUDFLARE_API_TOKEN: TOKEN,
    D1_DATABASE_ID: DATABASE,
    D1_API_BASE_URL: d1Url,
    UPSTASH_REDIS_REST_URL: proxy.url,
    UPSTASH_REDIS_REST_TOKEN: proxy.token,
    REBUILD_MEMORY_LIMIT: process.env.SMOKE_MEMORY_LIMIT ?? '1GB',
    REBUILD_WINDOW_DAYS: oldest ? String(Math.ceil((Date.now() - oldest) / DAY) + 1) : undefined,
  });
  console.log(`container-smoke: archive ${archive}, job ${command.entrypoint.join(' ')}`);
  const [program, ...args] = command.entrypoint;
  const containerArgs = [
    'run',
    '--rm',
    '--network',
    'host',
    ...(process.env.SMOKE_RUN_ARGS ?? '').split(/\s+/).filter(Boolean),
    '--volume',
    `${archive}:/archive:ro`,
    ...Object.keys(command.env).flatMap((key) => ['--env', key]),
    '--entrypoint',
    program!,
    values.image!,
    ...args,
  ];
  const hostArgs = args.map((arg) => (arg === '/archive' ? archive : arg === '/tmp/spill' ? path.join(scratch, 'spill') : arg));
  const rows: Omit<RunFigures, 'tables'>[] = [];
  // Pairs in turn (container, then host), so both see the same stretch of the machine's load.
  for (let pair = 0; pair < Number(process.env.SMOKE_REPEAT ?? 1); pair++) {
    const { tables: box, ...boxRow } = await run('container', values.engine!, containerArgs);
    rows.push(boxRow);
    if (process.env.SMOKE_SKIP_HOST === '1') continue;
    const { tables: host, ...hostRow } = await run('host', process.execPath, hostArgs);
    rows.push(hostRow);
    const same = [...box.neighbours].filter(([item, ids]) => host.neighbours.get(item) === ids).length;
    console.log(
      `container vs host: neighbour lists with the same ids in the same order ${same} of ${box.neighbours.size} (host ${host.neighbours.size}); catalog ${box.catalog === host.catalog ? 'identical' : 'DIFFERENT'}; profiles ${box.profiles} and ${host.profiles}`,
    );
    if (box.catalog !== host.catalog || box.profiles !== host.profiles || box.neighbours.size !== host.neighbours.size)
      throw new Error('the container and the host published different tables from the same archive');
  }
  console.log('\nwhere              wall s    job s   peak RSS MB   keys   load (1/5/15 min) at the start');
  const line = (where: string, wall: number, job: number, peak: number, keys: number | string, load: string) =>
    console.log(
      `${where.padEnd(16)} ${wall.toFixed(1).padStart(8)} ${job.toFixed(1).padStart(8)} ${String(peak).padStart(13)} ${String(keys).padStart(6)}   ${load}`,
    );
  for (const r of rows) line(r.where, r.wallSeconds, r.jobSeconds, r.peakRssMB, r.keys, r.load);
  if (rows.length > 2)
    for (const where of ['container', 'host']) {
      const mine = rows.filter((r) => r.where === where);
      const median = (pick: (r: (typeof rows)[number]) => number) => mine.map(pick).sort((a, b) => a - b)[Math.floor(mine.length / 2)] ?? NaN;
      line(
        `median ${where}`,
        median((r) => r.wallSeconds),
        median((r) => r.jobSeconds),
        median((r) => r.peakRssMB),
        '',
        `${mine.length} runs`,
      );
    }

  /** Runs the job (in the container or on the host, with the command's environment), then checks what it recorded and published. */
  async function run(where: RunFigures['where'], bin: string, argv: string[]): Promise<RunFigures> {
    const load = loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    const started = performance.now();
    const child = spawn(bin, argv, {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...command.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const wallSeconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`${where}: the job exited ${code}:\n${output.slice(-3000)}`);
    if (output.includes(TOKEN) || output.includes(proxy.token)) throw new Error(`${where}: the job printed a token`);
    const db = openDatabase(local.d1);
    const [recorded] = await listRuns(db, 1);
    if (!recorded || recorded.trigger !== 'offline' || recorded.status !== 'published' || recorded.stats?.engine !== 'duckdb')
      throw new Error(`${where}: the newest run is not a published offline run: ${JSON.stringify(recorded)}`);
    if (await db.select().from(leases).where(eq(leases.name, 'rebuild')).get()) throw new Error(`${where}: the rebuild lease is still held`);
    const store = redisTableStore({ url: proxy.url, token: proxy.token });
    const manifest = await readManifest(store);
    if (manifest?.version !== recorded.version) throw new Error(`${where}: tables:current is ${manifest?.version}, the run published ${recorded.version}`);
    // What was published, read back whole: neighbour ids per item and the catalog, to compare the two runs.
    const nb = await readWholeTable<(string | number)[]>(store, manifest, 'nb');
    const ct = await readWholeTable(store, manifest, 'ct');
    const pf = await readWholeTable(store, manifest, 'pf');
    if (!nb.size || !ct.size || !pf.size) throw new Error(`${where}: empty tables in Redis (nb ${nb.size}, ct ${ct.size}, pf ${pf.size})`);
    const tables = {
      neighbours: new Map([...nb].map(([item, list]) => [item, list.filter((_, n) => n % 2 === 0).join(' ')])),
      catalog: createHash('sha256')
        .update(JSON.stringify([...ct].sort(([a], [b]) => (a < b ? -1 : 1))))
        .digest('hex'),
      profiles: pf.size,
    };
    const peak = output.match(/^peak RSS (\d+) MB$/m);
    const figures: RunFigures = {
      where,
      wallSeconds,
      jobSeconds: (recorded.durationMs ?? 0) / 1000,
      peakRssMB: peak ? Number(peak[1]) : NaN,
      version: recorded.version,
      keys: Number(recorded.stats?.keysWritten ?? 0),
      load,
      tables,
    };
    console.log(
      `${where}: exit 0, run ${recorded.version} recorded as published (trigger offline, engine duckdb), lease released, tables:current flipped to it; read back from Redis: ${nb.size} neighbour lists, ${ct.size} catalog items, ${pf.size} profiles`,
    );
    const phases = new Map<string, number>();
    for (const [, name, seconds] of output.matchAll(/^(\S.*?)\s+([\d.]+) s(?:\s|$)/gm)) phases.set(name!, (phases.get(name!) ?? 0) + Number(seconds));
    console.log(`${where} phases (s, summed over parts): ${[...phases].map(([name, s]) => `${name} ${s.toFixed(1)}`).join(', ')}`);
    console.log(`${where} settings: ${/^rebuild:offline: (DuckDB memory limit .*)$/m.exec(output)?.[1] ?? 'not printed'}`);
    return figures;
  }
} finally {
  await new Promise<void>((resolve) => d1.server.close(() => resolve()));
  await local.dispose();
  await proxy.close();
  await redis.close();
  rmSync(scratch, { recursive: true, force: true });
}
