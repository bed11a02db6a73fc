import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, INGEST, call, rebuildThroughApi, send } from '../support/api.ts';

const DAY = 86_400_000;
const now = Date.now();
const P = 'seg';
const item = (n: number) => `${P}-item-${n}`;

/** Ten buyers b0..b9: buyer i bought i+1 times (10.00 each), last 10-i days ago. */
function buyerEvents(): object[] {
  const events: object[] = [];
  for (let i = 0; i < 10; i++) {
    const last = now - (10 - i) * DAY;
    for (let o = 0; o <= i; o++) {
      const ts = last - o * 3 * 3_600_000;
      const context = i === 9 ? { country: 'de', device: 'Mobile', source: 'newsletter' } : i === 1 ? { country: 'DE', device: 'desktop' } : undefined;
      events.push({ id: `${P}-b${i}-v${o}`, type: 'view', user: `${P}-b${i}`, item: item(o % 3), ts: ts - 60_000, ...(context && { context }) });
      events.push({ id: `${P}-b${i}-p${o}`, type: 'purchase', user: `${P}-b${i}`, item: item(o % 3), ts });
    }
  }
  for (const v of [1, 2, 3]) events.push({ id: `${P}-v${v}`, type: 'view', user: `${P}-v${v}`, item: item(4), ts: now - DAY });
  events.push({ id: `${P}-o1`, type: 'view', user: `${P}-o1`, item: item(4), ts: now - DAY, context: { optOut: true } });
  return events;
}

async function rebuild() {
  const run = await rebuildThroughApi();
  expect(run.status).toBe('published');
  return run;
}

async function lines(res: Response): Promise<Array<Record<string, unknown>>> {
  return new TextDecoder()
    .decode(await res.arrayBuffer())
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

let firstRefresh: Record<string, unknown>;

beforeAll(async () => {
  const items = [0, 1, 2, 3, 4].map((n) => ({ id: item(n), title: `Item ${n}`, categories: [n < 3 ? 'audio' : 'books'], price: 10 }));
  expect((await send('PUT', '/v1/items', { items }, ADMIN)).status).toBe(200);
  expect((await send('POST', '/v1/events', { events: buyerEvents() })).status).toBe(200);
  const segment = (body: object) => send('POST', '/v1/admin/segments', body, ADMIN);
  expect(
    (
      await segment({
        id: 'de-mobile',
        name: 'German mobile shoppers',
        match: 'all',
        rules: [
          { field: 'country', op: 'eq', value: 'DE' },
          { field: 'device', op: 'eq', value: 'mobile' },
        ],
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await segment({
        id: 'big-or-de',
        name: 'Big spenders or Germany',
        match: 'any',
        rules: [
          { field: 'monetary', op: 'gte', value: 80 },
          { field: 'country', op: 'eq', value: 'DE' },
        ],
      })
    ).status,
  ).toBe(201);
  expect((await send('POST', '/v1/admin/audiences', { id: 'likely-item-2', name: 'Likely to buy item 2', item: item(2) }, ADMIN)).status).toBe(201);
  firstRefresh = (await rebuild()).stats.segments as Record<string, unknown>;
});

describe('RFM on a known log', () => {
  it('scores buyers in quintiles and names their group, explained in words', async () => {
    expect(firstRefresh).toMatchObject({ profiles: 14, buyers: 10 });
    const res = await call(`/v1/admin/users/${P}-b9/profile`, { headers: ADMIN });
    expect(res.status).toBe(200);
    const profile = (await res.json()) as Record<string, any>;
    expect(profile.rfm).toMatchObject({ recencyDays: 1, orders: 10, monetary: 100, scores: [5, 5, 5], group: 'champions' });
    expect(profile.context).toEqual({ country: 'DE', device: 'mobile', source: 'newsletter' });
    expect(profile.categories[0]).toMatchObject({ category: 'audio' });
    expect(profile.explanation.purchases).toBe('Bought 10 times, last yesterday, spent 100.00 in total.');
    expect(profile.explanation.rfm).toContain('Champions');
    expect(profile.segments.map((s: { id: string }) => s.id).sort()).toEqual(['affinity:audio', 'big-or-de', 'de-mobile', 'rfm:champions']);
    expect(profile.explanation.segments).toBe('In RFM: Champions, Category affinity: audio, German mobile shoppers, Big spenders or Germany.');
    const groups = await Promise.all(
      [0, 3, 5, 7].map(async (i) => ((await (await call(`/v1/admin/users/${P}-b${i}/profile`, { headers: ADMIN })).json()) as any).rfm),
    );
    expect(groups.map((g) => [g.scores, g.group])).toEqual([
      [[1, 1, 1], 'hibernating'],
      [[2, 2, 2], 'hibernating'],
      [[3, 3, 3], 'need-attention'],
      [[4, 4, 4], 'loyal'],
    ]);
  });

  it('lists segments with sizes and explains a shopper with no purchase', async () => {
    const { segments } = (await (await call('/v1/admin/segments', { headers: ADMIN })).json()) as { segments: Array<Record<string, unknown>> };
    const size = (id: string) => segments.find((s) => s.id === id)?.size;
    expect(size('rfm:champions')).toBe(2);
    expect(size('de-mobile')).toBe(1);
    expect(size('big-or-de')).toBe(4);
    expect(size('new-visitors')).toBe(3);
    expect(segments.find((s) => s.id === 'new-visitors')).toMatchObject({ change: 3, joined: 3, left: 0, name: 'New visitors' });
    const visitor = (await (await call(`/v1/admin/users/${P}-v1/profile`, { headers: ADMIN })).json()) as any;
    expect(visitor.rfm).toBeNull();
    expect(visitor.explanation.purchases).toBe('Has not bought yet.');
  });
});

describe('product audiences', () => {
  it('ranks shoppers likely to buy an item who have not bought it, from the neighbour tables', async () => {
    const members = await lines(await call('/v1/admin/segments/likely-item-2/users', { headers: ADMIN }));
    expect(members.map((m) => m.user)).toEqual([`${P}-b0`, `${P}-b1`]);
    const [b0, b1] = members as Array<{ score: number }>;
    expect(b1!.score).toBeGreaterThan(b0!.score);
    const bad = await send('POST', '/v1/admin/audiences', { id: 'nothing', name: 'Nothing' }, ADMIN);
    expect(((await bad.json()) as any).error.field).toBe('item');
  });
});

describe('opt-out', () => {
  it('puts a shopper who opted out in no segment, and says so', async () => {
    const res = await call(`/v1/users/${P}-o1/segments`, { headers: INGEST });
    expect(await res.json()).toEqual({ segments: [] });
    const profile = (await (await call(`/v1/admin/users/${P}-o1/profile`, { headers: ADMIN })).json()) as any;
    expect(profile.optedOut).toBe(true);
    expect(profile.explanation.activity).toContain('Opted out');
  });
});

describe('request-time segments', () => {
  it('recomputes the current shopper from events logged after the rebuild', async () => {
    const fresh = `${P}-fresh`;
    expect((await call(`/v1/users/${fresh}/segments`, { headers: INGEST }).then((r) => r.json())) as object).toEqual({ segments: [] });
    await send('POST', '/v1/events', { events: [{ id: `${P}-f1`, type: 'view', user: fresh, item: item(1), context: { country: 'DE', device: 'mobile' } }] });
    const { segments } = (await (await call(`/v1/users/${fresh}/segments`, { headers: INGEST })).json()) as { segments: Array<{ id: string; name: string }> };
    expect(segments.map((s) => s.id).sort()).toEqual(['big-or-de', 'de-mobile', 'new-visitors']);
    expect(segments.find((s) => s.id === 'de-mobile')?.name).toBe('German mobile shoppers');
  });

  it('needs a key, and refuses bad rules naming the field', async () => {
    expect((await call(`/v1/users/${P}-b9/segments`)).status).toBe(401);
    expect((await call(`/v1/admin/users/${P}-b9/profile`, { headers: INGEST })).status).toBe(403);
    const bad = await send('POST', '/v1/admin/segments', { id: 'bad', name: 'Bad', rules: [{ field: 'shoeSize', op: 'eq', value: 'x' }] }, ADMIN);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.field).toBe('rules.0.field');
    const taken = await send('POST', '/v1/admin/segments', { id: 'de-mobile', name: 'Again', rules: [{ field: 'country', op: 'eq', value: 'FR' }] }, ADMIN);
    expect(taken.status).toBe(409);
  });
});

describe('export', () => {
  it('pages members as JSON lines and CSV, then gives only joins and leaves with since=', async () => {
    const first = await call('/v1/admin/segments/new-visitors/users?limit=2', { headers: ADMIN });
    expect(first.headers.get('content-type')).toContain('application/x-ndjson');
    const page1 = await lines(first);
    const cursor = first.headers.get('x-next-cursor');
    const since = first.headers.get('x-since');
    expect(page1.map((l) => l.user)).toEqual([`${P}-v1`, `${P}-v2`]);
    expect(cursor).toBe(`${P}-v2`);
    const second = await call(`/v1/admin/segments/new-visitors/users?limit=2&cursor=${cursor}`, { headers: ADMIN });
    expect((await lines(second)).map((l) => l.user)).toEqual([`${P}-v3`]);
    expect(second.headers.get('x-next-cursor')).toBeNull();
    const csv = await call('/v1/admin/segments/new-visitors/users?format=csv', { headers: ADMIN });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect((await csv.text()).split('\r\n')[0]).toBe('user,joinedAt,score');

    await send('POST', '/v1/events', {
      events: [
        { id: `${P}-v1-buys`, type: 'purchase', user: `${P}-v1`, item: item(4) },
        { id: `${P}-v4`, type: 'view', user: `${P}-v4`, item: item(3) },
      ],
    });
    await rebuild();
    const changes = await call(`/v1/admin/segments/new-visitors/users?since=${since}`, { headers: ADMIN });
    const diff = await lines(changes);
    expect(diff.map((l) => [l.user, l.change])).toEqual(
      expect.arrayContaining([
        [`${P}-v1`, 'leave'],
        [`${P}-v4`, 'join'],
      ]),
    );
    expect(diff.filter((l) => l.user !== `${P}-fresh`)).toHaveLength(2);
    const later = await call(`/v1/admin/segments/new-visitors/users?since=${changes.headers.get('x-since')}`, { headers: ADMIN });
    expect(await lines(later)).toEqual([]);
    const sizes = (await (await call('/v1/admin/segments/new-visitors/sizes', { headers: ADMIN })).json()) as { sizes: Array<{ size: number }> };
    expect(sizes.sizes.map((s) => s.size)).toEqual([3, 4]);
  });
});

describe('erasure and access requests', () => {
  it('exports everything about a shopper, then erasure removes the profile and memberships', async () => {
    const exported = (await (await call(`/v1/admin/users/${P}-b8/export`, { headers: ADMIN })).json()) as any;
    expect(exported.events.length).toBe(18);
    expect(exported.segmentProfile.facts.orders).toBe(9);
    expect(exported.segmentMemberships.map((m: { segment: string }) => m.segment)).toContain('rfm:champions');
    expect(exported.recommendationProfile).toMatchObject({ orders: 9 });
    const erased = (await (await call(`/v1/users/${P}-b8`, { method: 'DELETE', headers: ADMIN })).json()) as any;
    expect(erased.deleted.audiences).toBeGreaterThan(0);
    const profile = (await (await call(`/v1/admin/users/${P}-b8/profile`, { headers: ADMIN })).json()) as any;
    expect(profile.known).toBe(false);
    const members = await lines(await call('/v1/admin/segments/rfm:champions/users', { headers: ADMIN }));
    expect(members.map((m) => m.user)).toEqual([`${P}-b9`]);
  });
});

describe('experiment arms in the profile', () => {
  it('names the arm serving put the shopper in, for every experiment that served traffic', async () => {
    const created = await send(
      'POST',
      '/v1/admin/experiments',
      {
        name: 'Profile arms',
        surfaces: ['for-you'],
        arms: [
          { name: 'control', share: 0.5, config: { model: 'default' } },
          { name: 'popular', share: 0.5, config: { model: 'popularity' } },
        ],
      },
      ADMIN,
    );
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const draft = (await (await send('POST', '/v1/admin/experiments', { ...draftBody(), start: false }, ADMIN)).json()) as { id: string };
    try {
      for (const user of [`${P}-b3`, `${P}-b5`, `${P}-v1`, `${P}-v2`]) {
        const served = (await (await call(`/v1/recommend/for-you?user=${user}`, { headers: INGEST })).json()) as { experiment?: string; arm?: string };
        expect(served.experiment).toBe(id);
        const profile = (await (await call(`/v1/admin/users/${user}/profile`, { headers: ADMIN })).json()) as any;
        expect(profile.experiments).toEqual([{ experiment: id, name: 'Profile arms', status: 'running', arm: served.arm, armStopped: false }]);
        expect(profile.explanation.experiments).toBe(`In arm ${served.arm} of "Profile arms" (running).`);
        expect(profile.experiments.map((e: { experiment: string }) => e.experiment)).not.toContain(draft.id);
      }
      const exported = (await (await call(`/v1/admin/users/${P}-b3/export`, { headers: ADMIN })).json()) as any;
      expect(exported.experimentArms).toHaveLength(1);
    } finally {
      await send('POST', `/v1/admin/experiments/${id}/stop`, {}, ADMIN);
    }
    const after = (await (await call(`/v1/admin/users/${P}-b3/profile`, { headers: ADMIN })).json()) as any;
    expect(after.experiments[0]).toMatchObject({ experiment: id, status: 'stopped' });
    expect(after.explanation.experiments).toContain('(experiment stopped)');
  });
});

function draftBody() {
  return {
    name: 'Never started',
    surfaces: ['similar'],
    arms: [
      { name: 'control', share: 0.5, config: { model: 'default' } },
      { name: 'random', share: 0.5, config: { model: 'random' } },
    ],
  };
}
