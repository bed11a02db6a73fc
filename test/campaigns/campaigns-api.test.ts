import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ADMIN, INGEST, call, rows, send, uniq } from '../support/api.ts';

const DAY = 86_400_000;

async function putCampaign(id: string, body: object): Promise<Response> {
  return send('PUT', `/v1/admin/campaigns/${id}`, { name: id, creative: { title: `Title ${id}` }, ...body }, ADMIN);
}

async function pick(query: string): Promise<any> {
  const res = await call(`/v1/campaigns/pick?${query}`, { headers: INGEST });
  expect(res.status).toBe(200);
  return res.json();
}

describe('campaign pick', () => {
  it('answers the eligible campaigns in decision order with reasons and tracking events', async () => {
    const placement = uniq('pl');
    expect((await putCampaign(`${placement}-house`, { placements: [placement], tier: 'house' })).status).toBe(200);
    expect((await putCampaign(`${placement}-de`, { placements: [placement], tier: 'override', target: { countries: ['DE'] } })).status).toBe(200);
    const fr = await pick(`user=${uniq('u')}&placement=${placement}&count=3&country=FR`);
    expect(fr.decisions.map((d: any) => d.campaign.id)).toEqual([`${placement}-house`]);
    const de = await pick(`user=${uniq('u')}&placement=${placement}&count=3&country=DE`);
    expect(de.decisions.map((d: any) => d.campaign.id)).toEqual([`${placement}-de`, `${placement}-house`]);
    const [first] = de.decisions;
    expect(first.reason).toBe('override tier, targets shoppers in DE, weight 1 of 1 among 1 in the tier');
    expect(first.rid).toMatch(new RegExp(`^c~${placement}-de~`));
    expect(first.tracking.impression).toMatchObject({ type: 'impression', items: [`campaign:${placement}-de`], rid: first.rid });
  });

  it('reports its CPU apart from its D1 waits in Server-Timing, through the timed D1 binding', async () => {
    const placement = uniq('pl');
    await putCampaign(`${placement}-all`, { placements: [placement], caps: { perDay: 5 } });
    const res = await call(`/v1/campaigns/pick?user=${uniq('u')}&placement=${placement}`, { headers: INGEST });
    expect(((await res.json()) as any).decisions[0].campaign.id).toBe(`${placement}-all`);
    const [, cpu, store, total] = res.headers
      .get('server-timing')!
      .match(/^cpu;dur=([\d.]+), store;dur=([\d.]+), total;dur=([\d.]+)$/)!
      .map(Number);
    expect(store).toBeGreaterThan(0);
    expect(cpu! + store!).toBeCloseTo(total!, 2);
  });

  it('targets a segment the shopper joined a moment ago (request-time segments)', async () => {
    const placement = uniq('pl');
    await putCampaign(`${placement}-new`, { placements: [placement], target: { segments: ['new-visitors'] } });
    const user = uniq('u');
    expect((await pick(`user=${user}&placement=${placement}`)).decisions).toEqual([]);
    await send('POST', '/v1/events', { events: [{ id: uniq('e'), type: 'view', user, item: 'sku-1' }] });
    expect((await pick(`user=${user}&placement=${placement}`)).decisions[0].campaign.id).toBe(`${placement}-new`);
  });

  it('splits a tier by weight over many picks', async () => {
    const placement = uniq('pl');
    await putCampaign(`${placement}-a`, { placements: [placement], weight: 1 });
    await putCampaign(`${placement}-b`, { placements: [placement], weight: 3 });
    let b = 0;
    const picks = 200;
    for (let i = 0; i < picks; i++) if ((await pick(`user=u${i}&placement=${placement}`)).decisions[0].campaign.id === `${placement}-b`) b++;
    expect(b / picks).toBeGreaterThan(0.66);
    expect(b / picks).toBeLessThan(0.84);
  });

  it('never exceeds frequency caps under concurrent picks, per day and per session', async () => {
    const placement = uniq('pl');
    await putCampaign(`${placement}-capped`, { placements: [placement], caps: { perDay: 3, perSession: 2 } });
    const user = uniq('u');
    const concurrent = await Promise.all(Array.from({ length: 30 }, () => pick(`user=${user}&session=s1&placement=${placement}`)));
    expect(concurrent.filter((a) => a.decisions.length === 1)).toHaveLength(2);
    expect(concurrent.filter((a) => a.skipped[0]?.why === 'capped')).toHaveLength(28);
    const second = await Promise.all(Array.from({ length: 30 }, () => pick(`user=${user}&session=s2&placement=${placement}`)));
    expect(second.filter((a) => a.decisions.length === 1)).toHaveLength(1);
    const [cap] = await rows<{ day_count: number }>('SELECT day_count FROM campaign_caps WHERE campaign_id = ? AND user_id = ?', `${placement}-capped`, user);
    expect(cap!.day_count).toBe(3);
    const [counter] = await rows<{ served: number }>('SELECT served FROM campaign_counters WHERE campaign_id = ?', `${placement}-capped`);
    expect(counter!.served).toBe(3);
  });

  it('paces an impression goal evenly over the schedule, also under concurrent picks', async () => {
    const placement = uniq('pl');
    const now = Date.now();
    await putCampaign(`${placement}-paced`, {
      placements: [placement],
      goal: { type: 'impressions', total: 100 },
      startsAt: now - 5 * DAY,
      endsAt: now + 5 * DAY,
    });
    const answers = await Promise.all(Array.from({ length: 80 }, (_, i) => pick(`user=p${i}&placement=${placement}`)));
    const served = answers.filter((a) => a.decisions.length === 1).length;
    expect(served).toBe(51);
    const [counter] = await rows<{ served: number }>('SELECT served FROM campaign_counters WHERE campaign_id = ?', `${placement}-paced`);
    expect(counter!.served).toBe(51);
  });

  it('gives a shopper who opted out only untargeted campaigns and keeps no capping state', async () => {
    const placement = uniq('pl');
    await putCampaign(`${placement}-all`, { placements: [placement], caps: { perDay: 5 } });
    await putCampaign(`${placement}-de`, { placements: [placement], tier: 'override', target: { countries: ['DE'] }, caps: { perDay: 5 } });
    const user = uniq('u');
    await send('POST', '/v1/events', { events: [{ id: uniq('e'), type: 'view', user, item: 'sku-1', context: { optOut: true, country: 'DE' } }] });
    const answer = await pick(`user=${user}&placement=${placement}&count=2&country=DE`);
    expect(answer.optedOut).toBe(true);
    expect(answer.decisions.map((d: any) => d.campaign.id)).toEqual([`${placement}-all`]);
    const other = uniq('u');
    expect((await pick(`user=${other}&placement=${placement}&count=2&country=DE&optOut=true`)).decisions).toHaveLength(1);
    expect(await rows('SELECT * FROM campaign_caps WHERE user_id IN (?, ?)', user, other)).toEqual([]);
  });

  it('counts impressions and clicks sent through the event API with the rid', async () => {
    const placement = uniq('pl');
    await putCampaign(`${placement}-tracked`, { placements: [placement] });
    const user = uniq('u');
    const [decision] = (await pick(`user=${user}&placement=${placement}`)).decisions;
    const events = [
      { id: uniq('e'), ...decision.tracking.impression },
      { id: uniq('e'), ...decision.tracking.click },
    ];
    const posted = await send('POST', '/v1/events', { events });
    expect(await posted.json()).toMatchObject({ accepted: 2, rejected: [] });
    expect((await send('POST', '/v1/admin/campaigns/rollup', {}, ADMIN)).status).toBe(200);
    const { campaigns } = (await (await call('/v1/admin/campaigns', { headers: ADMIN })).json()) as { campaigns: any[] };
    expect(campaigns.find((c) => c.id === `${placement}-tracked`)).toMatchObject({ served: 1, impressions: 1, clicks: 1, ctr: 1 });
    await send('POST', '/v1/events', { events });
    await send('POST', '/v1/admin/campaigns/rollup', {}, ADMIN);
    const again = (await (await call('/v1/admin/campaigns', { headers: ADMIN })).json()) as { campaigns: any[] };
    expect(again.campaigns.find((c) => c.id === `${placement}-tracked`)).toMatchObject({ impressions: 1, clicks: 1 });
  });

  it('refuses bad campaigns naming the field, and needs the right keys', async () => {
    const bad = await send('PUT', '/v1/admin/campaigns/bad-one', { name: 'x', creative: { title: 't', link: 'javascript:alert(1)' } }, ADMIN);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.field).toBe('creative.link');
    expect((await send('PUT', '/v1/admin/campaigns/x1', { name: 'x', creative: { title: 't' } }, INGEST)).status).toBe(403);
    expect((await call('/v1/campaigns/pick?user=u&placement=p')).status).toBe(401);
    expect((await call('/v1/campaigns/pick?user=u', { headers: INGEST })).status).toBe(400);
  });
});

describe('campaign widget', () => {
  it('renders the banner with every string escaped and only safe URLs', async () => {
    const placement = uniq('pl');
    await send(
      'PUT',
      `/v1/admin/campaigns/${placement}-xss`,
      {
        name: 'x',
        placements: [placement],
        creative: { title: '<script>alert(1)</script>', text: '"quoted" & <b>', link: 'https://shop.example/sale?a=1&b=2', image: 'https://img.example/x.png' },
      },
      ADMIN,
    );
    const res = await call(`/v1/widgets/campaign?key=${env.INGEST_KEY}&user=${uniq('u')}&placement=${placement}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&quot;quoted&quot; &amp; &lt;b&gt;');
    expect(html).toContain('href="https://shop.example/sale?a=1&amp;b=2"');
    expect(html).toMatch(/data-rid="c~[^"]+"/);
    expect(html).toContain(`data-item="campaign:${placement}-xss"`);
    const empty = await (await call(`/v1/widgets/campaign?key=${env.INGEST_KEY}&user=u1&placement=${uniq('none')}`)).text();
    expect(empty).toContain('data-empty=""');
  });
});
