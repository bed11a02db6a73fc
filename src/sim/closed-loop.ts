/**
 * The closed loop through the real local endpoints: `wrangler dev` with local D1 and KV on a
 * scratch state folder, the demo shop loaded, simulated shoppers with hidden tastes and a
 * browsing history that shows them, then an experiment (personalised default as control
 * against popularity, random and the no-recommendations holdout) over simulated days: visits
 * request the widgets' JSON, see them, click and buy by taste and send the events, stamped with
 * the simulated day (the last `days` days before now, so the log reads as real days); after
 * each day the rebuild and the roll-up run and the results are read.
 */
import { rmSync } from 'node:fs';
import type { EventInput } from '../collect/event-schema.ts';
import { loadDemoShop } from '../cli/demo-shop.ts';
import { engineClient } from '../cli/engine-client.ts';
import { ensureDevVars, migrateLocal, startLocalStack, scratchState } from '../cli/local-stack.ts';
import { demoCatalog } from '../demo/catalog.ts';
import { type Random, seededRandom } from '../random.ts';
import { type SimCatalog, type SimShopper, type TasteModel, browse, simCatalog, simShoppers } from './shoppers.ts';
import { type Answer, type ShopApi, type Truth, visit } from './visit.ts';

/** Knobs of the closed loop. */
export interface LoopOptions {
  shoppers: number;
  days: number;
  /** Chance that a shopper visits on a given day. */
  visitChance: number;
  seed: number;
  port: number;
  /** Visits in flight at once. */
  concurrency: number;
  /**
   * Always-valid intervals. Default false: the verdict is read once, after the last day (the
   * daily lines are progress, not decisions); with true every daily look is valid.
   */
  sequential: boolean;
  /** Stop starting new days this many seconds after the experiment started (setup not counted). */
  timeLimitSeconds: number;
  model: TasteModel;
  log: (line: string) => void;
}

/** The experiment's arms: the personalised default is control. */
export const SIM_ARMS = [
  { name: 'personalised', share: 0.25, control: true, config: { model: 'default' } },
  { name: 'popular', share: 0.25, config: { model: 'popularity' } },
  { name: 'random', share: 0.25, config: { model: 'random' } },
  { name: 'holdout', share: 0.25, config: { holdout: true } },
] as const;

/** What the loop produced: the endpoint's results, the simulation's own counts, and the figures of the run. */
export interface LoopResult {
  experimentId: string;
  results: ExperimentResults;
  truth: Truth;
  days: number;
  visits: number;
  requests: number;
  events: number;
  seconds: number;
}

/** The results answer as far as the simulation reads it (the shapes fixed in issue 9). */
export interface ExperimentResults {
  arms: ({ name: string; users: number; impressions: number; clicks: number } & Record<string, unknown>)[];
  srm: { pValue: number | null; flagged: boolean } & Record<string, unknown>;
  verdict: { winner: string | null; reason: string } & Record<string, unknown>;
  [key: string]: unknown;
}

const DAY = 86_400_000;
const secs = (ms: number) => (ms / 1000).toFixed(0);

/** Runs the loop; always stops the local stack and removes its scratch state. */
export async function runClosedLoop(options: LoopOptions): Promise<LoopResult> {
  const started = Date.now();
  const { keys } = ensureDevVars();
  const scratch = scratchState('sim-');
  migrateLocal(scratch);
  // Every simulated shopper comes from one address: the per-IP limits would refuse them.
  const stack = await startLocalStack({ port: options.port, persistTo: scratch, vars: { RATE_LIMITS: 'off' } });
  try {
    const engine = engineClient(stack.url);
    const loaded = await loadDemoShop(engine, keys);
    options.log(`local stack on ${stack.url}: demo shop loaded (${loaded.products} products, ${loaded.events} events of 3,000 demo shoppers)`);

    const random = seededRandom(options.seed);
    const catalog = simCatalog(demoCatalog());
    const shoppers = simShoppers(catalog, options.shoppers, random);
    const history = warmUpHistory(shoppers, catalog, random, Date.now() - options.days * DAY);
    await engine.postEvents(history, keys.ingest);
    const rebuilt = await engine.rebuild(keys.admin);
    options.log(
      `${shoppers.length} simulated shoppers with hidden tastes, ${history.length} history events (the 2 weeks before); rebuild ${rebuilt.status} ${rebuilt.version}`,
    );

    const experiment = await engine.request<{ id: string }>('POST', '/v1/admin/experiments', keys.admin, {
      name: 'simulation: personalised vs popularity vs random vs holdout',
      surfaces: ['for-you', 'similar'],
      arms: SIM_ARMS,
      settings: { sequential: options.sequential, primaryMetric: 'conversion' },
    });
    options.log(`experiment ${experiment.id} running on for-you and similar: ${SIM_ARMS.map((a) => `${a.name} ${a.share}`).join(', ')}`);

    const truth: Truth = new Map();
    const api = shopApi(stack.url, keys.ingest);
    const firstDay = Date.now() - options.days * DAY;
    let visits = 0;
    let events = 0;
    let results: ExperimentResults | undefined;
    let day = 0;
    const experimentStarted = Date.now();
    while (day < options.days) {
      if ((Date.now() - experimentStarted) / 1000 > options.timeLimitSeconds) {
        options.log(`time limit of ${options.timeLimitSeconds} s reached after ${day} days`);
        break;
      }
      day++;
      const dayStarted = Date.now();
      const today = shoppers.filter(() => random.chance(options.visitChance));
      const buffer: EventInput[] = [];
      const flush = async () => {
        const batch = buffer.splice(0, buffer.length);
        if (batch.length) events += (await engine.postEvents(batch, keys.ingest)).accepted;
      };
      let next = 0;
      await Promise.all(
        Array.from({ length: options.concurrency }, async () => {
          while (next < today.length) {
            const shopper = today[next++]!;
            const own = seededRandom(options.seed * 7919 + day * 1_000_003 + Number(shopper.id.slice(4)));
            let ts = firstDay + (day - 1) * DAY + own.int(0, DAY - 3_600_000);
            const clock = () => (ts += own.int(5, 90) * 1000);
            buffer.push(...(await visit(shopper, { api, catalog, model: options.model, random: own, truth, clock, idPrefix: `d${day}` })));
            visits++;
            if (buffer.length >= 2000) await flush();
          }
        }),
      );
      await flush();
      const visited = Date.now();
      await engine.rebuild(keys.admin);
      const rebuiltAt = Date.now();
      await engine.request('POST', '/v1/admin/rollup', keys.admin);
      const rolledUp = Date.now();
      results = await engine.request<ExperimentResults>('GET', `/v1/admin/experiments/${experiment.id}/results`, keys.admin);
      options.log(
        `day ${day}/${options.days}: ${today.length} visits (${secs(visited - dayStarted)} s), rebuild ${secs(rebuiltAt - visited)} s, roll-up ${secs(rolledUp - rebuiltAt)} s, ` +
          `${events} events so far, ${secs(Date.now() - started)} s; ` +
          `users ${results.arms.map((a) => `${a.name} ${a.users}`).join(', ')}; ${options.sequential ? 'verdict' : 'interim reading'}: ${results.verdict.winner ?? 'none'} (${results.verdict.reason})`,
      );
    }
    if (!results) throw new Error('no simulated day ran');
    return { experimentId: experiment.id, results, truth, days: day, visits, requests: api.requests(), events, seconds: (Date.now() - started) / 1000 };
  } finally {
    await stack.stop();
    if (!process.env.KEEP) rmSync(scratch, { recursive: true, force: true });
  }
}

/** Two weeks of browsing before the experiment: 2-4 sessions of 3-6 views each, by taste. */
function warmUpHistory(shoppers: readonly SimShopper[], catalog: SimCatalog, random: Random, now: number): EventInput[] {
  const events: EventInput[] = [];
  for (const shopper of shoppers) {
    for (let s = random.int(2, 4); s > 0; s--) {
      let ts = now - random.int(1, 14) * DAY + random.int(0, 12 * 3600) * 1000;
      const session = `h${s}-${shopper.id}`;
      browse(shopper, catalog, random, random.int(3, 6)).forEach((p, i) =>
        events.push({ id: `${session}-${i}`, type: 'view', user: shopper.id, session, item: p.item.id, ts: (ts += 60_000) }),
      );
    }
  }
  return events;
}

/** The widgets' JSON endpoints, with a request counter. */
function shopApi(url: string, ingestKey: string): ShopApi & { requests(): number } {
  let requests = 0;
  const get = async (route: string): Promise<Answer> => {
    requests++;
    const res = await fetch(`${url}${route}`, { headers: { authorization: `Bearer ${ingestKey}` } });
    if (!res.ok) throw new Error(`GET ${route}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Answer;
  };
  return {
    forYou: (user, recent) => get(`/v1/recommend/for-you?user=${encodeURIComponent(user)}&k=8${recent.length ? `&recent=${recent.join(',')}` : ''}`),
    similar: (item, user) => get(`/v1/items/${encodeURIComponent(item)}/similar?k=6&user=${encodeURIComponent(user)}`),
    requests: () => requests,
  };
}
