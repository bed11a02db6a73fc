/**
 * The experiments, audiences and chat pages in workerd: they render real data from the local D1,
 * every shop string inert, and their buttons change what they say, only from a signed-in,
 * same-origin form.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { assignArm } from '../../src/experiments/assignment.ts';
import { newRid } from '../../src/experiments/rid-tag.ts';
import { ORIGIN, post, signIn } from '../support/dashboard.ts';
import { ADMIN, INGEST, call, rebuildThroughApi, rows, send, uniq } from '../support/api.ts';

const HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(2)>'];

function expectInert(html: string, label: string): void {
  expect(html, label).not.toContain('<script>alert');
  expect(html, label).not.toContain('<img src=x');
  expect(html, label).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(html, label).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
}

async function page(path: string): Promise<string> {
  const res = await call(path, { headers: ADMIN });
  expect(res.status, path).toBe(200);
  return res.text();
}

async function status(id: string): Promise<{ status: string; promoted: string | null; stop_reason: string | null }> {
  const [row] = await rows<{ status: string; promoted: string | null; stop_reason: string | null }>(
    'SELECT status, promoted, stop_reason FROM experiments WHERE id = ?',
    id,
  );
  return row!;
}

/** An experiment on `surface` with shoppers exposed through rids of their arm over three days; the better arm gets clicked more. */
async function experimentWithData(surface: 'similar' | 'trending' | 'cart', name: string): Promise<string> {
  const created = await send(
    'POST',
    '/v1/admin/experiments',
    {
      name,
      surfaces: [surface],
      arms: [
        { name: 'control', share: 0.5 },
        { name: 'better', share: 0.5, config: { model: 'popularity' } },
      ],
      settings: { guardrails: [], minUsers: 20, minConversions: 0 },
    },
    ADMIN,
  );
  expect(created.status).toBe(201);
  const id = ((await created.json()) as { id: string }).id;
  const start = Date.now() - 3 * 86_400_000;
  const events: unknown[] = [];
  for (let u = 0; u < 240; u++) {
    const user = `${id}-u${u}`;
    const arm = assignArm(user, id, [0.5, 0.5]);
    const rid = newRid({ surface, experiment: id, armIndex: arm });
    const ts = start + u * 900_000;
    events.push({ id: uniq('e'), type: 'impression', user, items: ['sku-a', 'sku-b'], rid, ts });
    if (u % (arm === 1 ? 2 : 6) === 0) events.push({ id: uniq('e'), type: 'click', user, item: 'sku-a', rid, ts: ts + 10 });
    if (u % 5 === 0) events.push({ id: uniq('e'), type: 'purchase', user, item: 'sku-z', price: 20, ts: ts + 3_600_000 });
  }
  expect((await send('POST', '/v1/events', { events })).status).toBe(200);
  expect((await call('/v1/admin/rollup', { method: 'POST', headers: ADMIN })).status).toBe(200);
  return id;
}

describe('experiments page', () => {
  let id = '';
  const name = `Similar strip ${HOSTILE.join(' ')}`;

  beforeAll(async () => {
    id = await experimentWithData('similar', name);
  });

  it('lists experiments with SRM and verdict, every name inert', async () => {
    const html = await page('/dashboard/experiments');
    expect(html).toContain(`href="/dashboard/experiments/${id}"`);
    expectInert(html, 'list');
    expect(html).toMatch(/Sample ratio \(SRM\)[\s\S]*balanced/);
  });

  it("shows each arm's intervals and lift, SRM, the verdict and charts by days since exposure", async () => {
    const results = (await (await call(`/v1/admin/experiments/${id}/results`, { headers: ADMIN })).json()) as {
      verdict: { winner: string | null; reason: string };
      arms: { name: string; users: number; ctr: { lift: { value: number } | null } }[];
      bySinceExposure: unknown[];
    };
    expect(results.bySinceExposure.length).toBeGreaterThan(0);
    const html = await page(`/dashboard/experiments/${id}`);
    expectInert(html, 'detail');
    expect(html).toContain('Lift against control, with its interval');
    expect(html).toContain('by days since a shopper first saw the experiment');
    expect((html.match(/<svg/g) ?? []).length).toBe(3);
    const better = results.arms.find((a) => a.name === 'better')!;
    const lift = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 2 }).format(better.ctr.lift!.value);
    expect(html).toContain(lift);
    expect(results.verdict.winner).toBe('better');
    expect(html).toContain(`<strong>better</strong>`);
    for (const action of ['stop', 'promote']) expect(html).toContain(`action="/dashboard/experiments/${id}/${action}"`);
    expect(html).not.toContain(`action="/dashboard/experiments/${id}/start"`);
  });

  it('stops, restarts and promotes from the buttons; refuses cross-site and cookie-less posts, changing nothing', async () => {
    const cookie = await signIn();
    expect((await post(`/dashboard/experiments/${id}/stop`, cookie, 'https://evil.example')).status).toBe(403);
    expect((await post(`/dashboard/experiments/${id}/stop`, undefined, ORIGIN)).status).toBe(401);
    expect((await post(`/dashboard/experiments/${id}/promote`, cookie, 'https://evil.example', { arm: 'better' })).status).toBe(403);
    expect((await status(id)).status).toBe('running');

    const stopped = await post(`/dashboard/experiments/${id}/stop`, cookie, ORIGIN);
    expect(stopped.status).toBe(303);
    expect(stopped.headers.get('location')).toBe(`/dashboard/experiments/${id}?done=stop`);
    expect(await status(id)).toMatchObject({ status: 'stopped', stop_reason: 'stopped from the dashboard' });
    const after = await (await call(`/dashboard/experiments/${id}?done=stop`, { headers: { cookie } })).text();
    expect(after).toContain('Experiment stopped');
    expect(after).toContain(`action="/dashboard/experiments/${id}/start"`);

    expect((await post(`/dashboard/experiments/${id}/start`, cookie, ORIGIN)).status).toBe(303);
    expect((await status(id)).status).toBe('running');

    const wrongArm = await post(`/dashboard/experiments/${id}/promote`, cookie, ORIGIN, { arm: 'nobody' });
    expect(wrongArm.status).toBe(400);
    expect(await wrongArm.text()).toContain('No arm nobody');
    expect((await status(id)).status).toBe('running');

    expect((await post(`/dashboard/experiments/${id}/promote`, cookie, ORIGIN, { arm: 'better' })).status).toBe(303);
    expect(await status(id)).toMatchObject({ status: 'promoted', promoted: 'better' });
    const [defaults] = await rows<{ value: string }>("SELECT value FROM settings WHERE key = 'serving:defaults'");
    expect(JSON.parse(defaults!.value).similar).toMatchObject({ model: 'popularity' });
    const promoted = await (await call(`/dashboard/experiments/${id}`, { headers: { cookie } })).text();
    expect(promoted).not.toContain(`action="/dashboard/experiments/${id}/promote"`);
    expect(promoted).not.toContain(`action="/dashboard/experiments/${id}/start"`);
  });

  it('says why a start is refused (another experiment runs on the surface) with a 409 page', async () => {
    const cookie = await signIn();
    const draft = await send(
      'POST',
      '/v1/admin/experiments',
      {
        name: 'second',
        surfaces: ['trending'],
        start: false,
        arms: [
          { name: 'control', share: 0.5 },
          { name: 'b', share: 0.5 },
        ],
      },
      ADMIN,
    );
    const other = await send(
      'POST',
      '/v1/admin/experiments',
      {
        name: 'first',
        surfaces: ['trending'],
        arms: [
          { name: 'control', share: 0.5 },
          { name: 'b', share: 0.5 },
        ],
      },
      ADMIN,
    );
    expect(other.status).toBe(201);
    const draftId = ((await draft.json()) as { id: string }).id;
    const refused = await post(`/dashboard/experiments/${draftId}/start`, cookie, ORIGIN);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('already runs on trending');
    expect((await status(draftId)).status).toBe('draft');
    expect((await call('/dashboard/experiments/x-missing', { headers: ADMIN })).status).toBe(404);
  });
});

describe('audiences page', () => {
  const segmentName = `Big spenders ${HOSTILE.join(' ')}`;
  const campaignName = `Winter sale ${HOSTILE.join(' ')}`;
  const campaign = uniq('winter');

  beforeAll(async () => {
    const items = [0, 1, 2].map((n) => ({ id: `aud-item-${n}`, title: `Item ${n}`, categories: ['audio'], price: 25 }));
    expect((await send('PUT', '/v1/items', { items }, ADMIN)).status).toBe(200);
    const events: unknown[] = [];
    for (let b = 0; b < 12; b++)
      for (let o = 0; o <= b % 4; o++)
        events.push({ id: `aud-${b}-${o}`, type: 'purchase', user: `aud-b${b}`, item: `aud-item-${o % 3}`, ts: Date.now() - (b + o) * 86_400_000 });
    expect((await send('POST', '/v1/events', { events })).status).toBe(200);
    expect(
      (
        await send(
          'POST',
          '/v1/admin/segments',
          { id: 'big-spenders', name: segmentName, match: 'all', rules: [{ field: 'orders', op: 'gte', value: 2 }] },
          ADMIN,
        )
      ).status,
    ).toBe(201);
    expect((await rebuildThroughApi()).status).toBe('published');
    const saved = await send(
      'PUT',
      `/v1/admin/campaigns/${campaign}`,
      { name: campaignName, creative: { title: 'Sale' }, placements: ['home'], goal: { type: 'impressions', total: 100 }, caps: { perDay: 3, perSession: 2 } },
      ADMIN,
    );
    expect(saved.status).toBeLessThan(300);
    for (let i = 0; i < 5; i++) expect((await call(`/v1/campaigns/pick?user=aud-v${i}&placement=home`, { headers: INGEST })).status).toBe(200);
  });

  it('charts segment sizes and RFM movement, lists campaigns against their goal with caps, every name inert', async () => {
    const html = await page('/dashboard/audiences');
    expectInert(html, 'audiences');
    expect(html).toContain('RFM groups after each refresh');
    expect(html).toContain('Shoppers moving between RFM groups');
    expect(html).toMatch(/Delivery against goal[\s\S]*<svg/);
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(4);
    expect(html).toContain('href="/dashboard/audiences/export?segment=big-spenders&amp;format=csv"');
    expect(html).toContain('3 per day, 2 per session');
    expect(html).toMatch(/100 Impressions/);
  });

  it('speaks Chinese: labels, built-in segment names and RFM groups', async () => {
    const res = await call('/dashboard/audiences', { headers: { ...ADMIN, 'accept-language': 'zh-CN,zh;q=0.9' } });
    const html = await res.text();
    expect(html).toContain('<h1>人群</h1>');
    expect(html).toContain('RFM：冠军客户');
    expect(html).toContain('每次刷新后的 RFM 分组规模');
    expectInert(html, 'audiences zh');
  });

  it('exports a segment as CSV and JSON lines to a signed-in person, and to nobody else', async () => {
    const [count] = await rows<{ n: number }>("SELECT count(*) AS n FROM segment_members WHERE segment_id = 'big-spenders'");
    expect(count!.n).toBeGreaterThan(0);
    const cookie = await signIn();
    const csv = await call('/dashboard/audiences/export?segment=big-spenders&format=csv', { headers: { cookie } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toContain('big-spenders.csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('user,joinedAt,score');
    expect(lines.length - 1).toBe(count!.n);
    const jsonl = await (await call('/dashboard/audiences/export?segment=big-spenders', { headers: { cookie } })).text();
    expect(jsonl.trim().split('\n')).toHaveLength(count!.n);
    const anonymous = await call('/dashboard/audiences/export?segment=big-spenders&format=csv', { redirect: 'manual' });
    expect(anonymous.status).toBe(302);
  });
});

describe('chat page', () => {
  it('charts the share of questions answered per day (greetings left out)', async () => {
    const faq = uniq('faq-returns');
    const entries = [
      { id: faq, question: 'How do I return an item?', answer: 'Within 30 days.', lang: 'en' },
      { id: `${faq}-ship`, question: 'How long does delivery take?', answer: 'Two to four days.', lang: 'en' },
      { id: `${faq}-size`, question: 'Which size should I order?', answer: 'See the size chart.', lang: 'en' },
    ];
    expect((await send('PUT', '/v1/chat/faqs', { entries }, ADMIN)).status).toBe(200);
    const replies: string[] = [];
    for (const message of ['hello', 'How do I return an item?', 'can I pay with bitcoin?']) {
      const res = await send('POST', '/v1/chat', { message, session: uniq('s') });
      replies.push(((await res.json()) as { reason: string }).reason);
    }
    expect(replies).toEqual(['small_talk', 'answered', 'low_confidence']);
    const html = await page('/dashboard/chat');
    const figure = html.slice(html.indexOf('Share of shoppers’ questions answered'));
    expect(figure).toContain('<svg');
    const today = new Date().toISOString().slice(0, 10);
    expect(figure).toMatch(new RegExp(`<td>${today}</td>\\s*<td>50%</td>`));
  });
});

describe('recommendations page', () => {
  it('charts CTR per surface over time and the items recommended most, their titles inert', async () => {
    const id = uniq('sku-top');
    expect((await send('PUT', '/v1/items', { items: [{ id, title: `Kettle ${HOSTILE.join(' ')}`, categories: ['kitchen'], price: 30 }] }, ADMIN)).status).toBe(
      200,
    );
    const events: unknown[] = [];
    for (let u = 0; u < 40; u++) {
      const rid = newRid({ surface: 'cart' });
      events.push({ id: uniq('e'), type: 'impression', user: `top-${u}`, items: [id], rid });
      if (u % 4 === 0) events.push({ id: uniq('e'), type: 'click', user: `top-${u}`, item: id, rid });
      if (u % 8 === 0) events.push({ id: uniq('e'), type: 'purchase', user: `top-${u}`, item: id, rid, price: 30 });
    }
    expect((await send('POST', '/v1/events', { events })).status).toBe(200);
    expect((await call('/v1/admin/rollup', { method: 'POST', headers: ADMIN })).status).toBe(200);
    const html = await page('/dashboard/recommendations');
    expectInert(html, 'recommendations');
    const top = html.slice(html.indexOf('Most recommended items'));
    expect(top).toContain('<svg');
    expect(top).toMatch(/Kettle &lt;script&gt;[\s\S]*?<td>40<\/td>/);
    const ctr = html.slice(html.indexOf('Click-through rate of recommendations (Surface)'));
    expect(ctr).toMatch(/<th scope="col">cart<\/th>/);
    expect(ctr).toContain('<td>25%</td>');
    const conversion = html.slice(html.indexOf('Conversion (Surface)'));
    expect(conversion).toContain('<svg');
    expect(conversion).toContain('<td>12.5%</td>');
    const revenue = html.slice(html.indexOf('Revenue from recommendations (Surface)'));
    expect(revenue).toContain('<svg');
    expect(revenue).toMatch(/<td>150<\/td>/);
  });
});

describe('models page', () => {
  it("shows the model selection the last published run recorded: the winner, every candidate's scores, or why it was skipped", async () => {
    expect((await rebuildThroughApi()).status).toBe('published');
    const { runs } = (await (await call('/v1/admin/rebuilds?limit=100', { headers: ADMIN })).json()) as {
      runs: { status: string; stats: { selection?: { winner: string; skipped?: string; candidates: { name: string }[] } } }[];
    };
    const selection = runs.find((r) => r.status === 'published')!.stats.selection;
    expect(selection, 'the rebuild records its model selection').toBeDefined();
    const html = await page('/dashboard/models');
    if (selection!.candidates.length) {
      const figure = html.slice(html.indexOf('Candidates scored offline'));
      expect(figure).toContain('<svg');
      expect(figure).toContain('HR@10');
      expect(figure).toContain(`★ ${selection!.winner}`);
      for (const c of selection!.candidates) expect(figure).toContain(c.name === selection!.winner ? `★ ${c.name}` : c.name);
    } else {
      expect(html).toContain(`No selection in this run, the default model was published: ${selection!.skipped}`);
    }
  });
});
