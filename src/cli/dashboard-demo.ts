/**
 * Activity that fills every dashboard page on top of the demo shop, sent through the engine's
 * own API: an experiment on "for you" with shoppers exposed over four days (the popular arm
 * clicked more), a paced campaign picked and shown, chat questions answered and missed, two
 * rebuilds (so segments have sizes over time and RFM movement) and the roll-ups. Used by the
 * dashboard's browser test and `npm run bench:dashboard`.
 */
import { seededRandom } from '../random.ts';
import type { EngineClient } from './engine-client.ts';
import type { Keys } from './local-stack.ts';

const DAY = 86_400_000;

/** What the activity created. */
export interface DashboardDemo {
  experimentId: string;
  campaignId: string;
}

/** Sends the activity; the demo shop must be loaded first. `shoppers` for-you answers are shown, clicked and bought from. */
export async function loadDashboardActivity(engine: EngineClient, keys: Keys, shoppers = 160): Promise<DashboardDemo> {
  for (const message of ['can I pay with bitcoin?', 'do you ship to the moon', 'can I pay with bitcoin please', 'How do I return an item?', 'hello']) {
    await engine.request('POST', '/v1/chat', keys.ingest, { session: `dash-${message.length}`, message });
  }
  await expectPublished(engine, keys);
  const experiment = await engine.request<{ id: string }>('POST', '/v1/admin/experiments', keys.admin, {
    name: 'Personalised vs popular "for you"',
    surfaces: ['for-you'],
    arms: [
      { name: 'control', share: 0.5 },
      { name: 'popular', share: 0.5, config: { model: 'popularity' } },
    ],
    settings: { guardrails: [], minUsers: 30, minConversions: 5 },
  });
  const campaignId = 'winter-sale';
  await engine.request('PUT', `/v1/admin/campaigns/${campaignId}`, keys.admin, {
    name: 'Winter sale banner',
    creative: { title: 'Winter sale: 20% off outdoor gear' },
    placements: ['home-top'],
    goal: { type: 'impressions', total: 300 },
    startsAt: Date.now() - 3 * DAY,
    endsAt: Date.now() + 4 * DAY,
    caps: { perDay: 3, perSession: 2 },
  });
  const events: unknown[] = [];
  const now = Date.now();
  const random = seededRandom(14);
  for (let n = 1; n <= shoppers; n++) {
    const user = `shopper-${n}`;
    const answer = await engine.request<{ rid: string; arm?: string; items: { id: string }[] }>('GET', `/v1/recommend/for-you?user=${user}&k=6`, keys.ingest);
    const items = answer.items.map((i) => i.id);
    const exposedDaysAgo = n % 4;
    // Back on each later day: a new impression, clicked more often under the popular arm.
    for (let d = 0; d <= exposedDaysAgo; d++) {
      const ts = now - (exposedDaysAgo - d) * DAY - 3_600_000;
      events.push({ id: `dash-imp-${n}-${d}`, type: 'impression', user, rid: answer.rid, items, ts });
      if (random.chance(answer.arm === 'popular' ? 0.5 : 0.3) && items[d % items.length]) {
        events.push({ id: `dash-click-${n}-${d}`, type: 'click', user, rid: answer.rid, item: items[d % items.length], ts: ts + 1000 });
      }
    }
    if (random.chance(answer.arm === 'popular' ? 0.35 : 0.25) && items[0]) {
      events.push({ id: `dash-buy-${n}`, type: 'purchase', user, item: items[0], value: 1, ts: now - exposedDaysAgo * DAY - 1_800_000 });
    }
    if (n % 2 === 0) {
      const picked = await engine.request<{ decisions: { rid: string }[] }>('GET', `/v1/campaigns/pick?user=${user}&placement=home-top`, keys.ingest);
      for (const [i, decision] of picked.decisions.entries()) {
        events.push({ id: `dash-camp-${n}-${i}`, type: 'impression', user, rid: decision.rid, items: [campaignId] });
        if (n % 7 === 0) events.push({ id: `dash-camp-click-${n}-${i}`, type: 'click', user, rid: decision.rid, item: campaignId });
      }
    }
  }
  const posted = await engine.postEvents(events, keys.ingest);
  if (posted.rejected > 0) throw new Error(`${posted.rejected} of the dashboard's demo events were rejected`);
  await expectPublished(engine, keys);
  await engine.request('POST', '/v1/admin/rollup', keys.admin);
  for (let run = 0; run < 3; run++) {
    const res = await fetch(`${engine.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('*/5 * * * *')}`);
    if (!res.ok) throw new Error(`scheduled roll-up: ${res.status}`);
  }
  return { experimentId: experiment.id, campaignId };
}

async function expectPublished(engine: EngineClient, keys: Keys): Promise<void> {
  const run = await engine.rebuild(keys.admin);
  if (run.status !== 'published') throw new Error(`rebuild ${run.version}: ${run.status} ${run.error ?? ''}`);
}
