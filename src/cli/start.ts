/**
 * `npm start`: the engine on localhost with embedded defaults. Creates `.dev.vars` with random
 * keys when missing, applies the D1 migrations to the local database, serves with
 * `wrangler dev --local`, loads the demo shop when the catalog is empty (not with `--no-demo`),
 * and rebuilds the tables.
 */
import { randomBytes } from 'node:crypto';
import { startRedisServer } from '../dev/redis-server.ts';
import { startUpstashProxy } from '../dev/upstash-proxy.ts';
import { isOn } from '../security/shopper-access.ts';
import { signUserToken } from '../security/user-token.ts';
import { parseCli } from './args.ts';
import { catalogKind, loadDemoShop } from './demo-shop.ts';
import { engineClient } from './engine-client.ts';
import { ensureDevVars, killRunningStacks, migrateLocal, startLocalStack } from './local-stack.ts';

const USAGE = `Usage: npm start [-- --no-demo]

Serves the engine on http://localhost:8787 (PORT=9000 npm start to move it) with local D1 and KV.
  --no-demo  do not load the demo shop into an empty catalog (npm run demo loads it later)
Also: TABLE_STORE=redis, REQUIRE_USER_TOKEN=true, VERBOSE=1.`;
const { values: flags } = parseCli(USAGE, { 'no-demo': { type: 'boolean', default: false } });
const port = Number(process.env.PORT ?? 8787);
let stopping = false;
let stop = async () => killRunningStacks();
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await stop();
  process.exit(0);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, shutdown);

const { keys, created } = ensureDevVars();
if (created) console.log('Created .dev.vars with new random keys.');
migrateLocal();
const redis = process.env.TABLE_STORE === 'redis' ? await startLocalRedis() : undefined;
const requireToken = isOn(process.env.REQUIRE_USER_TOKEN);
const stack = await startLocalStack({
  port,
  verbose: process.env.VERBOSE === '1',
  vars: { ...redis?.vars, ...(requireToken ? { REQUIRE_USER_TOKEN: 'true' } : {}) },
});
stop = async () => {
  await stack.stop();
  await redis?.close();
};
stack.process.on('exit', (code) => !stopping && process.exit(code ?? 1));

const engine = engineClient(stack.url);
const catalog = await catalogKind(engine, keys.admin);
if (catalog.kind === 'empty' && !flags['no-demo']) {
  const started = Date.now();
  const loaded = await loadDemoShop(engine, keys);
  console.log(
    `Loaded the demo shop: ${loaded.products} products, ${loaded.events} events, ${loaded.faqEntries} FAQ entries (${((Date.now() - started) / 1000).toFixed(1)} s).`,
  );
} else if (catalog.kind === 'empty') console.log('The catalog is empty (--no-demo): load your own items, or the demo shop with `npm run demo`.');
else if (catalog.kind === 'demo' && flags['no-demo'])
  console.log(`The catalog still holds the demo shop (${catalog.items} products): \`npm run reset\` empties it.`);
else if (catalog.kind === 'own') console.log('Your own catalog is loaded; the demo shop is not added to it.');

if (catalog.kind !== 'empty' || !flags['no-demo']) {
  const rebuilt = await engine.rebuild(keys.admin);
  const stats = rebuilt.stats as { events?: number; neighbourPairs?: number };
  console.log(
    `Rebuilt the recommendation tables: ${rebuilt.status} ${rebuilt.version} (${stats.events ?? 0} events, ${stats.neighbourPairs ?? 0} neighbour pairs).`,
  );
}

if (requireToken) {
  const token = await signUserToken(keys.userTokenSecret, 'me', 3600);
  console.log(`REQUIRE_USER_TOKEN is on: the ingest key acts only for the shopper a user token names. A token for "me" (1 h):
  curl -H "Authorization: Bearer ${keys.ingest}" -H "X-User-Token: ${token}" ${stack.url}/v1/recommend/for-you`);
}
if (redis) console.log(`Tables are in Redis (a local redis-server behind the Upstash REST stand-in at ${redis.vars.UPSTASH_REDIS_REST_URL}).`);
const u = stack.url;
console.log(`
edge-personalize is running on ${u}

  Ingest key (public): ${keys.ingest}
  Admin key (secret):  ${keys.admin}
  (from .dev.vars; delete that file to get new ones)

Try:
  curl ${u}/health
  curl ${u}/openapi.json
  curl -H "Authorization: Bearer ${keys.admin}" ${u}/v1/items/sku-audio-earbuds-1
  curl -X POST -H "Authorization: Bearer ${keys.admin}" ${u}/v1/admin/rebuild
  curl -H "Authorization: Bearer ${keys.admin}" ${u}/v1/admin/rebuilds
  curl -H "Authorization: Bearer ${keys.ingest}" -H "content-type: application/json" \\
       -d '{"events":[{"id":"try-1","type":"view","user":"me","item":"sku-audio-earbuds-1"}]}' ${u}/v1/events

Press Ctrl-C to stop.`);

/** A throwaway redis-server behind the Upstash REST stand-in, for `TABLE_STORE=redis npm start`. */
async function startLocalRedis() {
  const server = await startRedisServer();
  const token = randomBytes(16).toString('base64url');
  const proxy = await startUpstashProxy({ redisPort: server.port, token });
  return {
    vars: { TABLE_STORE: 'redis', UPSTASH_REDIS_REST_URL: proxy.url, UPSTASH_REDIS_REST_TOKEN: token },
    async close() {
      await proxy.close();
      await server.close();
    },
  };
}
