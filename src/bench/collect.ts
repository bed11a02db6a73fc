/**
 * `npm run bench:collect`: collection throughput on the local stack (wrangler dev, local D1),
 * next to `GET /health` measured in the same run. Several clients send batches of 100 new
 * events for a fixed time and re-send 10% of their batches; afterwards the number of events
 * in D1 must equal the number of distinct events sent (nothing lost, nothing doubled).
 */
import { rmSync } from 'node:fs';
import { engineClient } from '../cli/engine-client.ts';
import { ensureDevVars, migrateLocal, queryLocalD1, startLocalStack, scratchState } from '../cli/local-stack.ts';
import { seededRandom } from '../random.ts';
import { fmt, median, throughput, benchNumber, step } from './measure.ts';

const ROUNDS = benchNumber('BENCH_ROUNDS', 3);
const SECONDS = benchNumber('BENCH_SECONDS', 8);
const CLIENTS = benchNumber('BENCH_CLIENTS', 4);
const BATCH = 100;

const { keys } = ensureDevVars();
const scratch = scratchState('bench-collect-');
migrateLocal(scratch);
const stack = await startLocalStack({ port: benchNumber('PORT', 8791), persistTo: scratch, vars: { RATE_LIMITS: 'off' } });
const engine = engineClient(stack.url);
const random = seededRandom(3);
const distinct = new Set<string>();
const sent: unknown[][] = [];
let eventNo = 0;
let resent = 0;

const newBatch = () =>
  Array.from({ length: BATCH }, () => {
    const id = `bench-${++eventNo}`;
    distinct.add(id);
    return {
      id,
      type: random.chance(0.9) ? 'view' : 'purchase',
      user: `u${random.int(1, 5000)}`,
      item: `i${random.int(1, 2000)}`,
      session: `s${random.int(1, 20000)}`,
    };
  });

const postBatch = async () => {
  const retry = sent.length > 0 && random.chance(0.1);
  const batch = retry ? (random.pick(sent) as unknown[]) : newBatch();
  if (retry) resent++;
  else sent.push(batch);
  const r = await engine.request<{ rejected: unknown[] }>('POST', '/v1/events', keys.ingest, { events: batch });
  if (r.rejected.length) throw new Error(`rejected events: ${JSON.stringify(r.rejected[0])}`);
};

const health: number[] = [];
const batches: number[] = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    step(`round ${round + 1}/${ROUNDS}`);
    health.push(await throughput(CLIENTS, SECONDS, async () => void (await (await fetch(`${stack.url}/health`)).text())));
    batches.push(await throughput(CLIENTS, SECONDS, postBatch));
  }
} finally {
  await stack.stop();
}

const counted = queryLocalD1<{ n: number }>('SELECT count(*) AS n FROM events', scratch)[0]?.n ?? -1;

const batchRate = median(batches);
const healthRate = median(health);
console.log(`collect benchmark: ${ROUNDS} rounds x ${SECONDS} s, ${CLIENTS} clients, batches of ${BATCH}, ~10% re-sent
  GET /health          ${fmt(healthRate)} req/s (median; rounds ${health.map((h) => fmt(h)).join(', ')})
  POST /v1/events      ${fmt(batchRate)} batches/s = ${fmt(batchRate * BATCH)} events/s (median; rounds ${batches.map((b) => fmt(b * BATCH)).join(', ')} events/s)
  ratio                ${fmt(batchRate / healthRate, 3)} batch requests per /health request; ${fmt((batchRate * BATCH) / healthRate, 2)} events per /health request
  integrity            sent ${distinct.size} distinct events (+${resent} re-sent batches); stored ${counted}: ${counted === distinct.size ? 'OK, nothing lost, nothing doubled' : 'MISMATCH'}`);
rmSync(scratch, { recursive: true, force: true });
if (counted !== distinct.size) process.exit(1);
