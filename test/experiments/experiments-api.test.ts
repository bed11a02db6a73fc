import { beforeAll, describe, expect, it } from 'vitest';
import { demoCatalog } from '../../src/demo/catalog.ts';
import { demoBehaviour } from '../../src/demo/shoppers.ts';
import { parseRid } from '../../src/experiments/rid-tag.ts';
import { ADMIN, INGEST, call, rebuildThroughApi, send } from '../support/api.ts';

type Answer = { items: { id: string }[]; rid: string; experiment?: string; arm?: string };
type Experiment = { id: string; status: string; arms: { name: string; control: boolean; config: Record<string, unknown> }[]; promoted: string | null };

async function get(path: string): Promise<Answer> {
  const res = await call(path, { headers: INGEST });
  expect(res.status, path).toBe(200);
  return (await res.json()) as Answer;
}

async function create(body: unknown): Promise<Experiment> {
  const res = await send('POST', '/v1/admin/experiments', body, ADMIN);
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(201);
  return (await res.json()) as Experiment;
}

const catalog = demoCatalog();

beforeAll(async () => {
  expect((await send('PUT', '/v1/items', { items: catalog.map((p) => p.item) }, ADMIN)).status).toBe(200);
  const events = demoBehaviour(catalog, { shoppers: 150, days: 5, until: Date.now() - 120_000, seed: 5 });
  for (let i = 0; i < events.length; i += 1000) expect((await send('POST', '/v1/events', { events: events.slice(i, i + 1000) })).status).toBe(200);
  expect(await rebuildThroughApi()).toMatchObject({ status: 'published' });
});

describe('POST /v1/admin/experiments', () => {
  it('refuses bad input naming the field, and needs the admin key', async () => {
    const arms = [
      { name: 'control', share: 0.5, config: { model: 'default' } },
      { name: 'popular', share: 0.4, config: { model: 'popularity' } },
    ];
    const bad = async (body: unknown, field: string) => {
      const res = await send('POST', '/v1/admin/experiments', body, ADMIN);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
    };
    await bad({ name: 'x', surfaces: ['for-you'], arms }, 'arms');
    await bad({ name: 'x', surfaces: ['nowhere'], arms: [arms[0], { ...arms[1], share: 0.5 }] }, 'surfaces.0');
    await bad({ name: 'x', surfaces: ['cart'], arms: [arms[0], { ...arms[1], share: 0.5, config: { model: 'gpt' } }] }, 'arms.1.config.model');
    await bad({ name: 'x', surfaces: ['cart'], arms: [arms[0], { ...arms[0] }] }, 'arms.1.name');
    expect((await send('POST', '/v1/admin/experiments', { name: 'x' }, INGEST)).status).toBe(403);
  });

  it('answers 201 with the id; covered answers carry experiment and arm, stable per user and equal to the assignment endpoint', async () => {
    const experiment = await create({
      name: 'personalised vs popular',
      surfaces: ['for-you'],
      arms: [
        { name: 'control', share: 0.5, config: { model: 'default' } },
        { name: 'popular', share: 0.5, config: { model: 'popularity' } },
      ],
    });
    expect(experiment).toMatchObject({
      status: 'running',
      mode: 'fixed',
      arms: [
        { name: 'control', control: true },
        { name: 'popular', control: false },
      ],
    });
    expect(experiment.id).toMatch(/^x-/);

    const seen = new Map<string, number>();
    for (let u = 0; u < 16; u++) {
      const user = `exp-user-${u}`;
      const first = await get(`/v1/recommend/for-you?user=${user}&k=5`);
      expect(first.experiment).toBe(experiment.id);
      expect(['control', 'popular']).toContain(first.arm);
      expect((await get(`/v1/recommend/for-you?user=${user}&k=5`)).arm).toBe(first.arm);
      const tag = parseRid(first.rid);
      expect(tag).toMatchObject({ surface: 'for-you', experiment: experiment.id, armIndex: first.arm === 'control' ? 0 : 1 });
      const assigned = (await (await call(`/v1/admin/experiments/${experiment.id}/assignment?unit=${user}`, { headers: ADMIN })).json()) as { arm: string };
      expect(assigned.arm).toBe(first.arm);
      seen.set(first.arm!, (seen.get(first.arm!) ?? 0) + 1);
      if (first.arm === 'popular') expect(first.items.every((i) => typeof i.id === 'string')).toBe(true);
    }
    expect(seen.size).toBe(2);

    const anonymous = await get(`/v1/recommend/for-you?session=s-anon-1&k=5`);
    expect(anonymous.experiment).toBe(experiment.id);
    const uncovered = await get(`/v1/trending?user=exp-user-1&k=5`);
    expect(uncovered.experiment).toBeUndefined();
    expect(parseRid(uncovered.rid)).toEqual({ surface: 'trending' });

    const clash = await send(
      'POST',
      '/v1/admin/experiments',
      {
        name: 'clash',
        surfaces: ['for-you'],
        arms: [
          { name: 'a', share: 0.5 },
          { name: 'b', share: 0.5 },
        ],
      },
      ADMIN,
    );
    expect(clash.status).toBe(409);
    expect(((await clash.json()) as { error: { field: string } }).error.field).toBe('surfaces');

    const stopped = (await (await call(`/v1/admin/experiments/${experiment.id}/stop`, { method: 'POST', headers: ADMIN })).json()) as Experiment & {
      stopReason: string;
    };
    expect(stopped).toMatchObject({ status: 'stopped', stopReason: 'stopped by the shop' });
    expect((await get(`/v1/recommend/for-you?user=exp-user-1&k=5`)).experiment).toBeUndefined();
  }, 60_000);

  it('a draft serves nothing until started; a holdout arm answers no items; promote makes an arm the default', async () => {
    const experiment = await create({
      name: 'holdout',
      surfaces: ['trending'],
      start: false,
      arms: [
        { name: 'control', share: 0.5 },
        { name: 'none', share: 0.5, config: { holdout: true } },
      ],
    });
    expect(experiment.status).toBe('draft');
    expect((await get('/v1/trending?user=h-1&k=5')).experiment).toBeUndefined();
    expect((await (await call(`/v1/admin/experiments/${experiment.id}/start`, { method: 'POST', headers: ADMIN })).json()) as Experiment).toMatchObject({
      status: 'running',
    });
    const arms = new Map<string, Answer>();
    for (let u = 0; arms.size < 2 && u < 50; u++) {
      const answer = await get(`/v1/trending?user=h-${u}&k=5`);
      arms.set(answer.arm!, answer);
    }
    expect(arms.get('none')!.items).toEqual([]);
    expect(arms.get('control')!.items.length).toBe(5);

    const listed = (await (await call('/v1/admin/experiments', { headers: ADMIN })).json()) as { experiments: Experiment[] };
    expect(listed.experiments.map((e) => e.id)).toContain(experiment.id);

    const promoted = (await (await send('POST', `/v1/admin/experiments/${experiment.id}/promote`, { arm: 'none' }, ADMIN)).json()) as Experiment;
    expect(promoted).toMatchObject({ status: 'promoted', promoted: 'none' });
    const after = await get('/v1/trending?user=h-1&k=5');
    expect(after.experiment).toBeUndefined();
    expect(after.items).toEqual([]);
    expect((await send('POST', `/v1/admin/experiments/${experiment.id}/promote`, { arm: 'nope' }, ADMIN)).status).toBe(400);
    expect((await call('/v1/admin/experiments/x-missing', { headers: ADMIN })).status).toBe(404);
  }, 60_000);

  it('serves only inside its time range, and the roll-up stops it at its end recording why', async () => {
    const arms = [
      { name: 'control', share: 0.5 },
      { name: 'popular', share: 0.5, config: { model: 'popularity' } },
    ];
    const route = (u: number) => `/v1/items/${catalog[0]!.item.id}/bought-together?user=sched-${u}&k=5`;
    const reversed = await send(
      'POST',
      '/v1/admin/experiments',
      { name: 'reversed', surfaces: ['bought-together'], arms, startsAt: '2026-12-10', endsAt: '2026-12-09' },
      ADMIN,
    );
    expect(reversed.status).toBe(400);
    expect(((await reversed.json()) as { error: { field: string } }).error.field).toBe('endsAt');

    const later = await create({ name: 'later', surfaces: ['bought-together'], arms, startsAt: new Date(Date.now() + 86_400_000).toISOString() });
    expect(later).toMatchObject({ status: 'running', endsAt: null });
    for (let u = 0; u < 5; u++) expect((await get(route(u))).experiment).toBeUndefined();
    expect((await call(`/v1/admin/experiments/${later.id}/stop`, { method: 'POST', headers: ADMIN })).status).toBe(200);

    const ending = await create({ name: 'ending', surfaces: ['bought-together'], arms, endsAt: Date.now() + 1500 });
    expect((await get(route(1))).experiment).toBe(ending.id);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await get(route(1))).experiment).toBeUndefined();
    const rolled = (await (await call('/v1/admin/rollup', { method: 'POST', headers: ADMIN })).json()) as {
      experiments: { experiment: string; stopped?: string }[];
    };
    expect(rolled.experiments.find((e) => e.experiment === ending.id)?.stopped).toMatch(/^schedule: ended at 20\d\d-/);
    expect((await (await call(`/v1/admin/experiments/${ending.id}`, { headers: ADMIN })).json()) as Experiment).toMatchObject({ status: 'stopped' });
  }, 60_000);
});

describe('/openapi.json', () => {
  it('documents the experiments, results, roll-up and report routes with their shapes', async () => {
    const doc = (await (await call('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(Object.keys(doc.paths['/v1/admin/experiments']!)).toEqual(expect.arrayContaining(['get', 'post']));
    for (const path of [
      '/v1/admin/experiments/{id}',
      '/v1/admin/experiments/{id}/results',
      '/v1/admin/experiments/{id}/assignment',
      '/v1/admin/reports/recommendations',
    ])
      expect(doc.paths[path]?.get, path).toBeDefined();
    for (const path of ['/v1/admin/experiments/{id}/start', '/v1/admin/experiments/{id}/stop', '/v1/admin/experiments/{id}/promote', '/v1/admin/rollup'])
      expect(doc.paths[path]?.post, path).toBeDefined();
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['ExperimentInput', 'Experiment', 'ExperimentResults', 'RecommendationsReport', 'RollupOutcome']),
    );
    expect(JSON.stringify(doc.components.schemas.Recommendations)).toContain('"arm"');
  });
});
