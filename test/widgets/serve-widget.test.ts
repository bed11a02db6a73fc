import { describe, expect, it } from 'vitest';
import type { RecommendRequest, RecommendResponse } from '../../src/serve/types.ts';
import { NO_STORE, SHARED_CACHE } from '../../src/widgets/cache-policy.ts';
import { type WidgetCall, type WidgetDeps, serveWidget } from '../../src/widgets/serve-widget.ts';

/** A recommender that counts its calls (each call stands for a table read) and an in-memory edge cache. */
function fakes(answer: Partial<RecommendResponse> = {}, version: string | null = 'v7') {
  const calls: RecommendRequest[] = [];
  const stored = new Map<string, Response>();
  const cache = {
    async match(key: Request) {
      return stored.get(key.url)?.clone();
    },
    async put(key: Request, response: Response) {
      stored.set(key.url, response);
    },
  } as unknown as Cache;
  const deps: WidgetDeps = {
    async recommend(request) {
      calls.push(request);
      return { items: [{ id: 'a', title: 'A', price: 1, score: 1, reason: '', url: null, image: null }], version, rid: `r-${calls.length}`, ...answer };
    },
    servedVersion: async () => version,
    cache,
  };
  return { deps, calls, stored };
}

const similar = (extra: Partial<WidgetCall> = {}): WidgetCall => ({
  kind: 'similar',
  lang: 'en',
  request: { kind: 'similar', item: 'sku-1', k: 6, lang: 'en' },
  origin: 'https://engine.test',
  ...extra,
});

describe('serveWidget', () => {
  it('answers a second non-personal request from the cache without asking the recommender', async () => {
    const { deps, calls, stored } = fakes();
    const first = await serveWidget(deps, similar());
    expect(first.headers.get('x-cache')).toBe('miss');
    expect(first.headers.get('cache-control')).toBe(SHARED_CACHE);
    expect([...stored.keys()]).toEqual(['https://engine.test/v1/widgets/similar?item=sku-1&k=6&lang=en&v=v7']);
    expect(stored.get([...stored.keys()][0]!)?.headers.get('x-cache')).toBeNull();
    const second = await serveWidget(deps, similar());
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(await second.text()).toBe(await first.text());
    expect(calls).toHaveLength(1);
  });

  it('keys the cache and the ETag by table version', async () => {
    const old = fakes({}, 'v7');
    const next = fakes({}, 'v8');
    const [a, b] = await Promise.all([serveWidget(old.deps, similar()), serveWidget(next.deps, similar())]);
    expect(a.headers.get('etag')).toMatch(/^W\/"[0-9a-f]{24}"$/);
    expect(a.headers.get('etag')).not.toBe(b.headers.get('etag'));
  });

  it('keys the cache and the ETag by the catalog changes since the snapshot too', async () => {
    const { deps, calls, stored } = fakes();
    let stamp = '';
    deps.catalogStamp = async () => stamp;
    const before = await serveWidget(deps, similar());
    stamp = 'mfz3k1';
    const after = await serveWidget(deps, similar({ ifNoneMatch: before.headers.get('etag')! }));
    expect(after.status).toBe(200);
    expect(after.headers.get('x-cache')).toBe('miss');
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect([...stored.keys()].at(-1)).toBe('https://engine.test/v1/widgets/similar?item=sku-1&k=6&lang=en&v=v7%2Bmfz3k1');
    expect(calls).toHaveLength(2);
  });

  it('answers 304 to a matching If-None-Match without rendering', async () => {
    const { deps, calls } = fakes();
    const etag = (await serveWidget(deps, similar())).headers.get('etag')!;
    const res = await serveWidget(deps, similar({ ifNoneMatch: `"other", ${etag}` }));
    expect(res.status).toBe(304);
    expect(res.headers.get('etag')).toBe(etag);
    expect(await res.text()).toBe('');
    expect(calls).toHaveLength(1);
  });

  it('never caches a fallback answer, and marks it', async () => {
    const { deps, calls, stored } = fakes({ degraded: 'table store unavailable (timeout); answered from popular', version: null });
    const res = await serveWidget(deps, similar());
    expect(res.headers.get('cache-control')).toBe(NO_STORE);
    expect(res.headers.get('etag')).toBeNull();
    expect(await res.text()).toContain('data-degraded="table store unavailable (timeout); answered from popular"');
    await serveWidget(deps, similar());
    expect(stored.size).toBe(0);
    expect(calls).toHaveLength(2);
  });

  it('keeps personal answers private and out of the cache', async () => {
    const { deps, calls, stored } = fakes();
    for (const request of [
      { kind: 'for-you' as const, k: 6 },
      { kind: 'similar' as const, item: 'sku-1', k: 6, user: 'u-1' },
      { kind: 'trending' as const, k: 6, recent: ['sku-1'] },
    ]) {
      const res = await serveWidget(deps, similar({ kind: request.kind, request }));
      expect(res.headers.get('cache-control')).toBe(NO_STORE);
      expect(res.headers.get('etag')).toBeNull();
    }
    expect(calls).toHaveLength(3);
    expect(stored.size).toBe(0);
  });

  it('does not cache before the first rebuild', async () => {
    const { deps, stored } = fakes({}, null);
    const res = await serveWidget(deps, similar());
    expect(res.headers.get('cache-control')).toBe(NO_STORE);
    expect(stored.size).toBe(0);
  });
});
